import type { HttpTransportType, HubConnection, IHubProtocol, ILogger, IRetryPolicy, ITransport } from "@microsoft/signalr";
import type { TagLimits } from "./tags.js";

/** How {@link createTagInvalidationClient} builds or adopts its connection. */
export interface TagInvalidationClientOptions {
  /** The hub's URL, such as `"/hubs/invalidation"`. Needed unless `connection` is given. */
  url?: string;
  /** The hub protocol, such as `new MessagePackHubProtocol()` from `@microsoft/signalr-protocol-msgpack`. Default JSON. */
  protocol?: IHubProtocol;
  /** The transports to use (`HttpTransportType` flags) or a transport of your own. Default: the best the browser has. */
  transport?: HttpTransportType | ITransport;
  /** Supplies a bearer token for each connection attempt. */
  accessTokenFactory?: () => string | Promise<string>;
  /** A connection built elsewhere, instead of `url`: configure its automatic reconnect, protocol and transport yourself. */
  connection?: HubConnection;
  /**
   * Where the connection and the client log. Default: the client's warnings and errors to the console (one per
   * change of state, not one per retry), and nothing of SignalR's own logging.
   */
  logger?: ILogger;
  /**
   * One connection for all the browser's tabs of this origin that use the same hub URL, protocol and transport:
   * the tabs elect a leader (Web Locks) that holds it and relays to the others (BroadcastChannel). Default: on,
   * except with `accessTokenFactory` (tabs may hold different users' tokens; cookies are the same in every tab).
   * Where the browser lacks either API, each tab has its own connection.
   */
  shareConnection?: boolean;
  /** When to reconnect, and to retry a failed start. Default: at once, then 1, 2 and 5 s, then every 10 s, forever. */
  reconnectPolicy?: IRetryPolicy;
  /**
   * When the server stops (a node of a rolling deploy closes the connection asking the client to reconnect, or
   * answers a connection attempt 503), the reconnect waits a random part of this window on top of the policy's delay
   * (and at least the server's Retry-After), so the clients of a stopping node reach the others spread over it
   * instead of all at once. 0 reconnects at the policy's delay. Default 2000 ms.
   */
  serverStopJitterMs?: number;
  /** The tag limits of the server: tags are checked before they are sent. Default 8 segments of 128 characters. */
  tagLimits?: TagLimits;
  /** Most tags in one hub call; larger batches are split. Match the server's limit. Default 256. */
  maxTagsPerCall?: number;
  /**
   * Added to the client's age in its first subscribe, when it has no cursor yet (see `age:` in the server's
   * wire contract), so a change made while the first data was being read is reported too. Default 2000 ms.
   */
  firstSubscribeMarginMs?: number;
}

/** The settings a client takes besides its connection. */
export type TagInvalidationClientSettings = Pick<TagInvalidationClientOptions, "reconnectPolicy" | "serverStopJitterMs" | "tagLimits" | "maxTagsPerCall" | "firstSubscribeMarginMs">;
