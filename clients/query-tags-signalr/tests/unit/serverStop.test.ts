import { afterEach, describe, expect, test, vi } from "vitest";
import { createTagInvalidationClient, foreverRetryPolicy } from "../../src/index.js";
import { followsServerStop, serverStopPolicy } from "../../src/serverStop.js";
import { gatedPolicy } from "../../src/gatedPolicy.js";
import { FakeHubConnection } from "./fakeHubConnection.js";
// Loaded up front, as a page loads it while it sets up: the client imports it lazily, and fake time drives no import.
import "../../src/startAttempts.js";

// The retries that follow a stopping server are spread over the jitter window (and wait at least its Retry-After);
// every other retry keeps the wrapped policy's delay.

// What SignalR's client makes of the reasons, as it words them.
const closedWithoutError = new Error("Attempting to reconnect due to a unknown error.");
const negotiateRefused = (body: string) =>
  new Error(`Failed to complete negotiation with the server: Error: ${body}: Status code '503'`);
const drainRefusal = negotiateRefused("This server is stopping and takes no new hub connections (Retry-After: 3); connect to another node.");
const webSocket1006 = new Error("WebSocket closed with status code: 1006 (no reason given).");

describe("serverStopPolicy", () => {
  test.each([
    [0, 0],
    [0.25, 500],
    [0.999, 1998],
  ])("a connection the server closed without an error reconnects after a random part of the window (%f → %i ms)", (random, delay) => {
    const policy = serverStopPolicy(foreverRetryPolicy, 2000, () => random);

    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 0, elapsedMilliseconds: 0, retryReason: closedWithoutError })).toBe(delay);
  });

  test("a negotiate answered 503 waits its Retry-After (read from the body), then a part of the window", () => {
    const policy = serverStopPolicy(foreverRetryPolicy, 2000, () => 0.5);

    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 1, elapsedMilliseconds: 300, retryReason: drainRefusal })).toBe(4000);
    // Without one (a balancer's 503), the policy's delay, spread.
    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 2, elapsedMilliseconds: 900, retryReason: negotiateRefused("Service Unavailable") })).toBe(3000);
    // A Retry-After of an hour is honoured for a minute.
    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 1, elapsedMilliseconds: 0, retryReason: negotiateRefused("(Retry-After: 3600)") })).toBe(61_000);
  });

  test("a cut WebSocket reconnects at once; a later retry, the server not back, is spread", () => {
    const policy = serverStopPolicy(foreverRetryPolicy, 2000, () => 0.5);

    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 0, elapsedMilliseconds: 0, retryReason: webSocket1006 })).toBe(0);
    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 1, elapsedMilliseconds: 0, retryReason: new Error("Failed to fetch") })).toBe(2000);
    // A later attempt's own "unknown error" is not the server's close.
    expect(followsServerStop({ previousRetryCount: 1, elapsedMilliseconds: 0, retryReason: closedWithoutError })).toBe(false);
  });

  test("a policy that gives up still gives up, and a 503 is never a failure for good", () => {
    expect(serverStopPolicy({ nextRetryDelayInMilliseconds: () => null }, 2000).nextRetryDelayInMilliseconds({ previousRetryCount: 0, elapsedMilliseconds: 0, retryReason: closedWithoutError })).toBeNull();

    const gate = gatedPolicy(serverStopPolicy(foreverRetryPolicy, 0));
    expect(gate.nextRetryDelayInMilliseconds({ previousRetryCount: 9, elapsedMilliseconds: 60_000, retryReason: drainRefusal })).toBe(10_000);
  });

  test("a jitter that is not a number of milliseconds is refused by name", () => {
    expect(() => createTagInvalidationClient({ connection: new FakeHubConnection().asHubConnection(), serverStopJitterMs: -1 })).toThrow(/serverStopJitterMs must be a number of milliseconds, 0 or more; it is -1/);
  });
});

describe("a start refused by a stopping server", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  test("waits its Retry-After and a part of the window before trying again, and says connecting meanwhile", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.25);
    const connection = new FakeHubConnection();
    connection.startError = () => (connection.startCalls === 1 ? drainRefusal : undefined);
    const client = createTagInvalidationClient({ connection: connection.asHubConnection(), logger: { log: () => undefined } });

    const starting = client.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(connection.startCalls).toBe(1);

    // Retry-After 3 s (the forever policy's first delay is none), then a quarter of the 2 s window.
    await vi.advanceTimersByTimeAsync(3499);
    expect(connection.startCalls).toBe(1);
    expect(client.status.get()).toBe("connecting");
    await vi.advanceTimersByTimeAsync(1);
    await starting;
    expect(connection.startCalls).toBe(2);
    expect(client.status.get()).toBe("connected");
  });
});
