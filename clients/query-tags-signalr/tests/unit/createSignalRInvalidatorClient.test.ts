import { HubConnectionState } from "@microsoft/signalr";
import { describe, expect, test } from "vitest";
import { createSignalRInvalidatorClient } from "../../src/index.js";
import { FakeHubConnection } from "./fakeHubConnection.js";

describe("createSignalRInvalidatorClient", () => {
  test("builds a connection to the url, not started", () => {
    const client = createSignalRInvalidatorClient({ url: "http://127.0.0.1:1/hubs/invalidation" });
    expect(client.connection.state).toBe(HubConnectionState.Disconnected);
    expect(client.status.get()).toBe("disconnected");
  });

  test("says what is missing or contradictory", () => {
    expect(() => createSignalRInvalidatorClient({})).toThrow(/url is missing/);
    const connection = new FakeHubConnection().asHubConnection();
    expect(() => createSignalRInvalidatorClient({ connection, url: "/hubs/invalidation" })).toThrow(/either connection or url/);
  });
});
