import { QueryClient, QueryObserver, type QueryKey } from "@tanstack/query-core";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { connectTagInvalidation, createTagInvalidationClient, withTags, type ConnectTagInvalidationOptions, type Tag, type TagInvalidationEvent } from "../../src/index.js";
import { FakeHubConnection, subscribeResult } from "./fakeHubConnection.js";

const cleanups: Array<() => void> = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "performance", "Date"] });
  // A seeded generator: the spread's random moments are the same on every run.
  let seed = 42;
  vi.spyOn(Math, "random").mockImplementation(() => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31));
});
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const flush = () => vi.advanceTimersByTimeAsync(0);

/** One browser tab: a client on a fake hub, a query client, and its cached queries recording when each fetch began. */
async function tab(options: Partial<ConnectTagInvalidationOptions> = {}) {
  const connection = new FakeHubConnection();
  const client = createTagInvalidationClient({ connection: connection.asHubConnection() });
  const queryClient = new QueryClient();
  await client.start();
  cleanups.push(connectTagInvalidation({ queryClient, client, ...options }), () => void client.stop());
  const started = new Map<string, number[]>();
  const events: TagInvalidationEvent[] = [];
  cleanups.push(client.listen((event) => events.push(event)));

  /** A cached query: on screen (an observer) or not; its fetches take `fetchMs`. */
  async function cached(queryKey: QueryKey, tags: Tag[], { onScreen = true, fetchMs = 0 } = {}) {
    const key = JSON.stringify(queryKey);
    started.set(key, []);
    const queryFn = async () => {
      started.get(key)!.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, fetchMs));
      return started.get(key)!.length;
    };
    const query = withTags({ queryKey, queryFn, staleTime: Infinity }, tags);
    const fetched = onScreen ? cleanups.push(new QueryObserver(queryClient, query).subscribe(() => {})) : queryClient.prefetchQuery(query);
    await vi.advanceTimersByTimeAsync(fetchMs);
    await fetched;
    return {
      /** When each refetch began (the first fetch left out). */
      get refetches() {
        return started.get(key)!.slice(1);
      },
      get invalidated() {
        return queryClient.getQueryState(queryKey)?.isInvalidated;
      },
      get data() {
        return queryClient.getQueryData(queryKey);
      },
    };
  }

  const reset = (spread: unknown) => connection.receive("reset", { reason: "new-epoch", cursor: "f:1", spread });
  const invalidate = (id: string, tags: Tag[], spread?: unknown) => connection.receive("invalidate", { id, tags, cursor: "e:9", origin: null, spread });
  return { connection, client, queryClient, events, cached, reset, invalidate };
}

describe("refetches spread over the window the server asks for", () => {
  test("a reset marks every tagged query invalid at once; queries on screen refetch in the window's first half, the others in its second", async () => {
    const { cached, reset } = await tab({ refetchType: "all" });
    const onScreen = [];
    const offScreen = [];
    for (let i = 0; i < 6; i++) {
      onScreen.push(await cached(["on", i], [["on", i]]));
      offScreen.push(await cached(["off", i], [["off", i]], { onScreen: false }));
    }

    const at = performance.now();

    reset(4000);
    await flush();

    expect([...onScreen, ...offScreen].every((query) => query.invalidated)).toBe(true);
    expect([...onScreen, ...offScreen].flatMap((query) => query.refetches)).toEqual([]);
    await vi.advanceTimersByTimeAsync(4000);
    for (const query of onScreen) {
      expect(query.refetches).toHaveLength(1);
      expect(query.refetches[0]! - at).toBeLessThan(2000);
    }

    for (const query of offScreen) {
      expect(query.refetches).toHaveLength(1);
      expect(query.refetches[0]! - at).toBeGreaterThanOrEqual(2000);
      expect(query.refetches[0]! - at).toBeLessThan(4000);
    }
  });

  test("the refetches of many tabs are spread: at most a few per 100 ms where without a spread all start at once", async () => {
    const tabs = [];
    for (let i = 0; i < 100; i++) {
      const { cached, reset } = await tab();
      tabs.push({ todos: await cached(["todos"], [["todos"]]), reset });
    }

    const at = performance.now();

    tabs.forEach(({ reset }) => reset(2000));
    await vi.advanceTimersByTimeAsync(2000);

    const buckets = new Map<number, number>();
    for (const { todos } of tabs) {
      expect(todos.refetches).toHaveLength(1);
      const bucket = Math.floor((todos.refetches[0]! - at) / 100);
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    }

    // 100 over the first half (1 s) is 10 per 100 ms on average.
    expect(Math.max(...buckets.keys())).toBeLessThan(10);
    expect(Math.max(...buckets.values())).toBeLessThanOrEqual(20);

    tabs.forEach(({ reset }) => reset(0));
    await flush();
    expect(tabs.every(({ todos }) => todos.refetches.length === 2 && todos.refetches[1] === performance.now())).toBe(true);
  });

  test("an invalidation with a spread is spread too; one without is fetched at once and takes its query off the plan", async () => {
    const { cached, invalidate } = await tab();
    const todos = await cached(["todos"], [["todos"]]);
    const at = performance.now();

    invalidate("id-1", [["todos"]], 4000);
    await flush();
    expect(todos.invalidated).toBe(true);
    expect(todos.refetches).toEqual([]);
    invalidate("id-2", [["todos"]]);
    await flush();
    expect(todos.refetches).toEqual([at]);

    await vi.advanceTimersByTimeAsync(5000);
    expect(todos.refetches).toEqual([at]);
  });

  test("a change during the window is never lost: a refetch in flight when it comes is followed by one more", async () => {
    const { cached, invalidate, reset } = await tab({ coalesceWindowMs: 0 });
    const todos = await cached(["todos"], [["todos"]], { fetchMs: 300 });

    reset(1000);
    // The planned refetch starts within 500 ms and takes 300: a change at its start is in flight with it.
    await vi.waitFor(async () => {
      await vi.advanceTimersByTimeAsync(1);
      expect(todos.refetches).toHaveLength(1);
    });
    const changedAt = performance.now();
    invalidate("id-1", [["todos"]], 1000);
    await vi.advanceTimersByTimeAsync(3000);

    expect(todos.refetches).toHaveLength(2);
    expect(todos.refetches[1]!).toBeGreaterThan(changedAt);
    expect(todos.data).toBe(3);
  });

  test.each([
    ["a window past 60 s", 1e12, 60_000],
    ["a bigint past 2^64", 2n ** 70n, 60_000],
    ["a negative window", -5000, 0],
    ["a string", "5000", 0],
    ["an array", [5000], 0],
    ["not a number", Number.NaN, 0],
  ])("a hostile spread from the server is cut to 0–60 s: %s", async (_, spread, expected) => {
    const { cached, reset, events } = await tab();
    const todos = await cached(["todos"], [["todos"]]);

    reset(spread);
    await flush();

    expect(events.find((event) => event.type === "reset")).toMatchObject({ spreadMs: expected });
    await vi.advanceTimersByTimeAsync(expected / 2);
    expect(todos.refetches).toHaveLength(1);
  });

  test("a subscribe answered with a reset carries the longest window of its calls", async () => {
    const connection = new FakeHubConnection();
    connection.answer = ({ method, args }) =>
      method === "Subscribe" ? subscribeResult({ reset: true, ...((args[0] as Tag[]).length === 2 ? { spread: 3000 } : { spread: 1000 }) }) : undefined;
    const client = createTagInvalidationClient({ connection: connection.asHubConnection(), maxTagsPerCall: 2 });
    const events: TagInvalidationEvent[] = [];
    cleanups.push(client.listen((event) => events.push(event)), () => void client.stop());
    await client.start();

    client.subscribe([["a"], ["b"], ["c"]]);
    await vi.advanceTimersByTimeAsync(10);

    expect(events.filter((event) => event.type === "reset")).toEqual([{ type: "reset", reason: "cursor-unknown", cursor: "e:1", spreadMs: 3000 }]);
  });
});
