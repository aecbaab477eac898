// The Query tags panel of TanStack Devtools on the TodoApp (`/?devtools`), in Chromium: after a rename it shows the
// invalidation with its tag and the queries it refetched; "why did this refetch?" names that invalidation; a tag the
// hub refuses shows as rejected, with its rule. With TODOAPP_DEVTOOLS_SCREENSHOT set, the panel's screenshot is
// written there (npm run screenshot:devtools writes docs/devtools-panel.png). devtoolsPanel.test.mjs runs it alone;
// twoWindows.test.mjs runs it with the rest.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { loadTimeout, TodoWindow } from "./todoWindow.mjs";

const viewport = { width: 1200, height: 900 };

/**
 * Adds the suite to the calling test file.
 * @param {{ app: import("./todoAppServer.mjs").TodoApp | undefined, browser: import("playwright-core").Browser | undefined }} fixture
 */
export function devtoolsPanel(fixture) {
  describe("TodoApp with the devtools panel", () => {
    /** @type {import("playwright-core").BrowserContext} */
    let context;

    before(async () => {
      context = await fixture.browser.newContext({ viewport });
      // The devtools' height (it keeps its state in localStorage): room for the timeline beside the rest.
      await context.addInitScript(() => localStorage.setItem("tanstack_devtools_state", JSON.stringify({ height: 560 })));
    });

    after(async () => {
      await context?.close();
    });

    it("shows a rename's invalidation with its tag and refetched queries, why a query refetched, and a refused tag", { timeout: 90_000 }, async () => {
      const { app } = fixture;
      const todo = await app.createTodo("Check the panel");
      const window = await TodoWindow.open(context, `${app.url}/todos/${todo.id}?devtools`);
      const { page } = window;
      try {
        const panel = page.locator(".qt-panel");
        await panel.waitFor({ timeout: loadTimeout });
        const tag = `["todo",${todo.id}]`;
        // Held once the first subscribe is through: the detail route's query holds the todo's tag.
        await panel.locator(`[data-part="held-tags"] li[data-tag='${tag}']`).waitFor({ timeout: loadTimeout });

        await window.rename("Check the panel, renamed");
        await window.detailTitle("Check the panel, renamed").waitFor({ timeout: loadTimeout });

        // The invalidation that carries the todo's tag, with the detail query refetched (ok, with its duration).
        const entry = panel.locator('[data-part="timeline"] li[data-kind="invalidation"]').filter({ has: page.locator(`code[data-tag='${tag}']`) }).first();
        await entry.waitFor({ timeout: loadTimeout });
        const refetched = entry.locator('li[data-status="ok"]').filter({ hasText: `["todo",${todo.id}]` });
        await refetched.waitFor({ timeout: loadTimeout });
        assert.match(await refetched.textContent(), /ok.*, \d+ ms/);
        const id = await entry.getAttribute("data-id");
        assert.ok(id, "the entry names its invalidation id");

        // "Why did this refetch?" for the todo's query names that invalidation.
        await panel.locator('[data-part="queries"] button', { hasText: `["todo",${todo.id}]` }).click();
        const why = panel.locator('[data-part="why"]');
        await why.waitFor({ timeout: loadTimeout });
        assert.match(await why.textContent(), new RegExp(`^invalidation ${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
        assert.equal(await panel.locator('[data-part="would-refetch"]').textContent(), `["todo"]${tag}`);

        // A signed-out page may not hold a user's list: the hub refuses the tag, rule "forbidden".
        await page.evaluate(() => window.todoApp.client.subscribe([["user", "alice", "todos"]]));
        const rejection = panel.locator('[data-kind="rejected"] [data-part="rejection"][data-rule="forbidden"]');
        await rejection.waitFor({ timeout: loadTimeout });
        assert.match(await rejection.textContent(), /\["user","alice","todos"\] forbidden: /);

        assert.equal(await panel.locator('[data-part="status"]').textContent(), "connected");
        if (process.env.TODOAPP_DEVTOOLS_SCREENSHOT) {
          writeFileSync(process.env.TODOAPP_DEVTOOLS_SCREENSHOT, await page.screenshot());
        }
      } finally {
        await window.close();
        await app.deleteTodo(todo.id);
      }
    });
  });
}
