/** What sharing a connection needs of the browser: Web Locks (the election) and BroadcastChannel (the messages). */
export interface SharingEnvironment {
  readonly locks: Pick<LockManager, "request">;
  channel(name: string): BroadcastChannel;
}

/** The browser's, or undefined where either API is missing (then every tab has a connection of its own). */
export function browserSharing(): SharingEnvironment | undefined {
  const locks = globalThis.navigator?.locks;
  return locks && typeof BroadcastChannel === "function" ? { locks, channel: (name) => new BroadcastChannel(name) } : undefined;
}
