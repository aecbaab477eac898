import { LogLevel } from "@microsoft/signalr";
import { dehydrate, hydrate, QueryClient, QueryObserver, type DehydratedState, type QueryKey } from "@tanstack/query-core";
import { persistQueryClientRestore, persistQueryClientSave } from "@tanstack/query-persist-client-core";
import { createSyncStoragePersister } from "@tanstack/query-sync-storage-persister";
import { afterEach, describe, expect, test, vi } from "vitest";
import { connectTagInvalidation, createTagInvalidationClient, withTags, type Tag } from "../../src/index.js";
import { queryCursorsKey, trackQueryCursors, type QueryCursors, type TrackQueryCursorsOptions } from "../../src/persist/index.js";
import { FakeHubConnection, settle, subscribeResult } from "./fakeHubConnection.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  vi.useRealTimers();
});

/** One page load: a client on a fake hub, a query client, connectTagInvalidation and trackQueryCursors. */
function tab({ cursor = "e:100", identity }: { cursor?: string; identity?: TrackQueryCursorsOptions["identity"] } = {}) {
  const connection = new FakeHubConnection();
  let answer = subscribeResult({ cursor });
  connection.answer = ({ method }) => (method === "Subscribe" ? answer : undefined);
  const client = createTagInvalidationClient({ connection: connection.asHubConnection(), logger: { log: (level, message) => level >= LogLevel.Error && console.error(message) } });
  const queryClient = new QueryClient();
  const errors: Error[] = [];
  cleanups.push(trackQueryCursors({ queryClient, client, identity, onError: (error) => errors.push(error) }));
  cleanups.push(connectTagInvalidation({ queryClient, client, onError: (error) => errors.push(error) }));
  const fetches: Record<string, number> = {};

  /** An observed query that counts its fetches; `release` holds each fetch until the test lets it answer. */
  function show(queryKey: QueryKey, tags: Tag[], release?: Promise<void>) {
    const key = JSON.stringify(queryKey);
    const observer = new QueryObserver(
      queryClient,
      withTags({ queryKey, queryFn: async () => (await release, `${key} #${(fetches[key] = (fetches[key] ?? 0) + 1)}`), staleTime: Infinity }, tags),
    );
    cleanups.push(observer.subscribe(() => {}));
    return observer;
  }

  return {
    connection,
    client,
    queryClient,
    errors,
    fetches,
    show,
    answerWith: (next: ReturnType<typeof subscribeResult>) => (answer = next),
    record: () => queryClient.getQueryData<QueryCursors>(queryCursorsKey),
    /** The cursor each Subscribe call asked from, with its tags. */
    asks: () => connection.calls("Subscribe").map(([tags, since]) => ({ tags, since })),
  };
}

/** What a persister saves: the dehydrated cache, through JSON. */
const saved = (queryClient: QueryClient): DehydratedState => JSON.parse(JSON.stringify(dehydrate(queryClient)));

/** Started, with a cursor: the hub has answered a first subscribe. */
async function started({ client }: ReturnType<typeof tab>) {
  client.subscribe([["warm-up"]]);
  await client.start();
  await settle();
  expect(client.cursor).not.toBeNull();
}

async function loaded(queryClient: QueryClient, fetches: Record<string, number>, key: QueryKey) {
  await vi.waitFor(() => expect(queryClient.getQueryState(key)?.status).toBe("success"));
  await settle();
  return fetches;
}

describe("the cursor of each query's data", () => {
  test("is where its fetch started, not where the client is when the answer comes", async () => {
    const first = tab();
    await first.client.start();
    first.show(["other"], [["other"]]);
    await loaded(first.queryClient, first.fetches, ["other"]);
    let respond!: () => void;
    first.show(["todos"], [["todos"]], new Promise<void>((resolve) => (respond = resolve)));
    await settle();
    // While the fetch is in flight the client hears of a later change (of another tag; this one's push was lost).
    first.connection.receive("invalidate", { id: "x", tags: [["other", 2]], cursor: "e:200", origin: null, traceparent: null });
    expect(first.client.cursor).toBe("e:200");
    respond();
    await loaded(first.queryClient, first.fetches, ["todos"]);

    const todosHash = first.queryClient.getQueryCache().find({ queryKey: ["todos"] })!.queryHash;
    expect(first.record()?.queries[todosHash]?.[0]).toBe("e:100");
  });

  test("of data fetched before the client had a cursor is that long (and the margin) before its first cursor", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date", "queueMicrotask"] });
    const first = tab({ cursor: "e:10000000" });
    first.show(["todos"], [["todos"]]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(first.client.cursor).toBeNull();
    void first.client.start();
    await vi.advanceTimersByTimeAsync(200);

    const todosHash = first.queryClient.getQueryCache().find({ queryKey: ["todos"] })!.queryHash;
    const [cursor] = first.record()!.queries[todosHash]!;
    // Started about 1.1 s before the client's first cursor, minus the 2 s margin: about 3.1 s of microseconds back.
    const sequence = Number(cursor.split(":")[1]);
    expect(sequence).toBeLessThanOrEqual(10_000_000 - 3_000_000);
    expect(sequence).toBeGreaterThan(10_000_000 - 3_500_000);
  });
});

describe("a restored cache", () => {
  async function closedWith(options: Parameters<typeof tab>[0] = {}) {
    const first = tab(options);
    await started(first);
    first.show(["todos"], [["todos"]]);
    first.show(["todo", 5], [["todo", 5], ["todos"]]);
    await loaded(first.queryClient, first.fetches, ["todo", 5]);
    await loaded(first.queryClient, first.fetches, ["todos"]);
    return saved(first.queryClient);
  }

  test("with nothing changed asks from its cursor and fetches nothing", async () => {
    const state = await closedWith();
    const second = tab({ cursor: "e:300" });
    hydrate(second.queryClient, state);
    second.show(["todos"], [["todos"]]);
    second.show(["todo", 5], [["todo", 5], ["todos"]]);
    await second.client.start();
    await settle();

    expect(second.asks()).toContainEqual({ tags: [["todos"], ["todo", 5]], since: "e:100" });
    expect(second.fetches).toEqual({});
    expect(second.queryClient.getQueryData(["todos"])).toBe('["todos"] #1');
  });

  test("refetches exactly the queries whose tags the hub says changed", async () => {
    const state = await closedWith();
    const second = tab({ cursor: "e:300" });
    second.answerWith(subscribeResult({ cursor: "e:300", missed: [["todo", 5]] }));
    hydrate(second.queryClient, state);
    second.show(["todos"], [["todos"]]);
    second.show(["todo", 5], [["todo", 5], ["todos"]]);
    await second.client.start();
    await vi.waitFor(() => expect(second.fetches).toEqual({ '["todo",5]': 1 }));
  });

  test("refetches every restored query on a reset (another epoch, or past the retention window)", async () => {
    const state = await closedWith();
    const second = tab({ cursor: "f:1" });
    second.answerWith(subscribeResult({ cursor: "f:1", reset: true }));
    hydrate(second.queryClient, state);
    second.show(["todos"], [["todos"]]);
    second.show(["todo", 5], [["todo", 5], ["todos"]]);
    await second.client.start();
    await vi.waitFor(() => expect(second.fetches).toEqual({ '["todos"]': 1, '["todo",5]': 1 }));
  });

  test("refetches data saved without its cursor, or changed after its cursor was written", async () => {
    const state = await closedWith();
    const todo = state.queries.find((query) => query.queryKey[0] === "todo")!;
    todo.state.dataUpdatedAt += 1;
    const second = tab({ cursor: "e:300" });
    hydrate(second.queryClient, state);
    second.show(["todos"], [["todos"]]);
    second.show(["todo", 5], [["todo", 5], ["todos"]]);
    await second.client.start();
    await vi.waitFor(() => expect(second.fetches).toEqual({ '["todo",5]': 1 }));
    expect(second.asks()).toContainEqual({ tags: [["todos"]], since: "e:100" });
  });

  test("asks even when the tags were held (and joined) before the restore came", async () => {
    const state = await closedWith();
    const second = tab({ cursor: "e:300" });
    second.show(["todos"], [["todos"]]);
    await second.client.start();
    await loaded(second.queryClient, second.fetches, ["todos"]);
    const stale = { ...state, queries: state.queries.map((query) => ({ ...query, state: { ...query.state, dataUpdatedAt: Date.now() + 60_000 } })) };
    // The record's entries describe the data as saved, so they move with it.
    const record = stale.queries.find((query) => query.queryKey[0] === queryCursorsKey[0])!;
    const entries = (record.state.data as QueryCursors).queries;
    Object.values(entries).forEach((entry) => ((entry as [string, number])[1] = Date.now() + 60_000));
    hydrate(second.queryClient, stale);
    await settle();
    expect(second.asks()).toContainEqual({ tags: [["todos"], ["todo", 5]], since: "e:100" });
  });

  test("saved by any persister: persistQueryClient's save and restore with the sync storage persister", async () => {
    const store = new Map<string, string>();
    const storage = { getItem: (key: string) => store.get(key) ?? null, setItem: (key: string, value: string) => void store.set(key, value), removeItem: (key: string) => void store.delete(key) };
    const persister = createSyncStoragePersister({ storage, throttleTime: 0 });
    const first = tab();
    await started(first);
    first.show(["todos"], [["todos"]]);
    await loaded(first.queryClient, first.fetches, ["todos"]);
    await persistQueryClientSave({ queryClient: first.queryClient as never, persister });
    await vi.waitFor(() => expect(store.size).toBe(1));

    const second = tab({ cursor: "e:300" });
    second.answerWith(subscribeResult({ cursor: "e:300", missed: [["todos"]] }));
    await persistQueryClientRestore({ queryClient: second.queryClient as never, persister });
    second.show(["todos"], [["todos"]]);
    await second.client.start();
    expect(second.asks()).toContainEqual({ tags: [["todos"]], since: "e:100" });
    await vi.waitFor(() => expect(second.fetches).toEqual({ '["todos"]': 1 }));
  });
});

describe("identity", () => {
  test("another user's restored cache is removed before the restore settles, so nothing shows it", async () => {
    let user: string | null = "alice";
    const state = await (async () => {
      const first = tab({ identity: () => user });
      await first.client.start();
      first.show(["todos"], [["todos"]]);
      await loaded(first.queryClient, first.fetches, ["todos"]);
      return saved(first.queryClient);
    })();

    user = "bob";
    const store = new Map([["REACT_QUERY_OFFLINE_CACHE", JSON.stringify({ buster: "", timestamp: Date.now(), clientState: state })]]);
    const persister = createSyncStoragePersister({ storage: { getItem: (key) => store.get(key) ?? null, setItem: () => undefined, removeItem: () => undefined } });
    const second = tab({ identity: () => user });
    await persistQueryClientRestore({ queryClient: second.queryClient as never, persister });
    expect(second.queryClient.getQueryData(["todos"])).toBeUndefined();

    // Signed out: nobody's cache is nobody's else either.
    user = null;
    const third = tab({ identity: () => user });
    hydrate(third.queryClient, state);
    await Promise.resolve();
    expect(third.queryClient.getQueryData(["todos"])).toBeUndefined();
  });

  test("the same user's restored cache stays; a cache saved without a record is removed when identities are compared", async () => {
    const first = tab({ identity: () => "alice" });
    await first.client.start();
    first.show(["todos"], [["todos"]]);
    await loaded(first.queryClient, first.fetches, ["todos"]);
    const state = saved(first.queryClient);

    const second = tab({ identity: () => "alice" });
    hydrate(second.queryClient, state);
    await Promise.resolve();
    expect(second.queryClient.getQueryData(["todos"])).toBe('["todos"] #1');

    const third = tab({ identity: () => "alice" });
    hydrate(third.queryClient, { ...state, queries: state.queries.filter((query) => query.queryKey[0] !== queryCursorsKey[0]) });
    await Promise.resolve();
    expect(third.queryClient.getQueryData(["todos"])).toBeUndefined();
  });
});

describe("data the page made itself", () => {
  test("a query's initialData is not taken for a restored cache: it neither refetches nor is removed", async () => {
    const page = tab({ identity: () => "alice" });
    await started(page);
    let fetches = 0;
    const observer = new QueryObserver(page.queryClient, withTags({ queryKey: ["todos"], queryFn: async () => ++fetches, initialData: 0, staleTime: Infinity }, [["todos"]]));
    cleanups.push(observer.subscribe(() => {}));
    await settle();
    expect(fetches).toBe(0);
    expect(page.queryClient.getQueryData(["todos"])).toBe(0);
  });
});
