import { LogLevel } from "@microsoft/signalr";
import { QueryClient, QueryObserver, type QueryKey } from "@tanstack/query-core";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { connectTagInvalidation, createTagInvalidationClient, TagError, withTags, type ConnectTagInvalidationOptions, type Tag } from "../../src/index.js";
import { FakeHubConnection, settle, subscribeResult } from "./fakeHubConnection.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

async function setup(options: Partial<ConnectTagInvalidationOptions> = {}) {
  const connection = new FakeHubConnection();
  const logs: string[] = [];
  const client = createTagInvalidationClient({
    connection: connection.asHubConnection(),
    logger: { log: (level, message) => level >= LogLevel.Error && logs.push(message) },
  });
  const queryClient = new QueryClient();
  const errors: Error[] = [];
  await client.start();

  const connect = (overrides: Partial<ConnectTagInvalidationOptions> = {}) => {
    const cleanup = connectTagInvalidation({ queryClient, client, onError: (error) => errors.push(error), ...options, ...overrides });
    cleanups.push(cleanup);
    return cleanup;
  };

  /** A cached query counting its fetches; active ones have an observer, inactive ones only data. */
  async function cached(queryKey: QueryKey, tags: Tag[] | undefined, { active = true } = {}) {
    let fetches = 0;
    const queryOptions = { queryKey, queryFn: async () => ++fetches, staleTime: Infinity };
    const tagged = tags ? withTags(queryOptions, tags) : queryOptions;
    const observer = new QueryObserver(queryClient, tagged);
    if (active) {
      cleanups.push(observer.subscribe(() => {}));
      await vi.waitFor(() => expect(fetches).toBe(1));
    } else {
      await queryClient.prefetchQuery(tagged);
    }

    return {
      observer,
      get fetches() {
        return fetches;
      },
      get invalidated() {
        return queryClient.getQueryState(queryKey)?.isInvalidated;
      },
    };
  }

  const invalidate = (id: string, tags: Tag[]) => connection.receive("invalidate", { id, tags, cursor: "e:9", origin: null, traceparent: null });

  return { connection, client, queryClient, errors, logs, connect, cached, invalidate };
}

const subscribed = (connection: FakeHubConnection) => connection.calls("Subscribe").flatMap(([tags]) => tags as Tag[]);
const unsubscribed = (connection: FakeHubConnection) => connection.calls("Unsubscribe").flatMap(([tags]) => tags as Tag[]);

describe("following the query cache", () => {
  test("the tags of every cached tagged query are held, active or not, from before and after connecting", async () => {
    const { connection, client, connect, cached } = await setup();
    await cached(["todos"], [["todos"]]);
    await cached(["todo", 5], [["todo", 5], ["todos"]], { active: false });
    await cached(["settings"], undefined);

    connect();
    await cached(["todo", 6], [["todo", 6]]);
    await settle();

    expect(client.heldTags).toEqual([["todos"], ["todo", 5], ["todo", 6]]);
    expect(subscribed(connection)).toEqual([["todos"], ["todo", 5], ["todo", 6]]);
  });

  test("a query removed from the cache releases its tags; a tag two queries hold stays until both are gone", async () => {
    const { connection, client, queryClient, connect, cached } = await setup();
    connect();
    await cached(["a"], [["shared"], ["a"]], { active: false });
    await cached(["b"], [["shared"]], { active: false });
    await settle();

    queryClient.removeQueries({ queryKey: ["a"] });
    await settle();
    expect(unsubscribed(connection)).toEqual([["a"]]);

    const removed = queryClient.getQueryCache().find({ queryKey: ["b"] })!;
    queryClient.removeQueries({ queryKey: ["b"] });
    await settle();
    expect(unsubscribed(connection)).toEqual([["a"], ["shared"]]);

    // A removed query can still be updated by whoever holds it; it is not followed again.
    removed.setData(42);
    await settle();
    expect(client.heldTags).toEqual([]);
  });

  test("new meta.tags subscribe the new tags and release the old; equal tags in a new array change nothing", async () => {
    const { connection, connect, cached } = await setup();
    connect();
    const todo = await cached(["todo"], [["todo", 1], ["todos"]]);
    await settle();

    todo.observer.setOptions(withTags({ queryKey: ["todo"], queryFn: async () => 0, staleTime: Infinity }, [["todo", 1], ["todos"]]));
    todo.observer.setOptions(withTags({ queryKey: ["todo"], queryFn: async () => 0, staleTime: Infinity }, [["todo", 2], ["todos"]]));
    await settle();

    expect(subscribed(connection)).toEqual([["todo", 1], ["todos"], ["todo", 2]]);
    expect(unsubscribed(connection)).toEqual([["todo", 1]]);
  });
});

describe("invalidation", () => {
  test("exactly the matching queries are invalidated: active ones refetch, inactive ones turn stale, once per id", async () => {
    const { queryClient, connect, cached, invalidate } = await setup();
    connect();
    const todo5 = await cached(["todo", 5], [["todo", 5]]);
    const comments = await cached(["todo", 5, "comments"], [["todo", 5, "comments"]]);
    const history = await cached(["todo", 5, "history"], [["todo", 5, "history"]], { active: false });
    const todo6 = await cached(["todo", 6], [["todo", 6]]);
    const todos = await cached(["todos"], [["todos"]]);
    const untagged = await cached(["settings"], undefined);
    await settle();
    const invalidateQueries = vi.spyOn(queryClient, "invalidateQueries");

    invalidate("id-1", [["todo", 5]]);
    invalidate("id-1", [["todo", 5]]);

    await vi.waitFor(() => expect([todo5.fetches, comments.fetches]).toEqual([2, 2]));
    expect(history).toMatchObject({ fetches: 1, invalidated: true });
    for (const other of [todo6, todos, untagged]) {
      expect(other).toMatchObject({ fetches: 1, invalidated: false });
    }
    expect(invalidateQueries).toHaveBeenCalledTimes(1);
  });

  test("refetchType is passed to invalidateQueries", async () => {
    const { connect, cached, invalidate } = await setup({ refetchType: "none" });
    connect();
    const todo = await cached(["todo"], [["todo"]]);
    await settle();

    invalidate("id-1", [["todo"]]);
    await settle();

    expect(todo).toMatchObject({ fetches: 1, invalidated: true });
  });

  test("tags missed while away invalidate their queries", async () => {
    const { connection, connect, cached } = await setup();
    connect();
    const one = await cached(["todo", 1], [["todo", 1]]);
    const two = await cached(["todo", 2], [["todo", 2]]);
    await settle();

    connection.drop();
    connection.answer = () => subscribeResult({ cursor: "e:3", missed: [["todo", 2]] });
    connection.reconnect();

    await vi.waitFor(() => expect(two.fetches).toBe(2));
    expect(one).toMatchObject({ fetches: 1, invalidated: false });
  });

  test("a reset invalidates every tagged query and no other", async () => {
    const { connection, connect, cached } = await setup();
    connect();
    const active = await cached(["a"], [["a"]]);
    const inactive = await cached(["b"], [["b"]], { active: false });
    const untagged = await cached(["c"], undefined);
    await settle();

    connection.receive("reset", { reason: "backplane-restored", cursor: "f:1" });

    await vi.waitFor(() => expect(active.fetches).toBe(2));
    expect(inactive).toMatchObject({ fetches: 1, invalidated: true });
    expect(untagged).toMatchObject({ fetches: 1, invalidated: false });
  });

  test("the router is invalidated after the matching queries have refetched", async () => {
    const fetchesSeenByRouter: number[] = [];
    let todo: Awaited<ReturnType<Awaited<ReturnType<typeof setup>>["cached"]>> | undefined;
    const router = { invalidate: () => fetchesSeenByRouter.push(todo!.fetches) };
    const { connect, cached, invalidate } = await setup({ router });
    connect();
    todo = await cached(["todo"], [["todo"]]);
    await settle();

    invalidate("id-1", [["todo"]]);
    invalidate("id-2", [["unheld"]]);

    await vi.waitFor(() => expect(fetchesSeenByRouter).toEqual([2]));
    await settle();
    expect(fetchesSeenByRouter).toEqual([2]);
  });
});

describe("cleanup", () => {
  test("removes every listener and releases every tag", async () => {
    const { connection, client, queryClient, connect, cached, invalidate } = await setup();
    const todo = await cached(["todo"], [["todo"]]);
    await cached(["todos"], [["todos"]], { active: false });
    const cleanup = connect();
    await settle();
    expect(queryClient.getQueryCache().hasListeners()).toBe(true);

    cleanup();
    await settle();

    expect(queryClient.getQueryCache().hasListeners()).toBe(false);
    expect(client.heldTags).toEqual([]);
    expect(unsubscribed(connection)).toEqual([["todo"], ["todos"]]);
    client.subscribe([["todo"]]);
    invalidate("id-1", [["todo"]]);
    await settle();
    expect(todo).toMatchObject({ fetches: 1, invalidated: false });
  });
});

describe("errors", () => {
  test("an invalid tag in meta.tags goes to onError once, naming the query and the rule; the valid tags are held", async () => {
    const { client, connect, cached, errors } = await setup();
    connect();
    const todo = await cached(["todo"], [["todo", 1.5], ["todos"]]);
    todo.observer.setOptions(withTags({ queryKey: ["todo"], queryFn: async () => 0, staleTime: Infinity }, [["todo", 1.5], ["todos"]]));
    await settle();

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TagError);
    expect(errors[0]).toMatchObject({ rule: "segment-type", message: expect.stringContaining('["todo"]') });
    expect(client.heldTags).toEqual([["todos"]]);
  });

  test("a tag the server refuses goes to onError", async () => {
    const { connection, connect, cached, errors } = await setup();
    connection.answer = () => subscribeResult({ rejected: [{ index: 0, tag: '["todo"]', rule: "too-many-tags-held", reason: "full" }] });
    connect();
    await cached(["todo"], [["todo"]]);
    await settle();

    expect(errors).toEqual([expect.objectContaining({ rule: "too-many-tags-held" })]);
  });

  test("a failing router goes to onError", async () => {
    const { connect, cached, invalidate, errors } = await setup({
      router: {
        invalidate: () => {
          throw new Error("router bug");
        },
      },
    });
    connect();
    await cached(["todo"], [["todo"]]);
    await settle();

    invalidate("id-1", [["todo"]]);

    await vi.waitFor(() => expect(errors.map((error) => error.message)).toEqual(["router bug"]));
  });

  test("without onError, errors go to the client's logger; an onError that throws does too", async () => {
    const { connect, cached, logs } = await setup({ onError: undefined });
    const cleanup = connect({ onError: undefined });
    await cached(["a"], [[null as unknown as string]]);
    expect(logs).toEqual([expect.stringContaining('Query ["a"]: meta.tags holds a value that is not a tag')]);
    cleanup();
    logs.length = 0;

    connect({
      onError: () => {
        throw new Error("onError bug");
      },
    });

    expect(logs).toEqual(["QueryTags: onError bug"]);
  });
});

// On fake time: the window and the timers it sets run on the test's clock, so the assertions are exact instants.
describe("coalescing", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "performance", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Lets the client's tick, the hub calls and TanStack's notifications run, without moving the clock. */
  const flush = () => vi.advanceTimersByTimeAsync(0);

  /** An active query whose fetches the test finishes one by one; `started` records when each began. */
  async function slow(queryClient: QueryClient, queryKey: QueryKey, tags: Tag[]) {
    const started: number[] = [];
    const finishers: Array<() => void> = [];
    const observer = new QueryObserver(
      queryClient,
      withTags({ queryKey, staleTime: Infinity, queryFn: () => new Promise<number>((resolve) => (started.push(performance.now()), finishers.push(() => resolve(started.length)))) }, tags),
    );
    cleanups.push(observer.subscribe(() => {}));
    await vi.waitFor(() => expect(started).toHaveLength(1));
    finishers.shift()!();
    await vi.waitFor(() => expect(observer.getCurrentResult().data).toBe(1));
    return {
      started,
      observer,
      /** Finishes the fetch in flight, if one is. */
      finish: () => finishers.shift()?.(),
    };
  }

  test("each invalidation's refetch is reported to the client's listeners: refetched, held back by the window, then the one after it", async () => {
    const { client, queryClient, connect, invalidate } = await setup({ coalesceWindowMs: 200 });
    connect();
    const todos = await slow(queryClient, ["todos"], [["todos"]]);
    await flush();
    const reports: unknown[] = [];
    client.listen((event) => event.type === "refetch" && reports.push({ cause: event.cause, queries: event.queries.map((query) => query.queryHash), coalesced: event.coalesced.map((query) => query.queryHash) }));
    const hash = queryClient.getQueryCache().find({ queryKey: ["todos"] })!.queryHash;

    invalidate("id-1", [["todos"]]);
    await flush();
    invalidate("id-2", [["todos"]]);
    await flush();
    todos.finish();
    await vi.advanceTimersByTimeAsync(200);

    expect(reports).toEqual([
      { cause: "id-1", queries: [hash], coalesced: [] },
      { cause: "id-2", queries: [], coalesced: [hash] },
      { cause: "coalesced", queries: [hash], coalesced: [] },
    ]);
  });

  test("invalidations while a refetch is in flight cause one more refetch once it is over, not one each", async () => {
    const { queryClient, connect, invalidate } = await setup({ coalesceWindowMs: 0 });
    connect();
    const todos = await slow(queryClient, ["todos"], [["todos"]]);
    await flush();

    invalidate("id-1", [["todos"]]);
    await flush();
    expect(todos.started).toHaveLength(2);
    for (let i = 2; i <= 20; i++) {
      invalidate(`id-${i}`, [["todos"]]);
    }

    await flush();
    expect(todos.started).toHaveLength(2);
    todos.finish();
    await flush();
    expect(todos.started).toHaveLength(3);
    todos.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(todos.started).toHaveLength(3);
    expect(todos.observer.getCurrentResult().data).toBe(3);
  });

  test("invalidations within the window after a refetch cause one refetch when the window is over; the first of a burst is at once", async () => {
    const { queryClient, connect, invalidate } = await setup({ coalesceWindowMs: 200 });
    connect();
    const todos = await slow(queryClient, ["todos"], [["todos"]]);
    await flush();

    const first = performance.now();
    invalidate("id-1", [["todos"]]);
    await flush();
    expect(todos.started).toEqual([expect.any(Number), first]);
    todos.finish();
    await flush();
    invalidate("id-2", [["todos"]]);
    invalidate("id-3", [["todos"]]);

    await vi.advanceTimersByTimeAsync(199);
    expect(todos.started).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(todos.started).toEqual([expect.any(Number), first, first + 200]);
    todos.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(todos.started).toHaveLength(3);
  });

  test("a burst of D ms refetches a query at most ⌊D / window⌋ + 2 times, and last after the last invalidation", async () => {
    const { queryClient, connect, invalidate } = await setup({ coalesceWindowMs: 50 });
    connect();
    const todos = await slow(queryClient, ["todos"], [["todos"]]);
    const other = await slow(queryClient, ["other"], [["other"]]);
    await flush();
    // Every fetch takes 10 ms.
    const finishing = setInterval(() => todos.started.length > 1 && todos.finish(), 10);
    cleanups.push(() => clearInterval(finishing));

    const began = performance.now();
    let last = began;
    for (let i = 0; i < 100; i++) {
      invalidate(`burst-${i}`, [["todos"]]);
      last = performance.now();
      await vi.advanceTimersByTimeAsync(3);
    }

    const burstMs = last - began;
    await vi.advanceTimersByTimeAsync(1_000);
    const refetches = todos.started.length - 1;
    expect(burstMs).toBe(297);
    expect(refetches).toBeGreaterThanOrEqual(2);
    expect(refetches).toBeLessThanOrEqual(Math.floor(burstMs / 50) + 2);
    expect(todos.started.at(-1)!).toBeGreaterThanOrEqual(last);
    expect(other.started).toHaveLength(1);
  });

  test("a reset and a query removed while it waits are handled: the removed one is not refetched", async () => {
    const { queryClient, connect, invalidate, connection } = await setup({ coalesceWindowMs: 100 });
    connect();
    const a = await slow(queryClient, ["a"], [["a"]]);
    const b = await slow(queryClient, ["b"], [["b"]]);
    await flush();

    connection.receive("reset", { reason: "backplane-restored", cursor: "f:1" });
    await flush();
    expect([a.started.length, b.started.length]).toEqual([2, 2]);
    a.finish();
    b.finish();
    await flush();
    invalidate("id-1", [["a"]]);
    invalidate("id-1", [["b"]]);
    queryClient.removeQueries({ queryKey: ["b"] });

    await vi.advanceTimersByTimeAsync(1_000);
    expect([a.started.length, b.started.length]).toEqual([3, 2]);
  });
});
