// Requests to the TodoApp over plain HTTP, and what the test suites assert of their answers.
import assert from "node:assert/strict";

/** Asserts a ProblemDetails answer of `status`. */
export function assertProblem(answer, status) {
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${answer.text}`);
  assert.match(answer.headers.get("content-type") ?? "", /application\/problem\+json/, `not a problem: ${answer.text}`);
  assert.equal(answer.json?.status, status, answer.text);
}

/**
 * @typedef {{ json?: unknown, body?: string, headers?: Record<string, string>, cookie?: string }} RequestOptions
 * @typedef {{ status: number, headers: Headers, text: string, json: any, setCookie: string }} Answer
 */

/**
 * Sends a request to the app at `url` and reads the whole answer.
 * @returns {Promise<Answer>}
 */
export async function send(url, method, path, { json, body, headers = {}, cookie } = {}) {
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
