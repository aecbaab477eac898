import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import { createSignalRInvalidatorClient, type TagInvalidationClient } from "@querytags/signalr";
import { transports, type ConnectionSettings } from "./connectionSettings";

/** The hub the TodoApp maps with `MapTagInvalidation()`, on the page's own origin. */
export const hubUrl = "/hubs/invalidation";

/** A client of the invalidation hub that uses exactly the transport and protocol of `settings`. */
export function createTagInvalidationClient(settings: ConnectionSettings): TagInvalidationClient {
  return createSignalRInvalidatorClient({
    url: hubUrl,
    // One transport, not a list: SignalR falls back to no other, so the badge tells the truth.
    transport: transports[settings.transport].type,
    protocol: settings.protocol === "messagepack" ? new MessagePackHubProtocol() : undefined,
  });
}
