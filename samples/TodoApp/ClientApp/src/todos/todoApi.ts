import { send, sendChange } from "../api";

/** A todo as the API returns it (TodoApp's Todo.cs). */
export interface Todo {
  readonly id: number;
  readonly title: string;
  readonly done: boolean;
  readonly updatedAt: string;
  /** The user whose own list holds it, or null for the shared list. */
  readonly owner: string | null;
}

/** What `PATCH /api/todos/{id}` changes; a member left out stays as it is. */
export interface TodoChange {
  readonly title?: string;
  readonly done?: boolean;
}

/**
 * Which list: null for the shared one (`/api/todos`), or the name of the signed-in user for their own
 * (`/api/me/todos`, which the server answers from the session cookie).
 */
export type ListOwner = string | null;

const listUrl = (owner: ListOwner) => (owner === null ? "/api/todos" : "/api/me/todos");

export const fetchTodos = (owner: ListOwner): Promise<Todo[]> => send("GET", listUrl(owner));

/** The shared todo, or null when it does not exist (any more). */
export const fetchTodo = (id: number): Promise<Todo | null> => send("GET", `/api/todos/${id}`, undefined, { notFound: null });

/** A change's answer, and the ids of the invalidations its saves published (see `sendChange`). */
export type Changed<T> = { result: T; invalidationId: string | null };

export const createTodo = (owner: ListOwner, title: string): Promise<Changed<Todo>> => sendChange("POST", listUrl(owner), { title });

export const updateTodo = (owner: ListOwner, id: number, change: TodoChange): Promise<Changed<Todo>> => sendChange("PATCH", `${listUrl(owner)}/${id}`, change);

/** Deletes the todo; one that is already gone counts as deleted. */
export const deleteTodo = (owner: ListOwner, id: number): Promise<Changed<void>> =>
  sendChange("DELETE", `${listUrl(owner)}/${id}`, undefined, { notFound: undefined });

/** Deletes every done todo of the list, in one go; answers how many there were, and the id of the invalidation it published. */
export const clearDone = (owner: ListOwner): Promise<Changed<{ deleted: number }>> => sendChange("DELETE", `${listUrl(owner)}/done`);
