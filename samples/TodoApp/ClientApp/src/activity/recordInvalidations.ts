import { InvalidationHubMethods, type TagInvalidationClient } from "@querytags/signalr";
import type { ConnectionSettings } from "../connectionSettings";
import type { ActivityLog } from "./activityLog";

/**
 * Records in `log` every `invalidate` message the client's connection receives, for the life of the page.
 * It listens on the SignalR connection itself, beside the client's own handler, so it sees every message
 * as it arrived, including those the client matches to no query or drops as a repeated id.
 */
export function recordInvalidations(client: TagInvalidationClient, log: ActivityLog, via: ConnectionSettings): void {
  client.connection.on(InvalidationHubMethods.invalidate, (message: { id?: unknown; tags?: unknown } | undefined) => log.record(message, via));
}
