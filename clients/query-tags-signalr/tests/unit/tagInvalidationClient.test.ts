import { HubConnectionState, LogLevel, type IRetryPolicy } from "@microsoft/signalr";
import { describe, expect, test, vi } from "vitest";
import { createTagInvalidationClient, TagError, TagInvalidationConnectionError, type TagInvalidationEvent, type TagInvalidationClientOptions, type TagInvalidationStatus } from "../../src/index.js";
import { FakeHubConnection, settle, subscribeResult } from "./fakeHubConnection.js";

function setup(options: Partial<TagInvalidationClientOptions> = {}) {
  const connection = new FakeHubConnection();
  const logs: { level: LogLevel; message: string }[] = [];
  const client = createTagInvalidationClient({
    connection: connection.asHubConnection(),
    logger: { log: (level, message) => logs.push({ level, message }) },
    ...options,
  });
  const events: TagInvalidationEvent[] = [];
  // Every message as it arrived is a "message" event; the tests of those are below, the others leave them out.
  const listen = () => client.listen((event) => !["message", "skipped", "refetch"].includes(event.type) && events.push(event));
  return { connection, client, logs, events, listen };
}

async function started(options: Partial<TagInvalidationClientOptions> = {}) {
  const context = setup(options);
  context.listen();
  await context.client.start();
  return context;
}

const invalidation = (id: string, tags: unknown[], cursor = "e:5") => ({ id, tags, cursor, origin: null, traceparent: null });

// A client without a cursor asks about everything since its first tag was asked for (see TagInvalidationClient).
const firstSubscribeAge = expect.stringMatching(/^age:\d+$/);

describe("subscribe and unsubscribe", () => {
  test("subscribers are counted per tag: the server hears of the first and the last", async () => {
    const { connection, client } = await started();
    client.subscribe([["todo", 5]]);
    await settle();
    client.subscribe([["todo", 5]]);
    await settle();
    client.unsubscribe([["todo", 5]]);
    await settle();

    expect(connection.calls("Subscribe")).toEqual([[[["todo", 5]], firstSubscribeAge]]);
    expect(connection.calls("Unsubscribe")).toEqual([]);

    client.unsubscribe([["todo", 5]]);
    await settle();
    expect(connection.calls("Unsubscribe")).toEqual([[[["todo", 5]]]]);
    expect(client.heldTags).toEqual([]);
  });

  test("the changes of one tick go in one call", async () => {
    const { connection, client } = await started();
    client.subscribe([["todos"]]);
    client.subscribe([["todo", 1], ["todo", 2]]);
    client.subscribe([["todo", 3]]);
    client.unsubscribe([["todo", 3]]);
    await settle();

    expect(connection.calls("Subscribe")).toEqual([[[["todos"], ["todo", 1], ["todo", 2]], firstSubscribeAge]]);
    expect(connection.calls("Unsubscribe")).toEqual([]);
  });

  test("a release goes before a subscribe, keeping the connection under the server's limit", async () => {
    const { connection, client } = await started();
    client.subscribe([["a"]]);
    await settle();
    client.unsubscribe([["a"]]);
    client.subscribe([["b"]]);
    await settle();

    expect(connection.invocations.slice(1).map((invocation) => invocation.method)).toEqual(["Unsubscribe", "Subscribe"]);
  });

  test("a batch past the per-call limit is split, every chunk asking from the same cursor", async () => {
    const { connection, client } = await started({ maxTagsPerCall: 2 });
    client.subscribe([["first"]]);
    await settle();
    let sequence = 1;
    connection.answer = ({ method }) => (method === "Subscribe" ? subscribeResult({ cursor: `e:${++sequence}` }) : undefined);

    client.subscribe([["t", 1], ["t", 2], ["t", 3], ["t", 4], ["t", 5]]);
    await settle();

    expect(connection.calls("Subscribe").slice(1)).toEqual([
      [[["t", 1], ["t", 2]], "e:1"],
      [[["t", 3], ["t", 4]], "e:1"],
      [[["t", 5]], "e:1"],
    ]);
    expect(client.cursor).toBe("e:4");
  });

  test("an invalid tag throws a TagError naming the rule, and nothing is subscribed", async () => {
    const { connection, client } = await started();
    expect(() => client.subscribe([["ok"], ["todo", 1.5]])).toThrow(TagError);
    expect(() => client.subscribe([["ok"], ["todo", 1.5]])).toThrow(/segment-type/);
    await settle();

    expect(client.heldTags).toEqual([]);
    expect(connection.invocations).toEqual([]);
  });

  test("tags held before start are sent by start; start resolves once they are subscribed", async () => {
    const { connection, client } = setup();
    client.subscribe([["early"]]);
    await settle();
    expect(connection.invocations).toEqual([]);

    await client.start();

    expect(connection.calls("Subscribe")).toEqual([[[["early"]], firstSubscribeAge]]);
    expect(client.cursor).toBe("e:1");
  });

  test("a tag the server refuses is reported and forgotten", async () => {
    const { connection, client, events } = await started({ maxTagsPerCall: 2 });
    connection.answer = ({ method, args }) =>
      method === "Subscribe" && (args[0] as unknown[]).length === 1
        ? subscribeResult({ rejected: [{ index: 0, tag: '["c"]', rule: "too-many-tags-held", reason: "the connection already holds the most distinct tags it may" }] })
        : subscribeResult();

    client.subscribe([["a"], ["b"], ["c"]]);
    await settle();

    expect(client.heldTags).toEqual([["a"], ["b"]]);
    // The index points into the whole subscribe, not into the second call that carried the tag.
    expect(events.filter((event) => event.type === "rejected")).toEqual([
      { type: "rejected", rejections: [{ index: 2, tag: '["c"]', rule: "too-many-tags-held", reason: "the connection already holds the most distinct tags it may" }] },
    ]);

    connection.drop();
    connection.reconnect();
    await settle();
    expect(connection.calls("Subscribe").at(-1)).toEqual([[["a"], ["b"]], "e:1"]);
  });

  test("a first subscribe without a cursor sends the client's age plus the margin, later ones the cursor", async () => {
    // The client's clock is the test's: the age is exact.
    vi.useFakeTimers({ toFake: ["performance"] });
    try {
      const { connection, client } = await started();
      connection.answer = () => subscribeResult({ cursor: "e:7" });
      client.subscribe([["a"]]);
      vi.advanceTimersByTime(1234);
      await settle();
      client.subscribe([["b"]]);
      await settle();

      expect(connection.calls("Subscribe")).toEqual([
        [[["a"]], "age:3234"],
        [[["b"]], "e:7"],
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  test("the age counts from when the first tag was asked for, plus the margin", async () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    try {
      const { connection, client } = setup({ firstSubscribeMarginMs: 500 });
      client.subscribe([["a"]]);
      vi.advanceTimersByTime(1234);
      await client.start();

      expect(connection.calls("Subscribe")).toEqual([[[["a"]], "age:1734"]]);
    } finally {
      vi.useRealTimers();
    }
  });

  test("a failed hub call is reported, and the next flush sends what is still missing", async () => {
    const { connection, client, events } = await started();
    connection.answer = () => {
      throw new Error("HubException: the server could not join the tag groups");
    };
    client.subscribe([["a"]]);
    await settle();
    expect(events).toEqual([{ type: "error", error: expect.objectContaining({ message: expect.stringContaining("could not join") }) }]);

    connection.answer = () => subscribeResult();
    client.subscribe([["b"]]);
    await settle();
    expect(connection.calls("Subscribe").at(-1)).toEqual([[["a"], ["b"]], firstSubscribeAge]);
  });
});

describe("server events", () => {
  test("an invalidation is reported once per id, with the held tags it matches", async () => {
    const { connection, client, events } = await started();
    client.subscribe([["todos"], ["todo", 5], ["todo", 5, "comments"], ["todo", 6]]);
    await settle();

    const message = invalidation("id-1", [["todo", 5], ["users"]], "e:7");
    connection.receive("invalidate", message);
    connection.receive("invalidate", message);

    // The wire's origin is the message's source, as the .NET InvalidationMessage.Source.
    const { origin, ...rest } = { ...message, origin: "node-a" };
    connection.receive("invalidate", { ...rest, id: "id-2", origin });

    expect(events).toEqual([
      { type: "invalidate", message: { ...rest, source: null, spreadMs: 0 }, matchedTags: [["todo", 5], ["todo", 5, "comments"]] },
      { type: "invalidate", message: { ...rest, id: "id-2", source: "node-a", spreadMs: 0 }, matchedTags: [["todo", 5], ["todo", 5, "comments"]] },
    ]);
    expect(client.cursor).toBe("e:7");
  });

  test("copies of one id for several target groups each report the held tags not reported yet", async () => {
    const { connection, client, events } = await started();
    client.subscribe([["todos"], ["todo", 5]]);
    await settle();

    // The server sends each group a copy with only the tags that target it, all with one id.
    connection.receive("invalidate", invalidation("id-1", [["todos"]], "e:3"));
    connection.receive("invalidate", invalidation("id-1", [["todo"]], "e:3"));
    connection.receive("invalidate", invalidation("id-1", [["todo", 5]], "e:3"));

    expect(events.map((event) => event.type === "invalidate" && event.matchedTags)).toEqual([[["todos"]], [["todo", 5]]]);
  });

  test("an invalidation matching no held tag is not reported, but moves the cursor", async () => {
    const { connection, client, events } = await started();
    client.subscribe([["todo", 5]]);
    await settle();

    connection.receive("invalidate", invalidation("id-1", [["todo", "5"]], "e:9"));

    expect(events).toEqual([]);
    expect(client.cursor).toBe("e:9");
  });

  test("integers a MessagePack reader gives as bigint match held numbers", async () => {
    const { connection, client, events } = await started();
    client.subscribe([["todo", 9007199254740991]]);
    await settle();

    connection.receive("invalidate", invalidation("id-1", [["todo", 9007199254740991n]]));

    expect(events).toMatchObject([{ type: "invalidate", matchedTags: [["todo", 9007199254740991]] }]);
  });

  test("apply() with a response's list of ids reports the held tags once, and none of those pushes again", async () => {
    const { connection, client, events } = await started();
    client.subscribe([["todos"], ["todo", 5]]);
    await settle();

    // A request that saved twice answers "QueryTags-Invalidation-Id: id-1, id-2".
    client.apply({ id: "id-1, id-2", tags: [["todos"], ["todo", 5]] });
    connection.receive("invalidate", invalidation("id-1", [["todos"], ["todo", 5]], "e:3"));
    connection.receive("invalidate", invalidation("id-2", [["todos"]], "e:4"));

    expect(events.map((event) => event.type === "invalidate" && event.matchedTags)).toEqual([[["todos"], ["todo", 5]]]);
    // A push that came first keeps its own: a later save's id still refetches what it matches.
    connection.receive("invalidate", invalidation("id-3", [["todos"]], "e:5"));
    client.apply({ id: "id-3,id-4", tags: [["todos"]] });
    expect(events.map((event) => event.type === "invalidate" && event.matchedTags)).toEqual([[["todos"], ["todo", 5]], [["todos"]], [["todos"]]]);
  });

  test("a push whose held tags were applied already is a skipped event naming them, for tools; it invalidates nothing", async () => {
    const { connection, client, events } = await started();
    const skipped: TagInvalidationEvent[] = [];
    client.listen((event) => event.type === "skipped" && skipped.push(event));
    client.subscribe([["todos"], ["todo", 5]]);
    await settle();

    client.apply({ id: "id-1", tags: [["todos"]] });
    connection.receive("invalidate", invalidation("id-1", [["todos"], ["todo", 5]]));

    expect(events.map((event) => event.type === "invalidate" && event.matchedTags)).toEqual([[["todos"]], [["todo", 5]]]);
    expect(skipped).toEqual([{ type: "skipped", message: expect.objectContaining({ id: "id-1" }), skippedTags: [["todos"]] }]);
  });

  test("the server's reset is reported with its reason, and its cursor is kept", async () => {
    const { connection, client, events } = await started();
    connection.receive("reset", { reason: "backplane-restored", cursor: "f:3" });

    expect(events).toEqual([{ type: "reset", reason: "backplane-restored", cursor: "f:3", spreadMs: 0 }]);
    expect(client.cursor).toBe("f:3");
  });
});

describe("reconnect", () => {
  test("every held tag is subscribed again with the cursor, and missed tags are reported", async () => {
    const { connection, client, events } = await started();
    client.subscribe([["todo", 1], ["todo", 2]]);
    await settle();
    connection.receive("invalidate", invalidation("id-1", [["todo", 1]], "e:5"));
    events.length = 0;

    connection.drop();
    client.subscribe([["todo", 3]]);
    await settle();
    expect(connection.calls("Subscribe")).toHaveLength(1);

    connection.answer = () => subscribeResult({ cursor: "e:8", missed: [["todo", 2]] });
    connection.reconnect();
    await settle();

    expect(connection.calls("Subscribe").at(-1)).toEqual([[["todo", 1], ["todo", 2], ["todo", 3]], "e:5"]);
    expect(events).toEqual([{ type: "missed", missedTags: [["todo", 2]], cursor: "e:8" }]);
    expect(client.cursor).toBe("e:8");
  });

  test("a subscribe answered with reset asks for a reset", async () => {
    const { connection, client, events } = await started();
    client.subscribe([["todos"]]);
    await settle();

    connection.drop();
    connection.answer = () => subscribeResult({ cursor: "new:0", reset: true });
    connection.reconnect();
    await settle();

    expect(events).toEqual([{ type: "reset", reason: "cursor-unknown", cursor: "new:0", spreadMs: 0 }]);
  });
});

describe("status and lifetime", () => {
  test("the status follows the connection", async () => {
    const { connection, client } = setup();
    const seen: TagInvalidationStatus[] = [client.status.get()];
    client.status.subscribe((status) => seen.push(status));

    await client.start();
    connection.drop();
    connection.reconnect();
    await client.stop();

    expect(seen).toEqual(["disconnected", "connecting", "connected", "reconnecting", "connected", "disconnected"]);
  });

  test("a failed start is tried again with the reconnect policy", async () => {
    const retries: number[] = [];
    const reconnectPolicy: IRetryPolicy = { nextRetryDelayInMilliseconds: ({ previousRetryCount }) => (retries.push(previousRetryCount), 1) };
    const { connection, client, logs } = setup({ reconnectPolicy });
    connection.startError = () => (connection.startCalls < 3 ? new Error("server down") : undefined);

    await client.start();

    expect(connection.startCalls).toBe(3);
    expect(retries).toEqual([0, 1]);
    expect(client.status.get()).toBe("connected");
    // One warning per outage, not one per try.
    expect(logs.filter((log) => log.level === LogLevel.Warning)).toEqual([{ level: LogLevel.Warning, message: expect.stringMatching(/cannot connect yet \(server down\); retrying in/) }]);
    expect(logs.filter((log) => log.level === LogLevel.Debug)).toHaveLength(1);
  });

  test("a first start that keeps failing says so after 3 tries, with a hint naming the server and the proxy, and keeps trying", async () => {
    vi.useFakeTimers();
    try {
      const { connection, client, events, listen } = setup();
      listen();
      // What a browser's fetch reports for a hub on another origin without CORS, or for a dev server's dead proxy.
      connection.startError = () => (connection.startCalls < 6 ? new TypeError("Failed to fetch") : undefined);
      const starting = client.start();

      // The forever policy: at once, then after 1, 2 and 5 s, then every 10 s; each retry after the first also waits
      // a random part of the 2 s server-stop window.
      await vi.advanceTimersByTimeAsync(0);
      expect(connection.startCalls).toBe(2);
      expect(events).toEqual([]);
      expect(client.state.get()).toMatchObject({ status: "connecting", error: undefined });
      await vi.advanceTimersByTimeAsync(1_000 + 2_000);
      expect(connection.startCalls).toBe(3);
      // The hint's sentences are imported when it is needed.
      await vi.waitFor(() => expect(client.state.get()).toMatchObject({ status: "connecting", error: { failure: "unreachable", detail: "Failed to fetch" } }));
      const error = client.state.get().error;
      // Which origin the page is on decides whether it names CORS too (connectionError.test.ts).
      expect(error?.hint).toContain("Is the server up, and a dev server's proxy of /hubs running");
      expect(events).toEqual([{ type: "error", error }]);

      // Still trying, and said once: the fourth and fifth tries add nothing; the sixth connects and clears it.
      await vi.advanceTimersByTimeAsync(2_000 + 5_000 + 10_000 + 3 * 2_000);
      await starting;
      expect(connection.startCalls).toBe(6);
      expect(client.state.get()).toEqual({ status: "connected", error: undefined, role: "own" });
      expect(events).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  test("a start that the policy gives up on rejects, and the status is failed with the error", async () => {
    const { connection, client, events, listen } = setup({ reconnectPolicy: { nextRetryDelayInMilliseconds: () => null } });
    listen();
    connection.startError = () => new Error("server down");

    const error = await client.start().catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(TagInvalidationConnectionError);
    expect(error).toMatchObject({ failure: "gave-up", detail: "server down", message: expect.stringContaining("the reconnect policy gave up") });
    expect(client.state.get()).toEqual({ status: "failed", error, role: "own" });
    expect(events).toEqual([{ type: "failed", error: client.state.get().error }]);
  });

  test("stop ends the retries of a start", async () => {
    const { connection, client } = setup({ reconnectPolicy: { nextRetryDelayInMilliseconds: () => 60_000 } });
    connection.startError = () => new Error("server down");
    const starting = client.start();
    await settle();

    await client.stop();
    await starting;

    expect(connection.startCalls).toBe(1);
    expect(client.status.get()).toBe("disconnected");
  });

  test("a start right after a stop starts again (React strict mode)", async () => {
    const { connection, client } = setup();
    client.subscribe([["todos"]]);
    await client.start();
    const stopping = client.stop();
    const restarting = client.start();
    await stopping;
    await restarting;

    expect(connection.state).toBe(HubConnectionState.Connected);
    expect(connection.calls("Subscribe")).toEqual([[[["todos"]], firstSubscribeAge], [[["todos"]], "e:1"]]);
  });

  test("an adopted connection that is already connected gets the held tags on start", async () => {
    const connection = new FakeHubConnection();
    await connection.start();
    const client = createTagInvalidationClient({ connection: connection.asHubConnection() });
    expect(client.status.get()).toBe("connected");
    client.subscribe([["todos"]]);

    await client.start();

    expect(connection.startCalls).toBe(1);
    // The start's code is imported lazily: the tick's publish subscribes first, and the start, once loaded, subscribes
    // the held tags again from the cursor, as for any connection it finds connected.
    expect(connection.calls("Subscribe")[0]).toEqual([[["todos"]], firstSubscribeAge]);
  });
});

describe("listeners and errors", () => {
  test("a listener that throws keeps the others from nothing; the failure goes to the logger", async () => {
    const { connection, client, logs } = setup();
    const heard: string[] = [];
    client.listen(() => {
      throw new Error("listener bug");
    });
    client.listen((event) => heard.push(event.type));
    client.status.subscribe(() => {
      throw new Error("status listener bug");
    });
    await client.start();

    connection.receive("reset", { reason: "r", cursor: null });

    expect(heard).toEqual(["reset"]);
    expect(logs.filter((log) => log.level === LogLevel.Error).map((log) => log.message)).toEqual([
      "QueryTags: a listener threw: status listener bug",
      "QueryTags: a listener threw: status listener bug",
      "QueryTags: a listener threw: listener bug",
    ]);
  });

  test("errors go to the logger when nobody listens", async () => {
    const { connection, client, logs } = setup();
    await client.start();
    connection.answer = () => subscribeResult({ rejected: [{ index: 0, tag: '["a"]', rule: "too-many-tags-held", reason: "full" }] });
    client.subscribe([["a"]]);
    await settle();

    expect(logs).toContainEqual({ level: LogLevel.Error, message: 'QueryTags: The server refused tag ["a"]: full (too-many-tags-held).' });
  });

  test("a tag from the server that is not one is reported, and the rest of the message applied", async () => {
    const { connection, client, events } = await started();
    client.subscribe([["todos"]]);
    await settle();

    connection.receive("invalidate", invalidation("id-1", [[1.5], ["todos"]]));

    expect(events.map((event) => event.type)).toEqual(["error", "invalidate"]);
  });
});
