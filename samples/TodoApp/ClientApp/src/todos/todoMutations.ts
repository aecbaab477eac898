import { useTagInvalidationClient } from "@querytags/signalr/react";
import { useMutation } from "@tanstack/react-query";
import { appTags } from "../appTags";
import { clearDone, createTodo, deleteTodo, updateTodo, type ListOwner, type TodoChange } from "./todoApi";

// The server invalidates a todo's tags after every change (its EF Core model declares them), and that message
// refreshes every window. The answer to a change names the invalidations it published (QueryTags-Invalidation-Id):
// the window that made it applies them at once, and their pushes, when they come, refetch nothing here again. One
// fetch per change, without waiting for the push. `owner` picks the list (null: the shared one).

/** Applies a change's invalidations to `tags`: what the server invalidates for it (TodoTags.cs), as far as this window holds them. */
function useApply() {
  const client = useTagInvalidationClient();
  return (invalidationId: string | null, tags: readonly (readonly (string | number)[])[]) => {
    if (invalidationId) {
      client.apply({ id: invalidationId, tags });
    }
  };
}

/** The tags of todo `id` (TodoTags.Of): its list, and itself. */
const todoTags = (owner: ListOwner, id: number) =>
  owner === null ? [appTags.todos.list(), appTags.todos.byId(id)] : [appTags.user.todos(owner), appTags.user.todoById(owner, id)];

export const useCreateTodo = (owner: ListOwner = null) => {
  const apply = useApply();
  return useMutation({
    mutationFn: (title: string) => createTodo(owner, title),
    onSuccess: ({ result, invalidationId }) => apply(invalidationId, todoTags(owner, result.id)),
  });
};

export const useUpdateTodo = (owner: ListOwner = null) => {
  const apply = useApply();
  return useMutation({
    mutationFn: ({ id, change }: { id: number; change: TodoChange }) => updateTodo(owner, id, change),
    onSuccess: ({ invalidationId }, { id }) => apply(invalidationId, todoTags(owner, id)),
  });
};

export const useDeleteTodo = (owner: ListOwner = null) => {
  const apply = useApply();
  return useMutation({
    mutationFn: (id: number) => deleteTodo(owner, id),
    onSuccess: ({ invalidationId }, id) => apply(invalidationId, todoTags(owner, id)),
  });
};

/** Clear done's answer names the invalidation its endpoint declared (a statement EF Core does not see). */
export const useClearDone = (owner: ListOwner = null) => {
  const apply = useApply();
  return useMutation({
    mutationFn: () => clearDone(owner),
    // What the endpoint invalidates (TodoTags.AllOf): the list and every todo in it.
    onSuccess: ({ invalidationId }) =>
      apply(invalidationId, owner === null ? [appTags.todos.list(), appTags.todos.every()] : [appTags.user.todos(owner), appTags.user.every(owner)]),
  });
};
