import { expect, vi } from "vitest";
import { createTagInvalidationClient, type TagInvalidationClient } from "../../src/index.js";
import { eventually, testServerForFile } from "./fixture.js";
import type { TestServer } from "./testServer.js";

// The app every TanStack adapter's test mounts: todos 5 and 6, each a query tagged ["todo", id], kept fresh over the
// real hub while the app is mounted. Only the mounting is the adapter's; what the app must do is checked here.

/** Fetches counted per todo id, written by {@link todoQuery}'s query function. */
export type TodoFetches = Record<number, number>;

/** The options of todo `id`'s query, as each adapter's component passes them: tagged, fresh until invalidated. */
export function todoQuery(id: number, fetches: TodoFetches) {
  return {
    queryKey: ["todo", id],
    queryFn: async () => `todo ${id}, fetch ${(fetches[id] = (fetches[id] ?? 0) + 1)}`,
    staleTime: Infinity,
    meta: { tags: [["todo", id]] },
  };
}

/** A test server for the file that admits jsdom's page: its WebSocket sends the page's Origin, which the hub checks. */
export function todoAppServer(): { readonly server: TestServer } {
  return testServerForFile({ args: [`--TagInvalidation:AllowedOrigins:0=${location.origin}`] });
}

/** A client of the test server's hub, quiet, whose first subscribe adds no margin. */
export function todoAppClient(server: TestServer): TagInvalidationClient {
  return createTagInvalidationClient({ url: server.hubUrl, logger: { log: () => {} }, firstSubscribeMarginMs: 0 });
}

/** A mounted todo app, as its adapter's test sees it. */
export interface MountedTodoApp {
  /** The text todo `id` shows: "todo 5, fetch 2", or "loading". */
  shown(id: number): string | null | undefined;
  /** Unmounts the app, which disconnects it from the query cache and stops the client (or the test does it after). */
  unmount(): unknown;
}

/**
 * Checks a mounted todo app: both todos show their first fetch and hold their tags on the hub; an invalidation of
 * ["todo", 5] refetches todo 5 and not todo 6, then one of ["todo", 6] todo 6 and not todo 5; unmounting leaves the
 * query cache without listeners and the hub without the connection.
 */
export async function expectTodoAppKeptFresh(
  { server, client, queryClient, fetches, errors }: { server: TestServer; client: TagInvalidationClient; queryClient: { getQueryCache(): { hasListeners(): boolean } }; fetches: TodoFetches; errors: Error[] },
  app: MountedTodoApp,
): Promise<void> {
  try {
    await vi.waitFor(() => expect([app.shown(5), app.shown(6)]).toEqual(["todo 5, fetch 1", "todo 6, fetch 1"]), eventually);
    await vi.waitFor(() => expect(client.heldTags).toEqual(expect.arrayContaining([["todo", 5], ["todo", 6]])), eventually);
    expect(client.heldTags).toHaveLength(2);
    await vi.waitFor(() => expect(client.state.get()).toEqual({ status: "connected", error: undefined, role: "own" }), eventually);
    // The hub has answered the subscribe of both tags (one call: the app adds both queries in one render), so its
    // groups are joined. An invalidation published while that call was in flight could arrive twice, live and as
    // missed in its answer, and refetch twice, as it should.
    await vi.waitFor(() => expect(client.cursor).not.toBeNull(), eventually);

    // One invalidation refetches its matching queries in one call, so had it matched the other todo too, that
    // todo's fetch would have started (and been counted) by the time this one shows.
    await server.invalidate([["todo", 5]]);
    await vi.waitFor(() => expect(app.shown(5)).toBe("todo 5, fetch 2"), eventually);
    expect(fetches).toEqual({ 5: 2, 6: 1 });
    await server.invalidate([["todo", 6]]);
    await vi.waitFor(() => expect(app.shown(6)).toBe("todo 6, fetch 2"), eventually);
    expect(fetches).toEqual({ 5: 2, 6: 2 });
    expect(errors).toEqual([]);
  } finally {
    await app.unmount();
  }

  await vi.waitFor(() => expect(client.status.get()).toBe("disconnected"), eventually);
  expect(queryClient.getQueryCache().hasListeners()).toBe(false);
  await vi.waitFor(async () => expect(await server.openConnections()).toBe(0), eventually);
}
