import { useQuery } from "@tanstack/react-query";
import { AddTodoForm } from "./AddTodoForm";
import { ClearDoneButton } from "./ClearDoneButton";
import { todoListQuery } from "./todoQueries";
import { TodoListItem } from "./TodoListItem";

/**
 * The signed-in user's own list. Its query is keyed and tagged by the user's name (`["user", name, "todos"]`),
 * so the server's invalidations of it reach only this user's windows, and another user never finds it cached.
 */
export function MyTodoList({ user }: { user: string }) {
  const { data: todos, error } = useQuery(todoListQuery(user));
  return (
    <section aria-labelledby="my-list-heading" className="my-list" data-testid="my-todos" data-owner={user}>
      <h2 id="my-list-heading">{user}'s own todos</h2>
      <p className="muted">Only {user} sees these, and only {user}'s windows hear when they change.</p>
      <AddTodoForm owner={user} />
      {error ? (
        <p role="alert">{error.message}</p>
      ) : todos === undefined ? (
        <p className="muted">Loading…</p>
      ) : todos.length === 0 ? (
        <p className="muted">Nothing of {user}'s own yet.</p>
      ) : (
        <>
          <ul className="todo-list">
            {todos.map((todo) => (
              <TodoListItem key={todo.id} todo={todo} owner={user} />
            ))}
          </ul>
          <ClearDoneButton owner={user} todos={todos} />
        </>
      )}
    </section>
  );
}
