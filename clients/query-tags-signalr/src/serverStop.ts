import type { IRetryPolicy, RetryContext } from "@microsoft/signalr";
import { statusOf } from "./connectionError.js";

// SignalR's reason for a reconnect when the connection ended without an error: the close message that allows a
// reconnect (what a stopping server sends), or a transport the server closed cleanly.
const endedWithoutError = /^Attempting to reconnect due to a unknown error/;

/** The server's Retry-After, which the stopping hub repeats in its 503's body: SignalR's client shows the body, not the headers. */
const retryAfter = /Retry-After: (\d+)/i;

/** The longest Retry-After honoured: a client that waits longer shows stale data for longer. */
export const longestRetryAfterMs = 60_000;

/** Whether a retry follows a stopping server: it ended a working connection without an error, or answered 503. */
export const followsServerStop = ({ previousRetryCount, retryReason }: RetryContext): boolean =>
  (previousRetryCount === 0 && endedWithoutError.test(retryReason.message)) || statusOf(retryReason) === 503;

/**
 * Spreads the retries that follow a stopping server, and every retry after the first: to `policy`'s delay (at least
 * the server's Retry-After, when its 503 says one) it adds a random part of `jitterMs`, so the clients of a node that
 * stops, or crashed and is not back at once, reach it over that window rather than all at once. The first retry after a
 * cut connection keeps `policy`'s delay (at once: the cut may be this client's network), and its null stays null.
 */
export function serverStopPolicy(policy: IRetryPolicy, jitterMs: number, random: () => number = Math.random): IRetryPolicy {
  return {
    nextRetryDelayInMilliseconds: (context) => {
      const delay = policy.nextRetryDelayInMilliseconds(context);
      if (delay === null || (context.previousRetryCount === 0 && !followsServerStop(context))) {
        return delay;
      }

      const asked = Number(retryAfter.exec(context.retryReason.message)?.[1] ?? 0) * 1000;
      return Math.max(delay, Math.min(asked, longestRetryAfterMs)) + Math.floor(random() * jitterMs);
    },
  };
}
