import { defineTags } from "@querytags/signalr";

/**
 * Every tag the app's queries carry. The server invalidates the same tags (TodoTags.cs: declared on its EF Core
 * model, so every saved change publishes them) and caches its GETs under them: `["todos"]` and `["todo", id]` for
 * the shared list, `["user", name, "todos"]` and `["user", name, "todo", id]` for a user's own list, which the hub
 * lets only that user's connections hold.
 */
export const appTags = defineTags({
  todos: {
    list: () => ["todos"],
    byId: (id: number) => ["todo", id],
    /** Every shared todo, by the prefix of their tags. */
    every: () => ["todo"],
  },
  user: {
    todos: (user: string) => ["user", user, "todos"],
    todoById: (user: string, id: number) => ["user", user, "todo", id],
    every: (user: string) => ["user", user, "todo"],
  },
});
