import type { HubConnection, ILogger } from "@microsoft/signalr";
import type { ConnectionBackend, CursorOrAge, EngineEvent, TabView } from "./connectionBackend.js";
import { failureFrom } from "./connectionError.js";
import { latestCursor } from "./cursor.js";
import { HubEngine } from "./hubEngine.js";
import { Listeners } from "./listeners.js";
import { lazyPageReturns } from "./lazyPageReturns.js";
import type { PageReturns } from "./pageReturns.js";
import { logError, toError } from "./logging.js";
import { describeRejection, readInvalidationIds, type InvalidationMessage } from "./protocol.js";
import { RecentInvalidations } from "./recentInvalidations.js";
import { reconnectPolicyOf } from "./reconnectPolicy.js";
import { StateStore, type TagInvalidationState, type TagInvalidationStatusStore, type ValueStore } from "./status.js";
import { SubscriberCounts } from "./subscriberCounts.js";
import type { TagInvalidationClientSettings } from "./tagInvalidationClientOptions.js";
import type { TagInvalidationEvent, TagRefetch } from "./tagInvalidationEvent.js";
import { canonical, defaultTagLimits, readTag, TagError, toTag, type Tag, type TagLimits } from "./tags.js";

/**
 * A client of the invalidation hub, the counterpart of the .NET `TagInvalidationClient`. It counts subscribers per
 * tag (the server hears of a tag when its first subscriber arrives and its last leaves), sends the changes of one
 * tick together, reports each invalidation once per held tag it matches, and after a reconnect subscribes again
 * with its cursor, reporting what was missed or asking for a reset. Built by {@link createTagInvalidationClient},
 * it shares one connection among the browser's tabs (see `shareConnection`).
 */
export class TagInvalidationClient {
  /** Where the client logs. */
  readonly logger: ILogger;
  /** The tag limits tags are checked against before they are sent. */
  readonly tagLimits: TagLimits;
  /** Where the connection stands (`failed` when it stopped trying), with a subscribe function. */
  readonly status: TagInvalidationStatusStore;
  /** The status with the error that made it `failed` and this tab's role, with a subscribe function. */
  readonly state: ValueStore<TagInvalidationState>;

  readonly #state: StateStore;
  readonly #events: Listeners<TagInvalidationEvent>;
  readonly #backend: ConnectionBackend;
  readonly #held = new SubscriberCounts();
  readonly #recentInvalidations = new RecentInvalidations();
  readonly #firstSubscribeMarginMs: number;
  readonly #pageReturns: PageReturns | undefined;
  #stopFollowingReturns: (() => void) | undefined;
  #cursor: string | null = null;
  // When the first tag was asked for: a subscribe without a cursor asks about everything since then.
  #firstRequestAt: number | undefined;
  #publishScheduled = false;
  // Tags whose data dates from an older cursor (askMissed), until they are held and the backend is asked.
  readonly #asks = new Map<string, { readonly tag: Tag; readonly cursor: string }>();

  /**
   * Adopts `connection` as it is (it reconnects as it was built to; {@link createTagInvalidationClient} builds one
   * with the right reconnect policy). The factory passes a function instead, which makes the connection the
   * browser's tabs share. `pageReturns` tells when the page is back (the browser's `online`, `pageshow` from the
   * back/forward cache and `resume` by default; tests pass their own).
   */
  constructor(
    connection: HubConnection | ((view: TabView) => ConnectionBackend),
    logger: ILogger,
    settings: TagInvalidationClientSettings = {},
    pageReturns: PageReturns | undefined = lazyPageReturns,
  ) {
    this.logger = logger;
    this.#pageReturns = pageReturns;
    this.tagLimits = settings.tagLimits ?? defaultTagLimits;
    this.#firstSubscribeMarginMs = settings.firstSubscribeMarginMs ?? 2000;
    const logListenerError = (error: unknown) => logError(logger, `a listener threw: ${toError(error).message}`);
    this.#events = new Listeners(logListenerError);
    this.#state = new StateStore("own", logListenerError);
    this.state = this.#state;
    this.status = this.#state.status;
    // What the backend sees of this tab; not part of the client's own surface.
    const client = this;
    const view: TabView = {
      get heldTags() {
        return client.heldTags;
      },
      get cursor() {
        return client.#cursor;
      },
      since: () => this.#since(),
      receive: (event) => this.#receive(event),
      mark: (id, tags) => void this.#recentInvalidations.unapplied(id, this.#held.matching(tags)),
      setRole: (role) => this.#state.set({ role }),
    };
    this.#backend =
      typeof connection === "function"
        ? connection(view)
        : new HubEngine({
            connection,
            logger,
            retryPolicy: reconnectPolicyOf(settings),
            maxTagsPerCall: settings.maxTagsPerCall ?? 256,
            emit: view.receive,
          });
  }

  /** The SignalR connection this tab holds: its own, or the shared one while this tab leads; undefined in a follower. */
  get connection(): HubConnection | undefined {
    return this.#backend.connection;
  }

  /** The latest cursor seen, or null before the first subscribe answer. */
  get cursor(): string | null {
    return this.#cursor;
  }

  /** The tags with at least one subscriber in this tab. */
  get heldTags(): Tag[] {
    return this.#held.held;
  }

  /**
   * Starts the connection (when it is disconnected) and subscribes every held tag; with a shared connection, joins
   * the browser's tabs. A failed start is tried again with the reconnect policy; the promise settles once the held
   * tags are subscribed or {@link stop} is called, and rejects with a {@link TagInvalidationConnectionError} (status
   * `failed`) when retrying cannot help (404, 401, 403, a protocol the server lacks) or the policy gives up.
   */
  start(): Promise<void> {
    this.#publish();
    this.#followPageReturns();
    return this.#backend.start();
  }

  /** Stops the connection (a shared one: this tab leaves it) and any start in progress. Held tags are kept for the next start. */
  stop(): Promise<void> {
    this.#stopFollowingReturns?.();
    this.#stopFollowingReturns = undefined;
    return this.#backend.stop();
  }

  /**
   * Stops the connection and starts it again, so the hub reads the user anew: call it after a sign-in or a
   * sign-out. Every held tag is subscribed again under the new identity, and those it may not hold are refused
   * (`rejected` events) and dropped. A shared connection restarts once for all the browser's tabs: call it in the tab
   * that changed the session.
   */
  restart(): Promise<void> {
    this.#publish();
    this.#followPageReturns();
    return this.#backend.restart();
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
      if (this.#held.add(tag)) {
        this.#schedulePublish();
      }
    }
  }

  /** Removes a subscriber from each tag; tags left with none are released on the server with the other changes of this tick. */
  unsubscribe(tags: readonly Tag[]): void {
    for (const value of tags) {
      // An invalid tag was never held.
      const { tag } = readTag(value, this.tagLimits);
      if (tag && this.#held.remove(tag)) {
        this.#schedulePublish();
      }
    }
  }

  /**
   * Applies an invalidation this tab learned of itself, from the response to its own change (the
   * `QueryTags-Invalidation-Id` header, or the id `InvalidateTagsAsync` returned): the held tags it matches are
   * reported now, and its push, when it comes, reports none of them again; if the push came first, nothing is
   * reported. So the tab that made a change refetches once. The header's value may list several ids (a request that
   * saved several times, `"id-1, id-2"`): each is applied, the held tags reported once. With `siblings`, the
   * browser's other tabs on the shared connection count it as applied too and skip its push: for apps that copy the
   * refetched data into the other tabs themselves (TanStack's broadcastQueryClient).
   */
  apply(invalidation: { readonly id: string; readonly tags: readonly Tag[] }, { siblings = false } = {}): void {
    const tags = invalidation.tags.map((tag) => toTag(tag, this.tagLimits));
    const ids = readInvalidationIds(invalidation.id);
    const fresh = this.#recentInvalidations.unappliedOfAny(ids, this.#held.matching(tags));
    if (fresh.length > 0) {
      this.#events.emit({ type: "invalidate", message: { id: invalidation.id, tags, cursor: null, source: null, traceparent: null, spreadMs: 0 }, matchedTags: fresh });
    }

    if (siblings) {
      for (const id of ids) {
        this.#backend.share?.(id, tags);
      }
    }
  }

  /**
   * Asks the hub which of `tags` were invalidated since `cursor`, for data that dates from it (restored from a
   * persisted cache or a server's dehydrated state): they are reported as a `missed` event, or a `reset` when the hub
   * cannot tell (another epoch, or past its retention window). A tag not held yet is asked about once it is
   * subscribed. Throws a {@link TagError} when a tag is invalid.
   */
  askMissed(cursor: string, tags: readonly Tag[]): void {
    for (const tag of tags.map((tag) => toTag(tag, this.tagLimits))) {
      this.#asks.set(canonical(tag), { tag, cursor });
    }

    this.#publish();
  }

  /**
   * Calls `listener` with every {@link TagInvalidationEvent}; returns the function that stops it. Refusals, failures
   * and errors go to the listeners; with none, to the logger.
   */
  listen(listener: (event: TagInvalidationEvent) => void): () => void {
    return this.#events.add(listener);
  }

  /** Tells the listeners what was refetched for an invalidation (a `refetch` event); `connectTagInvalidation` calls it. */
  reportRefetch(refetch: TagRefetch): void {
    this.#events.emit({ type: "refetch", ...refetch });
  }

  // Until stop(): a page back online, out of the back/forward cache or resumed reconnects now, not after the back-off.
  #followPageReturns(): void {
    this.#stopFollowingReturns ??= this.#pageReturns?.(() => this.#backend.wake());
  }

  #since(): CursorOrAge {
    return this.#cursor ?? (this.#firstRequestAt === undefined ? null : Math.ceil(performance.now() - this.#firstRequestAt + this.#firstSubscribeMarginMs));
  }

  #receive(event: EngineEvent): void {
    this.#cursor = latestCursor(this.#cursor, event.k === "message" ? event.message.cursor : event.k === "rejected" || event.k === "error" ? null : event.cursor);
    switch (event.k) {
      case "message":
        this.#events.emit({ type: "message", message: event.message });
        this.#match(event.message);
        break;
      case "missed": {
        const missedTags = event.tags.filter((tag) => this.#held.holds(tag));
        if (missedTags.length > 0) {
          this.#events.emit({ type: "missed", missedTags, cursor: this.#cursor });
        }

        break;
      }

      case "reset":
        this.#events.emit({ type: "reset", reason: event.reason, cursor: this.#cursor, spreadMs: event.spreadMs });
        break;
      case "rejected": {
        // The server will never deliver them: no longer held, and no reconnect sends them again.
        const refused = event.refused.filter(({ tag }) => this.#held.holds(tag));
        refused.forEach(({ tag }) => this.#held.forget(tag));
        if (refused.length > 0) {
          this.#report({ type: "rejected", rejections: refused.map(({ rejection }) => rejection) });
        }

        break;
      }

      case "error":
        this.#report({ type: "error", error: event.rule ? new TagError(event.rule, event.message) : new Error(event.message) });
        break;
      case "state": {
        // A tab that joins a shared connection is told the state again; a failure is reported once.
        if (event.status === "failed" && this.#state.get().status === "failed") {
          break;
        }

        const error = event.error && failureFrom(event.error);
        this.#state.set({ status: event.status, error });
        if (error) {
          this.#report(event.status === "failed" ? { type: "failed", error } : { type: "error", error });
        }
      }
    }
  }

  // Copies of one id reach a connection once per target group it is in; each held tag is applied once.
  #match(message: InvalidationMessage): void {
    const held = this.#held.matching(message.tags);
    const matchedTags = this.#recentInvalidations.unapplied(message.id, held);
    if (matchedTags.length > 0) {
      this.#events.emit({ type: "invalidate", message, matchedTags });
    }

    if (matchedTags.length < held.length) {
      this.#events.emit({ type: "skipped", message, skippedTags: held.filter((tag) => !matchedTags.includes(tag)) });
    }
  }

  // One publish per tick sends what changed since the last: subscribe and unsubscribe of the same tag cancel out.
  // A microtask, not a timer: browsers slow the timers of background tabs to one a second or less.
  #schedulePublish(): void {
    if (!this.#publishScheduled) {
      this.#publishScheduled = true;
      queueMicrotask(() => this.#publish());
    }
  }

  #publish(): void {
    this.#publishScheduled = false;
    this.#backend.publish(this.heldTags, this.#since());
    const asked = new Map<string, Tag[]>();
    for (const [key, { tag, cursor }] of this.#asks) {
      if (this.#held.holds(tag)) {
        this.#asks.delete(key);
        asked.set(cursor, [...(asked.get(cursor) ?? []), tag]);
      }
    }

    asked.forEach((tags, cursor) => this.#backend.askMissed(tags, cursor));
  }

  // A refusal, failure or error must not vanish: with no listener to hear of it, the log says so.
  #report(event: TagInvalidationEvent & { type: "rejected" | "failed" | "error" }): void {
    if (this.#events.size > 0) {
      this.#events.emit(event);
    } else if (event.type === "rejected") {
      event.rejections.forEach((rejection) => logError(this.logger, describeRejection(rejection)));
    } else {
      logError(this.logger, event.error);
    }
  }
}
