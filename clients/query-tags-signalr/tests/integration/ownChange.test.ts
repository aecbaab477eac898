import { QueryClient, type QueryKey } from "@tanstack/query-core";
import { describe, expect, test, vi } from "vitest";
import { connectTagInvalidation, createTagInvalidationClient, type Tag, type TagInvalidationEvent } from "../../src/index.js";
import { cleanupsAfterEach, countedQuery, testServerForFile } from "./fixture.js";

// The tab that makes a change applies the invalidation its response names (apply({ id, tags })): its queries
// refetch once per change, whether the response or the push comes first; another tab refetches once from the push.

const context = testServerForFile();
const cleanups = cleanupsAfterEach();

async function tab() {
  const client = createTagInvalidationClient({ url: context.server.hubUrl, logger: { log: () => {} }, firstSubscribeMarginMs: 0 });
  const queryClient = new QueryClient();
  cleanups.push(() => client.stop(), connectTagInvalidation({ queryClient, client }));
  const messages: string[] = [];
  client.listen((event: TagInvalidationEvent) => event.type === "message" && messages.push(event.message.id));
  const fetches: Record<string, number> = {};
  const cached = (queryKey: QueryKey, tags: Tag[]) => countedQuery(queryClient, cleanups, fetches, queryKey, tags);
  return { client, fetches, cached, messages };
}

describe("the tab that made a change", () => {
  test.each([
    { first: "the response", label: "applied before its push arrives" },
    { first: "the push", label: "applied after its push arrived" },
  ])("fetches each matching query once per change: $label", async ({ first }) => {
    const changing = await tab();
    const other = await tab();
    for (const { cached } of [changing, other]) {
      await cached(["todos"], [["todos"]]);
      await cached(["todo", 7], [["todo", 7]]);
      await cached(["todo", 8], [["todo", 8]]);
    }

    await Promise.all([changing.client.start(), other.client.start()]);
    const changes = 10;
    for (let change = 1; change <= changes; change++) {
      // The mutation: the server saves and invalidates, and its response names the invalidation.
      const response = await context.server.invalidate([["todos"], ["todo", 7]]);
      if (first === "the push") {
        await vi.waitFor(() => expect(changing.messages).toContain(response.id), { timeout: 2000, interval: 5 });
      }

      changing.client.apply({ id: response.id, tags: [["todos"], ["todo", 7]] });
      await vi.waitFor(() => expect(other.fetches['["todo",7]']).toBe(1 + change), { timeout: 2000, interval: 5 });
      await vi.waitFor(() => expect(changing.fetches['["todo",7]']).toBe(1 + change), { timeout: 2000, interval: 5 });
      // Past the coalescing window, so the next change is not merged into this one.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    const once = { '["todos"]': 1 + changes, '["todo",7]': 1 + changes, '["todo",8]': 1 };
    expect(changing.fetches).toEqual(once);
    expect(other.fetches).toEqual(once);
  });
});
