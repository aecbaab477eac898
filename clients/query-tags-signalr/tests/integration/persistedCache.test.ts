import { dehydrate, hydrate, QueryClient, QueryObserver, type DehydratedState, type QueryKey } from "@tanstack/query-core";
import { describe, expect, test, vi } from "vitest";
import { connectTagInvalidation, createTagInvalidationClient, withTags, type Tag } from "../../src/index.js";
import { queryCursorsKey, trackQueryCursors, type QueryCursors } from "../../src/persist/index.js";
import { cleanupsAfterEach, countedQuery, eventually, testServerForFile } from "./fixture.js";

// A cache saved with its cursors and restored in a new page, on the real hub: the restored queries ask the hub from
// where their data dates, and only those whose tags changed meanwhile refetch.

const context = testServerForFile();
const cleanups = cleanupsAfterEach();

function page(state?: DehydratedState) {
  // No margin on a first subscribe's age: a change made before the page opened is reported only from a restored cursor.
  const client = createTagInvalidationClient({ url: context.server.hubUrl, logger: { log: () => {} }, shareConnection: false, firstSubscribeMarginMs: 0 });
  const queryClient = new QueryClient();
  cleanups.push(() => client.stop(), trackQueryCursors({ queryClient, client }), connectTagInvalidation({ queryClient, client, coalesceWindowMs: 0 }));
  if (state) {
    hydrate(queryClient, state);
  }

  const fetches: Record<string, number> = {};
  /** Shows a query: with restored data it fetches nothing until invalidated. */
  const show = (queryKey: QueryKey, tags: Tag[]) => {
    const key = JSON.stringify(queryKey);
    fetches[key] = 0;
    cleanups.push(new QueryObserver(queryClient, withTags({ queryKey, staleTime: Infinity, queryFn: async () => ++fetches[key]! }, tags)).subscribe(() => {}));
  };
  const cached = (queryKey: QueryKey, tags: Tag[]) => countedQuery(queryClient, cleanups, fetches, queryKey, tags);
  return { client, queryClient, fetches, show, cached };
}

/** A page that showed the todos and todo 7, saved (through JSON, as a persister does) and closed. */
async function closedPage(): Promise<DehydratedState> {
  const first = page();
  await first.client.start();
  await first.cached(["todos"], [["todos"]]);
  await first.cached(["todo", 7], [["todo", 7]]);
  await vi.waitFor(() => expect(Object.keys(first.queryClient.getQueryData<QueryCursors>(queryCursorsKey)?.queries ?? {})).toHaveLength(2), eventually);
  const state = JSON.parse(JSON.stringify(dehydrate(first.queryClient))) as DehydratedState;
  await first.client.stop();
  return state;
}

/** Reopens a page from `state`, and proves with a sentinel query that whatever the restore refetches has been fetched. */
async function reopened(state: DehydratedState) {
  const second = page(state);
  second.show(["todos"], [["todos"]]);
  second.show(["todo", 7], [["todo", 7]]);
  // A tag of its own: the server's log is the file's, and a sentinel of an earlier test is within a new page's age.
  const sentinel = ["sentinel", crypto.randomUUID()];
  await second.cached(["sentinel"], [sentinel]);
  await second.client.start();
  // Invalidated after the restore's answer, so fetched after anything that answer refetched.
  await context.server.invalidate([sentinel]);
  await vi.waitFor(() => expect(second.fetches['["sentinel"]']).toBe(2), eventually);
  return second;
}

describe("a restored cache on the real hub", () => {
  test("refetches nothing when nothing changed while it was closed", async () => {
    const state = await closedPage();
    const second = await reopened(state);
    expect(second.fetches).toEqual({ '["todos"]': 0, '["todo",7]': 0, '["sentinel"]': 2 });
  });

  test("refetches exactly the queries whose tags changed while it was closed", async () => {
    const state = await closedPage();
    await context.server.invalidate([["todo", 7]]);
    const second = await reopened(state);
    await vi.waitFor(() => expect(second.fetches).toEqual({ '["todos"]': 0, '["todo",7]': 1, '["sentinel"]': 2 }), eventually);
  });

  test("refetches every restored query when the hub cannot tell (a cursor of another epoch)", async () => {
    const state = await closedPage();
    const record = state.queries.find((query) => query.queryKey[0] === queryCursorsKey[0])!.state.data as { queries: Record<string, [string, number]> };
    Object.values(record.queries).forEach((entry) => (entry[0] = `another-epoch:${entry[0].split(":").at(-1)}`));
    const second = page(state);
    second.show(["todos"], [["todos"]]);
    second.show(["todo", 7], [["todo", 7]]);
    await second.client.start();
    await vi.waitFor(() => expect(second.fetches).toEqual({ '["todos"]': 1, '["todo",7]': 1 }), eventually);
  });
});
