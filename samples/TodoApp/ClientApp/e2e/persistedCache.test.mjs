// The TodoApp's query cache, saved in localStorage, with the cursor of each query's data beside it: a tab reopened
// with nothing changed shows its list without fetching it, one reopened after a change shows the change within a few
// seconds, and a change made between a fetch and its response is not lost across a reload.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launchChromium } from "./chromium.mjs";
import { startTodoApp } from "./todoAppServer.mjs";
import { loadTimeout, TodoWindow, untilHeard } from "./todoWindow.mjs";

const viewport = { width: 860, height: 560 };
/** "Within a few seconds": from the reopened page's first paint to the change shown. */
const reopenedTimeout = 5_000;
const cacheKey = "todoapp-query-cache";

/** @type {import("./todoAppServer.mjs").TodoApp} */
let app;
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  app = await startTodoApp();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

/**
 * Waits until the page's saved cache holds `title` (and not `without`) in the shared list, with the entry of the cursor
 * its data dates from, in data fetched at or after `since` (the page's Date.now()).
 */
function savedWith(tab, title, { without, since = 0 } = {}) {
  return tab.page.waitForFunction(
    ({ key, title, without, since }) => {
      const saved = JSON.parse(localStorage.getItem(key) ?? "null")?.clientState?.queries ?? [];
      const list = saved.find((query) => query.queryHash === '["todos"]');
      const record = saved.find((query) => query.queryKey[0] === "@querytags/signalr");
      const entry = record?.state.data.queries['["todos"]'];
      return (
        list?.state.fetchStatus === "idle" &&
        list.state.dataUpdatedAt >= since &&
        list.state.data.some((todo) => todo.title === title) &&
        !list.state.data.some((todo) => todo.title === without) &&
        entry?.[1] === list.state.dataUpdatedAt
      );
    },
    { key: cacheKey, title, without, since },
    { timeout: loadTimeout },
  );
}

/** Waits until the hub has answered the page's first subscribe (the client has a cursor). */
const subscribed = (tab) => tab.page.waitForFunction(() => window.todoApp.client.cursor !== null, undefined, { timeout: loadTimeout });

describe("TodoApp with its cache persisted", () => {
  it("a tab closed and reopened with nothing changed shows its list without fetching it again", { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport });
    try {
      const first = await TodoWindow.open(context, `${app.url}/`);
      const probes = [];
      await untilHeard([first], async (attempt) => probes.push(await app.createTodo(`Kept ${attempt}`)));
      const kept = probes.at(-1).title;
      await first.item(kept).waitFor({ timeout: loadTimeout });
      await savedWith(first, kept);
      await first.close();

      const reopened = new TodoWindow(await context.newPage());
      await reopened.page.goto(`${app.url}/`, { timeout: loadTimeout });
      await reopened.item(kept).waitFor({ timeout: loadTimeout });
      await subscribed(reopened);
      // The sentinel: a change after the hub answered is fetched once. A fetch of the restored list, on the restore
      // or on the hub's answer, came before it and would make two.
      const sentinel = await app.createTodo("Sentinel after reopening");
      await reopened.item(sentinel.title).waitFor({ timeout: loadTimeout });
      assert.equal(reopened.apiGets["/api/todos"], 1, `the reopened tab fetched the list ${reopened.apiGets["/api/todos"]} times; once is the sentinel's`);
    } finally {
      await context.close();
    }
  });

  it("a todo added while every tab was closed shows up in the reopened tab within a few seconds, with no reload or click", { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport });
    try {
      const first = await TodoWindow.open(context, `${app.url}/`);
      const probes = [];
      await untilHeard([first], async (attempt) => probes.push(await app.createTodo(`Before closing ${attempt}`)));
      await savedWith(first, probes.at(-1).title);
      await first.close();

      const added = await app.createTodo("Added while every tab was closed");
      const reopened = new TodoWindow(await context.newPage());
      await reopened.page.goto(`${app.url}/`, { timeout: loadTimeout });
      // The restored list paints first, without the new todo; then the hub's answer brings it.
      await reopened.item(probes.at(-1).title).waitFor({ timeout: loadTimeout });
      await reopened.item(added.title).waitFor({ timeout: reopenedTimeout });
    } finally {
      await context.close();
    }
  });

  it("a change made between a fetch and its response is never lost, across a reload", { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport });
    // The hub's messages pass, except (while `dropping`) the shared list's invalidations: the page must not hear of
    // the change that races its fetch, as when it reloads before the push arrives.
    let dropping = false;
    await context.routeWebSocket(/\/hubs\/invalidation/, (socket) => {
      const server = socket.connectToServer();
      socket.onMessage((message) => server.send(message));
      server.onMessage((message) => {
        const records = typeof message === "string" ? message.split("\x1e").filter(Boolean) : undefined;
        const kept = records?.filter((record) => !(dropping && sharedListInvalidation(record)));
        if (!records) {
          socket.send(message);
        } else if (kept.length > 0) {
          socket.send(kept.map((record) => record + "\x1e").join(""));
        }
      });
    });
    try {
      const tab = await TodoWindow.open(context, `${app.url}/`);
      await tab.signInAs("alice");
      const alice = await app.signIn("alice");
      await untilHeard([tab], (attempt) => app.createTodo(`Before the race ${attempt}`));
      await subscribed(tab);

      // The list's fetch reads the list, then a change lands (its push lost), then alice's own change moves the
      // page's cursor past it, and only then does the old list answer.
      const raced = "Added while the list was being fetched";
      const later = "Alice's change after the race";
      dropping = true;
      await tab.page.route("**/api/todos", async (route) => {
        const response = await route.fetch();
        await app.createTodo(raced);
        await alice.createTodo(later);
        await tab.privateItem(later).waitFor({ timeout: loadTimeout });
        await route.fulfill({ response });
      });
      const since = await tab.page.evaluate(() => Date.now());
      await tab.page.evaluate(() => window.todoApp.queryClient.refetchQueries({ queryKey: ["todos"] }));
      await tab.page.unroute("**/api/todos");
      assert.equal(await tab.item(raced).count(), 0, "the page showed the raced todo before the reload");
      await savedWith(tab, `Before the race 1`, { without: raced, since });

      dropping = false;
      await tab.page.reload({ timeout: loadTimeout });
      await tab.item(raced).waitFor({ timeout: reopenedTimeout });
    } finally {
      await context.close();
    }
  });

  it("a cache saved for alice is dropped before anything shows it when the tab reopens signed in as bob", { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport });
    try {
      const tab = await TodoWindow.open(context, `${app.url}/`);
      await tab.signInAs("alice");
      const alice = await app.signIn("alice");
      const secret = (await alice.createTodo("Alice's own, for alice only")).title;
      await tab.privateItem(secret).waitFor({ timeout: loadTimeout });
      await tab.page.waitForFunction(({ key, secret }) => localStorage.getItem(key)?.includes(secret), { key: cacheKey, secret }, { timeout: loadTimeout });
      await tab.close();

      // Every tab closed, the browser's cookie becomes bob's (the context's requests share its cookies).
      const signedIn = await context.request.post(`${app.url}/api/session`, { data: { user: "bob" } });
      assert.equal(signedIn.status(), 200);
      const reopened = new TodoWindow(await context.newPage());
      await reopened.page.goto(`${app.url}/`, { timeout: loadTimeout });
      await reopened.page.getByRole("heading", { level: 1 }).waitFor({ timeout: loadTimeout });
      assert.equal(await reopened.signedInAs(), "bob");
      const keys = await reopened.page.evaluate(() => window.todoApp.queryClient.getQueryCache().getAll().map((query) => query.queryKey));
      assert.deepEqual(keys.filter((key) => key[0] === "user" && key[1] === "alice"), [], "alice's queries were restored for bob");
      // And the cache saved from now on is bob's.
      await reopened.page.waitForFunction(({ key, secret }) => !localStorage.getItem(key)?.includes(secret), { key: cacheKey, secret }, { timeout: loadTimeout });
    } finally {
      await context.close();
    }
  });
});

/** True for an invalidate message (SignalR's JSON protocol) whose tags include the shared list's, `["todos"]`. */
function sharedListInvalidation(record) {
  try {
    const message = JSON.parse(record);
    return message.target === "invalidate" && message.arguments?.[0]?.tags?.some((tag) => tag.length === 1 && tag[0] === "todos");
  } catch {
    return false;
  }
}
