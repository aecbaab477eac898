// The TodoApp's API over plain HTTP, without a browser: what it answers to races, to requests it cannot read and to
// titles at the edges, what its output cache serves, and who may publish at /api/invalidations. twoWindows.test.mjs runs it on its app, after the browser
// suites.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { HttpTransportType, HubConnectionBuilder, LogLevel } from "@microsoft/signalr";
import { assertProblem, send } from "./requests.mjs";
import { startTodoApp } from "./todoAppServer.mjs";
import { loadTimeout } from "./todoWindow.mjs";

/**
 * Adds the suite to the calling test file.
 * @param {{ app: import("./todoAppServer.mjs").TodoApp | undefined }} fixture  started by the file's before() hook
 */
export function httpApi(fixture) {
  describe("TodoApp's HTTP API", () => {
    /** @type {(method: string, path: string, options?: import("./requests.mjs").RequestOptions) => Promise<import("./requests.mjs").Answer>} */
    let request;
    /** @type {Record<string, string>} the session cookie of each signed-in sample user */
    const cookies = {};

    before(async () => {
      const { url } = fixture.app;
      request = (method, path, options) => send(url, method, path, options);
      for (const user of ["alice", "bob"]) {
        const answer = await request("POST", "/api/session", { json: { user } });
        assert.equal(answer.status, 200);
        cookies[user] = answer.setCookie;
      }
    });

    /** Adds a todo to the shared list (or `cookie`'s own) and answers it. */
    async function created(title, { list = "/api/todos", cookie } = {}) {
      const answer = await request("POST", list, { json: { title }, cookie });
      assert.equal(answer.status, 201, `POST ${list} answered ${answer.status}: ${answer.text}`);
      return answer.json;
    }

    it("a PATCH or a second DELETE racing a DELETE of the same todo answers 404, never 500", { timeout: 120_000 }, async (t) => {
      const rounds = 60;
      let patchesTooLate = 0;
      for (let round = 0; round < rounds; round++) {
        const { id } = await created(`Raced ${round}`);
        const [patch, ...deletes] = await Promise.all([
          request("PATCH", `/api/todos/${id}`, { json: { done: true } }),
          request("DELETE", `/api/todos/${id}`),
          request("DELETE", `/api/todos/${id}`),
        ]);
        assert.ok([200, 404].includes(patch.status), `round ${round}: the PATCH answered ${patch.status}: ${patch.text}`);
        assert.deepEqual(deletes.map(({ status }) => status).sort(), [204, 404], `round ${round}: the two DELETEs answered ${deletes.map(({ status, text }) => `${status} ${text}`).join(", ")}`);
        if (patch.status === 404) patchesTooLate++;
      }

      t.diagnostic(`${patchesTooLate} of ${rounds} PATCHes found their todo deleted (404)`);
    });

    it("a body sent as anything but JSON answers 415, a method the path lacks 405, an unknown API path 404: each a problem", async () => {
      for (const headers of [{ "content-type": "text/plain" }, {}]) {
        const answer = await request("POST", "/api/todos", { body: '{"title":"Not JSON"}', headers });
        assertProblem(answer, 415);
        assert.match(answer.json.detail, /application\/json/);
      }

      assertProblem(await request("POST", "/api/me/todos", { body: "title=Mine", headers: { "content-type": "application/x-www-form-urlencoded" }, cookie: cookies.alice }), 415);
      assertProblem(await request("PATCH", "/api/todos/1", { body: "done", headers: { "content-type": "text/plain" } }), 415);

      const put = await request("PUT", "/api/todos", { json: { title: "PUT is not a method here" } });
      assertProblem(put, 405);
      const allowed = put.headers.get("allow")?.split(/,\s*/) ?? [];
      assert.ok(["GET", "POST"].every((method) => allowed.includes(method)) && !allowed.includes("PUT"), `Allow: ${allowed}`);
      assertProblem(await request("POST", "/api/todos/1", { json: { title: "Posted to a todo" } }), 405);

      assertProblem(await request("GET", "/api/nothing-here"), 404);
      assertProblem(await request("POST", "/api/nothing-here", { json: {} }), 404);
      // Client-side routes still get the SPA.
      const page = await request("GET", "/todos/12345");
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    });

    it("a body that is not valid JSON answers 400 with a problem that says what is wrong and where", async () => {
      const truncated = await request("POST", "/api/todos", { body: '{"title":', headers: { "content-type": "application/json" } });
      assertProblem(truncated, 400);
      assert.match(truncated.json.title, /not valid JSON/);
      assert.match(truncated.json.detail, /line 1, byte 10/, truncated.text);
      assert.ok(Object.keys(truncated.json.errors ?? {}).length > 0, `no field is named: ${truncated.text}`);

      const mistyped = await request("PATCH", "/api/todos/1", { body: '{"done":"yes"}', headers: { "content-type": "application/json" } });
      assertProblem(mistyped, 400);
      assert.deepEqual(Object.keys(mistyped.json.errors), ["done"], mistyped.text);
      assert.match(mistyped.json.errors.done[0], /boolean|true or false/i, mistyped.text);

      const wrongTitle = await request("POST", "/api/todos", { json: { title: 5 } });
      assertProblem(wrongTitle, 400);
      assert.deepEqual(Object.keys(wrongTitle.json.errors), ["title"], wrongTitle.text);

      const empty = await request("POST", "/api/todos", { body: "", headers: { "content-type": "application/json" } });
      assertProblem(empty, 400);
      assert.match(empty.json.detail, /empty/, empty.text);

      const signIn = await request("POST", "/api/session", { body: "{user:alice}", headers: { "content-type": "application/json" } });
      assertProblem(signIn, 400);
      assert.match(signIn.json.detail, /line 1, byte 2/, signIn.text);
    });

    it("a title is counted in the characters a person sees, and at most 200 of them are accepted", async () => {
      const thumbs = "👍".repeat(200); // 400 UTF-16 code units
      assert.equal((await created(thumbs)).title, thumbs);
      const family = "👨‍👩‍👧‍👦".repeat(200); // one character of 11 code units each
      assert.equal((await created(family)).title, family);
      const accented = "e\u0301".repeat(200); // e and a combining acute accent: é
      assert.equal((await created(accented)).title, accented);

      const tooLong = await request("POST", "/api/todos", { json: { title: "👍".repeat(201) } });
      assertProblem(tooLong, 400);
      assert.deepEqual(Object.keys(tooLong.json.errors), ["title"]);
      assert.match(tooLong.json.errors.title[0], /at most 200 characters/);
      assert.match(tooLong.json.errors.title[0], /201/);
      assert.match(tooLong.json.errors.title[0], /emoji/);

      const { id } = await created("Short");
      assertProblem(await request("PATCH", `/api/todos/${id}`, { json: { title: "x".repeat(201) } }), 400);

      // One character that stacks thousands of combining marks counts once, but is refused by what it takes to store.
      const stacked = await request("POST", "/api/todos", { json: { title: "a" + "\u0301".repeat(5_000) } });
      assertProblem(stacked, 400);
      assert.match(stacked.json.errors.title[0], /too long to store/);
    });

    it("a title of invisible characters only is refused as empty, and invisible ones around a title are trimmed", async () => {
      const invisible = {
        "zero-width spaces": "\u200B\u200B\u200B",
        "a word joiner, a byte order mark and a soft hyphen": "\u2060\uFEFF\u00AD",
        "joiners and whitespace": " \u200D\u200C\t",
        "a Hangul filler": "\u3164",
        "a Braille blank": "\u2800",
        "a tag space": "\u{E0020}",
        "a right-to-left mark": "\u200F",
      };
      for (const [what, title] of Object.entries(invisible)) {
        const answer = await request("POST", "/api/todos", { json: { title } });
        assertProblem(answer, 400);
        assert.match(answer.json.errors?.title?.[0] ?? "", /must not be empty/, `${what}: ${answer.text}`);
      }

      const { id, title } = await created("\u200B Buy milk \u200B\uFEFF");
      assert.equal(title, "Buy milk");
      const blanked = await request("PATCH", `/api/todos/${id}`, { json: { title: "\u200B" } });
      assertProblem(blanked, 400);

      // Inside a character, invisible parts stay: a heart with its emoji variation selector, a flag with its tags.
      for (const kept of ["\u2764\uFE0F", "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}", "a\u200Db"]) {
        assert.equal((await created(kept)).title, kept);
      }
    });

    it("clearing the done todos, in one statement EF Core does not see, invalidates through its endpoint: headers name it, and the cache is evicted", async () => {
      const kept = await created("Kept: not done");
      const finished = await created("Cleared: done");
      await request("PATCH", `/api/todos/${finished.id}`, { json: { done: true } });
      const alicesDone = await created("Alice's, done", { list: "/api/me/todos", cookie: cookies.alice });
      await request("PATCH", `/api/me/todos/${alicesDone.id}`, { json: { done: true }, cookie: cookies.alice });
      for (const path of ["/api/todos", `/api/todos/${finished.id}`]) {
        await request("GET", path);
        assert.ok((await request("GET", path)).headers.has("age"), `GET ${path} was not cached`);
      }

      const cleared = await request("DELETE", "/api/todos/done");
      assert.equal(cleared.status, 200, cleared.text);
      assert.ok(cleared.json.deleted >= 1, cleared.text);
      assert.match(cleared.headers.get("querytags-invalidation-id") ?? "", /^\S+$/);
      assert.match(cleared.headers.get("querytags-invalidation-cursor") ?? "", /^\S+:\d+$/);

      const list = await request("GET", "/api/todos");
      assert.ok(!list.headers.has("age"), "the list was served from the cache after the clear");
      assert.ok(list.json.some(({ id }) => id === kept.id), "the clear deleted a todo that was not done");
      assert.ok(!list.json.some(({ done }) => done), "the list still has a done todo");
      assert.equal((await request("GET", `/api/todos/${finished.id}`)).status, 404, "the cleared todo is still served");

      // The shared list's clear leaves the own lists alone; alice's clears hers.
      assert.ok((await request("GET", "/api/me/todos", { cookie: cookies.alice })).json.some(({ id }) => id === alicesDone.id));
      const alicesCleared = await request("DELETE", "/api/me/todos/done", { cookie: cookies.alice });
      assert.ok(alicesCleared.json.deleted >= 1, alicesCleared.text);
      assert.ok(alicesCleared.headers.has("querytags-invalidation-id"));
      assert.ok(!(await request("GET", "/api/me/todos", { cookie: cookies.alice })).json.some(({ id }) => id === alicesDone.id));
      assert.equal((await request("DELETE", "/api/me/todos/done")).status, 401);
      await request("DELETE", `/api/todos/${kept.id}`);
    });

    it("the shared list and a todo are output-cached for everyone until a change evicts them", async () => {
      const list = async (cookie) => request("GET", "/api/todos", { cookie });

      await list(); // whatever was cached, now it is
      const cached = await list();
      assert.equal(cached.status, 200);
      assert.ok(cached.headers.has("age"), "the second GET of the list was not served from the output cache");
      // Its answer is the same for everyone: a signed-in request reads and fills the same entry.
      assert.ok((await list(cookies.bob)).headers.has("age"), "a signed-in GET of the shared list bypassed the cache");

      const todo = await created("Evicts the list");
      const fresh = await list(cookies.alice);
      assert.ok(!fresh.headers.has("age"), "the list was served from the cache after a todo was added");
      assert.ok(fresh.json.some(({ id }) => id === todo.id), "the list read after the POST lacks the new todo");

      await request("GET", `/api/todos/${todo.id}`);
      assert.ok((await request("GET", `/api/todos/${todo.id}`)).headers.has("age"), "the todo's GET was not cached");
      await request("PATCH", `/api/todos/${todo.id}`, { json: { title: "Evicts the todo" } });
      const renamed = await request("GET", `/api/todos/${todo.id}`);
      assert.ok(!renamed.headers.has("age"));
      assert.equal(renamed.json.title, "Evicts the todo");

      await request("DELETE", `/api/todos/${todo.id}`);
      assert.equal((await request("GET", `/api/todos/${todo.id}`)).status, 404);
    });

    it("a user's own list is output-cached per user: never served to another user or to nobody", async () => {
      const mine = (cookie) => request("GET", "/api/me/todos", { cookie });
      const secret = await created("Alice's cached secret", { list: "/api/me/todos", cookie: cookies.alice });

      await mine(cookies.alice);
      const alices = await mine(cookies.alice);
      assert.ok(alices.headers.has("age"), "alice's second GET of her list was not served from the cache");
      assert.ok(alices.json.some(({ id }) => id === secret.id));

      for (let i = 0; i < 2; i++) {
        const bobs = await mine(cookies.bob);
        assert.equal(bobs.status, 200);
        assert.ok(bobs.json.every(({ owner }) => owner === "bob"), `bob was answered someone else's todos: ${bobs.text}`);
      }

      assert.equal((await mine(undefined)).status, 401);
      assert.equal((await request("GET", `/api/me/todos/${secret.id}`, { cookie: cookies.bob })).status, 404);
      // Ids the route's int constraint takes, signs included, are tagged as it reads them.
      for (const id of [`+${secret.id}`, "-5"]) {
        assert.equal((await request("GET", `/api/me/todos/${id}`, { cookie: cookies.alice })).status, id === "-5" ? 404 : 200, `GET /api/me/todos/${id}`);
      }

      await request("PATCH", `/api/me/todos/${secret.id}`, { json: { done: true }, cookie: cookies.alice });
      const after = await mine(cookies.alice);
      assert.ok(!after.headers.has("age"), "alice's list was served from the cache after her change");
      assert.equal(after.json.find(({ id }) => id === secret.id)?.done, true);
      await request("DELETE", `/api/me/todos/${secret.id}`, { cookie: cookies.alice });
    });

    it("a service with the key publishes at /api/invalidations: 200 with id and cursor, the cache evicted and the push delivered; no key, a wrong one or a session cookie answer 401, bad tags 400, a large body 413", async () => {
      const { url, publishApiKey } = fixture.app;
      const publish = (json, headers) => request("POST", "/api/invalidations", { json, headers });
      const withKey = { "x-api-key": publishApiKey };

      const hub = new HubConnectionBuilder().withUrl(`${url}/hubs/invalidation`).configureLogging(LogLevel.None).build();
      /** @type {{ id: string, tags: unknown[] }[]} */
      const heard = [];
      /** @type {(() => void)[]} */
      const listeners = [];
      hub.on("invalidate", (message) => {
        heard.push(message);
        listeners.forEach((listener) => listener());
      });
      /** Resolves once the holder has heard the invalidation `id`: eventually, on a busy machine too. */
      const hears = (id) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the holder of ["todos"] did not hear ${id} within ${loadTimeout} ms: ${JSON.stringify(heard)}`)), loadTimeout);
          const check = () => heard.some((message) => message.id === id) && (clearTimeout(timer), resolve(undefined));
          listeners.push(check);
          check();
        });
      await hub.start();
      try {
        const subscribed = await hub.invoke("Subscribe", [["todos"]], null);
        assert.deepEqual(subscribed.rejected ?? [], []);
        await request("GET", "/api/todos");
        assert.ok((await request("GET", "/api/todos")).headers.has("age"), "the list was not cached");

        for (const headers of [{}, { "x-api-key": `${publishApiKey}-wrong` }, { "x-api-key": "" }]) {
          const refused = await publish({ tags: [["todos"]] }, headers);
          assert.equal(refused.status, 401, `with ${JSON.stringify(headers)}: ${refused.status} ${refused.text}`);
          assert.match(refused.headers.get("www-authenticate") ?? "", /X-Api-Key/);
        }

        // A signed-in user's session is not a publish key.
        assert.equal((await request("POST", "/api/invalidations", { json: { tags: [["todos"]] }, cookie: cookies.alice })).status, 401);
        assert.ok((await request("GET", "/api/todos")).headers.has("age"), "a refused publish evicted the cache");

        const published = await publish({ tags: [["todos"]] }, withKey);
        assert.equal(published.status, 200, published.text);
        assert.match(published.json.id, /^\S+$/);
        assert.match(String(published.json.cursor), /^\S+:\d+$/);
        assert.ok(!(await request("GET", "/api/todos")).headers.has("age"), "the list was served from the cache after the publish");
        await hears(published.json.id);
        const heardBefore = heard.length;

        const bad = await publish({ tags: [["todos"], ["todo", { nested: true }]] }, withKey);
        assertProblem(bad, 400);
        assert.equal(bad.json.rejected?.[0]?.index, 1, bad.text);
        assert.match(bad.json.detail, /rule \S+/);
        assertProblem(await publish({ tags: [["todos"]], padding: "x".repeat(200_000) }, withKey), 413);
        // A valid publish after the refused ones: once the holder hears it, anything they sent would be in before it.
        const sentinel = await publish({ tags: [["todos"]] }, withKey);
        assert.equal(sentinel.status, 200, sentinel.text);
        await hears(sentinel.json.id);
        assert.deepEqual(heard.slice(heardBefore).map(({ id }) => id), [sentinel.json.id], "a refused publish reached the hub");
      } finally {
        await hub.stop();
      }
    });

    it("signing out closes the user's WebSocket to the hub, which comes back without the cookie and may not hold the user's tags", { timeout: 15_000 }, async () => {
      const { url } = fixture.app;
      const signedIn = await request("POST", "/api/session", { json: { user: "alice" } });
      assert.equal(signedIn.status, 200);
      // Node's client sends these headers on every request, the WebSocket's included, and reads them each time.
      const headers = { cookie: signedIn.setCookie };
      const hub = new HubConnectionBuilder()
        .withUrl(`${url}/hubs/invalidation`, { transport: HttpTransportType.WebSockets, headers })
        .withAutomaticReconnect([0, 250, 1000])
        .configureLogging(LogLevel.None)
        .build();
      const reconnected = new Promise((resolve) => hub.onreconnected(resolve));
      await hub.start();
      try {
        const subscribed = await hub.invoke("Subscribe", [["user", "alice", "todos"]], null);
        assert.deepEqual(subscribed.rejected ?? [], []);

        // As a browser: once the sign-out's answer is in, the cookie is no longer sent. (Removed first, since the
        // server closes the connection as it sends that answer.)
        delete headers.cookie;
        assert.equal((await request("DELETE", "/api/session", { cookie: signedIn.setCookie })).status, 204);

        // A WebSocket is authenticated once, when it opens: only the server closing it ends alice's hold.
        await reconnected;
        const again = await hub.invoke("Subscribe", [["user", "alice", "todos"], ["todos"]], null);
        assert.deepEqual(again.rejected.map(({ index, rule }) => [Number(index), String(rule)]), [[0, "forbidden"]]);
      } finally {
        await hub.stop();
      }
    });

    it("while PublishApiKey is unset, /api/invalidations refuses every request, whatever key it carries", async () => {
      const keyless = await startTodoApp({ publishApiKey: null });
      try {
        for (const headers of [{}, { "x-api-key": "" }, { "x-api-key": "anything" }]) {
          const answer = await send(keyless.url, "POST", "/api/invalidations", { json: { tags: [["todos"]] }, headers });
          assert.equal(answer.status, 401, `with ${JSON.stringify(headers)}: ${answer.status} ${answer.text}`);
        }
      } finally {
        await keyless.stop();
      }
    });
  });
}
