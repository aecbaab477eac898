import { HubConnectionState, LogLevel, type HubConnection, type ILogger, type IRetryPolicy } from "@microsoft/signalr";
import { failureFacts, unreachableAfter, type TagInvalidationConnectionError } from "./connectionError.js";
import { toError } from "./logging.js";
import type { GatedPolicy } from "./gatedPolicy.js";
import type { TagInvalidationStatus } from "./status.js";

// The failures' sentences, loaded when one happens.
const hints = () => import("./failureHints.js");

/** What a {@link StartAttempts} starts, and whom it tells. */
export interface ConnectionStarterOptions {
  readonly connection: HubConnection;
  /** Asked for the delay before each new try after a failed start; null gives up. */
  readonly retryPolicy: IRetryPolicy;
  readonly logger: ILogger;
  /** Told `connecting`, `connected` and `disconnected` as starts and stops go. */
  readonly setStatus: (status: TagInvalidationStatus) => void;
  /** Called once the connection is connected; the start settles when it does. */
  readonly onConnected: () => Promise<void>;
  /**
   * Called once per start, with the failure `unreachable` and its hint, when its first {@link unreachableAfter} tries
   * failed with transient errors; it keeps trying.
   */
  readonly onUnreachable?: (failure: TagInvalidationConnectionError) => void;
}

/**
 * Starts and stops a connection, for {@link ConnectionStarter}, which imports it. SignalR's automatic reconnect
 * covers a connection that was up; a first start that fails is not retried by SignalR, so this tries it again with
 * the retry policy until it succeeds, a failure retrying cannot fix comes (404, 401, 403, a protocol the server
 * lacks), the policy gives up, or {@link stop} is called. It warns once per outage, not once per try, and after a
 * few failed tries says the hub is unreachable, with a hint.
 */
export class StartAttempts {
  readonly #options: ConnectionStarterOptions;
  // A start belongs to the generation it began in; stop() begins a new one, which ends the start's retries.
  #generation = 0;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> = Promise.resolve();
  #wake: (() => void) | undefined;

  constructor(options: ConnectionStarterOptions) {
    this.#options = options;
  }

  /** Starts the connection when it is disconnected; a start already in progress is shared. */
  start(): Promise<void> {
    if (!this.#starting) {
      const starting = this.#start(this.#generation).finally(() => {
        if (this.#starting === starting) {
          this.#starting = undefined;
        }
      });
      this.#starting = starting;
    }

    return this.#starting;
  }

  /** True while {@link wake} closes a connection to cut its reconnect wait short: that close is no failure. */
  cuttingWait = false;

  /**
   * The page is back: a start waiting between tries tries now. A connection waiting out SignalR's reconnect wait (known
   * of a connection built with `gate`) is stopped, which SignalR's wait allows at once, and true says to start it anew;
   * an attempt in flight is left to finish, and a connected connection alone (SignalR's server timeout finds one that died).
   */
  async wake(gate: GatedPolicy | undefined): Promise<boolean> {
    const retry = this.#wake;
    if (retry) {
      retry();
      return false;
    }

    const { connection, logger } = this.#options;
    if (connection.state !== HubConnectionState.Reconnecting || (gate?.waitsUntil ?? -Infinity) <= performance.now()) {
      return false;
    }

    logger.log(LogLevel.Debug, "QueryTags: the page is back; reconnecting now.");
    this.cuttingWait = true;
    try {
      await connection.stop();
    } finally {
      this.cuttingWait = false;
    }

    return true;
  }

  /** Ends any start in progress and stops the connection. */
  async stop(): Promise<void> {
    this.#generation++;
    this.#starting = undefined;
    this.#wake?.();
    const stopping = this.#options.connection.stop();
    this.#stopping = stopping.catch(() => undefined);
    await stopping;
    this.#options.setStatus("disconnected");
  }

  async #start(generation: number): Promise<void> {
    const { connection, retryPolicy, logger, setStatus, onConnected, onUnreachable } = this.#options;
    // A restart right after a stop (React's strict mode) waits for the stop: SignalR starts only when disconnected.
    await this.#stopping;
    const began = Date.now();
    for (let attempt = 0; generation === this.#generation; attempt++) {
      if (connection.state === HubConnectionState.Disconnected) {
        setStatus("connecting");
        try {
          await connection.start();
        } catch (error) {
          if (generation !== this.#generation) {
            return;
          }

          const delay = failureFacts(error).failure
            ? null
            : retryPolicy.nextRetryDelayInMilliseconds({ previousRetryCount: attempt, elapsedMilliseconds: Date.now() - began, retryReason: toError(error) });
          if (delay === null) {
            // The failure retrying cannot fix that the error stands for, or one for a policy that gave up.
            const failed = (await hints()).permanentFailure(error, connection.baseUrl, true)!;
            // A stop while the failure's hint loaded ends the start quietly, as a stop during a try does.
            if (generation !== this.#generation) {
              return;
            }

            throw failed;
          }

          // Once per outage: a warning for each try would flood the console while a server is down.
          logger.log(attempt ? LogLevel.Debug : LogLevel.Warning, `QueryTags: cannot connect yet (${toError(error).message}); retrying in ${delay} ms.`);
          // A few tries in, a browser's bare "Failed to fetch" needs a hint: CORS, a proxy, the server down.
          if (attempt + 1 === unreachableAfter) {
            void hints().then(({ unreachableFailure }) => onUnreachable?.(unreachableFailure(error, connection.baseUrl)));
          }

          await this.#sleep(delay);
          continue;
        }
      }

      // An adopted connection that is connecting or reconnecting subscribes when it reconnects.
      if (connection.state === HubConnectionState.Connected) {
        setStatus("connected");
        await onConnected();
      }

      return;
    }
  }

  // A sleep that stop() cuts short, so a stopped start settles at once, and wake(), so a page back online tries now.
  #sleep(milliseconds: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(wake, milliseconds);
      this.#wake = wake;
    });
  }
}
