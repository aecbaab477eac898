// socket.io load connections for the load benchmark (there is no .NET socket.io client). The load generator
// (NodeLoadClients.cs) starts this with a plan file: {concurrency, connections: [{url, source, tags}], swapTags}.
// It opens every connection (WebSocket only, one engine each, from `source` when given), holds its tags
// (rooms), and answers one JSON line per command read from standard input:
//   collect     -> {type: "window", deliveries, messages, bytes, errors, subscribeCalls, reconnects, maxUs, buckets}
//   churn       -> starts swaps and reconnects at {swapsPerSecond, reconnectsPerSecond}; churn-stop ends them
//   close       -> disconnects everything and exits (so does the end of standard input)
// Filtering, latency buckets and churn follow the .NET clients (SignalRLoadClient.cs, LatencyHistogram.cs,
// ChurnDriver.cs), so the two report the same thing.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { io } from "socket.io-client";
import { nowMicroseconds } from "./publish-timestamp.mjs";

const BUCKET_COUNT = 2000;
const LOG_GROWTH = Math.log(1.01);
const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const swapTags = plan.swapTags;
let window = emptyWindow();
let churn = null;

const clients = plan.connections.map((connection) => ({
  url: connection.url,
  source: connection.source ?? undefined,
  held: connection.tags.map((canonical) => ({ canonical, segments: JSON.parse(canonical) })),
  socket: null,
  countedBytes: 0,
  busy: false,
}));

function emptyWindow() {
  return { deliveries: 0, messages: 0, bytes: 0, errors: 0, subscribeCalls: 0, reconnects: 0, maxUs: 0, buckets: new Map() };
}

function socketBytes(client) {
  return client.socket?.io?.engine?.transport?.ws?._socket?.bytesRead ?? 0;
}

function countBytes(client) {
  const read = socketBytes(client);
  window.bytes += Math.max(0, read - client.countedBytes);
  client.countedBytes = read;
}

function matches(invalidated, held) {
  return invalidated.length <= held.length && invalidated.every((segment, i) => segment === held[i]);
}

function onInvalidate(client, message) {
  const received = nowMicroseconds();
  window.messages++;
  if (!message.tags.some((tag) => client.held.some((mine) => matches(tag, mine.segments)))) return;
  const latency = received - Number(message.origin);
  if (!Number.isFinite(latency)) {
    window.errors++;
    return;
  }
  window.deliveries++;
  window.maxUs = Math.max(window.maxUs, latency);
  const bucket = Math.min(BUCKET_COUNT - 1, Math.max(0, Math.floor(Math.log1p(Math.max(0, latency)) / LOG_GROWTH)));
  window.buckets.set(bucket, (window.buckets.get(bucket) ?? 0) + 1);
}

async function connect(client) {
  const socket = io(client.url, { transports: ["websocket"], forceNew: true, reconnection: false, localAddress: client.source });
  socket.on("invalidate", (message) => onInvalidate(client, message));
  socket.on("disconnect", (reason) => {
    // A close this client did not ask for is an error of the run, as in the .NET clients.
    if (client.socket === socket && reason !== "io client disconnect") window.errors++;
  });
  client.socket = socket;
  client.countedBytes = 0;
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  await socket.timeout(60_000).emitWithAck("subscribe", client.held.map((tag) => tag.canonical));
  window.subscribeCalls++;
}

function close(client) {
  const socket = client.socket;
  if (!socket) return;
  countBytes(client);
  client.socket = null;
  socket.disconnect();
}

async function swap(client, next) {
  if (client.held.length <= 2 || client.held.some((tag) => tag.canonical === next)) return;
  // The first two tags are the broadcast and topic tags the scenarios invalidate: keep them.
  const index = 2 + Math.floor(Math.random() * (client.held.length - 2));
  await client.socket.timeout(60_000).emitWithAck("unsubscribe", [client.held[index].canonical]);
  window.subscribeCalls++;
  await client.socket.timeout(60_000).emitWithAck("subscribe", [next]);
  window.subscribeCalls++;
  client.held = client.held.map((tag, i) => (i === index ? { canonical: next, segments: JSON.parse(next) } : tag));
}

async function reconnect(client) {
  close(client);
  await connect(client);
  window.reconnects++;
}

function startChurn({ swapsPerSecond, reconnectsPerSecond }) {
  const start = performance.now();
  let swaps = 0;
  let reconnects = 0;
  let nextSwapTag = 0;
  const timer = setInterval(() => {
    const elapsed = (performance.now() - start) / 1000;
    for (; swaps < elapsed * swapsPerSecond; swaps++) {
      const next = swapTags[nextSwapTag++ % swapTags.length];
      runOnAny((client) => swap(client, next));
    }
    for (; reconnects < elapsed * reconnectsPerSecond; reconnects++) runOnAny(reconnect);
  }, 10);
  return { stop: () => clearInterval(timer), inFlight: new Set() };
}

function runOnAny(operation) {
  const connected = clients.filter((client) => client.socket);
  if (connected.length === 0) return;
  const client = connected[Math.floor(Math.random() * connected.length)];
  if (client.busy) return;
  client.busy = true;
  const running = operation(client)
    .catch(() => window.errors++)
    .finally(() => {
      client.busy = false;
      churn?.inFlight.delete(running);
    });
  churn?.inFlight.add(running);
}

function collect() {
  for (const client of clients) countBytes(client);
  const { buckets, ...counts } = window;
  window = emptyWindow();
  return { type: "window", ...counts, buckets: [...buckets.entries()] };
}

function answer(value) {
  process.stdout.write(JSON.stringify(value) + "\n");
}

async function connectAll() {
  let next = 0;
  let errors = 0;
  async function lane() {
    while (next < clients.length) {
      const client = clients[next++];
      try {
        await connect(client);
      } catch {
        errors++;
        close(client);
      }
    }
  }
  await Promise.all(Array.from({ length: plan.concurrency }, lane));
  collect();
  answer({ type: "ready", connected: clients.filter((client) => client.socket).length, errors });
}

const commands = createInterface({ input: process.stdin });
// Standard input closes when the load generator is gone: so are we.
commands.on("close", () => process.exit(0));
commands.on("line", async (line) => {
  const command = JSON.parse(line);
  try {
    switch (command.cmd) {
      case "collect":
        return answer(collect());
      case "churn":
        churn = startChurn(command);
        return answer({ type: "ok" });
      case "churn-stop": {
        const stopping = churn;
        churn = null;
        stopping?.stop();
        await Promise.allSettled([...(stopping?.inFlight ?? [])]);
        return answer({ type: "ok" });
      }
      case "close":
        clients.forEach(close);
        answer({ type: "ok" });
        return process.exit(0);
      default:
        return answer({ type: "error", message: `unknown command ${command.cmd}` });
    }
  } catch (error) {
    answer({ type: "error", message: String(error) });
  }
});

connectAll().catch((error) => answer({ type: "error", message: String(error) }));
