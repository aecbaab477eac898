// @vitest-environment jsdom
import { LogLevel } from "@microsoft/signalr";
import { QueryClient, QueryObserver, type QueryKey } from "@tanstack/query-core";
import { afterEach, expect, test, vi } from "vitest";
import { InvalidationTimeline, mountPanelView, tagInvalidationDevtoolsPlugin } from "../../src/devtools/index.js";
import { connectTagInvalidation, createTagInvalidationClient, withTags, type Tag, type TagInvalidationEvent } from "../../src/index.js";
import { FakeHubConnection, settle, subscribeResult } from "../unit/fakeHubConnection.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

async function setup({ coalesceWindowMs = 0 } = {}) {
  const connection = new FakeHubConnection();
  const client = createTagInvalidationClient({ connection: connection.asHubConnection(), logger: { log: (level, message) => level >= LogLevel.Error && console.error(message) } });
  const queryClient = new QueryClient();
  await client.start();
  const events: TagInvalidationEvent[] = [];
  cleanups.push(client.listen((event) => events.push(event)));
  // Before the client's own listener, as an app that builds the panel next to its client does.
  const timeline = new InvalidationTimeline({ client, queryClient });
  cleanups.push(() => timeline.dispose());
  cleanups.push(connectTagInvalidation({ queryClient, client, coalesceWindowMs }));

  async function cached(queryKey: QueryKey, tags: Tag[] | undefined, fail = false) {
    const queryFn = async () => {
      if (fail) {
        throw new Error("the server said no");
      }

      return 1;
    };
    const options = { queryKey, queryFn, staleTime: Infinity, retry: false };
    const observer = new QueryObserver(queryClient, tags ? withTags(options, tags) : options);
    cleanups.push(observer.subscribe(() => {}));
    await vi.waitFor(() => expect(queryClient.getQueryState(queryKey)?.status).not.toBe("pending"));
    await settle();
  }

  const invalidate = (id: string, tags: Tag[], traceparent: string | null = null) =>
    connection.receive("invalidate", { id, tags, cursor: "e:9", origin: "node-1", traceparent });
  const hash = (queryKey: QueryKey) => queryClient.getQueryCache().find({ queryKey, exact: true })!.queryHash;
  return { connection, client, queryClient, timeline, events, cached, invalidate, hash };
}

test("the client reports what it refetched for an invalidation, with its cause, and when it settled", async () => {
  const { events, cached, invalidate, hash } = await setup();
  await cached(["todos"], [["todos"]]);
  await cached(["todo", 5], [["todo", 5]]);

  invalidate("id-1", [["todos"]]);

  const refetch = events.find((event) => event.type === "refetch");
  expect(refetch).toMatchObject({ cause: "id-1", queries: [{ queryHash: hash(["todos"]) }], coalesced: [] });
  await expect(refetch?.type === "refetch" && refetch.settled).resolves.toBeUndefined();
});

test("the timeline shows an invalidation with its tags, the queries it matched and each refetch's outcome", async () => {
  const { timeline, cached, invalidate, hash } = await setup();
  await cached(["todos"], [["todos"]]);
  await cached(["todo", 5], [["todo", 5]], true);
  await cached(["user"], undefined);

  invalidate("id-1", [["todos"], ["todo"]], "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

  await vi.waitFor(() => expect(timeline.entries[0]).toMatchObject({ kind: "invalidation", queries: [{ status: "ok" }, { status: "error" }] }));
  expect(timeline.entries).toEqual([
    {
      kind: "invalidation",
      id: "id-1",
      at: expect.any(Number),
      tags: [["todos"], ["todo"]],
      matchedTags: [["todos"], ["todo", 5]],
      own: false,
      skipped: [],
      source: "node-1",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      queries: [
        { queryHash: hash(["todos"]), queryKey: ["todos"], status: "ok", durationMs: expect.any(Number) },
        { queryHash: hash(["todo", 5]), queryKey: ["todo", 5], status: "error", durationMs: expect.any(Number), error: "the server said no" },
      ],
    },
  ]);
  expect(timeline.whyRefetched(hash(["todos"]))).toMatchObject({ entry: { id: "id-1" }, outcome: { status: "ok" } });
  expect(timeline.whyRefetched(hash(["user"]))).toBeUndefined();
});

test("an own change's push is skipped with the reason, and a refetch within the window is coalesced", async () => {
  const { client, timeline, cached, invalidate, hash } = await setup({ coalesceWindowMs: 60_000 });
  await cached(["todos"], [["todos"]]);

  client.apply({ id: "id-1", tags: [["todos"]] });
  invalidate("id-1", [["todos"]]);
  invalidate("id-2", [["todos"]]);

  expect(timeline.entries).toMatchObject([
    { kind: "invalidation", id: "id-1", own: true, source: "node-1", skipped: [{ tags: [["todos"]], reason: "own change" }], queries: [{ queryHash: hash(["todos"]), status: "running" }] },
    { kind: "invalidation", id: "id-2", own: false, queries: [{ queryHash: hash(["todos"]), status: "skipped", reason: "coalesced" }] },
  ]);
  // The push of id-1 came after apply(): reported as skipped, its queries already counted.
  await vi.waitFor(() => expect(timeline.entries[0]).toMatchObject({ queries: [{ status: "ok" }] }));
});

test("a second copy of one id (the connection is in several target groups) adds its tags and refetches nothing again", async () => {
  const { timeline, cached, invalidate, hash } = await setup();
  await cached(["todo", 5], [["todo", 5]]);

  invalidate("id-1", [["todo"]]);
  invalidate("id-1", [["todo", 5]]);

  expect(timeline.entries).toMatchObject([
    { id: "id-1", tags: [["todo"], ["todo", 5]], skipped: [{ tags: [["todo", 5]], reason: "earlier copy" }], queries: [{ queryHash: hash(["todo", 5]), status: "running" }] },
  ]);
  await vi.waitFor(() => expect(timeline.entries[0]).toMatchObject({ queries: [{ status: "ok" }] }));
});

test("missed, reset and rejected tags are entries too, with the rule and reason of each rejection", async () => {
  const { connection, client, timeline, cached } = await setup();
  await cached(["todos"], [["todos"]]);
  connection.answer = ({ method }) =>
    method === "Subscribe" ? subscribeResult({ cursor: "e:10", rejected: [{ index: 0, tag: '["secret"]', rule: "forbidden", reason: "the connection may not hold the tag" }] }) : undefined;
  client.subscribe([["secret"]]);
  await settle();
  connection.receive("reset", { reason: "log-trimmed", cursor: "e:11" });
  await settle();

  expect(timeline.entries.filter((entry) => entry.kind !== "invalidation")).toMatchObject([
    { kind: "rejected", rejections: [{ tag: '["secret"]', rule: "forbidden", reason: "the connection may not hold the tag" }] },
    { kind: "reset", reason: "log-trimmed", cursor: "e:11", queries: [{ queryKey: ["todos"] }] },
  ]);
});

test("the panel shows the connection, held tags with their queries, untagged queries, the timeline and why a query refetched", async () => {
  const { client, queryClient, cached, invalidate, hash } = await setup();
  await cached(["todos"], [["todos"]]);
  await cached(["user"], undefined);
  const plugin = tagInvalidationDevtoolsPlugin({ client, queryClient, traceLink: (_, traceId) => `https://traces.example/${traceId}` });
  cleanups.push(() => plugin.timeline.dispose());
  const element = document.createElement("div");
  plugin.render(element as HTMLDivElement, { theme: "light", devtoolsOpen: true });
  cleanups.push(() => plugin.destroy?.(plugin.id!));

  invalidate("id-1", [["todos"]], "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  await vi.waitFor(() => expect(element.querySelector('[data-kind="invalidation"] [data-status="ok"]')).not.toBeNull());
  (element.querySelector(`button[data-query-hash='${hash(["todos"])}']`) as HTMLButtonElement).click();

  expect(element.querySelector('[data-part="status"]')?.textContent).toBe("connected");
  expect(element.querySelector('[data-part="held-tags"] li[data-tag=\'["todos"]\']')?.textContent).toContain('["todos"]');
  expect(element.querySelector('[data-part="untagged"]')?.textContent).toContain("no tags");
  expect(element.querySelector('[data-kind="invalidation"][data-id="id-1"]')?.textContent).toContain("ok");
  expect(element.querySelector('[data-part="trace"]')?.getAttribute("href")).toBe("https://traces.example/0af7651916cd43dd8448eb211c80319c");
  expect(element.querySelector('[data-part="why"]')?.textContent).toMatch(/^invalidation id-1 at .*: ok, \d+ ms$/);
  expect(element.querySelector('[data-part="would-refetch"]')?.textContent).toBe('["todos"]');
});

test("text from the server is shown as text, never as markup", async () => {
  const { client, queryClient, timeline, invalidate, cached } = await setup();
  await cached(["todos"], [["<img src=x onerror=alert(1)>"]]);
  const element = document.createElement("div");
  cleanups.push(mountPanelView(element, timeline));
  invalidate("<b>id</b>", [["<img src=x onerror=alert(1)>"]]);
  await settle();

  expect(element.querySelector("img, b")).toBeNull();
  expect(element.textContent).toContain("<b>id</b>");
  expect(client).toBeDefined();
  expect(queryClient).toBeDefined();
});
