import { HttpTransportType } from "@microsoft/signalr";

/** The transports the sample can be told to use: `?transport=` in the page's address. */
export const transports = {
  webSockets: { label: "WebSockets", type: HttpTransportType.WebSockets },
  serverSentEvents: { label: "Server-Sent Events", type: HttpTransportType.ServerSentEvents },
  longPolling: { label: "Long polling", type: HttpTransportType.LongPolling },
} as const;

/** The hub protocols the sample can be told to use: `?protocol=` in the page's address. */
export const protocols = {
  json: { label: "JSON" },
  messagepack: { label: "MessagePack" },
} as const;

export type TransportName = keyof typeof transports;
export type ProtocolName = keyof typeof protocols;

/** How this page talks to the hub. */
export interface ConnectionSettings {
  readonly transport: TransportName;
  readonly protocol: ProtocolName;
}

/**
 * Reads `?transport=webSockets|serverSentEvents|longPolling&protocol=json|messagepack` (any letter case);
 * missing or unknown values give WebSockets and JSON. The badge shows what is in use, so a typo is visible.
 */
export function readConnectionSettings(search: string): ConnectionSettings {
  const query = new URLSearchParams(search);
  const transport = pick(transports, query.get("transport")) ?? "webSockets";
  // Server-Sent Events carry text only, so MessagePack (binary) cannot go over them.
  const protocol = transport === "serverSentEvents" ? "json" : (pick(protocols, query.get("protocol")) ?? "json");
  return { transport, protocol };
}

function pick<T extends object>(choices: T, value: string | null): keyof T | undefined {
  return (Object.keys(choices) as (keyof T & string)[]).find((name) => name.toLowerCase() === value?.toLowerCase());
}
