import type { TagInvalidationClient } from "../tagInvalidationClient.js";

/** Where the tab's connection goes and how, as far as this tab can tell. */
export interface ConnectionDescription {
  /** The hub's URL; undefined in a follower tab (the leader's tab holds the connection). */
  readonly url: string | undefined;
  /** `WebSockets`, `ServerSentEvents` or `LongPolling` once connected (a transport of the app's own: `custom`). */
  readonly transport: string | undefined;
  /** The hub protocol's name and version, such as `json 2` or `messagepack 2`. */
  readonly protocol: string | undefined;
}

// SignalR keeps the negotiated transport and the protocol in fields it does not type as public; they are read by
// shape, for display only, and a SignalR that renames them shows "unknown" instead of breaking anything.
interface SignalRInternals {
  readonly baseUrl?: string;
  readonly _protocol?: { readonly name?: string; readonly version?: number };
  readonly connection?: { readonly transport?: object };
}

function transportName(transport: object | undefined): string | undefined {
  return !transport
    ? undefined
    : "_webSocketConstructor" in transport
      ? "WebSockets"
      : "_eventSource" in transport
        ? "ServerSentEvents"
        : "_pollAbort" in transport
          ? "LongPolling"
          : "custom";
}

/** The connection this tab holds (its own, or the shared one while it leads). */
export function describeConnection(client: TagInvalidationClient): ConnectionDescription {
  const hub = client.connection as SignalRInternals | undefined;
  const protocol = hub?._protocol;
  return {
    url: hub?.baseUrl,
    transport: transportName(hub?.connection?.transport),
    protocol: protocol?.name === undefined ? undefined : `${protocol.name} ${protocol.version ?? ""}`.trim(),
  };
}
