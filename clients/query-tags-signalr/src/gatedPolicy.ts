import type { IRetryPolicy } from "@microsoft/signalr";
import { failureFacts } from "./connectionError.js";

/** The reconnect policy SignalR is given: it stops at once when a reconnect attempt fails in a way retrying cannot fix. */
export interface GatedPolicy extends IRetryPolicy {
  /** The last reason SignalR gave it; SignalR's onclose does not tell why its retries ended. */
  last?: Error;
  /** When SignalR's wait before its next reconnect attempt ends, in `performance.now()` time (the clock of timers). */
  waitsUntil?: number;
}

export function gatedPolicy(policy: IRetryPolicy): GatedPolicy {
  const gate: GatedPolicy = {
    nextRetryDelayInMilliseconds: (context) => {
      gate.last = context.retryReason;
      // The first retry's reason is why a working connection was lost (a long poll answered 404 by a restarted
      // server, 401 once a token expired): reconnecting fixes that. A reconnect attempt's own failure is judged.
      const delay = context.previousRetryCount > 0 && failureFacts(context.retryReason).failure ? null : policy.nextRetryDelayInMilliseconds(context);
      // SignalR asks just before it waits: a page back online cuts a wait short, never an attempt in flight.
      gate.waitsUntil = delay === null ? undefined : performance.now() + delay;
      return delay;
    },
  };
  return gate;
}
