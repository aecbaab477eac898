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
  /** One connection for the browser's tabs (the default), or one per tab (`?share=off`). */
  readonly share: boolean;
  /** The hub's path: `/hubs/invalidation`, or another under `/hubs/` (`?hub=`), to see what a wrong one shows. */
  readonly hub: string;
}

/** The hub the TodoApp maps with `MapTagInvalidation()`, on the page's own origin. */
export const hubUrl = "/hubs/invalidation";

/**
 * Reads `?transport=webSockets|serverSentEvents|longPolling&protocol=json|messagepack&share=off&hub=/hubs/…` (any
 * letter case); missing or unknown values give WebSockets, JSON, a shared connection and the app's hub. The badge
 * shows what is in use, so a typo is visible.
 */
export function readConnectionSettings(search: string): ConnectionSettings {
  const query = new URLSearchParams(search);
  const transport = pick(transports, query.get("transport")) ?? "webSockets";
  // Server-Sent Events carry text only, so MessagePack (binary) cannot go over them.
  const protocol = transport === "serverSentEvents" ? "json" : (pick(protocols, query.get("protocol")) ?? "json");
  const hub = query.get("hub");
  // Another path of this origin only: the connection carries the user's cookie.
  return { transport, protocol, share: query.get("share")?.toLowerCase() !== "off", hub: hub && /^\/hubs\/[\w-]+$/.test(hub) ? hub : hubUrl };
}

function pick<T extends object>(choices: T, value: string | null): keyof T | undefined {
  return (Object.keys(choices) as (keyof T & string)[]).find((name) => name.toLowerCase() === value?.toLowerCase());
}
