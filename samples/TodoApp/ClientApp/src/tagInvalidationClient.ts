import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import { createTagInvalidationClient, type TagInvalidationClient } from "@querytags/signalr";
import { transports, type ConnectionSettings } from "./connectionSettings";

/**
 * A client of the invalidation hub that uses exactly the transport and protocol of `settings`. Its tabs share one
 * connection (the library's default) unless `?share=off`.
 */
export function createClientFor(settings: ConnectionSettings): TagInvalidationClient {
  return createTagInvalidationClient({
    url: settings.hub,
    // One transport, not a list: SignalR falls back to no other, so the badge tells the truth.
    transport: transports[settings.transport].type,
    protocol: settings.protocol === "messagepack" ? new MessagePackHubProtocol() : undefined,
    shareConnection: settings.share,
  });
}
