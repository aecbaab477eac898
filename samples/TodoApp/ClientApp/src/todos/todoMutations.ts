import { useTagInvalidationClient } from "@querytags/signalr/react";
import { useMutation } from "@tanstack/react-query";
import { appTags } from "../appTags";
import { clearDone, createTodo, deleteTodo, updateTodo, type ListOwner, type TodoChange } from "./todoApi";

// Most of these invalidate no query themselves: the server invalidates the todo's tags after every change, and
// that message refreshes this window exactly as it refreshes every other one. `owner` picks the list (null: the
// shared one).

export const useCreateTodo = (owner: ListOwner = null) => useMutation({ mutationFn: (title: string) => createTodo(owner, title) });

export const useUpdateTodo = (owner: ListOwner = null) =>
  useMutation({ mutationFn: ({ id, change }: { id: number; change: TodoChange }) => updateTodo(owner, id, change) });

export const useDeleteTodo = (owner: ListOwner = null) => useMutation({ mutationFn: (id: number) => deleteTodo(owner, id) });

/**
 * Clear done's answer names the invalidation it published (a declarative endpoint's header): this window applies it
 * at once, and its push, when it comes, refetches nothing here again. One fetch per change, without waiting for
 * the push.
 */
export const useClearDone = (owner: ListOwner = null) => {
  const client = useTagInvalidationClient();
  return useMutation({
    mutationFn: () => clearDone(owner),
    onSuccess: ({ invalidationId }) => {
      if (invalidationId) {
        // What the endpoint invalidates (TodoTags.AllOf): the list and every todo in it.
        const tags = owner === null ? [appTags.todos.list(), appTags.todos.every()] : [appTags.user.todos(owner), appTags.user.every(owner)];
        client.apply({ id: invalidationId, tags });
      }
    },
  });
};
