import { useSuspenseQuery } from "@tanstack/react-query";
import { createRoute } from "@tanstack/react-router";
import { AddTodoForm } from "../todos/AddTodoForm";
import { todoListQuery } from "../todos/todoQueries";
import { TodoListItem } from "../todos/TodoListItem";
import { rootRoute } from "./rootRoute";

export const todoListRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/",
  loader: ({ context }) => context.queryClient.ensureQueryData(todoListQuery()),
  component: TodoListPage,
});

function TodoListPage() {
  const { data: todos } = useSuspenseQuery(todoListQuery());
  return (
    <section aria-labelledby="list-heading">
      <h1 id="list-heading">All todos</h1>
      <AddTodoForm />
      {todos.length === 0 ? (
        <p className="muted">No todos yet.</p>
      ) : (
        <ul className="todo-list" data-testid="todo-list">
          {todos.map((todo) => (
            <TodoListItem key={todo.id} todo={todo} />
          ))}
        </ul>
      )}
    </section>
  );
}
