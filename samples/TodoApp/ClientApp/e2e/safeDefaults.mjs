// What makes the TodoApp an example worth copying, over plain HTTP and raw sockets: the headers every answer carries,
// a Secure session cookie over HTTPS, an icon, output-cache entries a client cannot multiply, Kestrel's limits and the
// hub's connections per address as the README recommends them, and refused publish requests that leave the log quiet.
// twoWindows.test.mjs runs it on its app, after the other suites.
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { HttpTransportType, HubConnectionBuilder, LogLevel } from "@microsoft/signalr";
import { send } from "./requests.mjs";
import { startTodoApp } from "./todoAppServer.mjs";
import { loadTimeout } from "./todoWindow.mjs";

/** Kestrel's timeouts as Program.cs sets them. */
const keepAliveTimeoutMs = 30_000;
const requestHeadersTimeoutMs = 10_000;
/** Kestrel's own defaults, which the settings above replace. */
const kestrelDefaultKeepAliveTimeoutMs = 130_000;
const kestrelDefaultRequestHeadersTimeoutMs = 30_000;
/** The hub connections one address may hold at once (Program.cs's concurrency limiter). */
const hubConnectionsPerAddress = 50;

/**
 * Adds the suite to the calling test file.
 * @param {{ app: import("./todoAppServer.mjs").TodoApp | undefined }} fixture  started by the file's before() hook
 */
export function safeDefaults(fixture) {
  describe("TodoApp's safe defaults", () => {
    /** @type {(method: string, path: string, options?: import("./requests.mjs").RequestOptions) => Promise<import("./requests.mjs").Answer>} */
    let request;
    /** Sockets opened when the suite starts, checked at its end: Kestrel's timeouts take tens of seconds. */
    let idle;
    let slowHeaders;

    before(() => {
      request = (method, path, options) => send(fixture.app.url, method, path, options);
      const { hostname, port } = new URL(fixture.app.url);
      idle = watchedSocket(hostname, port);
      // The start of a request, and then nothing.
      slowHeaders = watchedSocket(hostname, port, "GET / HTTP/1.1\r\nHost: todoapp\r\n");
    });

    after(() => {
      idle?.socket.destroy();
      slowHeaders?.socket.destroy();
    });

    it("every answer carries nosniff, a Content-Security-Policy that forbids framing, and X-Frame-Options", async () => {
      const page = await request("GET", "/");
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
      assert.ok(script, `index.html names no script: ${page.text}`);
      const answers = {
        "the SPA": page,
        "a client-side route": await request("GET", "/todos/5"),
        "a script": await request("GET", script),
        "the API": await request("GET", "/api/todos"),
        "an API error": await request("GET", "/api/nothing-here"),
        "the hub's negotiate": await request("POST", "/hubs/invalidation/negotiate?negotiateVersion=1"),
        "the SPA with the devtools": await request("GET", "/?devtools"),
      };
      // Inline styles only where TanStack Devtools needs them: a page asked for with ?devtools.
      const styles = (answer) => (answer.headers.get("content-security-policy") ?? "").split(/;\s*/).find((directive) => directive.startsWith("style-src"));
      assert.equal(styles(page), "style-src 'self'");
      assert.equal(styles(answers["the SPA with the devtools"]), "style-src 'self' 'unsafe-inline'");
      for (const [what, answer] of Object.entries(answers)) {
        assert.equal(answer.headers.get("x-content-type-options"), "nosniff", what);
        assert.equal(answer.headers.get("x-frame-options"), "DENY", what);
        const policy = answer.headers.get("content-security-policy") ?? "";
        for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) {
          assert.ok(policy.split(/;\s*/).includes(directive), `${what}: ${directive} is not in "${policy}"`);
        }
      }
    });

    it("the browser's icon is served: /favicon.ico is no 404", async () => {
      const icon = await request("GET", "/favicon.ico");
      assert.equal(icon.status, 200);
      assert.match(icon.headers.get("content-type") ?? "", /^image\//);
    });

    it("the session cookie is Secure when the browser's request was HTTPS (here through a proxy on this machine), and HttpOnly, SameSite=Lax", async () => {
      const cookieOf = async (headers) => {
        const answer = await request("POST", "/api/session", { json: { user: "carol" }, headers });
        assert.equal(answer.status, 200, answer.text);
        const cookie = answer.headers.getSetCookie().find((header) => header.startsWith("TodoApp.Session="));
        assert.ok(cookie, `no session cookie: ${answer.headers.getSetCookie()}`);
        return cookie.toLowerCase().split(/;\s*/);
      };

      const overHttps = await cookieOf({ "x-forwarded-proto": "https" });
      assert.ok(overHttps.includes("secure"), `over HTTPS: ${overHttps.join("; ")}`);
      assert.ok(overHttps.includes("httponly") && overHttps.includes("samesite=lax"), overHttps.join("; "));
      // Plain HTTP (http://localhost:5080, curl) keeps working: a Secure cookie would not be sent back.
      const overHttp = await cookieOf({});
      assert.ok(!overHttp.includes("secure"), `over HTTP: ${overHttp.join("; ")}`);
    });

    it("the output cache keeps one entry per list and per todo: a query string or another Host header is served that entry, an id spelled another way is not stored", async () => {
      const list = await request("GET", "/api/todos");
      assert.equal(list.status, 200);
      assert.ok((await request("GET", "/api/todos")).headers.has("age"), "the list was not cached");
      for (const query of ["?v=1", "?v=2&w=3", "?"]) {
        assert.ok((await request("GET", `/api/todos${query}`)).headers.has("age"), `GET /api/todos${query} was not served the cached list`);
      }

      const { hostname, port } = new URL(fixture.app.url);
      for (const host of ["todoapp.example", "another.example:1234"]) {
        const answer = await rawGet(hostname, port, "/api/todos", { host });
        assert.equal(answer.status, 200);
        assert.ok(answer.headers.age !== undefined, `Host: ${host} was not served the cached list`);
      }

      const todo = (await request("POST", "/api/todos", { json: { title: "Cached once" } })).json;
      await request("GET", `/api/todos/${todo.id}`);
      assert.ok((await request("GET", `/api/todos/${todo.id}`)).headers.has("age"), "the todo was not cached");
      for (const spelling of [`0${todo.id}`, `+${todo.id}`, `000${todo.id}`]) {
        for (let i = 0; i < 2; i++) {
          const answer = await request("GET", `/api/todos/${spelling}`);
          assert.equal(answer.status, 200);
          assert.equal(answer.json.id, todo.id);
          assert.ok(!answer.headers.has("age"), `GET /api/todos/${spelling} was stored under a key of its own`);
        }
      }

      await request("DELETE", `/api/todos/${todo.id}`);
    });

    it(`one address holds at most ${hubConnectionsPerAddress} hub connections: the next is refused with 429, and a closed one gives its place back`, { timeout: 60_000 }, async () => {
      const open = [];
      const start = async () => {
        const connection = new HubConnectionBuilder()
          .withUrl(`${fixture.app.url}/hubs/invalidation`, { transport: HttpTransportType.WebSockets })
          .configureLogging(LogLevel.None)
          .build();
        await connection.start();
        return connection;
      };
      try {
        for (let i = 0; i < hubConnectionsPerAddress; i++) {
          open.push(await start());
        }

        await assert.rejects(start(), /429/);
        // The place is given back once the server has seen the WebSocket close.
        await open.pop().stop();
        // Eventually, on a busy machine too: retried until the suite's load bound.
        const since = performance.now();
        for (;;) {
          try {
            open.push(await start());
            break;
          } catch (error) {
            assert.ok(performance.now() - since < loadTimeout && /429/.test(error.message), `no place was given back: ${error.message}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      } finally {
        await Promise.all(open.map((connection) => connection.stop()));
      }
    });

    it("refused publish requests leave the log quiet: no entry for a missing or wrong key", { timeout: 60_000 }, async () => {
      const app = await startTodoApp({ logLevel: "Information" });
      try {
        for (let i = 0; i < 40; i++) {
          const headers = i % 2 === 0 ? { "x-api-key": `wrong-${i}` } : {};
          const answer = await send(app.url, "POST", "/api/invalidations", { json: { tags: [["todos"]] }, headers });
          assert.equal(answer.status, 401);
        }
      } finally {
        // The shutdown's own entry comes after every earlier one: once it is there, so is anything the requests logged.
        await app.stop();
      }

      const output = app.output();
      assert.match(output, /Application is shutting down/, output);
      const entries = output.split("\n").filter((line) => /^(info|warn|fail|crit): /.test(line));
      const refusals = entries.filter((line) => line.includes("PublishApiKey"));
      assert.deepEqual(refusals, [], `the refused requests were logged:\n${output}`);
    });

    it(`Kestrel closes a socket that never sends a byte after ${keepAliveTimeoutMs / 1000} s, and one stuck in its request headers after ${requestHeadersTimeoutMs / 1000} s`, { timeout: 90_000 }, async () => {
      const slow = await slowHeaders.closed;
      const quiet = await idle.closed;
      // Kestrel checks its timeouts about once a second, so neither closes much before its setting; a busy machine
      // only makes them later. Before Kestrel's defaults (30 s and 130 s) tells Program.cs's settings apart from them.
      assert.ok(slow >= requestHeadersTimeoutMs - 1_000 && slow < kestrelDefaultRequestHeadersTimeoutMs, `the socket stuck in its headers was closed after ${slow} ms`);
      assert.ok(quiet >= keepAliveTimeoutMs - 1_000 && quiet < kestrelDefaultKeepAliveTimeoutMs, `the idle socket was closed after ${quiet} ms`);
    });
  });
}

/**
 * A socket to the app that sends `first` (if any) and then nothing; `closed` resolves with the milliseconds until the
 * app closed it, or rejects when it is still open 60 s later.
 */
function watchedSocket(host, port, first) {
  const opened = performance.now();
  const socket = connect({ host, port });
  if (first) {
    socket.write(first);
  }

  socket.on("data", () => {});
  const closed = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the app left the socket open for 60 s")), 60_000);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(Math.round(performance.now() - opened));
    });
    socket.once("error", () => {});
  });
  // Checked by the last test; a rejection before it must not end the run.
  closed.catch(() => {});
  return { socket, closed };
}

/** A GET with headers fetch will not send (Host): status and headers. */
function rawGet(host, port, path, headers) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port, path, headers }, (response) => {
      response.resume();
      response.once("end", () => resolve({ status: response.statusCode, headers: response.headers }));
    });
    req.once("error", reject);
    req.end();
  });
}
