import { QueryObserver, type QueryClient, type QueryKey } from "@tanstack/query-core";
import { afterAll, afterEach, beforeAll, expect, vi } from "vitest";
import { withTags, type Tag } from "../../src/index.js";
import { startTestServer, type TestServer } from "./testServer.js";

/** Starts a test server before the file's tests and stops it after them; read `server` in tests and hooks. */
export function testServerForFile(options?: Parameters<typeof startTestServer>[0]): { readonly server: TestServer } {
  const context = {} as { server: TestServer };
  beforeAll(async () => {
    context.server = await startTestServer(options);
  });
  afterAll(async () => {
    await context.server?.stop();
  });
  return context;
}

/** What each test registers to undo, undone in reverse order after it. */
export function cleanupsAfterEach(): Array<() => unknown> {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup();
    }
  });
  return cleanups;
}

/**
 * How long a test waits for what the server and the client do over real networking: a bound for a machine that is
 * busy, never a measurement (no test asserts how fast anything is).
 */
export const eventually = { timeout: 15_000, interval: 10 } as const;

/** An active query (an observer keeps it so) that counts its fetches in `fetches`, under its key's JSON; settles after its first. */
export async function countedQuery(queryClient: QueryClient, cleanups: Array<() => unknown>, fetches: Record<string, number>, queryKey: QueryKey, tags: Tag[]): Promise<void> {
  const key = JSON.stringify(queryKey);
  fetches[key] = 0;
  cleanups.push(new QueryObserver(queryClient, withTags({ queryKey, staleTime: Infinity, queryFn: async () => ++fetches[key]! }, tags)).subscribe(() => {}));
  await vi.waitFor(() => expect(fetches[key]).toBe(1));
}
