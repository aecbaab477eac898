import type { GatedPolicy } from "./gatedPolicy.js";
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

  /** See {@link StartAttempts.cuttingWait}. */
  get cuttingWait(): boolean {
    return this.#attempts?.cuttingWait ?? false;
  }

  /** See {@link StartAttempts.wake}; before it is loaded, no start has begun and there is nothing to wake. */
  wake(gate: GatedPolicy | undefined): Promise<boolean> {
    return this.#attempts?.wake(gate) ?? Promise.resolve(false);
  }

  /** Ends any start in progress and stops the connection. */
  stop(): Promise<void> {
    return this.#loading.then((attempts) => attempts.stop());
  }
}
