import { useState, type FormEvent } from "react";
import type { Todo } from "./todoApi";
import { useUpdateTodo } from "./todoMutations";

export function RenameTodoForm({ todo }: { todo: Todo }) {
  const [title, setTitle] = useState(todo.title);
  const update = useUpdateTodo();

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ id: todo.id, change: { title } });
  }

  return (
    <form className="inline-form" onSubmit={submit}>
      <input aria-label="Title" value={title} onChange={(event) => setTitle(event.target.value)} />
      <button type="submit" disabled={update.isPending || title === todo.title}>
        Rename
      </button>
      {update.error && <p role="alert">{update.error.message}</p>}
    </form>
  );
}
