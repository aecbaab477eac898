import { HubConnectionState, LogLevel, type HubConnection, type ILogger } from "@microsoft/signalr";
import { chunks } from "./chunks.js";
import { ConnectionStarter } from "./connectionStarter.js";
import type { TagInvalidationClientOptions } from "./createSignalRInvalidatorClient.js";
import { latestCursor } from "./cursor.js";
import { foreverRetryPolicy } from "./foreverRetryPolicy.js";
import { Listeners } from "./listeners.js";
import { logError, toError } from "./logging.js";
import { InvalidationHubMethods, readInvalidationMessage, readResetMessage, readSubscribeResult } from "./protocol.js";
import { RecentInvalidations } from "./recentInvalidations.js";
import { StatusStore, statusOf, type TagInvalidationStatusStore } from "./status.js";
import type { TagInvalidationEvent } from "./tagInvalidationEvent.js";
import { TagLedger } from "./tagLedger.js";
import { defaultTagLimits, readTag, TagError, tagMatches, toTag, type Tag, type TagLimits, type TagRule } from "./tags.js";

/**
 * A client of the invalidation hub, the counterpart of the .NET `TagInvalidationClient`. It counts
 * subscribers per tag (the server hears of a tag when its first subscriber arrives and its last leaves),
 * sends the changes of one tick in one call, reports each invalidation once for the held tags it matches,
 * and after a reconnect subscribes again with its cursor, reporting what was missed or asking for a reset.
 */
export class TagInvalidationClient {
  /** The underlying SignalR connection. */
  readonly connection: HubConnection;
  /** Where the client logs. */
  readonly logger: ILogger;
  /** The tag limits tags are checked against before they are sent. */
  readonly tagLimits: TagLimits;
  /** Where the connection stands, with a subscribe function. */
  readonly status: TagInvalidationStatusStore;

  readonly #status: StatusStore;
  readonly #events: Listeners<TagInvalidationEvent>;
  readonly #starter: ConnectionStarter;
  readonly #maxTagsPerCall: number;
  readonly #ledger = new TagLedger();
  readonly #recentInvalidations = new RecentInvalidations();
  #cursor: string | null = null;
  readonly #firstSubscribeMarginMs: number;
  // When the first tag was asked for: a subscribe without a cursor asks about everything since then.
  #firstRequestAt: number | undefined;
  // Hub calls run one at a time, in the order they were asked for.
  #calls: Promise<void> = Promise.resolve();
  #flushScheduled = false;

  /** Adopts `connection` as it is; {@link createSignalRInvalidatorClient} builds one with the right reconnect policy. */
  constructor(connection: HubConnection, logger: ILogger, options: Pick<TagInvalidationClientOptions, "reconnectPolicy" | "tagLimits" | "maxTagsPerCall" | "firstSubscribeMarginMs"> = {}) {
    this.connection = connection;
    this.logger = logger;
    this.tagLimits = options.tagLimits ?? defaultTagLimits;
    this.#maxTagsPerCall = options.maxTagsPerCall ?? 256;
    this.#firstSubscribeMarginMs = options.firstSubscribeMarginMs ?? 2000;
    const logListenerError = (error: unknown) => logError(logger, `a listener threw: ${toError(error).message}`);
    this.#events = new Listeners(logListenerError);
    this.#status = new StatusStore(statusOf(connection.state), logListenerError);
    this.status = this.#status;
    this.#starter = new ConnectionStarter({
      connection,
      retryPolicy: options.reconnectPolicy ?? foreverRetryPolicy,
      logger,
      status: this.#status,
      onConnected: () => this.#subscribeHeld(),
    });

    // SignalR calls each kind of callback in one loop, where one that throws skips the rest: none of ours may.
    connection.on(InvalidationHubMethods.invalidate, (message) => this.#guard(() => this.#onInvalidate(message)));
    connection.on(InvalidationHubMethods.reset, (message) => this.#guard(() => this.#onReset(message)));
    connection.onreconnecting(() =>
      this.#guard(() => {
        this.#ledger.clearJoined();
        this.#status.set("reconnecting");
      }),
    );
    connection.onreconnected(() =>
      this.#guard(() => {
        this.#status.set("connected");
        void this.#subscribeHeld();
      }),
    );
    connection.onclose(() =>
      this.#guard(() => {
        this.#ledger.clearJoined();
        this.#status.set("disconnected");
      }),
    );
  }

  /** The latest cursor seen, or null before the first subscribe answer. */
  get cursor(): string | null {
    return this.#cursor;
  }

  /** The tags with at least one subscriber. */
  get heldTags(): Tag[] {
    return this.#ledger.heldTags;
  }

  /**
   * Starts the connection (when it is disconnected) and subscribes every held tag. A failed start is tried
   * again with the reconnect policy until it succeeds or {@link stop} is called; the promise settles then.
   */
  start(): Promise<void> {
    return this.#starter.start();
  }

  /** Stops the connection and any start in progress. Held tags are kept and subscribed again by the next start. */
  stop(): Promise<void> {
    return this.#starter.stop();
  }

  /**
   * Adds a subscriber to each tag. Tags that get their first subscriber are sent to the server with the
   * other changes of this tick, or on the next start or reconnect. Throws a {@link TagError} naming the rule
   * when a tag is invalid; nothing is subscribed then.
   */
  subscribe(tags: readonly Tag[]): void {
    const checked = tags.map((tag) => toTag(tag, this.tagLimits));
    this.#firstRequestAt ??= performance.now();
    for (const tag of checked) {
      if (this.#ledger.addSubscriber(tag)) {
        this.#scheduleFlush();
      }
    }
  }

  /** Removes a subscriber from each tag; tags left with none are released on the server with the other changes of this tick. */
  unsubscribe(tags: readonly Tag[]): void {
    for (const value of tags) {
      // An invalid tag was never held.
      const { tag } = readTag(value, this.tagLimits);
      if (tag && this.#ledger.removeSubscriber(tag)) {
        this.#scheduleFlush();
      }
    }
  }

  /**
   * Calls `listener` with every {@link TagInvalidationEvent}; returns the function that stops it. Errors go to
   * the listeners; with none, to the logger.
   */
  listen(listener: (event: TagInvalidationEvent) => void): () => void {
    return this.#events.add(listener);
  }

  // A new connection holds nothing: send every held tag, with the cursor, so the answer tells what was missed.
  #subscribeHeld(): Promise<void> {
    this.#ledger.clearJoined();
    return this.#enqueue(() => this.#flush());
  }

  // One flush per tick sends what changed since the last: subscribe and unsubscribe of the same tag cancel out.
  #scheduleFlush(): void {
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setTimeout(() => {
        this.#flushScheduled = false;
        void this.#enqueue(() => this.#flush());
      }, 0);
    }
  }

  #enqueue(call: () => Promise<void>): Promise<void> {
    const next = this.#calls.then(call).catch((error: unknown) => {
      if (this.connection.state === HubConnectionState.Connected) {
        this.#report(error);
      } else {
        // The connection dropped mid-call: the reconnect sends every held tag again.
        this.logger.log(LogLevel.Warning, `QueryTags: a hub call failed as the connection dropped (${toError(error).message}); the reconnect subscribes again.`);
      }
    });
    this.#calls = next;
    return next;
  }

  async #flush(): Promise<void> {
    if (this.connection.state !== HubConnectionState.Connected) {
      return;
    }

    // Releasing first keeps the connection under the server's limit of tags held per connection.
    for (const chunk of chunks(this.#ledger.releasesDue(), this.#maxTagsPerCall)) {
      await this.connection.invoke(InvalidationHubMethods.unsubscribe, chunk);
      this.#ledger.markReleased(chunk);
    }

    // Read after the releases: tags subscribed while they were in flight go in this flush too.
    const subscribes = this.#ledger.subscribesDue();
    if (subscribes.length > 0) {
      await this.#sendSubscribe(subscribes);
    }
  }

  async #sendSubscribe(tags: readonly Tag[]): Promise<void> {
    // Without a cursor yet, ask what was invalidated since the first tag was asked for (a duration, so the
    // two clocks need not agree): data fetched before the first subscribe would otherwise miss it silently.
    const since =
      this.#cursor ??
      (this.#firstRequestAt === undefined ? null : `age:${Math.ceil(performance.now() - this.#firstRequestAt + this.#firstSubscribeMarginMs)}`);
    const missed: Tag[] = [];
    let reset = false;
    for (const chunk of chunks(tags, this.#maxTagsPerCall)) {
      // Every chunk asks from the same cursor: one chunk's answer must not hide another's misses.
      const wire = await this.connection.invoke(InvalidationHubMethods.subscribe, chunk, since);
      const result = readSubscribeResult(wire, (rule, reason) => this.#reportUnreadable(rule, reason));
      const rejected = new Set(result.rejected.map((rejection) => rejection.index));
      this.#ledger.markJoined(chunk.filter((_, index) => !rejected.has(index)));
      for (const rejection of result.rejected) {
        // A refused tag will never be delivered; forgetting it keeps reconnects from sending it again.
        const tag = chunk[rejection.index];
        if (tag !== undefined) {
          this.#ledger.forget(tag);
        }

        this.#report(new TagError(rejection.rule, `The server refused tag ${rejection.tag}: ${rejection.reason} (${rejection.rule}).`));
      }

      missed.push(...result.missed);
      reset ||= result.reset;
      this.#cursor = latestCursor(this.#cursor, result.cursor);
    }

    if (reset) {
      this.#events.emit({ type: "reset", reason: "cursor-unknown", cursor: this.#cursor });
    } else if (missed.length > 0) {
      this.#events.emit({ type: "missed", missedTags: missed, cursor: this.#cursor });
    }
  }

  #onInvalidate(wire: Record<string, unknown> | undefined): void {
    const message = readInvalidationMessage(wire, (rule, reason) => this.#reportUnreadable(rule, reason));
    this.#cursor = latestCursor(this.#cursor, message.cursor);
    // Copies of one id reach a connection once per target group it is in; each held tag is applied once.
    const matchedTags = this.#recentInvalidations.unapplied(
      message.id,
      this.heldTags.filter((held) => message.tags.some((tag) => tagMatches(tag, held))),
    );
    if (matchedTags.length > 0) {
      this.#events.emit({ type: "invalidate", message, matchedTags });
    }
  }

  #onReset(wire: Record<string, unknown> | undefined): void {
    const message = readResetMessage(wire);
    this.#cursor = latestCursor(this.#cursor, message.cursor);
    this.#events.emit({ type: "reset", reason: message.reason, cursor: this.#cursor });
  }

  #reportUnreadable(rule: TagRule, reason: string): void {
    this.#report(new TagError(rule, `The server sent a tag that is not one: ${reason} (${rule}).`));
  }

  #report(error: unknown): void {
    if (this.#events.size > 0) {
      this.#events.emit({ type: "error", error: toError(error) });
    } else {
      logError(this.logger, error);
    }
  }

  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#report(error);
    }
  }
}
