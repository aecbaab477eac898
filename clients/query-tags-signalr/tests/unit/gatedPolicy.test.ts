import { describe, expect, test } from "vitest";
import { gatedPolicy } from "../../src/gatedPolicy.js";

// The reconnect policy a connection is built with: a reconnect attempt refused for good ends the retries; the
// error that ended a working connection never does.
const fixed = { nextRetryDelayInMilliseconds: () => 500 };
const httpError = (statusCode: number) => Object.assign(new Error(`Status ${statusCode}`), { statusCode });

describe("gatedPolicy", () => {
  test.each([404, 401, 403])("the %i that ended a working connection (a long poll after a restart, an expired token) is retried", (status) => {
    const gate = gatedPolicy(fixed);
    const reason = httpError(status);

    expect(gate.nextRetryDelayInMilliseconds({ previousRetryCount: 0, elapsedMilliseconds: 0, retryReason: reason })).toBe(500);
    expect(gate.last).toBe(reason);
  });

  test.each([404, 401, 403])("a reconnect attempt answered %i ends the retries", (status) => {
    const gate = gatedPolicy(fixed);

    expect(gate.nextRetryDelayInMilliseconds({ previousRetryCount: 1, elapsedMilliseconds: 600, retryReason: httpError(status) })).toBeNull();
  });

  test("a transient failure of a reconnect attempt is retried by the given policy", () => {
    const gate = gatedPolicy(fixed);

    expect(gate.nextRetryDelayInMilliseconds({ previousRetryCount: 2, elapsedMilliseconds: 1_200, retryReason: new Error("Failed to fetch") })).toBe(500);
    expect(gate.nextRetryDelayInMilliseconds({ previousRetryCount: 3, elapsedMilliseconds: 1_800, retryReason: httpError(503) })).toBe(500);
  });
});
