// The TodoApp with signed-in users, in independent browser contexts (one per person): a user's own list reaches
// only that user's windows, the hub refuses another user's tags (rule "forbidden"), and a window that switches
// user shows only the new user's list and hears only of it. twoWindows.test.mjs runs it on its app and browser.
import assert from "node:assert/strict";
import { afterEach, before, describe, it } from "node:test";
import { matrix, searchOf } from "./matrix.mjs";
import { loadTimeout, propagated, TodoWindow, untilHeard } from "./todoWindow.mjs";

const viewport = { width: 860, height: 700 };

// Authorization is the hub's, whatever carries the messages: two pairs (a text and a binary protocol, a
// streaming and a polling transport) keep ./test.sh quick; TODOAPP_E2E_EVERY_PAIR=1 runs all five.
const pairs = process.env.TODOAPP_E2E_EVERY_PAIR ? matrix : matrix.filter(({ label }) => ["WebSockets · JSON", "Long polling · MessagePack"].includes(label));

/**
 * Adds the suite to the calling test file.
 * @param {{ app: import("./todoAppServer.mjs").TodoApp | undefined, browser: import("playwright-core").Browser | undefined }} fixture
 *   started by the file's before() hook
 */
export function signedInUsers(fixture) {
  describe("TodoApp with signed-in users", () => {
    /** @type {import("./todoAppServer.mjs").TodoApp} */
    let app;
    /** @type {import("playwright-core").Browser} */
    let browser;
    /** @type {import("./todoAppServer.mjs").TodoApi} alice's own list, through the API */
    let alicesList;

    before(async () => {
      ({ app, browser } = fixture);
      alicesList = await app.signIn("alice");
    });

    for (const pair of pairs) {
      const { label } = pair;

      describe(label, () => {
        /** @type {import("playwright-core").BrowserContext[]} */
        let contexts = [];

        /** A new context: a person with a cookie jar of their own. */
        async function person() {
          const context = await browser.newContext({ viewport });
          contexts.push(context);
          return context;
        }

        async function open(context, path = "/") {
          const window = await TodoWindow.open(context, app.url + path + searchOf(pair));
          assert.match(await window.page.getByTestId("connection-status").textContent(), new RegExp(`connected · ${label}`));
          return window;
        }

        /** The probes each test made, with the list they are in, deleted once it has counted its messages. */
        let probes = [];

        /**
         * Adds a todo through `api` until every window has heard of one, so they hold that list's tags. The probes
         * stay until the test ends: deleting them now would send messages that could land after a count.
         */
        async function settle(windows, api) {
          await untilHeard(windows, async (attempt) => probes.push({ api, todo: await api.createTodo(`Probe ${attempt} (${label})`) }));
        }

        afterEach(async () => {
          await Promise.all(contexts.map((context) => context.close()));
          contexts = [];
          for (const { api, todo } of probes) {
            await api.deleteTodo(todo.id);
          }

          probes = [];
        });

        const assertTransport = (window) => assert.deepEqual([...window.hubTransports], [pair.transport], "the hub traffic went over another transport");

        it("alice's own todo reaches alice's windows only, and bob's page may not hold her tags", { timeout: 90_000 }, async (t) => {
          const alice = await open(await person());
          await alice.signInAs("alice");
          // A second window of alice's browser: the cookie is there, so it opens signed in.
          const alice2 = await open(alice.page.context());
          assert.equal(await alice2.signedInAs(), "alice");
          const bob = await open(await person());
          await bob.signInAs("bob");
          await settle([alice, alice2, bob], app);
          await settle([alice, alice2], alicesList);
          await bob.ownList("bob").waitFor({ timeout: loadTimeout });

          // Bob's page asks the hub itself, on its own connection, for alice's list: refused, rule "forbidden".
          const answer = await bob.page.evaluate(async () => {
            const result = await window.todoApp.client.connection.invoke("Subscribe", [["user", "alice", "todos"]], null);
            return result.rejected.map(({ index, tag, rule }) => ({ index: Number(index), tag: String(tag), rule: String(rule) }));
          });
          assert.deepEqual(answer, [{ index: 0, tag: '["user","alice","todos"]', rule: "forbidden" }]);
          // Through the client, the same refusal reaches the provider's onError, which the activity panel shows.
          await bob.page.evaluate(() => window.todoApp.client.subscribe([["user", "alice", "todo", 1]]));
          await bob.page.locator('[data-testid="activity-problems"] [data-rule="forbidden"]').getByText('["user","alice","todo",1]').waitFor({ timeout: loadTimeout });
          // Stable: the answers came after every message the server had sent bob before (one connection, in order).
          const heard = await bob.messagesReceived();

          const title = `Alice's secret (${label})`;
          const since = await alice.addPrivate(title);
          const [added] = await Promise.all([
            propagated("alice's window shows her own todo", since, alice.privateItem(title)),
            propagated("alice's second window shows her own todo", since, alice2.privateItem(title)),
          ]);

          // The sentinel: a shared change after alice's. Messages on one connection keep their order, so had
          // anything of alice's reached bob, it would be counted by the time the shared todo shows.
          const shared = await app.createTodo(`Shared after the secret (${label})`);
          await bob.item(shared.title).waitFor({ timeout: loadTimeout });
          assert.equal(await bob.messagesReceived(), heard + 1, "bob's window received a message about alice's todo");
          assert.equal(await bob.page.getByText(title).count(), 0);
          assert.equal(await bob.page.getByTestId("activity-list").getByText("alice").count(), 0);

          for (const window of [alice, alice2, bob]) {
            assertTransport(window);
          }

          // Alice's windows share her cookie: when one signs in as carol, the other follows, and her list goes.
          await alice.signInAs("carol");
          await alice2.ownList("carol").waitFor({ timeout: loadTimeout });
          assert.equal(await alice2.signedInAs(), "carol");
          assert.equal(await alice2.page.getByText(title).count(), 0, "the other window still shows alice's todo");

          t.diagnostic(`alice's own todo shown in both her windows ${Math.round(added)} ms after she added it`);
          probes.push({ api: app, todo: shared });
        });

        it("a window that signs in as alice shows her list, and not once it switches to bob, nor bob's once it signs out", { timeout: 90_000 }, async () => {
          const secret = await alicesList.createTodo(`Alice's plan (${label})`);
          const window = await open(await person());
          assert.equal(await window.signedInAs(), null);
          assert.equal(await window.page.getByTestId("my-todos").count(), 0);

          await window.signInAs("alice");
          await window.ownList("alice").waitFor({ timeout: loadTimeout });
          await window.privateItem(secret.title).waitFor({ timeout: loadTimeout });
          // The restarted connection holds alice's tags: her changes arrive.
          await settle([window], alicesList);

          await window.signInAs("bob");
          await window.ownList("bob").waitFor({ timeout: loadTimeout });
          assert.equal(await window.page.getByText(secret.title).count(), 0, "bob's window still shows alice's todo");
          await settle([window], app);

          // And it no longer hears of alice's list: a change of hers, then a shared sentinel.
          const heard = await window.messagesReceived();
          await alicesList.updateTodo(secret.id, { title: `${secret.title}, revised` });
          const shared = await app.createTodo(`Shared after alice's revision (${label})`);
          await window.item(shared.title).waitFor({ timeout: loadTimeout });
          assert.equal(await window.messagesReceived(), heard + 1, "bob's window received a message about alice's todo");

          // Signed out: the server closes bob's connections as the window restarts its own, which comes back
          // anonymous and hears the shared list only, not bob's.
          const bobsList = await app.signIn("bob");
          await window.signInAs(null);
          await window.page.getByTestId("my-todos").waitFor({ state: "detached", timeout: loadTimeout });
          await settle([window], app);
          const heardSignedOut = await window.messagesReceived();
          const bobs = await bobsList.createTodo(`Bob's, after his sign-out (${label})`);
          const sharedAfter = await app.createTodo(`Shared after bob's sign-out (${label})`);
          await window.item(sharedAfter.title).waitFor({ timeout: loadTimeout });
          assert.equal(await window.messagesReceived(), heardSignedOut + 1, "the signed-out window received a message about bob's todo");
          assert.match(await window.page.getByTestId("connection-status").textContent(), new RegExp(`connected · ${label}`));
          assertTransport(window);
          probes.push({ api: alicesList, todo: secret }, { api: app, todo: shared }, { api: bobsList, todo: bobs }, { api: app, todo: sharedAfter });
        });
      });
    }
  });
}
