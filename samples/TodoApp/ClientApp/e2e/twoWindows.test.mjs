// The TodoApp in independent browser windows over every transport × protocol: what one window (A) changes, the
// other (B) shows within 2 s without a reload, and a window hears only of the todos it shows. Then signed-in
// users (signedInUsers.mjs), on the same app and browser: a user's own list reaches only that user's windows. Then
// four tabs of one browser on one shared connection (oneBrowser.mjs), and the devtools panel (devtoolsPanel.mjs).
// Last, the API over plain HTTP (httpApi.mjs), without a browser, and the app's safe defaults: headers, cookie, cache
// keys, limits, quiet logs (safeDefaults.mjs).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { launchChromium } from "./chromium.mjs";
import { matrix, searchOf } from "./matrix.mjs";
import { httpApi } from "./httpApi.mjs";
import { devtoolsPanel } from "./devtoolsPanel.mjs";
import { oneBrowser } from "./oneBrowser.mjs";
import { safeDefaults } from "./safeDefaults.mjs";
import { sideBySide } from "./sideBySide.mjs";
import { signedInUsers } from "./signedInUsers.mjs";
import { startTodoApp } from "./todoAppServer.mjs";
import { loadTimeout, propagated, TodoWindow, untilHeard } from "./todoWindow.mjs";

const viewport = { width: 860, height: 560 };

/** The app and the browser every test of this file uses, started once (and warmed up) before the first. */
const fixture = {
  /** @type {import("./todoAppServer.mjs").TodoApp} */
  app: undefined,
  /** @type {import("playwright-core").Browser} */
  browser: undefined,
};

before(async () => {
  fixture.app = await startTodoApp();
  fixture.browser = await launchChromium();
  await warmUp(fixture.app, fixture.browser);
});

after(async () => {
  await fixture.browser?.close();
  await fixture.app?.stop();
});

describe("TodoApp in two browser windows", () => {
  /** @type {import("./todoAppServer.mjs").TodoApp} */
  let app;
  /** @type {import("playwright-core").BrowserContext} */
  let contextA;
  /** @type {import("playwright-core").BrowserContext} */
  let contextB;

  before(async () => {
    app = fixture.app;
    // Two contexts share nothing (cookies, storage, cache): two people, or two browsers.
    contextA = await fixture.browser.newContext({ viewport });
    contextB = await fixture.browser.newContext({ viewport });
  });

  after(async () => {
    await contextA?.close();
    await contextB?.close();
  });

  for (const { transport, protocol, label } of matrix) {
    const search = searchOf({ transport, protocol });

    describe(label, () => {
      /** Opens the page in a window and checks that it talks to the hub the way the query string asks. */
      async function open(context, path, options) {
        const window = await TodoWindow.open(context, app.url + path + search, options);
        assert.match(await window.page.getByTestId("connection-status").textContent(), new RegExp(`connected · ${label}`));
        return window;
      }

      const assertTransport = (window) => assert.deepEqual([...window.hubTransports], [transport], "the hub traffic went over another transport");

      it("add, toggle, rename and delete in one window show in the other", { timeout: 90_000 }, async (t) => {
        const a = await open(contextA, "/");
        const b = await open(contextB, "/");
        try {
          const probes = [];
          const probed = await untilHeard([a, b], async (attempt) => probes.push(await app.createTodo(`Probe ${attempt} (${label})`)));
          for (const probe of probes) {
            await app.deleteTodo(probe.id);
            await a.item(probe.title).waitFor({ state: "detached", timeout: loadTimeout });
            await b.item(probe.title).waitFor({ state: "detached", timeout: loadTimeout });
          }

          const title = `Water the plants (${label})`;
          const renamed = `Water the plants and the lawn (${label})`;

          let since = await a.add(title);
          const added = await propagated("B shows the todo A added", since, b.item(title));
          await propagated("A shows the todo it added", since, a.item(title));

          since = await b.toggle(title);
          const toggled = await propagated("A shows the todo B marked as done", since, a.doneItem(title));

          // B holds the detail route of the todo; A renames it there.
          await b.openDetail(title);
          await a.openDetail(title);
          since = await a.rename(renamed);
          const renamedIn = await propagated("B's detail route refetches the renamed todo", since, b.detailTitle(renamed));

          await a.backToList();
          await b.backToList();
          await a.item(renamed).waitFor({ timeout: loadTimeout });
          await b.item(renamed).waitFor({ timeout: loadTimeout });
          since = await a.remove(renamed);
          const [deleted] = await Promise.all([
            propagated("B no longer shows the todo A deleted", since, b.item(renamed), "detached"),
            propagated("A no longer shows the todo it deleted", since, a.item(renamed), "detached"),
          ]);

          assertTransport(a);
          assertTransport(b);
          // The app's Content-Security-Policy lets the SPA load and reach the hub over this transport.
          assert.deepEqual([...a.policyViolations, ...b.policyViolations], []);
          t.diagnostic(`propagation: add ${ms(added)}, toggle ${ms(toggled)}, rename ${ms(renamedIn)}, delete ${ms(deleted)}; both windows heard of probe ${probed}`);
        } finally {
          await a.close();
          await b.close();
        }
      });

      it("a window showing only todo X receives no message when todo Y changes", { timeout: 60_000 }, async () => {
        const x = await app.createTodo(`Todo X (${label})`);
        const y = await app.createTodo(`Todo Y (${label})`);
        // A fresh page on X's detail route holds the one tag ["todo", X]: no list query is cached, nor restored.
        const b = await open(contextB, `/todos/${x.id}`, { freshCache: true });
        try {
          await b.detailTitle(x.title).waitFor({ timeout: loadTimeout });
          assert.equal(await b.messagesReceived(), 0);
          await untilHeard([b], (attempt) => app.updateTodo(x.id, { title: `${x.title} (${attempt})` }));
          // Stable from here: any earlier rename of X that reached B arrived before the one B counted last.
          const heard = await b.messagesReceived();
          await b.page.getByTestId("activity-list").getByText(`["todo",${x.id}]`).waitFor({ timeout: loadTimeout });

          // Y's rename is published before X's next one, and messages on one connection keep their order:
          // had Y's reached B, it would be counted by the time X's is shown.
          await app.updateTodo(y.id, { title: `${y.title}, renamed` });
          const since = performance.now();
          await app.updateTodo(x.id, { title: `${x.title}, renamed` });
          await propagated("B refetches X", since, b.detailTitle(`${x.title}, renamed`));
          assert.equal(await b.messagesReceived(), heard + 1, "B received a message about todo Y");
          assertTransport(b);
        } finally {
          await b.close();
          await app.deleteTodo(x.id);
          await app.deleteTodo(y.id);
        }
      });
    });
  }

  // The clear is one SQL statement EF Core does not see: its endpoint declares the tags, a path of its own to the push.
  it("clearing the done todos in one window clears them in the other", { timeout: 60_000 }, async () => {
    const a = await TodoWindow.open(contextA, `${app.url}/`);
    const b = await TodoWindow.open(contextB, `${app.url}/`);
    const made = [];
    try {
      await untilHeard([a, b], async (attempt) => made.push(await app.createTodo(`Clear probe ${attempt}`)));
      const open = await app.createTodo("Still to do, kept by the clear");
      const done = await app.createTodo("Done, cleared");
      made.push(open, done);
      await app.updateTodo(done.id, { done: true });
      await a.doneItem(done.title).waitFor({ timeout: loadTimeout });
      await b.doneItem(done.title).waitFor({ timeout: loadTimeout });

      const since = await a.clearDone();
      await Promise.all([
        propagated("B no longer shows the done todo A cleared", since, b.item(done.title), "detached"),
        propagated("A no longer shows the done todo it cleared", since, a.item(done.title), "detached"),
      ]);
      await b.item(open.title).waitFor({ timeout: loadTimeout });
    } finally {
      await a.close();
      await b.close();
      for (const todo of made) {
        await app.deleteTodo(todo.id).catch(() => {}); // the done one is gone already
      }
    }
  });

  it("takes a screenshot of both windows side by side", { timeout: 90_000 }, async () => {
    const a = await TodoWindow.open(contextA, `${app.url}/`);
    const b = await TodoWindow.open(contextB, `${app.url}/`);
    try {
      // The first todo comes from outside the browsers, as from curl; touching it again re-sends its tags.
      let milk;
      await untilHeard([a, b], async () => (milk = milk ? await app.updateTodo(milk.id, {}) : await app.createTodo("Buy milk")));
      await b.item("Buy milk").waitFor({ timeout: loadTimeout });
      for (const title of ["Water the plants", "Call the plumber"]) {
        const since = await a.add(title);
        await propagated(`B shows "${title}"`, since, b.item(title));
      }

      let since = await b.toggle("Buy milk");
      await propagated("A shows Buy milk as done", since, a.doneItem("Buy milk"));
      await b.openDetail("Water the plants");
      await a.openDetail("Water the plants");
      since = await a.rename("Water the plants and the lawn");
      await propagated("B shows the rename", since, b.detailTitle("Water the plants and the lawn"));
      await a.backToList();
      await a.item("Water the plants and the lawn").waitFor({ timeout: loadTimeout });

      const png = await sideBySide(contextA, [
        { caption: "Window A: the list", png: await a.page.screenshot() },
        { caption: "Window B: the todo's own route, refetched when A renamed it", png: await b.page.screenshot() },
      ]);
      const width = png.readUInt32BE(16);
      assert.ok(width > 2 * viewport.width, `the picture is ${width} px wide, narrower than two windows`);
      if (process.env.TODOAPP_SCREENSHOT) {
        writeFileSync(process.env.TODOAPP_SCREENSHOT, png);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});

signedInUsers(fixture);
oneBrowser(fixture);
devtoolsPanel(fixture);
httpApi(fixture);
safeDefaults(fixture);

/**
 * The first change after start-up pays for JIT compilation, EF Core's first save and each protocol's first
 * serialization of an invalidation: over a second on a busy machine. The 2 s bound is about delivery, so one
 * change per protocol reaches a page before anything is timed.
 */
async function warmUp(app, browser) {
  const context = await browser.newContext();
  try {
    for (const protocol of ["json", "messagepack"]) {
      const window = await TodoWindow.open(context, `${app.url}/?protocol=${protocol}`);
      const todos = [];
      await untilHeard([window], async (attempt) => todos.push(await app.createTodo(`Warm-up ${attempt} (${protocol})`)), 10_000);
      for (const todo of todos) {
        await app.deleteTodo(todo.id);
        await window.item(todo.title).waitFor({ state: "detached", timeout: loadTimeout });
      }

      await window.close();
    }
  } finally {
    await context.close();
  }
}

const ms = (milliseconds) => `${Math.round(milliseconds)} ms`;
