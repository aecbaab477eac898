import { defineTags } from "@querytags/signalr";

/**
 * Every tag the app's queries carry. The server invalidates the same tags (TodoEndpoints.cs) after each
 * change: `["todos"]` for the lists and `["todo", id]` for one todo.
 */
export const appTags = defineTags({
  todos: {
    list: () => ["todos"],
    byId: (id: number) => ["todo", id],
  },
});
