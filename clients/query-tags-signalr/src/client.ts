import {
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type HttpTransportType,
  type HubConnection,
  type IHubProtocol,
  type ILogger,
  type IRetryPolicy,
  type ITransport,
} from "@microsoft/signalr";
import { latestCursor } from "./cursor.js";
import { foreverRetryPolicy } from "./foreverRetryPolicy.js";
import { Listeners } from "./listeners.js";
import { consoleLogger, logError, toError } from "./logging.js";
import {
  InvalidationHubMethods,
  readInvalidationMessage,
  readResetMessage,
  readSubscribeResult,
  type InvalidationMessage,
} from "./protocol.js";
import { RecentInvalidationIds } from "./recentInvalidationIds.js";
import { StatusStore, type TagInvalidationStatus, type TagInvalidationStatusStore } from "./status.js";
import { canonical, defaultTagLimits, readTag, TagError, tagMatches, toTag, type Tag, type TagLimits, type TagRule } from "./tags.js";

/** How {@link createSignalRInvalidatorClient} builds or adopts its connection. */
export interface TagInvalidationClientOptions {
  /** The hub's URL, such as `"/hubs/invalidation"`. Needed unless `connection` is given. */
  url?: string;
  /** The hub protocol, such as `new MessagePackHubProtocol()` from `@microsoft/signalr-protocol-msgpack`. Default JSON. */
  protocol?: IHubProtocol;
  /** The transports to use (`HttpTransportType` flags) or a transport of your own. Default: the best the browser has. */
  transport?: HttpTransportType | ITransport;
  /** Supplies a bearer token for each connection attempt. */
  accessTokenFactory?: () => string | Promise<string>;
  /** A connection built elsewhere, instead of `url`: configure its automatic reconnect, protocol and transport yourself. */
  connection?: HubConnection;
  /** Where the connection and the client log. Default: SignalR's console logging for the connection; warnings and errors to the console for the client. */
  logger?: ILogger;
  /** When to reconnect, and to retry a failed start. Default: at once, then 1, 2 and 5 s, then every 10 s, forever. */
  reconnectPolicy?: IRetryPolicy;
  /** The tag limits of the server: tags are checked before they are sent. Default 8 segments of 128 characters. */
  tagLimits?: TagLimits;
  /** Most tags in one hub call; larger batches are split. Match the server's limit. Default 256. */
  maxTagsPerCall?: number;
  /**
   * Added to the client's age in its first subscribe, when it has no cursor yet (see `age:` in the server's
   * wire contract), so a change made while the first data was being read is reported too. Default 2000 ms.
   */
  firstSubscribeMarginMs?: number;
}

/** What the client reports to its {@link TagInvalidationClient.listen} listeners. */
export type TagInvalidationEvent =
  /** An invalidation matched held tags. Raised once per invalidation id. */
  | { readonly type: "invalidate"; readonly message: InvalidationMessage; readonly matchedTags: readonly Tag[] }
  /** Held tags were invalidated while the client was away or while their subscribe was in flight. */
  | { readonly type: "missed"; readonly missedTags: readonly Tag[]; readonly cursor: string | null }
  /** The server cannot tell what was missed: refetch every tagged query. `reason` is `cursor-unknown` after a subscribe. */
  | { readonly type: "reset"; readonly reason: string; readonly cursor: string | null }
  /** A tag the server refused, a hub call that failed. */
  | { readonly type: "error"; readonly error: Error };

interface HeldTag {
  readonly tag: Tag;
  count: number;
}

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
  readonly #retryPolicy: IRetryPolicy;
  readonly #maxTagsPerCall: number;
  readonly #held = new Map<string, HeldTag>();
  // What the server holds for this connection, as far as its answers tell; emptied when the connection drops.
  readonly #joined = new Map<string, Tag>();
  readonly #recentIds = new RecentInvalidationIds();
  #cursor: string | null = null;
  readonly #firstSubscribeMarginMs: number;
  // When the first tag was asked for: a subscribe without a cursor asks about everything since then.
  #firstRequestAt: number | undefined;
  // Hub calls run one at a time, in the order they were asked for.
  #calls: Promise<void> = Promise.resolve();
  #flushScheduled = false;
  // A start belongs to the generation it began in; stop() begins a new one, which ends the start's retries.
  #generation = 0;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> = Promise.resolve();
  #wake: (() => void) | undefined;

  /** Adopts `connection` as it is; {@link createSignalRInvalidatorClient} builds one with the right reconnect policy. */
  constructor(connection: HubConnection, logger: ILogger, options: Pick<TagInvalidationClientOptions, "reconnectPolicy" | "tagLimits" | "maxTagsPerCall" | "firstSubscribeMarginMs"> = {}) {
    this.connection = connection;
    this.logger = logger;
    this.tagLimits = options.tagLimits ?? defaultTagLimits;
    this.#retryPolicy = options.reconnectPolicy ?? foreverRetryPolicy;
    this.#maxTagsPerCall = options.maxTagsPerCall ?? 256;
    this.#firstSubscribeMarginMs = options.firstSubscribeMarginMs ?? 2000;
    const logListenerError = (error: unknown) => logError(logger, `a listener threw: ${toError(error).message}`);
    this.#events = new Listeners(logListenerError);
    this.#status = new StatusStore(statusOf(connection.state), logListenerError);
    this.status = this.#status;

    // SignalR calls each kind of callback in one loop, where one that throws skips the rest: none of ours may.
    connection.on(InvalidationHubMethods.invalidate, (message) => this.#guard(() => this.#onInvalidate(message)));
    connection.on(InvalidationHubMethods.reset, (message) => this.#guard(() => this.#onReset(message)));
    connection.onreconnecting(() =>
      this.#guard(() => {
        this.#joined.clear();
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
        this.#joined.clear();
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
    return [...this.#held.values()].map((held) => held.tag);
  }

  /**
   * Starts the connection (when it is disconnected) and subscribes every held tag. A failed start is tried
   * again with the reconnect policy until it succeeds or {@link stop} is called; the promise settles then.
   */
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

  /** Stops the connection and any start in progress. Held tags are kept and subscribed again by the next start. */
  async stop(): Promise<void> {
    this.#generation++;
    this.#starting = undefined;
    this.#wake?.();
    const stopping = this.connection.stop();
    this.#stopping = stopping.catch(() => undefined);
    await stopping;
    this.#status.set("disconnected");
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
      const key = canonical(tag);
      const held = this.#held.get(key);
      if (held) {
        held.count++;
      } else {
        this.#held.set(key, { tag, count: 1 });
        this.#scheduleFlush();
      }
    }
  }

  /** Removes a subscriber from each tag; tags left with none are released on the server with the other changes of this tick. */
  unsubscribe(tags: readonly Tag[]): void {
    for (const value of tags) {
      // An invalid tag was never held.
      const { tag } = readTag(value, this.tagLimits);
      const key = tag && canonical(tag);
      const held = key === undefined ? undefined : this.#held.get(key);
      if (held && --held.count === 0) {
        this.#held.delete(key!);
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

  async #start(generation: number): Promise<void> {
    // A restart right after a stop (React's strict mode) waits for the stop: SignalR starts only when disconnected.
    await this.#stopping;
    const began = Date.now();
    for (let attempt = 0; generation === this.#generation; attempt++) {
      if (this.connection.state === HubConnectionState.Disconnected) {
        this.#status.set("connecting");
        try {
          await this.connection.start();
        } catch (error) {
          if (generation !== this.#generation) {
            return;
          }

          const delay = this.#retryPolicy.nextRetryDelayInMilliseconds({
            previousRetryCount: attempt,
            elapsedMilliseconds: Date.now() - began,
            retryReason: toError(error),
          });
          if (delay === null) {
            this.#status.set("disconnected");
            throw error;
          }

          this.logger.log(LogLevel.Warning, `QueryTags: starting the connection failed (${toError(error).message}); trying again in ${delay} ms.`);
          await this.#sleep(delay);
          continue;
        }
      }

      // An adopted connection that is connecting or reconnecting subscribes when it reconnects.
      if (this.connection.state === HubConnectionState.Connected) {
        this.#status.set("connected");
        await this.#subscribeHeld();
      }

      return;
    }
  }

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

  // A new connection holds nothing: send every held tag, with the cursor, so the answer tells what was missed.
  #subscribeHeld(): Promise<void> {
    this.#joined.clear();
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
    const release = [...this.#joined].filter(([key]) => !this.#held.has(key));
    for (const chunk of chunks(release, this.#maxTagsPerCall)) {
      await this.connection.invoke(InvalidationHubMethods.unsubscribe, chunk.map(([, tag]) => tag));
      for (const [key] of chunk) {
        this.#joined.delete(key);
      }
    }

    const add = [...this.#held].filter(([key]) => !this.#joined.has(key)).map(([key, held]) => [key, held.tag] as const);
    if (add.length > 0) {
      await this.#sendSubscribe(add);
    }
  }

  async #sendSubscribe(tags: ReadonlyArray<readonly [string, Tag]>): Promise<void> {
    // Without a cursor yet, ask what was invalidated since the first tag was asked for (a duration, so the
    // two clocks need not agree): data fetched before the first subscribe would otherwise miss it silently.
    const since =
      this.#cursor ??
      (this.#firstRequestAt === undefined ? null : `age:${Math.ceil(performance.now() - this.#firstRequestAt + this.#firstSubscribeMarginMs)}`);
    const missed: Tag[] = [];
    let reset = false;
    for (const chunk of chunks(tags, this.#maxTagsPerCall)) {
      // Every chunk asks from the same cursor: one chunk's answer must not hide another's misses.
      const wire = await this.connection.invoke(InvalidationHubMethods.subscribe, chunk.map(([, tag]) => tag), since);
      const result = readSubscribeResult(wire, (rule, reason) => this.#reportUnreadable(rule, reason));
      const rejected = new Set(result.rejected.map((rejection) => rejection.index));
      chunk.forEach(([key, tag], index) => {
        if (!rejected.has(index)) {
          this.#joined.set(key, tag);
        }
      });
      for (const rejection of result.rejected) {
        // A refused tag will never be delivered; forgetting it keeps reconnects from sending it again.
        const key = chunk[rejection.index]?.[0];
        if (key !== undefined) {
          this.#held.delete(key);
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
    if (!this.#recentIds.tryAdd(message.id)) {
      return;
    }

    this.#cursor = latestCursor(this.#cursor, message.cursor);
    const matchedTags = this.heldTags.filter((held) => message.tags.some((tag) => tagMatches(tag, held)));
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

function statusOf(state: HubConnectionState): TagInvalidationStatus {
  switch (state) {
    case HubConnectionState.Connected:
      return "connected";
    case HubConnectionState.Connecting:
      return "connecting";
    case HubConnectionState.Reconnecting:
      return "reconnecting";
    default:
      return "disconnected";
  }
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let offset = 0; offset < items.length; offset += size) {
    yield items.slice(offset, offset + size);
  }
}

/**
 * Creates a client of the invalidation hub: builds a connection to `url` with automatic reconnect, or adopts
 * `connection`. It is not started: call `start()`, or let `TagInvalidationProvider` do it.
 */
export function createSignalRInvalidatorClient(options: TagInvalidationClientOptions): TagInvalidationClient {
  const { url, protocol, transport, accessTokenFactory, connection, logger } = options;
  if (connection) {
    if (url !== undefined || protocol || transport !== undefined || accessTokenFactory) {
      throw new Error("createSignalRInvalidatorClient: give either connection or url (with protocol, transport, accessTokenFactory), not both; configure a connection of your own on its builder.");
    }

    return new TagInvalidationClient(connection, logger ?? consoleLogger, options);
  }

  if (!url) {
    throw new Error("createSignalRInvalidatorClient: url is missing; give the hub's URL, such as \"/hubs/invalidation\", or a connection.");
  }

  const builder = new HubConnectionBuilder()
    .withUrl(url, { ...(transport !== undefined && { transport }), ...(accessTokenFactory && { accessTokenFactory }) })
    .withAutomaticReconnect(options.reconnectPolicy ?? foreverRetryPolicy);
  if (protocol) {
    builder.withHubProtocol(protocol);
  }

  if (logger) {
    builder.configureLogging(logger);
  }

  return new TagInvalidationClient(builder.build(), logger ?? consoleLogger, options);
}
