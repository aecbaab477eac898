import { HubConnectionBuilder, LogLevel } from "@microsoft/signalr";
import type { EngineEvent } from "./connectionBackend.js";
import { gatedPolicy } from "./gatedPolicy.js";
import { HubEngine } from "./hubEngine.js";
import { consoleLogger } from "./logging.js";
import { browserPageReturns, type PageReturns } from "./pageReturns.js";
import { reconnectPolicyOf } from "./reconnectPolicy.js";
import { browserSharing, SharedConnection, type SharingEnvironment } from "./sharedConnection.js";
import { TagInvalidationClient } from "./tagInvalidationClient.js";
import type { TagInvalidationClientOptions } from "./tagInvalidationClientOptions.js";

/**
 * Creates a client of the invalidation hub: builds a connection to `url` with automatic reconnect (one the
 * browser's tabs share, see `shareConnection`), or adopts `connection`. It is not started: call `start()`, or let
 * `TagInvalidationProvider` do it. `sharing` is where the tabs meet: the browser's Web Locks and BroadcastChannel
 * by default (tests pass their own). `pageReturns` tells when the page is back, so a client waiting to reconnect tries
 * at once: the browser's `online`, `pageshow` from the back/forward cache and `resume` by default.
 */
export function createTagInvalidationClient(
  options: TagInvalidationClientOptions,
  sharing: SharingEnvironment | undefined = browserSharing(),
  pageReturns: PageReturns | undefined = browserPageReturns(),
): TagInvalidationClient {
  const { url, protocol, transport, accessTokenFactory, connection, logger } = options;
  if (connection) {
    if (url !== undefined || protocol || transport !== undefined || accessTokenFactory) {
      throw new Error("createTagInvalidationClient: give either connection or url (with protocol, transport, accessTokenFactory), not both; configure a connection of your own on its builder.");
    }

    return new TagInvalidationClient(connection, logger ?? consoleLogger, options, pageReturns);
  }

  if (!url) {
    throw new Error("createTagInvalidationClient: url is missing; give the hub's URL, such as \"/hubs/invalidation\", or a connection.");
  }

  // A connection per leadership when shared: a tab that takes over builds its own.
  const engine = (cursor: string | null, emit: (event: EngineEvent) => void) => {
    const gate = gatedPolicy(reconnectPolicyOf(options), url);
    const builder = new HubConnectionBuilder()
      .withUrl(url, { ...(transport !== undefined && { transport }), ...(accessTokenFactory && { accessTokenFactory }) })
      .withAutomaticReconnect(gate)
      .configureLogging(logger ?? LogLevel.None);
    if (protocol) {
      builder.withHubProtocol(protocol);
    }

    return new HubEngine({ connection: builder.build(), gate, logger: logger ?? consoleLogger, retryPolicy: gate, maxTagsPerCall: options.maxTagsPerCall ?? 256, cursor, emit });
  };
  const shared = (options.shareConnection ?? !accessTokenFactory) && typeof transport !== "object" && sharing;
  return new TagInvalidationClient(
    (view) =>
      shared
        ? new SharedConnection(view, `querytags ${new URL(url, globalThis.location?.href).href} ${protocol?.name ?? "json"} ${transport ?? ""}`, shared, engine)
        : engine(null, (event) => view.receive(event)),
    logger ?? consoleLogger,
    options,
    pageReturns,
  );
}
