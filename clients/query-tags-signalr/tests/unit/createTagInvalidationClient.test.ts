import { HubConnectionState } from "@microsoft/signalr";
import { describe, expect, test } from "vitest";
import { createTagInvalidationClient } from "../../src/index.js";
import { FakeHubConnection } from "./fakeHubConnection.js";

describe("createTagInvalidationClient", () => {
  test("builds a connection of its own to the url where the environment cannot share one (Node has no Web Locks), not started", () => {
    const client = createTagInvalidationClient({ url: "http://127.0.0.1:1/hubs/invalidation" });
    expect(client.connection?.state).toBe(HubConnectionState.Disconnected);
    expect(client.connection?.baseUrl).toBe("http://127.0.0.1:1/hubs/invalidation");
    expect(client.state.get()).toEqual({ status: "disconnected", error: undefined, role: "own" });
  });

  test("says what is missing or contradictory", () => {
    expect(() => createTagInvalidationClient({})).toThrow(/url is missing/);
    const connection = new FakeHubConnection().asHubConnection();
    expect(() => createTagInvalidationClient({ connection, url: "/hubs/invalidation" })).toThrow(/either connection or url/);
  });
});
