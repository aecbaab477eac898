import { useSuspenseQuery } from "@tanstack/react-query";
import { createRoute } from "@tanstack/react-router";
import { sessionQuery } from "../session/sessionApi";
import { AddTodoForm } from "../todos/AddTodoForm";
import { ClearDoneButton } from "../todos/ClearDoneButton";
import { MyTodoList } from "../todos/MyTodoList";
import { todoListQuery } from "../todos/todoQueries";
import { TodoListItem } from "../todos/TodoListItem";
import { rootRoute } from "./rootRoute";

export const todoListRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  loader: async ({ context: { queryClient } }) => {
    const { user } = await queryClient.ensureQueryData(sessionQuery());
    // The own list is prefetched, not awaited as a must: if it fails, its section shows why and the page still works.
    await Promise.all([queryClient.ensureQueryData(todoListQuery()), user === null ? undefined : queryClient.prefetchQuery(todoListQuery(user))]);
  },
  component: TodoListPage,
});

function TodoListPage() {
  const { data: todos } = useSuspenseQuery(todoListQuery());
  const { data: session } = useSuspenseQuery(sessionQuery());
  return (
    <>
      <section aria-labelledby="list-heading" data-testid="shared-todos">
        <h1 id="list-heading">All todos</h1>
        <AddTodoForm />
        {todos.length === 0 ? (
          <p className="muted">No todos yet.</p>
        ) : (
          <>
            <ul className="todo-list" data-testid="todo-list">
              {todos.map((todo) => (
                <TodoListItem key={todo.id} todo={todo} />
              ))}
            </ul>
            <ClearDoneButton todos={todos} />
          </>
        )}
      </section>
      {session.user === null ? (
        <p className="muted my-list">Sign in as a sample user (at the top) to keep a list of your own beside this one. There is no password: it is a sample.</p>
      ) : (
        <MyTodoList user={session.user} />
      )}
    </>
  );
}
