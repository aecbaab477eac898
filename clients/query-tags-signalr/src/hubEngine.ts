import { HubConnectionState, LogLevel, type HubConnection, type ILogger, type IRetryPolicy } from "@microsoft/signalr";
import { chunks } from "./chunks.js";
import { ChunkedSubscribeResult } from "./chunkedSubscribeResult.js";
import type { ConnectionBackend, CursorOrAge, EngineEvent, RefusedTag } from "./connectionBackend.js";
import type { TagInvalidationConnectionError } from "./connectionError.js";
import { ConnectionStarter } from "./connectionStarter.js";
import { latestCursor } from "./cursor.js";
import type { GatedPolicy } from "./gatedPolicy.js";
import { JoinedTags } from "./joinedTags.js";
import { toError } from "./logging.js";
import { InvalidationHubMethods, readInvalidationMessage, readResetMessage, readSubscribeResult } from "./protocol.js";
import type { TagInvalidationStatus } from "./status.js";
import { SubscriberCounts } from "./subscriberCounts.js";
import { canonical, type Tag, type TagRule } from "./tags.js";

// The failures' sentences, loaded when one happens.
const hints = () => import("./failureHints.js");

/** A cursor, or the `performance.now()` from which an age is counted (an owner without a cursor yet). */
type CursorOrInstant = string | number;

export interface HubEngineOptions {
  readonly connection: HubConnection;
  readonly logger: ILogger;
  readonly retryPolicy: IRetryPolicy;
  /** The policy the connection reconnects with, when it was built with {@link gatedPolicy}. */
  readonly gate?: GatedPolicy;
  readonly maxTagsPerCall: number;
  /** Where to start from: the cursor a tab had when it took over a shared connection. */
  readonly cursor?: string | null;
  readonly emit: (event: EngineEvent) => void;
}

/**
 * One hub connection and the tags it holds for its owners (the tab, or every tab of a shared connection): each
 * owner's set is counted per tag, changes go in one serialized hub call after another (releases, then subscribes
 * in chunks, all asking from the same cursor), and after a reconnect every held tag is subscribed again with the
 * cursor.
 */
export class HubEngine implements ConnectionBackend {
  readonly connection: HubConnection;
  readonly #options: HubEngineOptions;
  readonly #starter: ConnectionStarter;
  readonly #held = new SubscriberCounts();
  readonly #joined = new JoinedTags();
  // Where the data of each held tag not joined yet dates from, so its first subscribe asks the server from there.
  readonly #dataFrom = new Map<string, CursorOrInstant>();
  readonly #owners = new Map<string, ReadonlyMap<string, Tag>>();
  #cursor: string | null;
  #state: EngineEvent & { k: "state" } = { k: "state", status: "disconnected", cursor: null };
  // Hub calls run one at a time, in the order they were asked for.
  #calls: Promise<void> = Promise.resolve();
  // A close that stop() asked for is no failure.
  #stopped = true;

  constructor(options: HubEngineOptions) {
    const { connection, logger, retryPolicy } = options;
    this.connection = connection;
    this.#options = options;
    this.#cursor = options.cursor ?? null;
    this.#starter = new ConnectionStarter({
      connection,
      retryPolicy,
      logger,
      // A reconnect whose wait was cut short starts the connection anew, and is still a reconnect.
      setStatus: (status) => this.#setStatus(status === "connecting" && this.#state.status === "reconnecting" ? "reconnecting" : status),
      onConnected: () => this.#subscribeHeld(),
      // Still connecting, now with the reason: reported to each tab once, and shown by the state until it connects.
      onUnreachable: (failure) => this.#state.status === "connecting" && this.#setStatus("connecting", failure),
    });

    // SignalR calls each kind of callback in one loop, where one that throws skips the rest: none of ours may.
    connection.on(InvalidationHubMethods.invalidate, (wire) =>
      this.#guard(() => {
        const message = readInvalidationMessage(wire, this.#unreadable);
        this.#advance(message.cursor);
        this.#options.emit({ k: "message", message });
      }),
    );
    connection.on(InvalidationHubMethods.reset, (wire) =>
      this.#guard(() => {
        const message = readResetMessage(wire);
        this.#advance(message.cursor);
        this.#options.emit({ k: "reset", reason: message.reason, cursor: this.#cursor, spreadMs: message.spreadMs });
      }),
    );
    connection.onreconnecting((error) =>
      this.#guard(() => {
        this.#joined.clear();
        logger.log(LogLevel.Warning, `QueryTags: the connection was lost (${error?.message ?? "closed"}); reconnecting.`);
        this.#setStatus("reconnecting");
      }),
    );
    connection.onreconnected(() =>
      this.#guard(() => {
        this.#setStatus("connected");
        void this.#subscribeHeld();
      }),
    );
    connection.onclose((error) =>
      this.#guard(() => {
        this.#joined.clear();
        // A close that cuts a reconnect wait short is none either: the connection is still reconnecting.
        if (this.#starter.cuttingWait) {
          return;
        } else if (this.#stopped) {
          this.#setStatus("disconnected");
        } else {
          // Unless a start or stop came first while the hint loaded.
          const last = error ?? options.gate?.last ?? "the connection closed";
          const status = this.#state.status;
          void hints().then(({ permanentFailure }) => this.#state.status === status && this.#fail(permanentFailure(last, connection.baseUrl, true)!));
        }
      }),
    );
    // An adopted connection may be up already.
    const status = connection.state.toLowerCase();
    this.#setStatus(status === "disconnecting" ? "disconnected" : (status as TagInvalidationStatus));
  }

  get cursor(): string | null {
    return this.#cursor;
  }

  /** The state now, with the latest cursor: what a tab joining a shared connection is told first. */
  get state(): EngineEvent & { k: "state" } {
    return { ...this.#state, cursor: this.#cursor };
  }

  /**
   * Starts the connection and subscribes every held tag; a failed start is retried with the policy. Rejects with a
   * {@link TagInvalidationConnectionError} (the status turns `failed`) when retrying cannot help or the policy gives up.
   */
  start(): Promise<void> {
    this.#stopped = false;
    return this.#starter.start().catch((error: unknown) => {
      this.#fail(error as TagInvalidationConnectionError);
      throw error;
    });
  }

  stop(): Promise<void> {
    this.#stopped = true;
    return this.#starter.stop();
  }

  /**
   * The page is back (online, out of the back/forward cache, resumed from a freeze): a connection waiting to reconnect,
   * or a start waiting between tries, tries now, and once connected subscribes every held tag again with the cursor. An
   * attempt in flight is left to finish, and a connected connection alone: SignalR's server timeout finds one that died.
   * SignalR's reconnect waits are known only of a connection built with {@link gatedPolicy}, not of an adopted one.
   */
  wake(): void {
    if (!this.#stopped && !this.#starter.cuttingWait) {
      // A failure that retrying cannot fix is reported by start(), as for any start.
      void this.#starter.wake(this.#options.gate).then((cut) => void (cut && !this.#stopped && this.start().catch(() => undefined)));
    }
  }

  /** Stops and starts again: the hub reads the user anew (after a sign-in or a sign-out) and every held tag is checked again. */
  async restart(): Promise<void> {
    await this.stop();
    return this.start();
  }

  publish(tags: readonly Tag[], since: CursorOrAge): void {
    void this.setTags("", tags, since);
  }

  /**
   * Sets the tags `owner` holds, counting each tag once per owner; settles when the hub calls for the change are
   * done. Tags new to the connection ask the server what was invalidated since `since`.
   */
  setTags(owner: string, tags: readonly Tag[], since: CursorOrAge): Promise<void> {
    const previous = this.#owners.get(owner);
    const next = new Map(tags.map((tag) => [canonical(tag), tag]));
    // An age counts back from now; the engine keeps the moment it starts, so a later subscribe asks for more.
    const from = typeof since === "number" ? performance.now() - since : since;
    for (const [key, tag] of next) {
      if (!previous?.has(key) && this.#held.add(tag) && from !== null) {
        this.#dataFrom.set(key, from);
      }
    }

    for (const [key, tag] of previous ?? []) {
      if (!next.has(key) && this.#held.remove(tag)) {
        this.#dataFrom.delete(key);
      }
    }

    if (next.size > 0) {
      this.#owners.set(owner, next);
    } else {
      this.#owners.delete(owner);
    }

    return this.#enqueue(() => this.#flush());
  }

  /**
   * Subscribes the held `tags` again from `cursor`, joined or not, so the answer reports what was invalidated since
   * then: for data restored from a persisted cache, which dates from before this connection.
   */
  askMissed(tags: readonly Tag[], cursor: string): Promise<void> {
    const asked = tags.filter((tag) => this.#held.holds(tag));
    asked.forEach((tag) => this.#dataFrom.set(canonical(tag), cursor));
    this.#joined.delete(asked);
    return this.#enqueue(() => this.#flush());
  }

  // A new connection holds nothing: send every held tag, with the cursor, so the answer tells what was missed.
  #subscribeHeld(): Promise<void> {
    this.#joined.clear();
    return this.#enqueue(() => this.#flush());
  }

  #enqueue(call: () => Promise<void>): Promise<void> {
    const next = this.#calls.then(call).catch((error: unknown) => {
      if (this.connection.state === HubConnectionState.Connected) {
        this.#options.emit({ k: "error", message: toError(error).message });
      } else {
        // The connection dropped mid-call: the reconnect sends every held tag again.
        this.#options.logger.log(LogLevel.Debug, `QueryTags: a hub call failed as the connection dropped (${toError(error).message}); the reconnect resubscribes.`);
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
    for (const chunk of chunks(this.#joined.releasesDue(this.#held), this.#options.maxTagsPerCall)) {
      await this.connection.invoke(InvalidationHubMethods.unsubscribe, chunk);
      this.#joined.delete(chunk);
    }

    // Read after the releases: tags subscribed while they were in flight go in this flush too. Tags not joined
    // before ask from where their data dates; the rest (after a reconnect) from the cursor. Ages merge into the
    // longest, so one call asks for all of them.
    const groups = new Map<string | null, Tag[]>();
    let ageFrom = Infinity;
    for (const tag of this.#joined.subscribesDue(this.#held)) {
      const since = this.#dataFrom.get(canonical(tag));
      const key = typeof since === "number" ? "age" : (since ?? this.#cursor);
      ageFrom = typeof since === "number" ? Math.min(ageFrom, since) : ageFrom;
      groups.set(key, [...(groups.get(key) ?? []), tag]);
    }

    for (const [since, tags] of groups) {
      await this.#sendSubscribe(tags, since === "age" ? `age:${Math.ceil(performance.now() - ageFrom)}` : since);
    }
  }

  async #sendSubscribe(tags: readonly Tag[], since: string | null): Promise<void> {
    const answers = new ChunkedSubscribeResult();
    for (const chunk of chunks(tags, this.#options.maxTagsPerCall)) {
      // Every chunk asks from the same cursor: one chunk's answer must not hide another's misses.
      const wire = await this.connection.invoke(InvalidationHubMethods.subscribe, chunk, since);
      const answer = readSubscribeResult(wire, this.#unreadable);
      const rejected = new Set(answer.rejected.map((rejection) => rejection.index));
      this.#joined.add(chunk.filter((_, index) => !rejected.has(index)));
      chunk.forEach((tag) => this.#dataFrom.delete(canonical(tag)));
      answers.add(answer, chunk.length);
      this.#advance(answer.cursor);
    }

    const { missed, reset, rejected, spreadMs } = answers.result;
    const refused: RefusedTag[] = [];
    for (const rejection of rejected) {
      // A refused tag will never be delivered; forgetting it keeps reconnects from sending it again.
      const tag = tags[rejection.index];
      if (tag !== undefined) {
        this.#held.forget(tag);
        refused.push({ tag, rejection });
      }
    }

    if (refused.length > 0) {
      this.#options.emit({ k: "rejected", refused });
    }

    this.#options.emit(reset ? { k: "reset", reason: "cursor-unknown", cursor: this.#cursor, spreadMs } : { k: "missed", tags: missed, cursor: this.#cursor });
  }

  #advance(cursor: string | null | undefined): void {
    this.#cursor = latestCursor(this.#cursor, cursor);
  }

  #setStatus(status: TagInvalidationStatus, error?: TagInvalidationConnectionError): void {
    if (status !== this.#state.status || error) {
      // The error's own fields, as data: BroadcastChannel clones no classes.
      this.#state = { k: "state", status, ...(error && { error: { ...error } }), cursor: this.#cursor };
      this.#options.emit(this.#state);
    }
  }

  // Not logged here: each tab reports it to its listeners (or, with none, logs it) once.
  #fail(error: TagInvalidationConnectionError): void {
    this.#setStatus("failed", error);
  }

  #unreadable = (rule: TagRule, reason: string): void => this.#options.emit({ k: "error", rule, message: `The server sent a tag that is not one: ${reason} (${rule}).` });

  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#options.emit({ k: "error", message: toError(error).message });
    }
  }
}
