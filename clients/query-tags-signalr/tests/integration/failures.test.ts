import { HubConnectionState, type RetryContext } from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { createTagInvalidationClient, foreverRetryPolicy, TagInvalidationConnectionError, type TagInvalidationClientOptions, type TagInvalidationEvent, type TagInvalidationStatus } from "../../src/index.js";
import { eventually } from "./fixture.js";
import { startTestServer, type TestServer } from "./testServer.js";

// What an app can show when the client cannot connect: the failed status, with a typed error and a hint, for
// what retrying cannot fix; back-off, and one warning, for what it can.

let server: TestServer;
let jsonOnly: TestServer;
beforeAll(async () => {
  [server, jsonOnly] = await Promise.all([startTestServer(), startTestServer({ args: ["--NoMessagePack=true"] })]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), jsonOnly?.stop()]);
});

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }

  vi.restoreAllMocks();
});

/**
 * A client as an app makes one: the default policy (retries forever) unless the test gives one, and the console,
 * which the test watches; `retries` has the retry count of each time the policy was asked.
 */
function client(options: TagInvalidationClientOptions) {
  const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
  const errors = vi.spyOn(console, "error").mockImplementation(() => {});
  const retries: number[] = [];
  const policy = options.reconnectPolicy ?? foreverRetryPolicy;
  const reconnectPolicy = { nextRetryDelayInMilliseconds: (context: RetryContext) => (retries.push(context.previousRetryCount), policy.nextRetryDelayInMilliseconds(context)) };
  const client = createTagInvalidationClient({ firstSubscribeMarginMs: 0, ...options, reconnectPolicy });
  cleanups.push(() => client.stop());
  const events: TagInvalidationEvent[] = [];
  const statuses: TagInvalidationStatus[] = [];
  client.listen((event) => !["message", "skipped", "refetch"].includes(event.type) && events.push(event));
  client.status.subscribe((status) => statuses.push(status));
  return { client, events, statuses, warnings, errors, retries };
}

async function failure(start: Promise<void>) {
  const error = await start.then(
    () => undefined,
    (failed: unknown) => failed,
  );
  expect(error).toBeInstanceOf(TagInvalidationConnectionError);
  return { error: error as TagInvalidationConnectionError };
}

describe("failures retrying cannot fix", () => {
  test("a hub URL with no hub (404 on negotiate): failed at once, with the hint 'is the hub mapped at …?'", async () => {
    const url = `${server.url}/hubs/elsewhere`;
    const { client: wrong, events, statuses, retries } = client({ url });

    const { error } = await failure(wrong.start());

    expect(error).toMatchObject({ failure: "hub-not-found", statusCode: 404 });
    expect(error.hint).toContain(`is the hub mapped at ${url}?`);
    expect(error.message).toContain(error.hint);
    // Not retried: the policy was never asked.
    expect(retries).toEqual([]);
    expect(statuses).toEqual(["connecting", "failed"]);
    expect(wrong.state.get()).toEqual({ status: "failed", error, role: "own" });
    expect(events).toEqual([{ type: "failed", error }]);
  });

  test("MessagePack asked of a server without AddMessagePackProtocol(): failed, with the hint to call it", async () => {
    const { client: binary, events, statuses, retries } = client({ url: jsonOnly.hubUrl, protocol: new MessagePackHubProtocol() });

    const { error } = await failure(binary.start());

    expect(error).toMatchObject({ failure: "protocol-not-supported", detail: expect.stringContaining("The protocol 'messagepack' is not supported") });
    expect(error.hint).toContain("call AddMessagePackProtocol() on the server");
    expect(retries).toEqual([]);
    expect(statuses).toEqual(["connecting", "failed"]);
    expect(events).toEqual([{ type: "failed", error }]);

    // The same server speaks JSON.
    const { client: text } = client({ url: jsonOnly.hubUrl });
    await text.start();
    expect(text.status.get()).toBe("connected");
  });

  test("a failed client starts again when asked: start() after failed", async () => {
    const { client: secure } = client({ url: server.secureHubUrl });
    expect((await failure(secure.start())).error.failure).toBe("unauthorized");

    await expect(secure.start()).rejects.toBeInstanceOf(TagInvalidationConnectionError);
    expect(secure.status.get()).toBe("failed");
  });
});

describe("transient failures", () => {
  test("a server restarted on the same address: reconnecting, then connected, never failed, with one warning for the outage", async () => {
    const first = await startTestServer();
    let second: TestServer | undefined;
    cleanups.push(() => second?.stop());
    const { client: app, statuses, events, warnings, errors, retries } = client({
      url: first.hubUrl,
      reconnectPolicy: { nextRetryDelayInMilliseconds: () => 300 },
    });
    app.subscribe([["todos"]]);
    await app.start();

    await first.stop();
    await vi.waitFor(() => expect(app.status.get()).toBe("reconnecting"), eventually);
    // Several tries fail while nothing listens on the port.
    await vi.waitFor(() => expect(retries.length).toBeGreaterThanOrEqual(3), eventually);
    second = await startTestServer({ url: first.url });

    await vi.waitFor(() => expect(app.status.get()).toBe("connected"), eventually);
    expect(statuses).toEqual(["connecting", "connected", "reconnecting", "connected"]);
    expect(app.connection?.state).toBe(HubConnectionState.Connected);
    // A restarted server has a new log: the client is told to refetch everything.
    await vi.waitFor(() => expect(events).toEqual([{ type: "reset", reason: "cursor-unknown", cursor: expect.any(String), spreadMs: 0 }]));
    expect(warnings.mock.calls.map(([message]) => String(message))).toEqual([expect.stringContaining("the connection was lost")]);
    expect(errors).not.toHaveBeenCalled();
  });

  test("a server stopped with a client connected exits by itself; the client says reconnecting, not connected, until another server answers", async () => {
    // Like a real app, it stops its background work for a second before its server stops listening.
    const first = await startTestServer({ args: ["--StopDelay=00:00:01"] });
    let second: TestServer | undefined;
    cleanups.push(() => second?.stop());
    const { client: app, statuses } = client({ url: first.hubUrl, serverStopJitterMs: 200 });
    app.subscribe([["todos"]]);
    await app.start();

    // The server drains: it tells the client to reconnect and refuses it (503) until it exits. It used to let the
    // client straight back in, say connected, and stay up until its 30 s shutdown timeout (killed here after 5 s).
    const stopped = await first.stop();
    expect(stopped.killed).toBe(false);
    expect(app.status.get()).toBe("reconnecting");
    expect(statuses).toEqual(["connecting", "connected", "reconnecting"]);

    second = await startTestServer({ url: first.url });
    await vi.waitFor(() => expect(app.status.get()).toBe("connected"), { ...eventually, timeout: 20_000 });
    expect(statuses).toEqual(["connecting", "connected", "reconnecting", "connected"]);
  });

  test("a server that is not up yet: the start retries with back-off and warns once", async () => {
    const { client: early, statuses, warnings, retries } = client({ url: "http://127.0.0.1:9/hubs/invalidation", reconnectPolicy: { nextRetryDelayInMilliseconds: () => 50 } });

    void early.start().catch(() => undefined);
    await vi.waitFor(() => expect(retries.length).toBeGreaterThanOrEqual(5), eventually);

    expect(early.status.get()).toBe("connecting");
    expect(new Set(statuses)).toEqual(new Set(["connecting"]));
    expect(warnings.mock.calls.map(([message]) => String(message))).toEqual([expect.stringContaining("cannot connect yet")]);
  });
});
