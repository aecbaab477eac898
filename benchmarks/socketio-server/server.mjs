// The socket.io 4 baseline of the load benchmark: one room per tag (a room named by the tag's canonical form),
// and the control endpoints the .NET servers have, so the load generator drives every system alike:
//   POST /bench/publish {rate, seconds, tags}  invalidates `tags` round-robin at `rate`/s inside this process
//   POST /bench/gc                             a full collection (needs --expose-gc), then the V8 heap in use
// It listens on a free loopback port, prints "Now listening on: URL" as Kestrel does, and exits when its
// standard input closes.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "socket.io";
import { nowMicroseconds } from "./publish-timestamp.mjs";

const http = createServer(control);
const io = new Server(http, { transports: ["websocket"], serveClient: false });

io.on("connection", (socket) => {
  socket.on("subscribe", (tags, ack) => {
    socket.join(tags);
    ack?.();
  });
  socket.on("unsubscribe", (tags, ack) => {
    for (const tag of tags) socket.leave(tag);
    ack?.();
  });
});

async function control(request, response) {
  try {
    if (request.method === "POST" && request.url === "/bench/publish") {
      return reply(response, 200, await publish(JSON.parse(await body(request))));
    }
    // ?release=true asks .NET servers to return committed memory too; V8's full collection is all there is here.
    if (request.method === "POST" && request.url.split("?")[0] === "/bench/gc") {
      if (!global.gc) return reply(response, 500, { error: "start node with --expose-gc" });
      global.gc();
      return reply(response, 200, { managedBytes: process.memoryUsage().heapUsed });
    }
    reply(response, 404, { error: "not found" });
  } catch (error) {
    reply(response, 500, { error: String(error) });
  }
}

// Same pacing as the .NET PublishLoop: as many as are due every millisecond. An emit only queues the writes,
// so there is nothing to wait for; a server that falls behind shows as latency.
async function publish({ rate, seconds, tags }) {
  const parsed = tags.map((canonical) => ({ room: canonical, tag: JSON.parse(canonical) }));
  const total = Math.round(rate * seconds);
  const start = performance.now();
  let issued = 0;
  while (issued < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (issued < due) {
      const { room, tag } = parsed[issued++ % parsed.length];
      io.to(room).emit("invalidate", {
        id: randomUUID().replaceAll("-", ""),
        tags: [tag],
        origin: String(nowMicroseconds()),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { published: issued, failed: 0, seconds: (performance.now() - start) / 1000 };
}

function body(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function reply(response, status, value) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

// The load generator holds standard input: when it closes, the load generator is gone.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();

http.listen(0, "127.0.0.1", () => {
  console.log(`Now listening on: http://127.0.0.1:${http.address().port}`);
});
