import type { HttpTransportType, IHubProtocol } from "@microsoft/signalr";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import {
  createTagInvalidationClient,
  TagInvalidationConnectionError,
  TagRules,
  type TagInvalidationEvent,
  type TagInvalidationStatus,
} from "../../src/index.js";
import { eventually } from "./fixture.js";
import { matrix } from "./matrix.js";
import { startTestServer, type TestServer } from "./testServer.js";

// The client passes credentials the SignalR way, to the test server's hub that requires an authenticated user
// and authorizes each tag (["account", "{sub}"]: each user their own account).
let server: TestServer;
let aliceToken: string;
beforeAll(async () => {
  server = await startTestServer();
  aliceToken = await server.token({ sub: "alice", org_id: "acme", role: "admin" });
});
afterAll(async () => {
  await server?.stop();
});

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) {
    await stop();
  }
});

function secureClient(transport: HttpTransportType, protocol: IHubProtocol, accessTokenFactory?: () => string) {
  const client = createTagInvalidationClient({
    url: server.secureHubUrl,
    transport,
    protocol,
    ...(accessTokenFactory && { accessTokenFactory }),
    logger: { log: () => {} },
    firstSubscribeMarginMs: 0,
  });
  stops.push(() => client.stop());
  const events: TagInvalidationEvent[] = [];
  const statuses: TagInvalidationStatus[] = [];
  client.listen((event) => !["message", "skipped", "refetch"].includes(event.type) && events.push(event));
  client.status.subscribe((status) => statuses.push(status));
  // What arrives on the wire, before the client matches it against its tags.
  const wire: string[] = [];
  client.connection!.on("invalidate", (message: { id: string }) => wire.push(message.id));
  return { client, events, statuses, wire };
}

describe.each(matrix)("$name", ({ transport, protocol }) => {
  test("with a token from accessTokenFactory the client opens the secure hub and receives its user's tag", async () => {
    const { client, events, statuses } = secureClient(transport, protocol(), () => aliceToken);
    client.subscribe([["account", "alice"]]);

    // The start settles once the held tags are subscribed.
    await client.start();
    const sent = await server.invalidate([["account", "alice"]]);

    await vi.waitFor(() => expect(events.filter((event) => event.type === "invalidate")).toHaveLength(1), eventually);
    expect(events).toEqual([{ type: "invalidate", message: expect.objectContaining({ id: sent.id }), matchedTags: [["account", "alice"]] }]);
    expect(statuses).toEqual(["connecting", "connected"]);
  });

  test("without a token the start is refused with 401: the status is failed with a hint, the failed event says so, and it is not retried", async () => {
    const { client, statuses, events } = secureClient(transport, protocol());
    client.subscribe([["account", "alice"]]);

    // The default policy retries forever; a 401 ends the start at once all the same.
    const error = await client.start().catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(TagInvalidationConnectionError);
    expect(error).toMatchObject({ failure: "unauthorized", statusCode: 401, hint: expect.stringContaining("wants a signed-in user") });
    expect(statuses).toEqual(["connecting", "failed"]);
    expect(client.state.get()).toEqual({ status: "failed", error, role: "own" });
    expect(events).toEqual([{ type: "failed", error }]);
  });

  test("a tag of another user is a rejected event with rule forbidden, and is never delivered", async () => {
    const { client, events, wire } = secureClient(transport, protocol(), () => aliceToken);
    client.subscribe([["account", "bob"], ["account", "alice"]]);

    await client.start();

    expect(events).toEqual([{ type: "rejected", rejections: [{ index: 0, tag: '["account","bob"]', rule: TagRules.forbidden, reason: expect.stringContaining('["account","{sub}"]') }] }]);
    expect(client.heldTags).toEqual([["account", "alice"]]);

    // Messages on one connection arrive in the order they were sent: after the sentinel, nothing else came.
    await server.invalidate([["account", "bob"]]);
    const sentinel = await server.invalidate([["account", "alice"]]);
    await vi.waitFor(() => expect(wire).toContain(sentinel.id), eventually);
    expect(wire).toEqual([sentinel.id]);
  });
});
