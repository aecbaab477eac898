import type { ConnectionStarterOptions, StartAttempts } from "./startAttempts.js";

/**
 * Starts and stops a connection with {@link StartAttempts}, whose code is imported when the engine is built, not with
 * the core entry: an app's bundler puts it in a chunk of its own, loaded while the page sets up, before the first
 * start needs it. Every call waits for it, so calls keep their order; when it cannot be loaded, `start()` rejects.
 */
export class ConnectionStarter {
  readonly #loading: Promise<StartAttempts>;
  #attempts: StartAttempts | undefined;

  constructor(options: ConnectionStarterOptions) {
    this.#loading = import("./startAttempts.js").then(({ StartAttempts }) => (this.#attempts = new StartAttempts(options)));
  }

  /** Starts the connection when it is disconnected; a start already in progress is shared. */
  start(): Promise<void> {
    return this.#loading.then((attempts) => attempts.start());
  }

  /** Ends the wait between two tries of a start, so the next try begins now; false when no start is waiting. */
  retryNow(): boolean {
    return this.#attempts?.retryNow() ?? false;
  }

  /** Ends any start in progress and stops the connection. */
  stop(): Promise<void> {
    return this.#loading.then((attempts) => attempts.stop());
  }
}
