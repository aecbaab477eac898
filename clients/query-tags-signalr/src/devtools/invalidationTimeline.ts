import type { InvalidationMessage } from "../protocol.js";
import type { TagInvalidationClient } from "../tagInvalidationClient.js";
import type { TagInvalidationEvent, TagRefetch } from "../tagInvalidationEvent.js";
import { canonical } from "../tags.js";
import type { ObservedQueryClient } from "./observedQueries.js";
import { tagsOf } from "./observedQueries.js";
import type { QueryOutcome, SkipReason, TimelineEntry } from "./timelineEntry.js";

type InvalidationEntry = TimelineEntry & { kind: "invalidation" };
type SubscribeAnswerEntry = TimelineEntry & { kind: "missed" | "reset" };

/** What {@link InvalidationTimeline} observes. */
export interface InvalidationTimelineOptions {
  readonly client: TagInvalidationClient;
  readonly queryClient: ObservedQueryClient;
  /** How many entries it keeps; the oldest go first. Default 100. */
  readonly capacity?: number;
}

/**
 * The last invalidations a tab heard of, `missed`, `reset` and rejected tags, each with the queries it matched and
 * what became of their refetches. Built from the client's events alone (and the app's own query cache), so it shows
 * nothing the connection did not receive. Framework-free: the panel renders it, and tests read it.
 */
export class InvalidationTimeline {
  readonly client: TagInvalidationClient;
  readonly queryClient: ObservedQueryClient;
  readonly capacity: number;
  readonly #entries: TimelineEntry[] = [];
  readonly #invalidations = new Map<string, InvalidationEntry>();
  // A `missed` or `reset` and the refetch it causes arrive in one turn, in either order: they meet here.
  readonly #answering = new Map<"missed" | "reset", SubscribeAnswerEntry>();
  // Per query, the outcomes held back by the coalesce window, which the refetch after it settles.
  readonly #coalesced = new Map<string, QueryOutcome[]>();
  readonly #listeners = new Set<() => void>();
  readonly #stops: (() => void)[];
  #lastMessage: InvalidationMessage | undefined;

  constructor({ client, queryClient, capacity = 100 }: InvalidationTimelineOptions) {
    this.client = client;
    this.queryClient = queryClient;
    this.capacity = capacity;
    this.#stops = [client.listen((event) => this.#receive(event)), client.state.subscribe(this.#changed), queryClient.getQueryCache().subscribe(this.#changed)];
  }

  /** The entries, oldest first. */
  get entries(): readonly TimelineEntry[] {
    return this.#entries;
  }

  /** Calls `listener` after every change (an entry, an outcome, the connection's state, the query cache); returns the function that stops it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stops observing. */
  dispose(): void {
    this.#stops.forEach((stop) => stop());
    this.#listeners.clear();
  }

  /** The newest entry that refetched the query (or held it back), with what became of it: "why did this refetch?". */
  whyRefetched(queryHash: string): { entry: TimelineEntry; outcome: QueryOutcome } | undefined {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const entry = this.#entries[i]!;
      const outcome = entry.kind === "rejected" ? undefined : entry.queries.find((query) => query.queryHash === queryHash && query.status !== "skipped");
      if (outcome) {
        return { entry, outcome };
      }
    }

    return undefined;
  }

  #changed = (): void => this.#listeners.forEach((listener) => listener());

  #receive(event: TagInvalidationEvent): void {
    switch (event.type) {
      case "message":
        this.#lastMessage = event.message;
        return;
      case "invalidate": {
        const entry = this.#invalidation(event.message);
        // apply() builds its own message; a push is the one the client just heard.
        entry.own ||= event.message !== this.#lastMessage;
        entry.matchedTags.push(...event.matchedTags);
        break;
      }

      case "skipped": {
        const known = this.#invalidations.get(event.message.id);
        const entry = this.#invalidation(event.message);
        const reason: SkipReason = !known ? "own change in another tab" : known.own ? "own change" : "earlier copy";
        entry.skipped.push({ tags: event.skippedTags, reason });
        const skipped = new Set(event.skippedTags.map(canonical));
        for (const query of this.queryClient.getQueryCache().getAll()) {
          if ([...tagsOf(query, this.client.tagLimits).keys()].some((key) => skipped.has(key)) && !entry.queries.some((known) => known.queryHash === query.queryHash)) {
            entry.queries.push({ queryHash: query.queryHash, queryKey: query.queryKey, status: "skipped", reason });
          }
        }

        break;
      }

      case "missed":
        Object.assign(this.#answer("missed"), { tags: event.missedTags, cursor: event.cursor });
        break;
      case "reset":
        Object.assign(this.#answer("reset"), { reason: event.reason, cursor: event.cursor });
        break;
      case "rejected":
        this.#add({ kind: "rejected", at: Date.now(), rejections: event.rejections });
        break;
      case "refetch":
        this.#refetch(event);
        break;
      default:
        return;
    }

    this.#changed();
  }

  #refetch(refetch: TagRefetch): void {
    const cache = this.queryClient.getQueryCache();
    const began = performance.now();
    const running: QueryOutcome[] = [];
    if (refetch.cause === "coalesced") {
      // The refetch the window held back: it settles the outcomes of every invalidation that was coalesced into it.
      for (const { queryHash } of refetch.queries) {
        for (const outcome of this.#coalesced.get(queryHash) ?? []) {
          Object.assign(outcome, { status: "running", afterCoalescing: true });
          running.push(outcome);
        }

        this.#coalesced.delete(queryHash);
      }
    } else {
      const entry = refetch.cause === "missed" || refetch.cause === "reset" ? this.#answer(refetch.cause) : this.#invalidation({ id: refetch.cause });
      const outcome = (queryHash: string, status: QueryOutcome["status"]): QueryOutcome => {
        const found: QueryOutcome = { queryHash, queryKey: cache.get(queryHash)?.queryKey, status };
        entry.queries.push(found);
        return found;
      };
      running.push(...refetch.queries.map(({ queryHash }) => outcome(queryHash, "running")));
      for (const { queryHash } of refetch.coalesced) {
        const held = Object.assign(outcome(queryHash, "skipped"), { reason: "coalesced" as const });
        this.#coalesced.set(queryHash, [...(this.#coalesced.get(queryHash) ?? []), held]);
      }
    }

    void refetch.settled?.then(() => {
      for (const outcome of running) {
        const state = cache.get(outcome.queryHash)?.state;
        outcome.durationMs = Math.round(performance.now() - began);
        // An inactive query is marked stale, not refetched (refetchType "active"): it refetches when next used.
        outcome.status = state?.status === "error" ? "error" : state?.isInvalidated ? "stale" : "ok";
        if (state?.status === "error") {
          outcome.error = state.error instanceof Error ? state.error.message : String(state.error);
        }
      }

      this.#changed();
    });
  }

  #invalidation(message: Pick<InvalidationMessage, "id"> & Partial<InvalidationMessage>): InvalidationEntry {
    let entry = this.#invalidations.get(message.id);
    if (!entry) {
      entry = { kind: "invalidation", id: message.id, at: Date.now(), tags: [], matchedTags: [], own: false, skipped: [], source: null, traceparent: null, queries: [] };
      this.#invalidations.set(message.id, entry);
      this.#add(entry);
    }

    // Copies for several target groups each carry the tags of theirs; a push carries what apply() cannot know.
    const tags = new Map([...entry.tags, ...(message.tags ?? [])].map((tag) => [canonical(tag), tag]));
    entry.tags = [...tags.values()];

    entry.source ??= message.source ?? null;
    entry.traceparent ??= message.traceparent ?? null;
    return entry;
  }

  #answer(kind: "missed" | "reset"): SubscribeAnswerEntry {
    let entry = this.#answering.get(kind);
    if (!entry) {
      entry = kind === "missed" ? { kind, at: Date.now(), tags: [], cursor: null, queries: [] } : { kind, at: Date.now(), reason: "", cursor: null, queries: [] };
      this.#answering.set(kind, entry);
      this.#add(entry);
      queueMicrotask(() => this.#answering.delete(kind));
    }

    return entry;
  }

  #add(entry: TimelineEntry): void {
    this.#entries.push(entry);
    while (this.#entries.length > this.capacity) {
      const oldest = this.#entries.shift()!;
      if (oldest.kind === "invalidation") {
        this.#invalidations.delete(oldest.id);
      }
    }
  }
}
