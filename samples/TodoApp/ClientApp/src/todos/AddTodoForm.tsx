import { useState, type FormEvent } from "react";
import { useCreateTodo } from "./todoMutations";

export function AddTodoForm() {
  const [title, setTitle] = useState("");
  const create = useCreateTodo();

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(title, { onSuccess: () => setTitle("") });
  }

  return (
    <form className="inline-form" onSubmit={submit}>
      <input aria-label="New todo" placeholder="What needs doing?" value={title} onChange={(event) => setTitle(event.target.value)} />
      <button type="submit" disabled={create.isPending}>
        Add
      </button>
      {create.error && <p role="alert">{create.error.message}</p>}
    </form>
  );
}
