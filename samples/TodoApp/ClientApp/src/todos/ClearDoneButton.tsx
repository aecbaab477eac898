import type { ListOwner, Todo } from "./todoApi";
import { useClearDone } from "./todoMutations";

/**
 * Deletes the list's done todos. The server does it in one statement, which EF Core does not see, so that endpoint
 * declares the tags it invalidates; the lists refresh from its invalidation like from any other.
 */
export function ClearDoneButton({ owner = null, todos }: { owner?: ListOwner; todos: readonly Todo[] }) {
  const clear = useClearDone(owner);
  const done = todos.filter((todo) => todo.done).length;
  return (
    <p className="clear-done">
      <button type="button" className="danger small" disabled={done === 0 || clear.isPending} onClick={() => clear.mutate()}>
        {owner === null ? "Clear done" : "Clear my done"}
      </button>
      {clear.error && <span role="alert">{clear.error.message}</span>}
    </p>
  );
}
