import { useMutation } from "@tanstack/react-query";
import { createTodo, deleteTodo, updateTodo, type TodoChange } from "./todoApi";

// None of these invalidates a query itself: the server invalidates the todo's tags after every change, and
// that message refreshes this window exactly as it refreshes every other one.

export const useCreateTodo = () => useMutation({ mutationFn: (title: string) => createTodo(title) });

export const useUpdateTodo = () => useMutation({ mutationFn: ({ id, change }: { id: number; change: TodoChange }) => updateTodo(id, change) });

export const useDeleteTodo = () => useMutation({ mutationFn: (id: number) => deleteTodo(id) });
