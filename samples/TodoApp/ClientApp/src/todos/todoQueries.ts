import { withTags } from "@querytags/signalr";
import { queryOptions } from "@tanstack/react-query";
import { appTags } from "../appTags";
import { fetchTodo, fetchTodos, type ListOwner } from "./todoApi";

/**
 * A list's todos. The shared list is refetched when the server invalidates `["todos"]`; a user's own list, keyed
 * and tagged by the user's name, when it invalidates `["user", name, "todos"]`.
 */
export const todoListQuery = (owner: ListOwner = null) =>
  owner === null
    ? withTags(queryOptions({ queryKey: ["todos"], queryFn: () => fetchTodos(null) }), [appTags.todos.list()])
    : withTags(queryOptions({ queryKey: ["user", owner, "todos"], queryFn: () => fetchTodos(owner) }), [appTags.user.todos(owner)]);

/** Every query of a user's own data starts with this key: `["user", name, ...]`. */
export const userQueriesKey = ["user"] as const;

/** One shared todo (null once deleted), refetched when the server invalidates `["todo", id]`. */
export const todoQuery = (id: number) =>
  withTags(queryOptions({ queryKey: ["todo", id], queryFn: () => fetchTodo(id) }), [appTags.todos.byId(id)]);
