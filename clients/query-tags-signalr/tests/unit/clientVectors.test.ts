import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { chunks } from "../../src/chunks.js";
import { ChunkedSubscribeResult } from "../../src/chunkedSubscribeResult.js";
import { permanentFailure } from "../../src/failureHints.js";
import { latestCursor } from "../../src/cursor.js";
import { foreverRetryPolicy } from "../../src/foreverRetryPolicy.js";
import { readInvalidationIds, readSubscribeResult, type SubscribeResult } from "../../src/protocol.js";
import { RecentInvalidations } from "../../src/recentInvalidations.js";
import { serverStopPolicy } from "../../src/serverStop.js";
import { SubscriberCounts } from "../../src/subscriberCounts.js";
import { canonical, type Tag } from "../../src/tags.js";

/** An error as tests/vectors/client.json describes it, in words both clients' SignalR libraries have a form of. */
interface ErrorDescription {
  negotiateStatus?: number;
  retryAfterSeconds?: number;
  negotiateNotJson?: boolean;
  handshakeProtocol?: string;
  noAnswer?: boolean;
  transportClosed?: boolean;
  timeout?: boolean;
  closedByServer?: boolean;
}

interface Invalidation {
  id: string;
  tags: Tag[];
}

interface Vectors {
  cursorLatest: { current: string | null; candidate: string | null; latest: string | null; why: string }[];
  failureNames: Record<"typescript" | "dotnet", Record<string, string>>;
  failures: { error: ErrorDescription; gaveUp?: boolean; failure?: string; status?: number | null; hint?: string; why: string }[];
  retryDelays: {
    forever: [number, number][];
    serverStop: { policy: "forever" | "giveUp"; jitterMs: number; previousRetryCount: number; reason: ErrorDescription; random: number; delayMs: number | null; why: string }[];
  };
  deduplication: { why: string; capacity?: number; held: Tag[]; steps: { push?: Invalidation; apply?: Invalidation; reported: Tag[] }[] }[];
  chunkedSubscribe: { why: string; maxTagsPerCall: number; tags: Tag[]; calls: Tag[][]; answers: SubscribeResult[]; merged: SubscribeResult }[];
}

// The .NET client's tests read the same file (tests/QueryTags.SignalR.Tests/Client/ClientVectorTests.cs).
const vectors: Vectors = JSON.parse(readFileSync(new URL("../../../../tests/vectors/client.json", import.meta.url), "utf8"));
const url = "http://localhost:5080/hubs/invalidation";

/** What @microsoft/signalr reports for each description, as it words it (its negotiate wraps the HTTP status into the message). */
function signalrError(error: ErrorDescription): Error {
  if (error.negotiateStatus !== undefined) {
    const body = error.retryAfterSeconds === undefined ? "Refused" : `This server is stopping (Retry-After: ${error.retryAfterSeconds}); connect to another node.`;
    return new Error(`Failed to complete negotiation with the server: Error: ${body}: Status code '${error.negotiateStatus}'`);
  }

  return new Error(
    error.negotiateNotJson
      ? "Failed to complete negotiation with the server: SyntaxError: Unexpected token '<', \"<!doctype \"... is not valid JSON"
      : error.handshakeProtocol
        ? `Server returned handshake error: The protocol '${error.handshakeProtocol}' is not supported.`
        : error.noAnswer
          ? "Failed to complete negotiation with the server: TypeError: Failed to fetch"
          : error.transportClosed
            ? "WebSocket closed with status code: 1006 (no reason given)."
            : error.timeout
              ? "Server timeout elapsed without receiving a message from the server."
              : "Attempting to reconnect due to a unknown error.",
  );
}

const byCanonical = (tags: readonly Tag[]) => tags.map(canonical).sort();

describe("the clients' shared vectors", () => {
  test.each(vectors.cursorLatest.map((vector) => [vector.why, vector] as const))("cursor: %s", (_, { current, candidate, latest }) => {
    expect(latestCursor(current, candidate)).toBe(latest);
  });

  test.each(vectors.failures.map((vector) => [`${vector.why}${vector.gaveUp ? " (gave up)" : ""}`, vector] as const))("failure: %s", (_, { error, gaveUp, failure, status, hint }) => {
    const found = permanentFailure(signalrError(error), url, gaveUp);
    if (failure === undefined) {
      expect(found).toBeUndefined();
      return;
    }

    const names = vectors.failureNames.typescript;
    expect(found).toMatchObject({ failure, statusCode: status ?? undefined });
    expect(found?.hint).toBe(hint!.replace("{url}", url).replace(/\{(\w+)\}/g, (_, name: string) => names[name]!));
  });

  test.each(vectors.retryDelays.forever)("the forever policy after %i retries waits %i ms", (previousRetryCount, delay) => {
    expect(foreverRetryPolicy.nextRetryDelayInMilliseconds({ previousRetryCount, elapsedMilliseconds: 0, retryReason: new Error("down") })).toBe(delay);
  });

  test.each(vectors.retryDelays.serverStop.map((vector) => [vector.why, vector] as const))("server-stop spread: %s", (_, vector) => {
    const inner = vector.policy === "giveUp" ? { nextRetryDelayInMilliseconds: () => null } : foreverRetryPolicy;
    const policy = serverStopPolicy(inner, vector.jitterMs, () => vector.random);

    const delay = policy.nextRetryDelayInMilliseconds({ previousRetryCount: vector.previousRetryCount, elapsedMilliseconds: 0, retryReason: signalrError(vector.reason) });

    expect(delay).toBe(vector.delayMs);
  });

  test.each(vectors.deduplication.map((vector) => [vector.why, vector] as const))("de-duplication: %s", (_, { capacity, held, steps }) => {
    // What the client does with a push (#match) and with apply(): the held tags matched, each once per id.
    const counts = new SubscriberCounts();
    held.forEach((tag) => counts.add(tag));
    const recent = new RecentInvalidations(capacity);
    for (const { push, apply, reported } of steps) {
      const fresh = push ? recent.unapplied(push.id, counts.matching(push.tags)) : recent.unappliedOfAny(readInvalidationIds(apply!.id), counts.matching(apply!.tags));
      expect(byCanonical(fresh)).toEqual(byCanonical(reported));
    }
  });

  test.each(vectors.chunkedSubscribe.map((vector) => [vector.why, vector] as const))("chunked subscribe: %s", (_, { maxTagsPerCall, tags, calls, answers, merged }) => {
    const sent = [...chunks(tags, maxTagsPerCall)];
    expect(sent).toEqual(calls);

    const result = new ChunkedSubscribeResult();
    // Answers in their wire form (the field spread), as the .NET test reads them.
    const read = (wire: unknown) => readSubscribeResult(wire as Record<string, unknown>, () => {});
    sent.forEach((call, index) => result.add(read(answers[index]!), call.length));
    expect(result.result).toEqual(read(merged));
  });
});
