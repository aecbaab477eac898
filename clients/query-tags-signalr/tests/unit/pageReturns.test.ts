import type { ILogger, IRetryPolicy } from "@microsoft/signalr";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { gatedPolicy } from "../../src/gatedPolicy.js";
import { HubEngine } from "../../src/hubEngine.js";
import { TagInvalidationClient } from "../../src/tagInvalidationClient.js";
import type { PageReturn, PageReturns, TagInvalidationStatus } from "../../src/index.js";
import { FakeHubConnection, subscribeResult } from "./fakeHubConnection.js";

// A page back online, out of the back/forward cache or resumed from a freeze reconnects now, not at the next step of
// its back-off. The page's events are played by the test; SignalR's reconnect loop by the fake connection, on fake time.

const quiet: ILogger = { log: () => undefined };
const longBackOff = 60_000;
const invalidation = (id: string, tags: unknown[], cursor: string) => ({ id, tags, cursor, origin: null, traceparent: null });

// performance.now() too: it is the clock SignalR's waits are measured on.
beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] }));
afterEach(() => vi.useRealTimers());

/** A client built as the factory builds one for a URL (the gate included), with the page's returns played by `back`. */
function setup(delays: readonly number[] = [longBackOff]) {
  const connection = new FakeHubConnection();
  const policy: IRetryPolicy = { nextRetryDelayInMilliseconds: ({ previousRetryCount }) => delays[Math.min(previousRetryCount, delays.length - 1)]! };
  const gate = gatedPolicy(policy);
  let listener: ((reason: PageReturn) => void) | undefined;
  const pageReturns: PageReturns = (onReturn) => {
    listener = onReturn;
    return () => (listener = undefined);
  };
  const client = new TagInvalidationClient(
    (view) => new HubEngine({ connection: connection.asHubConnection(), gate, logger: quiet, retryPolicy: gate, maxTagsPerCall: 256, emit: view.receive }),
    quiet,
    {},
    pageReturns,
  );
  const statuses: TagInvalidationStatus[] = [];
  client.status.subscribe((status) => statuses.push(status));
  const back = (reason: PageReturn) => listener?.(reason);
  return { connection, client, gate, back, statuses, listening: () => listener !== undefined };
}

/** Started, holding ["todos"], with cursor e:5 from an invalidation, then the transport lost: SignalR waits its back-off. */
async function waitingToReconnect(delays?: readonly number[]) {
  const context = setup(delays);
  const { connection, client, gate } = context;
  client.subscribe([["todos"]]);
  await client.start();
  await vi.advanceTimersByTimeAsync(0);
  connection.receive("invalidate", invalidation("id-1", [["todos"]], "e:5"));
  connection.answer = () => subscribeResult({ cursor: "e:9", missed: [["todos"]] });
  connection.drop(gate);
  context.statuses.length = 0;
  return context;
}

describe("a page that is back reconnects now", () => {
  test.each<PageReturn>(["online", "pageshow", "resume", "visible"])("%s ends the reconnect wait at once and resubscribes with the cursor", async (reason) => {
    const { connection, client, back, statuses } = await waitingToReconnect();
    const missed: unknown[] = [];
    client.listen((event) => event.type === "missed" && missed.push(event.missedTags));

    back(reason);
    await vi.advanceTimersByTimeAsync(0);

    expect(connection.calls("Subscribe").at(-1)).toEqual([[["todos"]], "e:5"]);
    expect(missed).toEqual([[["todos"]]]);
    expect(client.cursor).toBe("e:9");
    // Still a reconnect to whoever watches the status, and SignalR's own attempt never ran: its wait was ended.
    expect(statuses).toEqual(["connected"]);
    await vi.advanceTimersByTimeAsync(longBackOff);
    expect(connection.reconnectAttempts).toBe(0);
    expect(connection.startCalls).toBe(2);
  });

  test("two returns at once reconnect once", async () => {
    const { connection, back } = await waitingToReconnect();

    back("online");
    back("pageshow");
    back("resume");
    await vi.advanceTimersByTimeAsync(longBackOff);

    expect(connection.startCalls).toBe(2);
    expect(connection.reconnectAttempts).toBe(0);
    expect(connection.calls("Subscribe")).toHaveLength(2);
  });

  test("a first start waiting between tries tries now", async () => {
    const { connection, client, back } = setup();
    connection.startError = () => (connection.startCalls < 2 ? new Error("offline") : undefined);
    client.subscribe([["todos"]]);
    const starting = client.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.startCalls).toBe(1);

    back("online");
    await starting;

    expect(connection.startCalls).toBe(2);
    expect(client.status.get()).toBe("connected");
    expect(connection.calls("Subscribe")).toEqual([[[["todos"]], expect.stringMatching(/^age:\d+$/)]]);
  });

  test("a reconnect that fails again goes on with the back-off, and the next return tries again", async () => {
    const { connection, client, back } = await waitingToReconnect();
    connection.startError = () => (connection.startCalls < 3 ? new Error("still offline") : undefined);

    back("online");
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.startCalls).toBe(2);
    expect(client.status.get()).toBe("reconnecting");

    back("online");
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.startCalls).toBe(3);
    expect(client.status.get()).toBe("connected");
    expect(connection.calls("Subscribe").at(-1)).toEqual([[["todos"]], "e:5"]);
  });
});

describe("a page that is back leaves alone", () => {
  test("a connected, healthy connection", async () => {
    const { connection, client, back, statuses } = setup();
    const invalidated: string[] = [];
    client.listen((event) => event.type === "invalidate" && invalidated.push(event.message.id));
    client.subscribe([["todos"]]);
    await client.start();
    await vi.advanceTimersByTimeAsync(0);
    statuses.length = 0;

    back("online");
    back("pageshow");
    back("resume");
    await vi.advanceTimersByTimeAsync(longBackOff);
    // The sentinel: an invalidation after the returns arrives on the same connection.
    connection.receive("invalidate", invalidation("sentinel", [["todos"]], "e:6"));

    expect(invalidated).toEqual(["sentinel"]);
    expect(connection.startCalls).toBe(1);
    expect(connection.calls("Subscribe")).toHaveLength(1);
    expect(statuses).toEqual([]);
  });

  test("a reconnect attempt that is due now: SignalR's own runs, once", async () => {
    const { connection, client, back } = await waitingToReconnect([0]);

    back("online");
    await vi.advanceTimersByTimeAsync(0);

    expect(connection.reconnectAttempts).toBe(1);
    expect(connection.startCalls).toBe(1);
    expect(client.status.get()).toBe("connected");
    expect(connection.calls("Subscribe").at(-1)).toEqual([[["todos"]], "e:5"]);
  });

  test("an adopted connection, whose reconnect waits are not known: SignalR's own attempt runs after its wait", async () => {
    const connection = new FakeHubConnection();
    let listener: ((reason: PageReturn) => void) | undefined;
    const client = new TagInvalidationClient(connection.asHubConnection(), quiet, {}, (onReturn) => ((listener = onReturn), () => (listener = undefined)));
    client.subscribe([["todos"]]);
    await client.start();
    await vi.advanceTimersByTimeAsync(0);
    connection.drop({ nextRetryDelayInMilliseconds: () => longBackOff });

    listener?.("online");
    await vi.advanceTimersByTimeAsync(longBackOff);

    expect(connection.startCalls).toBe(1);
    expect(connection.reconnectAttempts).toBe(1);
    expect(client.status.get()).toBe("connected");
  });

  test("a stopped client, which no longer listens", async () => {
    const { connection, client, listening } = setup();
    await client.start();
    expect(listening()).toBe(true);

    await client.stop();

    expect(listening()).toBe(false);
    expect(connection.startCalls).toBe(1);
  });
});
