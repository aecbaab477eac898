import type { TagInvalidationClient } from "@querytags/signalr";
import type { ConnectionSettings } from "../connectionSettings";
import type { ActivityLog } from "./activityLog";

/**
 * Records in `log` every `invalidate` message that reaches this window, for the life of the page: over its own
 * connection, or relayed by the tab that holds the connection the browser's tabs share. These are the client's
 * `message` events, which come before it matches tags or drops a repeated id, so the log sees every message as it
 * arrived, including those the client matches to no query.
 */
export function recordInvalidations(client: TagInvalidationClient, log: ActivityLog, via: ConnectionSettings): void {
  client.listen((event) => event.type === "message" && log.record(event.message, via));
}
