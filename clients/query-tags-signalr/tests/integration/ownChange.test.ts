import { QueryClient, type QueryKey } from "@tanstack/query-core";
import { describe, expect, test, vi } from "vitest";
import { connectTagInvalidation, createTagInvalidationClient, type Tag, type TagInvalidationEvent } from "../../src/index.js";
import { cleanupsAfterEach, countedQuery, eventually, testServerForFile } from "./fixture.js";

// The tab that makes a change applies the invalidation its response names (apply({ id, tags })): its queries
// refetch once per change, whether the response or the push comes first; another tab refetches once from the push.

const context = testServerForFile();
const cleanups = cleanupsAfterEach();

async function tab() {
  const client = createTagInvalidationClient({ url: context.server.hubUrl, logger: { log: () => {} }, firstSubscribeMarginMs: 0 });
  const queryClient = new QueryClient();
  // No coalescing window: each change is awaited before the next, so none merges into another however slow the machine.
  cleanups.push(() => client.stop(), connectTagInvalidation({ queryClient, client, coalesceWindowMs: 0 }));
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
        await vi.waitFor(() => expect(changing.messages).toContain(response.id), eventually);
      }

      changing.client.apply({ id: response.id, tags: [["todos"], ["todo", 7]] });
      await vi.waitFor(() => expect(other.fetches['["todo",7]']).toBe(1 + change), eventually);
      await vi.waitFor(() => expect(changing.fetches['["todo",7]']).toBe(1 + change), eventually);
    }

    // A sentinel after the last change: had its push or its apply refetched once more, it would show by now.
    await context.server.invalidate([["todo", 8]]);
    await vi.waitFor(() => expect([changing.fetches['["todo",8]'], other.fetches['["todo",8]']]).toEqual([2, 2]), eventually);

    const once = { '["todos"]': 1 + changes, '["todo",7]': 1 + changes, '["todo",8]': 2 };
    expect(changing.fetches).toEqual(once);
    expect(other.fetches).toEqual(once);
  });
});
