import { useState, type FormEvent } from "react";
import type { ListOwner } from "./todoApi";
import { useCreateTodo } from "./todoMutations";

/** Adds a todo to the shared list, or to the signed-in user's own when `owner` is given. */
export function AddTodoForm({ owner = null }: { owner?: ListOwner }) {
  const [title, setTitle] = useState("");
  const create = useCreateTodo(owner);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(title, { onSuccess: () => setTitle("") });
  }

  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        aria-label={owner === null ? "New todo" : "New private todo"}
        placeholder={owner === null ? "What needs doing?" : `What does ${owner} alone need to do?`}
        value={title}
        onChange={(event) => setTitle(event.target.value)}
      />
      <button type="submit" disabled={create.isPending}>
        {owner === null ? "Add" : "Add privately"}
      </button>
      {create.error && <p role="alert">{create.error.message}</p>}
    </form>
  );
}
