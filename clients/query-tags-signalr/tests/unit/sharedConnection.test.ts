import { HubConnectionState, type ILogger } from "@microsoft/signalr";
import { afterEach, describe, expect, test, vi } from "vitest";
import { gatedPolicy, type GatedPolicy } from "../../src/gatedPolicy.js";
import { HubEngine } from "../../src/hubEngine.js";
import { SharedConnection } from "../../src/sharedConnection.js";
import { TagInvalidationClient } from "../../src/tagInvalidationClient.js";
import { TagInvalidationConnectionError, type PageReturn, type PageReturns, type Tag, type TagInvalidationEvent } from "../../src/index.js";
import { FakeHubConnection, subscribeResult } from "./fakeHubConnection.js";
import { FakeLocks } from "./fakeLocks.js";

// Tabs of one browser, each a client in this process: a fake lock manager per tab over one set of locks, Node's own
// BroadcastChannel (delivered between instances of one name, never to the sender), and fake hub connections that
// the test answers as the server would.

const quiet: ILogger = { log: () => {} };
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) {
    await close();
  }
});

/**
 * `prepare` sets up each connection a leader builds, as a server would answer it; each is built, as the factory
 * builds one, with a gated policy (one of `gates`) that waits `retryDelayMs` before each try.
 */
function browser(prepare: (connection: FakeHubConnection, index: number) => void = () => {}, retryDelayMs = 10) {
  const locks = new FakeLocks();
  const name = `querytags test ${Math.random()}`;
  const connections: FakeHubConnection[] = [];
  const gates: GatedPolicy[] = [];

  function open() {
    const tab = locks.tab();
    const channels: BroadcastChannel[] = [];
    const own: FakeHubConnection[] = [];
    // The tab's page events (online, pageshow, resume), played by the test with back().
    let listener: ((reason: PageReturn) => void) | undefined;
    const pageReturns: PageReturns = (onReturn) => ((listener = onReturn), () => (listener = undefined));
    const environment = {
      locks: tab.locks,
      channel: (channelName: string) => {
        const channel = new BroadcastChannel(channelName);
        channels.push(channel);
        return channel;
      },
    };
    const client = new TagInvalidationClient(
      (view) =>
        new SharedConnection(view, name, environment, (cursor, emit) => {
          const connection = new FakeHubConnection();
          prepare(connection, connections.length);
          connections.push(connection);
          own.push(connection);
          const gate = gatedPolicy({ nextRetryDelayInMilliseconds: () => retryDelayMs });
          gates.push(gate);
          return new HubEngine({ connection: connection.asHubConnection(), gate, logger: quiet, retryPolicy: gate, maxTagsPerCall: 256, cursor, emit });
        }),
      quiet,
      { firstSubscribeMarginMs: 0 },
      pageReturns,
    );
    const events: TagInvalidationEvent[] = [];
    const messages: string[] = [];
    client.listen((event) => (event.type === "message" ? messages.push(event.message.id) : event.type !== "skipped" && events.push(event)));
    // What a browser does when a tab closes: its locks go, its channel and its sockets with it, its code runs no more.
    const close = () => {
      tab.close();
      channels.forEach((channel) => channel.close());
      own.forEach((connection) => (connection.state = HubConnectionState.Disconnected));
    };
    closers.push(() => client.stop(), close);
    const invalidated = () => events.flatMap((event) => (event.type === "invalidate" ? [event.matchedTags] : []));
    const back = (reason: PageReturn) => listener?.(reason);
    return { client, events, messages, invalidated, close, back };
  }

  /** The one connection that is up: the leader's. */
  function server(): FakeHubConnection {
    const live = connections.filter((connection) => connection.state === HubConnectionState.Connected);
    expect(live).toHaveLength(1);
    return live[0]!;
  }

  const subscribed = (connection: FakeHubConnection) => connection.calls("Subscribe").flatMap(([tags]) => tags as Tag[]);
  return { locks, name, connections, gates, open, server, subscribed };
}

const invalidation = (id: string, tags: Tag[], cursor: string) => ({ id, tags, cursor, origin: null, traceparent: null });

describe("one connection for the browser's tabs", () => {
  test("tabs elect one leader, which holds the union of their tags; every tab reads connected and its role", async () => {
    const { open, connections, server, subscribed } = browser();
    const tabs = [open(), open(), open()];
    tabs[0]!.client.subscribe([["todos"]]);
    tabs[1]!.client.subscribe([["todo", 5]]);
    tabs[2]!.client.subscribe([["todos"], ["todo", 6]]);

    await Promise.all(tabs.map(({ client }) => client.start()));

    expect(connections).toHaveLength(1);
    expect(tabs.map(({ client }) => client.state.get())).toEqual([
      { status: "connected", error: undefined, role: "leader" },
      { status: "connected", error: undefined, role: "follower" },
      { status: "connected", error: undefined, role: "follower" },
    ]);
    expect(tabs.map(({ client }) => client.connection !== undefined)).toEqual([true, false, false]);
    expect(subscribed(server()).map((tag) => JSON.stringify(tag)).sort()).toEqual(['["todo",5]', '["todo",6]', '["todos"]']);
  });

  test("the leader relays each message to every tab; each tab reports only its own matching tags, once per id", async () => {
    const { open, server } = browser();
    const [a, b, c] = [open(), open(), open()];
    a.client.subscribe([["todos"]]);
    b.client.subscribe([["todo", 5]]);
    c.client.subscribe([["todo", 6], ["todos"]]);
    await Promise.all([a, b, c].map(({ client }) => client.start()));

    server().receive("invalidate", invalidation("id-1", [["todo", 5]], "e:7"));
    // The second target group's copy of the same call.
    server().receive("invalidate", invalidation("id-1", [["todo", 5]], "e:7"));
    server().receive("invalidate", invalidation("id-2", [["todos"]], "e:8"));

    await vi.waitFor(() => expect(c.messages).toEqual(["id-1", "id-1", "id-2"]));
    await vi.waitFor(() => expect(b.messages).toEqual(["id-1", "id-1", "id-2"]));
    expect(a.invalidated()).toEqual([[["todos"]]]);
    expect(b.invalidated()).toEqual([[["todo", 5]]]);
    expect(c.invalidated()).toEqual([[["todos"]]]);
    expect([a, b, c].map(({ client }) => client.cursor)).toEqual(["e:8", "e:8", "e:8"]);
  });

  test("a tag is held while any tab holds it; a tab that stops releases its tags", async () => {
    const { open, server } = browser();
    const [a, b] = [open(), open()];
    a.client.subscribe([["shared"], ["a"]]);
    b.client.subscribe([["shared"], ["b"]]);
    await Promise.all([a.client.start(), b.client.start()]);

    b.client.unsubscribe([["shared"]]);
    await vi.waitFor(() => expect(b.client.heldTags).toEqual([["b"]]));
    await b.client.stop();

    await vi.waitFor(() => expect(server().calls("Unsubscribe").flatMap(([tags]) => tags as Tag[])).toEqual([["b"]]));
    expect(b.client.state.get().status).toBe("disconnected");
  });

  test("a tag the server refuses is reported to the tabs that hold it, which drop it", async () => {
    const { open, connections } = browser();
    const [a, b] = [open(), open()];
    await a.client.start();
    connections[0]!.answer = ({ method, args }) =>
      method === "Subscribe"
        ? subscribeResult({
            rejected: (args[0] as Tag[]).flatMap((tag, index) => (tag[0] === "user" ? [{ index, tag: JSON.stringify(tag), rule: "forbidden", reason: "the connection may not hold the tag" }] : [])),
          })
        : undefined;
    b.client.subscribe([["user", "bob"], ["todos"]]);
    await b.client.start();

    await vi.waitFor(() => expect(b.events.filter((event) => event.type === "rejected")).toHaveLength(1));
    expect(b.events.filter((event) => event.type === "rejected")).toEqual([
      { type: "rejected", rejections: [{ index: 0, tag: '["user","bob"]', rule: "forbidden", reason: "the connection may not hold the tag" }] },
    ]);
    expect(b.client.heldTags).toEqual([["todos"]]);
    expect(a.events).toEqual([]);
  });

  test("when the leader's tab closes, the next tab takes over with the cursor its tab saw, and missed tags reach the tabs that hold them", async () => {
    // The second connection's server says ["todo", 6] was invalidated since the cursor.
    const { open, connections, server, subscribed } = browser((connection, index) => {
      connection.answer = ({ method, args }) =>
        method === "Subscribe" ? subscribeResult(index === 0 ? {} : { cursor: "e:9", missed: (args[0] as Tag[]).filter((tag) => tag[1] === 6) }) : undefined;
    });
    const [a, b, c] = [open(), open(), open()];
    a.client.subscribe([["todos"]]);
    b.client.subscribe([["todo", 5]]);
    c.client.subscribe([["todo", 6]]);
    await Promise.all([a, b, c].map(({ client }) => client.start()));
    server().receive("invalidate", invalidation("id-1", [["todos"]], "e:7"));
    await vi.waitFor(() => expect(c.client.cursor).toBe("e:7"));

    a.close();

    // The next in line (b) builds its own connection and subscribes every tab's tags from the last cursor.
    await vi.waitFor(() => expect(connections).toHaveLength(2));
    const next = connections[1]!;
    await vi.waitFor(() => expect(subscribed(server()).map((tag) => JSON.stringify(tag)).sort()).toEqual(['["todo",5]', '["todo",6]']));
    expect(next.calls("Subscribe").every(([, since]) => since === "e:7")).toBe(true);
    await vi.waitFor(() => expect(c.events).toEqual([{ type: "missed", missedTags: [["todo", 6]], cursor: "e:9" }]));
    expect(b.events).toEqual([]);
    expect([b.client.state.get().role, c.client.state.get().role]).toEqual(["leader", "follower"]);

    // And it relays from then on.
    server().receive("invalidate", invalidation("id-2", [["todo", 6]], "e:10"));
    await vi.waitFor(() => expect(c.invalidated()).toEqual([[["todo", 6]]]));
  });

  test("a leader that stops hands over too, and a new tab joins the leader there is", async () => {
    const { open, connections, server } = browser();
    const [a, b] = [open(), open()];
    await Promise.all([a.client.start(), b.client.start()]);
    await a.client.stop();
    await vi.waitFor(() => expect(b.client.state.get()).toMatchObject({ status: "connected", role: "leader" }));

    const late = open();
    late.client.subscribe([["late"]]);
    await late.client.start();

    expect(connections).toHaveLength(2);
    expect(late.client.state.get()).toMatchObject({ status: "connected", role: "follower" });
    expect(server().calls("Subscribe").at(-1)![0]).toEqual([["late"]]);
  });

  test("a follower whose page is back makes the leader reconnect now, from the cursor, not after its back-off", async () => {
    const { open, connections, gates, server } = browser(undefined, 3_600_000);
    const [a, b] = [open(), open()];
    a.client.subscribe([["todos"]]);
    await Promise.all([a.client.start(), b.client.start()]);
    server().receive("invalidate", invalidation("id-1", [["todos"]], "e:5"));
    const leader = connections[0]!;
    leader.drop(gates[0]);

    b.back("online");

    await vi.waitFor(() => expect(leader.calls("Subscribe")).toHaveLength(2));
    expect(leader.calls("Subscribe").at(-1)).toEqual([[["todos"]], "e:5"]);
    expect(leader.reconnectAttempts).toBe(0);
    expect(connections).toHaveLength(1);
  });

  test("restart() in a follower restarts the leader's connection, which subscribes every tab's tags again", async () => {
    const { open, server } = browser();
    const [a, b] = [open(), open()];
    a.client.subscribe([["a"]]);
    b.client.subscribe([["b"]]);
    await Promise.all([a.client.start(), b.client.start()]);
    const connection = server();
    const before = connection.startCalls;

    await b.client.restart();

    await vi.waitFor(() => expect(connection.startCalls).toBe(before + 1));
    await vi.waitFor(() => expect(connection.calls("Subscribe").at(-1)).toEqual([[["a"], ["b"]], "e:1"]));
  });

  test("a failure of the leader's connection reaches every tab as the failed status with its hint, and a follower's start rejects", async () => {
    const { open } = browser((connection) => {
      connection.startError = () => new Error("Failed to complete negotiation with the server: Error: Not Found: Status code '404'");
    });
    const a = open();
    expect(await a.client.start().catch((error: unknown) => error)).toBeInstanceOf(TagInvalidationConnectionError);

    // A tab that joins later learns of it from the leader.
    const b = open();
    const error = await b.client.start().catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(TagInvalidationConnectionError);
    expect(error).toMatchObject({ failure: "hub-not-found", statusCode: 404 });
    expect(b.client.state.get()).toMatchObject({ status: "failed", role: "follower", error: expect.objectContaining({ hint: expect.stringContaining("is the hub mapped at") }) });
    expect(a.client.state.get()).toMatchObject({ status: "failed", role: "leader" });
    expect(b.events.filter((event) => event.type === "failed")).toHaveLength(1);
  });

  test("apply() reports a tab's own change at once and its push not again; with siblings, the other tabs skip the push too", async () => {
    const { open, server, name } = browser();
    const [a, b, c] = [open(), open(), open()];
    for (const { client } of [a, b, c]) {
      client.subscribe([["todos"]]);
    }

    // What the tabs tell each other, seen from a channel of the test's: the sibling note has gone out once it shows.
    const notes: Array<{ k: string; id?: string }> = [];
    const watcher = new BroadcastChannel(name);
    watcher.onmessage = ({ data }) => notes.push(data);
    closers.push(() => watcher.close());

    await Promise.all([a, b, c].map(({ client }) => client.start()));

    b.client.apply({ id: "own-1", tags: [["todos"]] });
    expect(b.invalidated()).toEqual([[["todos"]]]);
    server().receive("invalidate", invalidation("own-1", [["todos"]], "e:3"));
    await vi.waitFor(() => expect(c.invalidated()).toEqual([[["todos"]]]));
    await vi.waitFor(() => expect(b.messages).toEqual(["own-1"]));
    expect(b.invalidated()).toHaveLength(1);

    c.client.apply({ id: "own-2", tags: [["todos"]] }, { siblings: true });
    await vi.waitFor(() => expect(notes).toContainEqual(expect.objectContaining({ k: "applied", id: "own-2" })));
    server().receive("invalidate", invalidation("own-2", [["todos"]], "e:4"));
    await vi.waitFor(() => expect(b.messages).toEqual(["own-1", "own-2"]));
    expect([a.invalidated(), b.invalidated(), c.invalidated()].map((list) => list.length)).toEqual([1, 1, 2]);
  });
});

describe("asking from an older cursor (restored data)", () => {
  test("a follower's ask reaches the leader, which subscribes the tags again from there, joined or not", async () => {
    const { open, server } = browser((connection) => {
      connection.answer = ({ method, args }) =>
        method === "Subscribe" ? subscribeResult({ cursor: "e:9", missed: args[1] === "e:2" ? (args[0] as Tag[]).filter((tag) => tag[0] === "todo") : [] }) : undefined;
    });
    const [a, b] = [open(), open()];
    a.client.subscribe([["todos"]]);
    b.client.subscribe([["todos"], ["todo", 5]]);
    await a.client.start();
    await b.client.start();

    b.client.askMissed("e:2", [["todos"], ["todo", 5]]);

    await vi.waitFor(() => expect(server().calls("Subscribe")).toContainEqual([[["todos"], ["todo", 5]], "e:2"]));
    await vi.waitFor(() => expect(b.events).toContainEqual({ type: "missed", missedTags: [["todo", 5]], cursor: "e:9" }));
  });

  test("an ask made before the tab joined, for tags not held yet, goes to the leader with the tab's tags", async () => {
    const { open, server } = browser();
    const [a, b] = [open(), open()];
    a.client.subscribe([["todos"]]);
    await a.client.start();
    b.client.askMissed("e:2", [["todo", 5]]);
    b.client.subscribe([["todo", 5]]);
    await b.client.start();

    await vi.waitFor(() => expect(server().calls("Subscribe")).toContainEqual([[["todo", 5]], "e:2"]));
  });
});
