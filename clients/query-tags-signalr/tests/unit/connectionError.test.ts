import { describe, expect, test } from "vitest";
import { permanentFailure, unreachableFailure } from "../../src/failureHints.js";

// What SignalR's JavaScript client reports, and the failure each stands for.
const url = "http://localhost:5080/hubs/invalidation";
const negotiate = (status: number, text: string) =>
  new Error(`Failed to complete negotiation with the server: Error: ${text}: Status code '${status}'${status === 404 ? " Either this is not a SignalR endpoint or there is a proxy blocking the connection." : ""}`);

describe("permanentFailure", () => {
  test.each([
    { error: negotiate(404, "Not Found"), failure: "hub-not-found", statusCode: 404, hint: `is the hub mapped at ${url}?` },
    // An SPA's fallback answers the negotiate with its index.html.
    { error: new Error("Failed to complete negotiation with the server: SyntaxError: Unexpected token '<', \"<!doctype \"... is not valid JSON"), failure: "hub-not-found", statusCode: undefined, hint: "is the hub mapped at" },
    { error: negotiate(401, "Unauthorized"), failure: "unauthorized", statusCode: 401, hint: "wants a signed-in user" },
    { error: Object.assign(new Error("Forbidden"), { statusCode: 403 }), failure: "forbidden", statusCode: 403, hint: "AllowedOrigins" },
    { error: new Error("Server returned handshake error: The protocol 'messagepack' is not supported."), failure: "protocol-not-supported", statusCode: undefined, hint: "call AddMessagePackProtocol() on the server" },
    { error: new Error("Server returned handshake error: The protocol 'blobs' is not supported."), failure: "protocol-not-supported", statusCode: undefined, hint: "does not speak the 'blobs' hub protocol" },
  ])("$failure from: $error.message", ({ error, failure, statusCode, hint }) => {
    const found = permanentFailure(error, url);
    expect(found).toMatchObject({ failure, statusCode, detail: error.message });
    expect(found?.hint).toContain(hint);
    expect(found?.message).toBe(`QueryTags: ${found?.hint} (${error.message})`);
  });

  test.each([
    "Failed to complete negotiation with the server: TypeError: fetch failed",
    "Failed to complete negotiation with the server: Error: Internal Server Error: Status code '500'",
    "Failed to complete negotiation with the server: Error: Service Unavailable: Status code '503'",
    "WebSocket closed with status code: 1006 ().",
    "Server timeout elapsed without receiving a message from the server.",
  ])("transient, retried: %s", (message) => {
    expect(permanentFailure(new Error(message), url)).toBeUndefined();
    expect(permanentFailure(new Error(message), url, true)).toMatchObject({ failure: "gave-up" });
  });
});

describe("unreachableFailure", () => {
  const failedToFetch = new Error("Failed to complete negotiation with the server: TypeError: Failed to fetch");

  test("a hub on another origin than the page: CORS, then the server", () => {
    const found = unreachableFailure(failedToFetch, "https://api.example.com/hubs/invalidation", "http://localhost:5173");
    expect(found).toMatchObject({ failure: "unreachable", detail: failedToFetch.message, statusCode: undefined });
    expect(found.hint).toContain("after 3 tries (still trying)");
    expect(found.hint).toContain("https://api.example.com is not this page's origin");
    expect(found.hint).toContain("a CORS policy (AllowCredentials) and the page's origin in AllowedOrigins");
    expect(found.hint).toContain("Is the server up");
  });

  test("a hub on the page's origin (a dev server's proxy), or a proxy that answers 5xx: the server and the proxy", () => {
    for (const error of [failedToFetch, new Error("Failed to complete negotiation with the server: Error: Bad Gateway: Status code '502'")]) {
      const found = unreachableFailure(error, "/hubs/invalidation", "http://localhost:5173");
      expect(found.hint).not.toContain("CORS");
      expect(found.hint).toContain("Is the server up, and a dev server's proxy of /hubs running (ws: true)");
    }

    expect(unreachableFailure(new Error("Error: Bad Gateway: Status code '502'"), "/hubs/invalidation", "http://localhost:5173")).toMatchObject({ statusCode: 502 });
  });
});
