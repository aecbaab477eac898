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

    before(async () => {
      const { url } = fixture.app;
      request = (method, path, options) => send(url, method, path, options);
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
  });
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
