// The TodoApp's API over plain HTTP, without a browser: what it answers to races, to requests it cannot read and to
// titles at the edges, and what its output cache serves. twoWindows.test.mjs runs it on its app, after the browser
// suites.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

/**
 * Adds the suite to the calling test file.
 * @param {{ app: import("./todoAppServer.mjs").TodoApp | undefined }} fixture  started by the file's before() hook
 */
export function httpApi(fixture) {
  describe("TodoApp's HTTP API", () => {
    /** @type {(method: string, path: string, options?: RequestOptions) => Promise<Answer>} */
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

      await request("PATCH", `/api/me/todos/${secret.id}`, { json: { done: true }, cookie: cookies.alice });
      const after = await mine(cookies.alice);
      assert.ok(!after.headers.has("age"), "alice's list was served from the cache after her change");
      assert.equal(after.json.find(({ id }) => id === secret.id)?.done, true);
      await request("DELETE", `/api/me/todos/${secret.id}`, { cookie: cookies.alice });
    });
  });
}

/** Asserts a ProblemDetails answer of `status`. */
function assertProblem(answer, status) {
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${answer.text}`);
  assert.match(answer.headers.get("content-type") ?? "", /application\/problem\+json/, `not a problem: ${answer.text}`);
  assert.equal(answer.json?.status, status, answer.text);
}

/**
 * @typedef {{ json?: unknown, body?: string, headers?: Record<string, string>, cookie?: string }} RequestOptions
 * @typedef {{ status: number, headers: Headers, text: string, json: any, setCookie: string }} Answer
 */

/** @returns {Promise<Answer>} */
async function send(url, method, path, { json, body, headers = {}, cookie } = {}) {
  const response = await fetch(url + path, {
    method,
    headers: { ...(json === undefined ? {} : { "content-type": "application/json" }), ...headers, ...(cookie ? { cookie } : {}) },
    // Bytes, not a string: fetch would add a text/plain content type to a string body.
    body: json === undefined ? (body === undefined ? undefined : new TextEncoder().encode(body)) : JSON.stringify(json),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }

  return {
    status: response.status,
    headers: response.headers,
    text,
    json: parsed,
    setCookie: response.headers.getSetCookie().map((header) => header.split(";")[0]).join("; "),
  };
}
