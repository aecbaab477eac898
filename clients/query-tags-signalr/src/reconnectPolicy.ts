import type { IRetryPolicy } from "@microsoft/signalr";
import { foreverRetryPolicy } from "./foreverRetryPolicy.js";
import { serverStopPolicy } from "./serverStop.js";

/** The default of `serverStopJitterMs`. */
export const defaultServerStopJitterMs = 2000;

/** The policy a client reconnects and retries its start with: the app's (or forever), its retries after a server stop spread. */
export function reconnectPolicyOf(options: { readonly reconnectPolicy?: IRetryPolicy; readonly serverStopJitterMs?: number }): IRetryPolicy {
  const jitterMs = options.serverStopJitterMs ?? defaultServerStopJitterMs;
  if (!Number.isFinite(jitterMs) || jitterMs < 0) {
    throw new Error(`createTagInvalidationClient: serverStopJitterMs must be a number of milliseconds, 0 or more; it is ${jitterMs}.`);
  }

  return serverStopPolicy(options.reconnectPolicy ?? foreverRetryPolicy, jitterMs);
}
