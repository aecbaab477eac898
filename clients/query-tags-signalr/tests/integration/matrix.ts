import { HttpTransportType, JsonHubProtocol, type IHubProtocol } from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";

/** Every transport the real @microsoft/signalr client has, with each protocol it carries (SSE carries text only). */
export const matrix: { name: string; transport: HttpTransportType; protocol: () => IHubProtocol }[] = [
  { name: "WebSockets × JSON", transport: HttpTransportType.WebSockets, protocol: () => new JsonHubProtocol() },
  { name: "WebSockets × MessagePack", transport: HttpTransportType.WebSockets, protocol: () => new MessagePackHubProtocol() },
  { name: "SSE × JSON", transport: HttpTransportType.ServerSentEvents, protocol: () => new JsonHubProtocol() },
  { name: "long polling × JSON", transport: HttpTransportType.LongPolling, protocol: () => new JsonHubProtocol() },
  { name: "long polling × MessagePack", transport: HttpTransportType.LongPolling, protocol: () => new MessagePackHubProtocol() },
];
