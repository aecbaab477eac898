import type { IRetryPolicy } from "@microsoft/signalr";

const delays = [0, 1000, 2000, 5000];

/**
 * Reconnects for as long as it takes: at once, then after 1, 2 and 5 s, then every 10 s. An invalidation
 * client that gives up leaves an app showing stale data; SignalR's default stops after four tries.
 */
export const foreverRetryPolicy: IRetryPolicy = {
  nextRetryDelayInMilliseconds: ({ previousRetryCount }) => delays[previousRetryCount] ?? 10_000,
};
