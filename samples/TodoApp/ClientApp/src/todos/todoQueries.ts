import { withTags } from "@querytags/signalr";
import { queryOptions } from "@tanstack/react-query";
import { appTags } from "../appTags";
import { fetchTodo, fetchTodos } from "./todoApi";

/** Every todo, refetched when the server invalidates `["todos"]`. */
export const todoListQuery = () => withTags(queryOptions({ queryKey: ["todos"], queryFn: fetchTodos }), [appTags.todos.list()]);

/** One todo (null once deleted), refetched when the server invalidates `["todo", id]`. */
export const todoQuery = (id: number) =>
  withTags(queryOptions({ queryKey: ["todo", id], queryFn: () => fetchTodo(id) }), [appTags.todos.byId(id)]);
