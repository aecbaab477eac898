// The transport × protocol pairs the browser tests run over, as the page's query string names them.

export const matrix = [
  { transport: "webSockets", protocol: "json", label: "WebSockets · JSON" },
  { transport: "webSockets", protocol: "messagepack", label: "WebSockets · MessagePack" },
  { transport: "serverSentEvents", protocol: "json", label: "Server-Sent Events · JSON" },
  { transport: "longPolling", protocol: "json", label: "Long polling · JSON" },
  { transport: "longPolling", protocol: "messagepack", label: "Long polling · MessagePack" },
];

/** The query string that asks the page for `pair`'s transport and protocol. */
export const searchOf = ({ transport, protocol }) => `?transport=${transport}&protocol=${protocol}`;
