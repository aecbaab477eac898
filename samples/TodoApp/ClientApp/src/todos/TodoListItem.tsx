import { Link } from "@tanstack/react-router";
import type { ListOwner, Todo } from "./todoApi";
import { useDeleteTodo, useUpdateTodo } from "./todoMutations";

/** A todo of the shared list (its title links to its own route) or of `owner`'s own list. */
export function TodoListItem({ todo, owner = null }: { todo: Todo; owner?: ListOwner }) {
  const update = useUpdateTodo(owner);
  const remove = useDeleteTodo(owner);
  return (
    <li className="todo-item" data-testid="todo-item" data-todo-id={todo.id} data-done={todo.done}>
      <input type="checkbox" aria-label={`Done: ${todo.title}`} checked={todo.done} onChange={() => update.mutate({ id: todo.id, change: { done: !todo.done } })} />
      {owner === null ? (
        <Link to="/todos/$todoId" params={{ todoId: todo.id }} className={todo.done ? "done" : undefined}>
          {todo.title}
        </Link>
      ) : (
        <span className={todo.done ? "title done" : "title"}>{todo.title}</span>
      )}
      <button type="button" className="danger small" aria-label={`Delete ${todo.title}`} onClick={() => remove.mutate(todo.id)}>
        Delete
      </button>
      {(update.error ?? remove.error) && <span role="alert">{(update.error ?? remove.error)?.message}</span>}
    </li>
  );
}
