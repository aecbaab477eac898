import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Resolved as a path, not with new URL(…, import.meta.url): under jsdom, URL is jsdom's.
const dll = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../tests/QueryTags.SignalR.TestServer/bin/Debug/net10.0/QueryTags.SignalR.TestServer.dll");

export interface TestServer {
  readonly url: string;
  readonly hubUrl: string;
  /** The same hub for authenticated users only: a token from {@link token} opens it. */
  readonly secureHubUrl: string;
  /** POST /token, the test server's test-only token endpoint: a bearer token carrying these claims. */
  token(claims: { sub: string } & Record<string, string | number | (string | number)[]>): Promise<string>;
  /** POST /invalidate; answers the invalidation's id and cursor. */
  invalidate(tags: unknown[][]): Promise<{ id: string; cursor: string }>;
  /** POST /connections/abort: cuts every connection's transport, as a network failure would. */
  abortConnections(): Promise<number>;
  /** GET /connections: the hub connections open now. */
  openConnections(): Promise<number>;
  /** POST /invalidate/burst: `count` invalidations of `tags` spread over `durationMs`, each after a change of {@link version}. */
  burst(tags: unknown[][], count: number, durationMs: number): Promise<{ id: string; cursor: string; version: number; elapsedMs: number }>;
  /** GET /version: how often a burst changed "the data". */
  version(): Promise<number>;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s; says how long it took and whether it had to be killed. */
  stop(): Promise<{ ms: number; killed: boolean }>;
}

/**
 * Starts tests/QueryTags.SignalR.TestServer on a free loopback port (or `url`) and reads its URL from its output.
 * `args` are added to its command line, such as `--NoMessagePack=true`.
 */
export async function startTestServer({ args = [], url: address }: { args?: string[]; url?: string } = {}): Promise<TestServer> {
  if (!existsSync(dll)) {
    throw new Error(`The test server is not built: run 'dotnet build tests/QueryTags.SignalR.TestServer' (${dll} is missing).`);
  }

  const child = spawn(
    "dotnet",
    [dll, "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", ...(address ? ["--urls", address] : []), ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  // A test process that dies without its afterAll still takes the server with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("The test server printed no URL within 30 s.")), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${error.message}\n${output}`));
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Now listening on: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => fail(new Error(`The test server exited with code ${code} before printing its URL.`)));
  });

  const post = async (path: string, body?: unknown, method = "POST") => {
    const response = await fetch(url + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
    }

    return response.json();
  };

  return {
    url,
    hubUrl: `${url}/hubs/invalidation`,
    secureHubUrl: `${url}/hubs/secure`,
    token: async (claims) => (await post("/token", claims)).token,
    invalidate: (tags) => post("/invalidate", { tags, origin: null, via: "invalidator" }),
    abortConnections: async () => (await post("/connections/abort")).aborted,
    openConnections: async () => (await post("/connections", undefined, "GET")).open,
    burst: (tags, count, durationMs) => post("/invalidate/burst", { tags, count, durationMs }),
    version: async () => (await post("/version", undefined, "GET")).version,
    async stop() {
      process.off("exit", killOnExit);
      const began = performance.now();
      let killed = false;
      child.kill("SIGTERM");
      const timer = setTimeout(() => (killed = child.kill("SIGKILL")), 5_000);
      await exited;
      clearTimeout(timer);
      return { ms: performance.now() - began, killed };
    },
  };
}
