import { HubConnectionBuilder, LogLevel } from "@microsoft/signalr";
import type { EngineEvent } from "./connectionBackend.js";
import { gatedPolicy } from "./gatedPolicy.js";
import { HubEngine } from "./hubEngine.js";
import { consoleLogger } from "./logging.js";
import { lazyPageReturns } from "./lazyPageReturns.js";
import type { PageReturns } from "./pageReturns.js";
import { reconnectPolicyOf } from "./reconnectPolicy.js";
import { LazySharedConnection } from "./lazySharedConnection.js";
import { browserSharing, type SharingEnvironment } from "./sharingEnvironment.js";
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
  pageReturns: PageReturns | undefined = lazyPageReturns,
): TagInvalidationClient {
  const { url, protocol, transport, accessTokenFactory, connection, logger } = options;
  const log = logger ?? consoleLogger;
  if (connection) {
    if (url !== undefined || protocol || transport !== undefined || accessTokenFactory) {
      throw new Error("createTagInvalidationClient: give either connection or url (with protocol, transport, accessTokenFactory), not both.");
    }

    return new TagInvalidationClient(connection, log, options, pageReturns);
  }

  if (!url) {
    throw new Error("createTagInvalidationClient: url is missing; give the hub's URL, such as \"/hubs/invalidation\", or a connection.");
  }

  // A connection per leadership when shared: a tab that takes over builds its own.
  const engine = (cursor: string | null, emit: (event: EngineEvent) => void) => {
    const gate = gatedPolicy(reconnectPolicyOf(options));
    const builder = new HubConnectionBuilder()
      .withUrl(url, { ...(transport !== undefined && { transport }), ...(accessTokenFactory && { accessTokenFactory }) })
      .withAutomaticReconnect(gate)
      .configureLogging(logger ?? LogLevel.None);
    if (protocol) {
      builder.withHubProtocol(protocol);
    }

    return new HubEngine({ connection: builder.build(), gate, logger: log, retryPolicy: gate, maxTagsPerCall: options.maxTagsPerCall ?? 256, cursor, emit });
  };
  const shared = (options.shareConnection ?? !accessTokenFactory) && typeof transport !== "object" && sharing;
  return new TagInvalidationClient(
    (view) =>
      shared
        ? new LazySharedConnection(view, `querytags ${new URL(url, globalThis.location?.href).href} ${protocol?.name ?? "json"} ${transport ?? ""}`, shared, engine)
        : engine(null, (event) => view.receive(event)),
    log,
    options,
    pageReturns,
  );
}
