import { QueryClient, type QueryKey } from "@tanstack/query-core";
import { afterEach, describe, expect, test, vi } from "vitest";
import { connectTagInvalidation, createTagInvalidationClient, type Tag, type TagInvalidationClientOptions } from "../../src/index.js";
import { FakeLocks } from "../unit/fakeLocks.js";
import { cleanupsAfterEach, countedQuery, eventually, testServerForFile } from "./fixture.js";

// Tabs of one browser against the real hub: each tab is a client with its own QueryClient, the tabs meet on Node's
// BroadcastChannel and elect their leader with one lock manager (a fake one: Node has no Web Locks). The server
// counts the connections. The browser itself is the sample's e2e (Chromium).

const context = testServerForFile();
// After the cleanups (Vitest runs after-hooks last registered first): every tab's connection is closed.
afterEach(async () => {
  await vi.waitFor(() => expect(context.server.openConnections()).resolves.toBe(0), eventually);
});
const cleanups = cleanupsAfterEach();

function browser() {
  const locks = new FakeLocks();
  return (options: Partial<TagInvalidationClientOptions> = {}) => {
    const tab = locks.tab();
    const channels: BroadcastChannel[] = [];
    const client = createTagInvalidationClient(
      { url: context.server.hubUrl, logger: { log: () => {} }, firstSubscribeMarginMs: 0, ...options },
      {
        locks: tab.locks,
        channel: (name) => {
          const channel = new BroadcastChannel(name);
          channels.push(channel);
          return channel;
        },
      },
    );
    const queryClient = new QueryClient();
    const disconnect = connectTagInvalidation({ queryClient, client });
    cleanups.push(() => client.stop(), disconnect);
    const fetches: Record<string, number> = {};

    const cached = (queryKey: QueryKey, tags: Tag[]) => countedQuery(queryClient, cleanups, fetches, queryKey, tags);

    return {
      client,
      fetches,
      cached,
      /** What a browser does when the tab closes: its locks go at once and its channel with it; then its code stops. */
      close: () => {
        tab.close();
        channels.forEach((channel) => channel.close());
        return client.stop();
      },
    };
  };
}

describe("four tabs of one browser", () => {
  test("make one hub connection, and each tab refetches only its own matching queries", async () => {
    const open = browser();
    const tabs = [open(), open(), open(), open()];
    await tabs[0]!.cached(["todos"], [["todos"]]);
    await tabs[1]!.cached(["todo", 1], [["todo", 1]]);
    await tabs[2]!.cached(["todo", 2], [["todo", 2]]);
    await tabs[3]!.cached(["todos"], [["todos"]]);
    await tabs[3]!.cached(["todo", 1], [["todo", 1]]);
    await Promise.all(tabs.map(({ client }) => client.start()));

    expect(await context.server.openConnections()).toBe(1);
    expect(tabs.map(({ client }) => client.state.get().role).sort()).toEqual(["follower", "follower", "follower", "leader"]);
    expect(tabs.every(({ client }) => client.status.get() === "connected")).toBe(true);

    await context.server.invalidate([["todo", 1]]);
    await vi.waitFor(() => expect([tabs[1]!.fetches['["todo",1]'], tabs[3]!.fetches['["todo",1]']]).toEqual([2, 2]), eventually);
    // A sentinel after it: had ["todo", 1] reached another query, it would have refetched by the time this shows.
    await context.server.invalidate([["todo", 2]]);
    await vi.waitFor(() => expect(tabs[2]!.fetches['["todo",2]']).toBe(2), eventually);
    expect(tabs.map(({ fetches }) => fetches)).toEqual([{ '["todos"]': 1 }, { '["todo",1]': 2 }, { '["todo",2]': 2 }, { '["todos"]': 1, '["todo",1]': 2 }]);
    expect(await context.server.openConnections()).toBe(1);
  });

  test("when the leader's tab closes, a change made right after reaches the others, and one of them leads", async () => {
    const open = browser();
    const tabs = [open(), open(), open(), open()];
    for (const tab of tabs) {
      await tab.cached(["todos"], [["todos"]]);
    }

    await Promise.all(tabs.map(({ client }) => client.start()));
    const leader = tabs.find(({ client }) => client.state.get().role === "leader")!;
    const others = tabs.filter((tab) => tab !== leader);

    await leader.close();
    await context.server.invalidate([["todos"]]);

    // Before the new leader subscribes (it comes back as missed, from the tab's cursor) or after (it is pushed).
    await vi.waitFor(() => expect(others.map(({ fetches }) => fetches['["todos"]'])).toEqual([2, 2, 2]), eventually);
    await vi.waitFor(() => expect(others.filter(({ client }) => client.state.get().role === "leader")).toHaveLength(1));
    expect(await context.server.openConnections()).toBe(1);
  });

  test("with sharing off, each tab has a connection of its own", async () => {
    const open = browser();
    const tabs = [open({ shareConnection: false }), open({ shareConnection: false }), open({ shareConnection: false }), open({ shareConnection: false })];
    await Promise.all(tabs.map(({ client }) => client.start()));

    expect(await context.server.openConnections()).toBe(4);
    expect(tabs.map(({ client }) => client.state.get().role)).toEqual(["own", "own", "own", "own"]);
  });
});
