import { useMutation } from "@tanstack/react-query";
import { clearDone, createTodo, deleteTodo, updateTodo, type ListOwner, type TodoChange } from "./todoApi";

// None of these invalidates a query itself: the server invalidates the todo's tags after every change, and
// that message refreshes this window exactly as it refreshes every other one. `owner` picks the list (null:
// the shared one).

export const useCreateTodo = (owner: ListOwner = null) => useMutation({ mutationFn: (title: string) => createTodo(owner, title) });

export const useUpdateTodo = (owner: ListOwner = null) =>
  useMutation({ mutationFn: ({ id, change }: { id: number; change: TodoChange }) => updateTodo(owner, id, change) });

export const useDeleteTodo = (owner: ListOwner = null) => useMutation({ mutationFn: (id: number) => deleteTodo(owner, id) });

export const useClearDone = (owner: ListOwner = null) => useMutation({ mutationFn: () => clearDone(owner) });
