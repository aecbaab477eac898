import { Link } from "@tanstack/react-router";
import type { Todo } from "./todoApi";
import { useDeleteTodo, useUpdateTodo } from "./todoMutations";

export function TodoListItem({ todo }: { todo: Todo }) {
  const update = useUpdateTodo();
  const remove = useDeleteTodo();
  return (
    <li className="todo-item" data-testid="todo-item" data-todo-id={todo.id} data-done={todo.done}>
      <input type="checkbox" aria-label={`Done: ${todo.title}`} checked={todo.done} onChange={() => update.mutate({ id: todo.id, change: { done: !todo.done } })} />
      <Link to="/todos/$todoId" params={{ todoId: todo.id }} className={todo.done ? "done" : undefined}>
        {todo.title}
      </Link>
      <button type="button" className="danger small" aria-label={`Delete ${todo.title}`} onClick={() => remove.mutate(todo.id)}>
        Delete
      </button>
      {(update.error ?? remove.error) && <span role="alert">{(update.error ?? remove.error)?.message}</span>}
    </li>
  );
}
