import { QueryClient, QueryObserver } from "@tanstack/query-core";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { connectTagInvalidation, createTagInvalidationClient, withTags, type TagInvalidationClient } from "../../src/index.js";
import { eventually } from "./fixture.js";
import { startTestServer, type TestServer } from "./testServer.js";

// A burst of invalidations of one tag against the real hub: each client refetches its query a bounded number of
// times (coalesceWindowMs, default 250 ms: at most ⌊D / 250⌋ + 2 for a burst of D ms) and ends with the last data.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

test("1,000 invalidations of ['todos'] in one second: each of three clients refetches at most ⌊D / 250 ms⌋ + 2 times and ends with the latest data", async () => {
  const clients: Array<{ client: TagInvalidationClient; refetches: () => number; data: () => unknown; arrivals: number[]; stop: () => Promise<void> }> = [];
  for (let i = 0; i < 3; i++) {
    const client = createTagInvalidationClient({ url: server.hubUrl, logger: { log: () => {} }, firstSubscribeMarginMs: 0 });
    const queryClient = new QueryClient();
    const disconnect = connectTagInvalidation({ queryClient, client });
    let fetches = 0;
    // The query reads the data the burst changes, from the server, as an app's does.
    const observer = new QueryObserver(
      queryClient,
      withTags({ queryKey: ["todos"], staleTime: Infinity, queryFn: async () => (fetches++, (await fetch(`${server.url}/version`)).json()) }, [["todos"]]),
    );
    const unsubscribe = observer.subscribe(() => {});
    await vi.waitFor(() => expect(fetches).toBe(1));
    await client.start();
    // When the burst's messages reached this client: the burst's length as the client saw it.
    const arrivals: number[] = [];
    client.listen((event) => event.type === "message" && arrivals.push(performance.now()));
    clients.push({
      client,
      arrivals,
      refetches: () => fetches - 1,
      data: () => observer.getCurrentResult().data,
      stop: async () => {
        unsubscribe();
        disconnect();
        await client.stop();
      },
    });
  }

  try {
    const burst = await server.burst([["todos"]], 1000, 1000);
    expect(burst.version).toBeGreaterThanOrEqual(1000);

    // Fresh at the end: every client shows the version of the burst's last change.
    await vi.waitFor(() => expect(clients.map(({ data }) => (data() as { version: number }).version)).toEqual(clients.map(() => burst.version)), eventually);
    // The bound counts the refetch of the last data; the pacing of later ones is unit-tested on fake time (connect.test.ts).
    const refetches = clients.map(({ refetches }) => refetches());
    const received = clients.map(({ arrivals }) => arrivals.length);
    const bounds = clients.map(({ arrivals }) => Math.floor((arrivals.at(-1)! - arrivals[0]!) / 250) + 2);
    console.log(`burst: 1,000 invalidations published in ${Math.round(burst.elapsedMs)} ms; messages per client ${received.join(", ")}; refetches per client ${refetches.join(", ")} (bounds ${bounds.join(", ")})`);
    expect(received).toEqual([1000, 1000, 1000]);
    refetches.forEach((count, i) => {
      expect(count).toBeGreaterThanOrEqual(2);
      expect(count).toBeLessThanOrEqual(bounds[i]!);
    });
  } finally {
    await Promise.all(clients.map(({ stop }) => stop()));
  }
});
