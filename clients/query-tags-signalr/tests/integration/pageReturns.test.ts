import { describe, expect, test, vi } from "vitest";
import { createTagInvalidationClient, type PageReturn, type TagInvalidationEvent } from "../../src/index.js";
import { cleanupsAfterEach, eventually, testServerForFile } from "./fixture.js";
import { matrix } from "./matrix.js";

// The real @microsoft/signalr client against the real hub: a page that is back ends SignalR's reconnect wait (a
// minute here, far longer than the test waits) and resubscribes with its cursor, over every transport and protocol.

const context = testServerForFile();
const cleanups = cleanupsAfterEach();
const aMinute = 60_000;

describe.each(matrix)("$name", ({ transport, protocol }) => {
  test("a page back online after a cut reconnects now and hears what changed while it was away", async () => {
    let back: ((reason: PageReturn) => void) | undefined;
    const client = createTagInvalidationClient(
      { url: context.server.hubUrl, transport, protocol: protocol(), logger: { log: () => {} }, reconnectPolicy: { nextRetryDelayInMilliseconds: () => aMinute }, firstSubscribeMarginMs: 0 },
      undefined,
      (listener) => ((back = listener), () => (back = undefined)),
    );
    cleanups.push(() => client.stop());
    const events: TagInvalidationEvent[] = [];
    client.listen((event) => events.push(event));
    const tag = ["away", Math.random().toString(36).slice(2)];
    client.subscribe([tag]);
    await client.start();

    expect(await context.server.abortConnections()).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(client.status.get()).toBe("reconnecting"), eventually);
    await context.server.invalidate([tag]);

    back?.("online");

    await vi.waitFor(() => expect(events).toContainEqual({ type: "missed", missedTags: [tag], cursor: expect.any(String) }), eventually);
    expect(client.status.get()).toBe("connected");
    expect(events.filter((event) => event.type === "failed" || event.type === "error")).toEqual([]);
  });
});
