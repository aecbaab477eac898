// The TodoApp in four tabs of one browser (one browser context: one cookie jar, one origin's Web Locks and
// BroadcastChannel): one hub connection for all of them, counted on the wire; each tab refetches only its own
// matching queries; when the leader's tab closes or is about to freeze, a change made right after still reaches the others within
// 2 s; the tab that made a change fetches each matching query once per change; with ?share=off, four connections; a
// hub URL with no hub shows "failed" with its hint; a user switch in one tab restarts the shared connection once (the
// server closing the previous user's connection may add a reconnect), not once per tab, and no tab keeps the previous
// user's list or hears of it. twoWindows.test.mjs runs it on its app and browser.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadTimeout, propagated, TodoWindow, untilHeard } from "./todoWindow.mjs";

const viewport = { width: 860, height: 600 };

/** Counts the hub connections a browser context starts: one negotiate request each, whatever the transport. */
function countConnections(context) {
  const counted = { connections: 0 };
  context.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/hubs/invalidation/negotiate") counted.connections++;
  });
  return counted;
}

// The client's coalescing window is 250 ms: a change within it of a query's last refetch is merged into one more
// refetch at its end. The tabs run on Playwright's clock, which flows as real time does until a test moves it on:
// past the window at once, not after a real wait.
const pastTheWindow = (context) => context.clock.runFor(400);

/**
 * Adds the suite to the calling test file.
 * @param {{ app: import("./todoAppServer.mjs").TodoApp | undefined, browser: import("playwright-core").Browser | undefined }} fixture
 */
export function oneBrowser(fixture) {
  describe("TodoApp in four tabs of one browser", () => {
    /** @type {import("./todoAppServer.mjs").TodoApp} */
    let app;
    /** @type {import("playwright-core").BrowserContext} */
    let context;
    let wire;
    /** @type {TodoWindow[]} two on the list, one on todo X's route, one on todo Y's */
    let tabs = [];
    let x;
    let y;
    const made = [];

    before(async () => {
      app = fixture.app;
      context = await fixture.browser.newContext({ viewport });
      await context.clock.install();
      wire = countConnections(context);
      x = await app.createTodo("Tab X");
      y = await app.createTodo("Tab Y");
      made.push(x, y);
      for (const path of ["/", `/todos/${x.id}`, `/todos/${y.id}`, "/"]) {
        tabs.push(await TodoWindow.open(context, app.url + path));
      }

      // Until every tab holds its tags (the leader subscribes each tab's as it hears of them): X's and Y's routes show
      // a rename of theirs, and both lists show both.
      for (let attempt = 1; ; attempt++) {
        const [nameX, nameY] = [`Tab X (${attempt})`, `Tab Y (${attempt})`];
        await app.updateTodo(x.id, { title: nameX });
        await app.updateTodo(y.id, { title: nameY });
        try {
          await Promise.all([
            tabs[1].detailTitle(nameX).waitFor({ timeout: 2_000 }),
            tabs[2].detailTitle(nameY).waitFor({ timeout: 2_000 }),
            ...[tabs[0], tabs[3]].flatMap((tab) => [tab.item(nameX).waitFor({ timeout: 2_000 }), tab.item(nameY).waitFor({ timeout: 2_000 })]),
          ]);
          break;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }

      await pastTheWindow(context);
    });

    /** Where each of `among` shows X's new title: a list shows it, X's route too; Y's route does not. */
    const showing = (among, title) =>
      among.flatMap((tab) => (tab.page.url().endsWith(`/todos/${x.id}`) ? [tab.detailTitle(title)] : tab.page.url().includes("/todos/") ? [] : [tab.item(title)]));

    after(async () => {
      await context?.close();
      for (const todo of made) {
        await app.deleteTodo(todo.id).catch(() => {});
      }
    });

    it("the four tabs make one hub connection; each reads connected, and one of them leads", async () => {
      assert.equal(wire.connections, 1, "hub connections started by the four tabs");
      const roles = await Promise.all(tabs.map((tab) => tab.role()));
      assert.deepEqual([...roles].sort(), ["follower", "follower", "follower", "leader"]);
      for (const tab of tabs) {
        assert.match(await tab.page.getByTestId("connection-status").textContent(), /^connected · WebSockets · JSON · shared/);
      }

      assert.deepEqual([...tabs[0].hubTransports], ["webSockets"]);
    });

    it("each tab refetches only its own matching queries", { timeout: 30_000 }, async (t) => {
      for (const tab of tabs) tab.apiGets = {};
      const renamedX = "Tab X, renamed";
      await app.updateTodo(x.id, { title: renamedX });
      await Promise.all([tabs[1].detailTitle(renamedX).waitFor({ timeout: loadTimeout }), tabs[0].item(renamedX).waitFor({ timeout: loadTimeout }), tabs[3].item(renamedX).waitFor({ timeout: loadTimeout })]);
      await pastTheWindow(context);
      // Y's change after X's: had X's reached Y's tab, its refetch would be counted by the time Y's shows.
      const renamedY = "Tab Y, renamed";
      await app.updateTodo(y.id, { title: renamedY });
      await Promise.all([tabs[2].detailTitle(renamedY).waitFor({ timeout: loadTimeout }), tabs[0].item(renamedY).waitFor({ timeout: loadTimeout }), tabs[3].item(renamedY).waitFor({ timeout: loadTimeout })]);
      await pastTheWindow(context);
      // X's again, after Y's: had Y's reached X's tab (or a list come twice), that refetch is counted by the time this shows.
      const renamedAgain = "Tab X, renamed again";
      await app.updateTodo(x.id, { title: renamedAgain });
      await Promise.all([tabs[1].detailTitle(renamedAgain).waitFor({ timeout: loadTimeout }), tabs[0].item(renamedAgain).waitFor({ timeout: loadTimeout }), tabs[3].item(renamedAgain).waitFor({ timeout: loadTimeout })]);

      const lists = { "/api/todos": 3 };
      assert.deepEqual(tabs.map((tab) => tab.apiGets), [lists, { [`/api/todos/${x.id}`]: 2 }, { [`/api/todos/${y.id}`]: 1 }, lists]);
      assert.equal(wire.connections, 1);
      t.diagnostic(`fetches per tab for a rename of X, then of Y, then of X: ${tabs.map((tab) => JSON.stringify(tab.apiGets)).join(", ")}`);
    });

    it("when the leader's tab closes, a change made right after reaches the other tabs within 2 s", { timeout: 30_000 }, async (t) => {
      const roles = await Promise.all(tabs.map((tab) => tab.role()));
      const leader = tabs[roles.indexOf("leader")];
      tabs = tabs.filter((tab) => tab !== leader);

      await leader.close();
      const since = performance.now();
      const renamed = "Tab X, renamed after the leader closed";
      await app.updateTodo(x.id, { title: renamed });

      const reached = await Promise.all(showing(tabs, renamed).map((locator) => propagated("a tab shows the rename made right after the leader's tab closed", since, locator)));
      assert.ok(reached.length >= 2);
      const newRoles = await Promise.all(tabs.map((tab) => tab.role()));
      assert.deepEqual([...newRoles].sort(), ["follower", "follower", "leader"]);
      // One more connection, the new leader's: the old one closed with its tab.
      assert.equal(wire.connections, 2);
      t.diagnostic(`after the leader's tab closed, the change reached the other tabs in ${reached.map((ms) => `${Math.round(ms)} ms`).join(", ")}`);
    });

    // Headless Chromium keeps every page visible and will not freeze one (CDP's Page.setWebLifecycleState leaves a
    // visible page running), so the test sends the page lifecycle's events itself: `freeze`, which a browser fires just
    // before it freezes a hidden tab, and `resume`.
    it("a leader tab about to be frozen resigns: another takes over, a change made right after reaches the others within 2 s, and it follows once resumed", { timeout: 30_000 }, async (t) => {
      await pastTheWindow(context);
      const roles = await Promise.all(tabs.map((tab) => tab.role()));
      const leader = tabs[roles.indexOf("leader")];
      const others = tabs.filter((tab) => tab !== leader);

      await leader.page.evaluate(() => document.dispatchEvent(new Event("freeze")));
      const since = performance.now();
      const renamed = "Tab X, renamed after the leader froze";
      await app.updateTodo(x.id, { title: renamed });

      const reached = await Promise.all(showing(others, renamed).map((locator) => propagated("a tab shows the rename made after the leader froze", since, locator)));
      assert.ok(reached.length >= 1);
      await others[0].page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: loadTimeout });
      assert.deepEqual((await Promise.all(others.map((tab) => tab.role()))).sort(), ["follower", "leader"]);
      assert.equal(wire.connections, 3);
      t.diagnostic(`after the leader's tab froze, the change reached the others in ${reached.map((ms) => `${Math.round(ms)} ms`).join(", ")}`);

      await leader.page.evaluate(() => document.dispatchEvent(new Event("resume")));
      await leader.page.locator('[data-testid="connection-status"][data-role="follower"][data-status="connected"]').waitFor({ timeout: loadTimeout });
      const again = "Tab X, renamed once the tab resumed";
      await app.updateTodo(x.id, { title: again });
      await Promise.all(showing(tabs, again).map((locator) => locator.waitFor({ timeout: loadTimeout })));
      assert.equal(wire.connections, 3);
    });

    it("the tab that made a change fetches each matching query once per change", { timeout: 60_000 }, async (t) => {
      await pastTheWindow(context);
      const changing = tabs.find((tab) => !tab.page.url().includes("/todos/"));
      changing.apiGets = {};
      changing.changeIds = [];
      const titles = ["Once A", "Once B", "Once C"];
      for (const title of titles) {
        await changing.add(title);
        await changing.item(title).waitFor({ timeout: loadTimeout });
        await pastTheWindow(context);
      }

      await changing.toggle("Once B");
      await changing.doneItem("Once B").waitFor({ timeout: loadTimeout });
      await pastTheWindow(context);
      // Clear done's answer names its invalidation: the tab applies it at once, and skips its push.
      await changing.clearDone();
      await changing.item("Once B").waitFor({ state: "detached", timeout: loadTimeout });
      await pastTheWindow(context);
      // A change made elsewhere: its push comes after every push of the tab's changes, and past the window of the
      // clear's refetch, so a push the tab failed to skip has made a fetch of its own by the time this one shows.
      const sentinel = await app.createTodo("Once, made elsewhere");
      made.push(sentinel);
      await changing.item(sentinel.title).waitFor({ timeout: loadTimeout });

      // Three adds, a toggle and a clear: five changes, five fetches of the list, and one for the sentinel. Each
      // answer names the invalidation of its save (an outbox row's id, which the relay publishes after the answer)
      // or, for the clear, its endpoint's (the log's id), which the tab applies: it fetches whichever comes first,
      // the answer or the push, and not the other.
      assert.deepEqual(changing.apiGets, { "/api/todos": 6 });
      assert.equal(changing.changeIds.length, 5);
      assert.ok(changing.changeIds.every((id) => /^(outbox-[0-9a-f]{32}|[0-9a-f]{12}-\d+)$/.test(id ?? "")), `invalidation ids of the changes: ${JSON.stringify(changing.changeIds)}`);
      t.diagnostic(`the changing tab's fetches for 5 changes and a sentinel: ${JSON.stringify(changing.apiGets)}`);
      for (const title of ["Once A", "Once C"]) {
        const todo = (await (await fetch(`${app.url}/api/todos`)).json()).find((item) => item.title === title);
        if (todo) made.push(todo);
      }
    });
  });

  describe("TodoApp in two tabs of one browser when the user changes", () => {
    it("a switch in one tab restarts the shared connection once, not once per tab; no tab keeps the previous user's list or hears of it", { timeout: 90_000 }, async (t) => {
      const { app } = fixture;
      const context = await fixture.browser.newContext({ viewport });
      const wire = countConnections(context);
      const alicesList = await app.signIn("alice");
      const made = [];
      try {
        const secret = await alicesList.createTodo("Alice's shared-tab secret");
        made.push({ api: alicesList, todo: secret });
        // Three tabs, so that a restart per tab (three connections) stands apart from what a switch may make (two).
        const tabs = [await TodoWindow.open(context, app.url), await TodoWindow.open(context, app.url), await TodoWindow.open(context, app.url)];
        const [switching] = tabs;
        assert.equal(wire.connections, 1);

        await switching.signInAs("alice");
        // The other tabs share the cookie: they read the new session and show alice's list too.
        await Promise.all(tabs.map((tab) => tab.privateItem(secret.title).waitFor({ timeout: loadTimeout })));
        await untilHeard(tabs, async (attempt) => made.push({ api: alicesList, todo: await alicesList.createTodo(`Alice's probe ${attempt}`) }));
        assert.equal(wire.connections, 2, "hub connections after one sign-in (one restart)");

        await switching.signInAs("bob");
        await Promise.all(tabs.map((tab) => tab.ownList("bob").waitFor({ timeout: loadTimeout })));
        for (const tab of tabs) {
          assert.equal(await tab.page.getByText(secret.title).count(), 0, "a tab still shows alice's todo after the switch to bob");
        }

        await untilHeard(tabs, async (attempt) => made.push({ api: app, todo: await app.createTodo(`Shared probe ${attempt}`) }));
        // The restart, and (when it came first) the reconnect after the server closed alice's connection as she
        // signed in as someone else: one or two, never one per tab.
        const afterBob = wire.connections;
        assert.ok(afterBob === 3 || afterBob === 4, `hub connections after the switch to bob: ${afterBob}, not 3 or 4 (one more restart, and perhaps a reconnect; not one per tab)`);

        // No tab hears of alice's list now: her change, then a shared sentinel, makes one message each.
        const heard = await Promise.all(tabs.map((tab) => tab.messagesReceived()));
        await alicesList.updateTodo(secret.id, { title: `${secret.title}, revised` });
        const sentinel = await app.createTodo("Shared after alice's revision");
        made.push({ api: app, todo: sentinel });
        // One connection delivers in order: a tab that shows the sentinel has counted any message sent before it.
        await Promise.all(tabs.map((tab) => tab.item(sentinel.title).waitFor({ timeout: loadTimeout })));
        assert.deepEqual(await Promise.all(tabs.map((tab) => tab.messagesReceived())), heard.map((count) => count + 1), "a tab received a message about alice's todo after the switch to bob");
        t.diagnostic(`hub connections: 1 for three tabs, 1 more per sign-in, 1 or 2 more per switch of user (${afterBob} after two changes)`);
      } finally {
        await context.close();
        for (const { api, todo } of made) {
          await api.deleteTodo(todo.id).catch(() => {});
        }
      }
    });
  });

  describe("TodoApp with ?share=off and with a hub URL that has no hub", () => {
    it("with sharing off, four tabs make four hub connections", { timeout: 60_000 }, async () => {
      const context = await fixture.browser.newContext({ viewport });
      const wire = countConnections(context);
      try {
        const tabs = [];
        for (let i = 0; i < 4; i++) {
          tabs.push(await TodoWindow.open(context, `${fixture.app.url}/?share=off`));
        }

        assert.equal(wire.connections, 4);
        assert.deepEqual(await Promise.all(tabs.map((tab) => tab.role())), ["own", "own", "own", "own"]);
        assert.match(await tabs[0].page.getByTestId("connection-status").textContent(), /^connected · WebSockets · JSON · this tab's own/);
      } finally {
        await context.close();
      }
    });

    it("a hub URL with no hub shows failed, with the hint to check where the hub is mapped, and does not retry", { timeout: 60_000 }, async () => {
      const context = await fixture.browser.newContext({ viewport });
      // Before the page loads, so a retry's back-off runs on this clock.
      await context.clock.install();
      let negotiations = 0;
      context.on("request", (request) => request.url().includes("/hubs/nowhere/negotiate") && negotiations++);
      try {
        const page = await context.newPage();
        await page.goto(`${fixture.app.url}/?hub=/hubs/nowhere`, { timeout: loadTimeout });
        const badge = page.locator('[data-testid="connection-status"][data-status="failed"]');
        await badge.waitFor({ timeout: loadTimeout });
        const hint = page.getByTestId("connection-error");
        assert.equal(await hint.getAttribute("data-failure"), "hub-not-found");
        assert.match(await hint.textContent(), /^is the hub mapped at http:\/\/127\.0\.0\.1:\d+\/hubs\/nowhere\?/);
        // The page itself works: the shared list is there, only not kept fresh.
        await page.getByRole("heading", { name: "All todos" }).waitFor({ timeout: loadTimeout });
        // A minute on the page's clock fires any retry a back-off would schedule. A request the page sends after
        // that reaches the network after the retry's negotiate would: once it is seen, that negotiate is counted.
        await page.clock.runFor(60_000);
        const sentinel = page.waitForRequest((request) => request.url().endsWith("/api/todos?after-a-minute"));
        await page.evaluate(() => fetch("/api/todos?after-a-minute"));
        await sentinel;
        assert.equal(negotiations, 1, "negotiate requests to the wrong hub URL");
      } finally {
        await context.close();
      }
    });
  });
}
