import { HttpTransportType, type IHubProtocol } from "@microsoft/signalr";
import { QueryClient, QueryObserver, type QueryKey } from "@tanstack/query-core";
import { describe, expect, test, vi } from "vitest";
import {
  connectTagInvalidation,
  createTagInvalidationClient,
  withTags,
  type TagInvalidationClient,
  type Tag,
  type TagInvalidationStatus,
} from "../../src/index.js";
import { matrix } from "./matrix.js";
import { cleanupsAfterEach, eventually, testServerForFile } from "./fixture.js";

// The real @microsoft/signalr client against the real hub, over every transport and protocol it carries.

const context = testServerForFile();
const cleanups = cleanupsAfterEach();

async function connected(transport: HttpTransportType, protocol: IHubProtocol, firstSubscribeMarginMs = 0) {
  const errors: Error[] = [];
  const client = createTagInvalidationClient({
    url: context.server.hubUrl,
    transport,
    protocol,
    logger: { log: () => {} },
    // Long enough to invalidate while the client is away.
    reconnectPolicy: { nextRetryDelayInMilliseconds: () => 500 },
    // The tests share a server and reuse tags: no margin unless asked, so a first subscribe reports only what
    // happened after the test asked for its tags.
    firstSubscribeMarginMs,
  });
  const queryClient = new QueryClient();
  cleanups.push(() => client.stop());
  cleanups.push(connectTagInvalidation({ queryClient, client, onError: (error) => errors.push(error) }));

  /** A cached query that counts its fetches: active with an observer, or inactive with data only. */
  async function cached(queryKey: QueryKey, tags: Tag[] | undefined, { active = true } = {}) {
    let fetches = 0;
    const options = { queryKey, queryFn: async () => ++fetches, staleTime: Infinity };
    const tagged = tags ? withTags(options, tags) : options;
    if (active) {
      cleanups.push(new QueryObserver(queryClient, tagged).subscribe(() => {}));
      await vi.waitFor(() => expect(fetches).toBe(1));
    } else {
      await queryClient.prefetchQuery(tagged);
    }

    return {
      get fetches() {
        return fetches;
      },
      get invalidated() {
        return queryClient.getQueryState(queryKey)?.isInvalidated;
      },
    };
  }

  return { client, queryClient, errors, cached };
}

function statuses(client: TagInvalidationClient): TagInvalidationStatus[] {
  const seen: TagInvalidationStatus[] = [];
  cleanups.push(client.status.subscribe((status) => seen.push(status)));
  return seen;
}

describe.each(matrix)("$name", ({ transport, protocol }) => {
  test("a server invalidation refetches exactly the matching active queries and marks matching inactive ones stale", async () => {
    const { client, errors, cached } = await connected(transport, protocol());
    const todo5 = await cached(["todo", 5], [["todo", 5]]);
    const comments = await cached(["todo", 5, "comments"], [["todo", 5, "comments"]]);
    const history = await cached(["todo", 5, "history"], [["todo", 5, "history"]], { active: false });
    const todo6 = await cached(["todo", 6], [["todo", 6]]);
    const todos = await cached(["todos"], [["todos"]]);
    const user5 = await cached(["user", 5], [["user", 5]]);
    const otherInactive = await cached(["todo", 6, "history"], [["todo", 6, "history"]], { active: false });
    const untagged = await cached(["settings"], undefined);
    const sentinel = await cached(["sentinel"], [["sentinel"]]);
    await client.start();

    await context.server.invalidate([["todo", 5]]);
    await vi.waitFor(() => expect([todo5.fetches, comments.fetches]).toEqual([2, 2]), eventually);
    // A sentinel after it: had ["todo", 5] reached another query, it would have refetched by the time this shows.
    await context.server.invalidate([["sentinel"]]);
    await vi.waitFor(() => expect(sentinel.fetches).toBe(2), eventually);
    expect(history).toMatchObject({ fetches: 1, invalidated: true });
    for (const other of [todo6, todos, user5, otherInactive, untagged]) {
      expect(other).toMatchObject({ fetches: 1, invalidated: false });
    }
    expect(errors).toEqual([]);
  });

  test("a change made between a query's first fetch and the client's first subscribe is refetched", async () => {
    // The default margin, so the trip to the server cannot hide the change; fresh tags keep other tests out.
    const { client, errors, cached } = await connected(transport, protocol(), 2000);
    const page = `${Date.now()}-${Math.random()}`;
    const fetchedEarly = await cached(["page", page, 1], [["page", page, 1]]);
    const untouched = await cached(["page", page, 2], [["page", page, 2]]);

    // The page fetched its data before the connection was up; this change lands before the first subscribe.
    await context.server.invalidate([["page", page, 1]]);
    await client.start();

    await vi.waitFor(() => expect(fetchedEarly.fetches).toBe(2), eventually);
    expect(untouched.fetches).toBe(1);
    expect(errors).toEqual([]);
  });

  test("the largest integers and strings with escapes make the same tag on both sides", async () => {
    const { client, errors, cached } = await connected(transport, protocol());
    const big = await cached(["big"], [["todo", 9007199254740991]]);
    const negative = await cached(["negative"], [["todo", -9007199254740991]]);
    const text = await cached(["text"], [["note", 'line\n"quoted" é 😀 </script>']]);
    await client.start();

    await context.server.invalidate([["todo", 9007199254740991], ["note", 'line\n"quoted" é 😀 </script>']]);

    await vi.waitFor(() => expect([big.fetches, text.fetches]).toEqual([2, 2]), eventually);
    // Both tags arrived in that one message: the negative one was matched (or not) with them.
    expect(negative.fetches).toBe(1);
    expect(errors).toEqual([]);
  });

  test("after a server-side abort the client reconnects, subscribes again and refetches what was invalidated while it was down", async () => {
    const { client, errors, cached } = await connected(transport, protocol());
    const todos = await cached(["todos"], [["todos"]]);
    const one = await cached(["todo", 1], [["todo", 1]]);
    const two = await cached(["todo", 2], [["todo", 2]]);
    await client.start();
    const seen = statuses(client);

    expect(await context.server.abortConnections()).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(seen).toContain("reconnecting"), eventually);
    await context.server.invalidate([["todo", 2]]);
    // Sent while the client was away: only the cursor can bring it back.
    expect(client.status.get()).toBe("reconnecting");

    await vi.waitFor(() => expect(two.fetches).toBe(2), eventually);
    expect(seen.at(-1)).toBe("connected");
    expect([todos.fetches, one.fetches]).toEqual([1, 1]);

    await context.server.invalidate([["todos"]]);
    await vi.waitFor(() => expect(todos.fetches).toBe(2), eventually);
    expect(one.fetches).toBe(1);
    expect(errors).toEqual([]);
  });
});
