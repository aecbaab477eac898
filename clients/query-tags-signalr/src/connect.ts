import type { InvalidateQueryFilters } from "@tanstack/query-core";
import type { TagInvalidationClient } from "./tagInvalidationClient.js";
import type { TagInvalidationEvent } from "./tagInvalidationEvent.js";
import { logError, toError } from "./logging.js";
import { describeRejection } from "./protocol.js";
import { refetchSpread } from "./refetchSpread.js";
import { canonical, readTag, TagError, type Tag } from "./tags.js";

/** A router whose loaders run again on `invalidate()`, such as TanStack Router's. */
export interface InvalidatableRouter {
  invalidate(): unknown;
}

/** A query in TanStack's query cache, as far as tags are concerned. */
export interface CachedQuery {
  readonly queryHash: string;
  readonly meta: { readonly tags?: unknown } | undefined;
  /** How many observers it has: one with any is on screen, and refetches first when refetches are spread. */
  getObserversCount?(): number;
}

/**
 * The part of TanStack's `QueryClient` that {@link connectTagInvalidation} uses. Typed by shape, not by
 * query-core's class, so the client of any adapter fits even when it brings its own copy of query-core
 * (adapters pin an exact version, which need not be the one this package resolves).
 */
export interface InvalidatableQueryClient {
  getQueryCache(): {
    getAll(): CachedQuery[];
    get(queryHash: string): CachedQuery | undefined;
    subscribe(listener: (event: { readonly type: string; readonly query: CachedQuery }) => void): () => void;
  };
  invalidateQueries(filters: { predicate: (query: CachedQuery) => boolean; refetchType?: InvalidateQueryFilters["refetchType"] }): Promise<void>;
}

/** What {@link connectTagInvalidation} connects. */
export interface ConnectTagInvalidationOptions {
  /** The `QueryClient` of any TanStack adapter (React, Vue, Solid, Svelte) or of query-core. */
  queryClient: InvalidatableQueryClient;
  client: TagInvalidationClient;
  /** Invalidated after the queries, so its loaders read fresh data. */
  router?: InvalidatableRouter;
  /** Which matching queries refetch at once; the others are marked stale. Default `"active"`. */
  refetchType?: InvalidateQueryFilters["refetchType"];
  /** Receives every error: invalid tags in `meta.tags`, tags the server refused (a `TagError` each), the failure that stopped the client, failed hub calls, a failing router. Default: the client's logger. */
  onError?: (error: Error) => void;
  /**
   * The shortest time between the starts of two refetches of one query that invalidations cause. Invalidations
   * that arrive while its refetch is in flight or within this window cause one more refetch, when both are over,
   * so the last change is always fetched: a burst of D ms refetches a query at most ⌊D / window⌋ + 2 times.
   * Default 250 ms; 0 still keeps one refetch in flight at a time.
   */
  coalesceWindowMs?: number;
}

// The tags of one cached query, and what they were read from, so an unchanged meta is not read again.
interface QueryTags {
  source: unknown;
  signature: string;
  readonly tags: ReadonlyMap<string, Tag>;
}

/**
 * Keeps the client subscribed to the tags of every cached query (`meta.tags`, active or not, from `added`
 * to `removed` in the query cache) and invalidates the matching queries when the server says so: once per
 * invalidation id and tag, every tagged query on a reset. Returns the cleanup, which removes every listener and
 * releases every tag. It does not start or stop the client.
 */
export function connectTagInvalidation(options: ConnectTagInvalidationOptions): () => void {
  const { queryClient, client, router, refetchType = "active", onError, coalesceWindowMs = 250 } = options;
  const queryCache = queryClient.getQueryCache();
  const held = new Map<CachedQuery, QueryTags>();
  // Per query refetched by an invalidation: when the next may start (Infinity while it is in flight), and whether
  // one more is due then.
  const pace = new Map<CachedQuery, { until: number; due?: boolean }>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const spread = refetchSpread<CachedQuery>(
    (planned) => invalidate((_, query) => query === planned, "coalesced"),
    (query) => (query.getObserversCount?.() ?? 0) > 0,
  );

  const report = (error: unknown): void => {
    try {
      (onError ?? ((failure: Error) => logError(client.logger, failure)))(toError(error));
    } catch (failure) {
      logError(client.logger, failure);
    }
  };

  function track(query: CachedQuery): void {
    const source = query.meta?.tags;
    const previous = held.get(query);
    // Adapters pass new options on every render; the same array needs no second look.
    if (previous?.source === source) {
      return;
    }

    const tags = new Map<string, Tag>();
    const invalid: TagError[] = [];
    for (const value of Array.isArray(source) ? source : source === undefined ? [] : [source]) {
      const { tag, rule, reason } = readTag(value, client.tagLimits);
      if (tag) {
        tags.set(canonical(tag), tag);
      } else {
        invalid.push(new TagError(rule, `Query ${query.queryHash}: meta.tags holds a value that is not a tag: ${reason} (${rule}).`));
      }
    }

    const signature = [...tags.keys(), ...invalid.map((error) => error.message)].join("\n");
    if (previous?.signature === signature) {
      previous.source = source;
      return;
    }

    // Reported when they change, not on every render that repeats them.
    invalid.forEach(report);

    if (source === undefined) {
      held.delete(query);
    } else {
      held.set(query, { source, signature, tags });
    }

    client.subscribe([...tags].filter(([key]) => !previous?.tags.has(key)).map(([, tag]) => tag));
    if (previous) {
      client.unsubscribe([...previous.tags].filter(([key]) => !tags.has(key)).map(([, tag]) => tag));
    }
  }

  function release(query: CachedQuery): void {
    const previous = held.get(query);
    pace.delete(query);
    spread.cancel(query);
    if (previous) {
      held.delete(query);
      client.unsubscribe([...previous.tags.values()]);
    }
  }

  // Refetches the queries still due at `until`. A query refetched meanwhile has a new entry, which schedules its own.
  function later(queries: CachedQuery[], until: number): void {
    const entries = queries.map((query) => [query, pace.get(query)] as const);
    const timer = setTimeout(() => {
      timers.delete(timer);
      refetch(entries.filter(([query, entry]) => entry?.due && pace.get(query) === entry).map(([query]) => query), "coalesced");
    }, until - performance.now());
    timers.add(timer);
  }

  // Refetches `queries` and tells the client's listeners what it refetched and held back for `cause`.
  function refetch(queries: CachedQuery[], cause: string, coalesced: CachedQuery[] = [], always = false): void {
    const settled = queries.length > 0 || always ? start(queries) : undefined;
    if (queries.length + coalesced.length > 0) {
      client.reportRefetch({ cause, queries, coalesced, settled });
    }
  }

  function start(queries: CachedQuery[]): Promise<unknown> {
    const until = performance.now() + coalesceWindowMs;
    const batch = new Set(queries);
    batch.forEach((query) => (spread.cancel(query), pace.set(query, { until: Infinity })));
    return queryClient
      .invalidateQueries({ predicate: (query) => batch.has(query), refetchType })
      .then(() => router?.invalidate())
      .catch(report)
      .finally(() => {
        const again = [...batch].filter((query) => {
          const entry = pace.get(query);
          return entry && ((entry.until = until), entry.due);
        });
        if (again.length > 0) {
          later(again, until);
        }
      });
  }

  // Refetches the matching queries at once, except those refetched within the window or in flight: they are due
  // once more when that is over. With a spread, marks them invalid now and plans their refetches over it.
  function invalidate(matches: (tags: ReadonlyMap<string, Tag>, query: CachedQuery) => boolean, cause: string, always = false, spreadMs = 0): void {
    const now = performance.now();
    const due: CachedQuery[] = [];
    const coalesced: CachedQuery[] = [];
    const waiting = new Map<number, CachedQuery[]>();
    for (const [query, entry] of held) {
      const paced = pace.get(query);
      if (entry.tags.size === 0 || !matches(entry.tags, query)) {
        continue;
      } else if (spreadMs > 0 || !paced || now >= paced.until) {
        due.push(query);
        continue;
      }

      coalesced.push(query);
      if (!paced.due) {
        paced.due = true;
        // One in flight schedules its next when it settles.
        if (paced.until !== Infinity) {
          waiting.set(paced.until, [...(waiting.get(paced.until) ?? []), query]);
        }
      }
    }

    if (spreadMs > 0) {
      const marked = new Set(due);
      queryClient.invalidateQueries({ predicate: (query) => marked.has(query), refetchType: "none" }).catch(report);
      spread.plan(due, spreadMs);
      // Held back for now: the planned refetch reports them as "coalesced", as a window's later refetch does.
      if (due.length > 0) {
        client.reportRefetch({ cause, queries: [], coalesced: due });
      }

      return;
    }

    waiting.forEach(later);
    refetch(due, cause, coalesced, always);
  }

  const invalidateTags = (tags: readonly Tag[], cause: string, spreadMs?: number): void => {
    const keys = tags.map(canonical);
    invalidate((held) => keys.some((key) => held.has(key)), cause, false, spreadMs);
  };

  function onEvent(event: TagInvalidationEvent): void {
    switch (event.type) {
      case "invalidate":
        invalidateTags(event.matchedTags, event.message.id, event.message.spreadMs);
        break;
      case "missed":
        invalidateTags(event.missedTags, "missed");
        break;
      case "reset":
        invalidate(() => true, "reset", true, event.spreadMs);
        break;
      case "rejected":
        event.rejections.forEach((rejection) => report(new TagError(rejection.rule, describeRejection(rejection))));
        break;
      case "failed":
      case "error":
        report(event.error);
        break;
    }
  }

  const stopListening = client.listen((event) => {
    try {
      onEvent(event);
    } catch (error) {
      report(error);
    }
  });

  const stopFollowing = queryCache.subscribe((event) => {
    try {
      if (event.type === "removed") {
        release(event.query);
      } else if (queryCache.get(event.query.queryHash) === event.query) {
        // added, updated, observerOptionsUpdated…: any of them may carry new meta. A query already removed may
        // still finish a fetch; it is not followed again.
        track(event.query);
      }
    } catch (error) {
      report(error);
    }
  });

  for (const query of queryCache.getAll()) {
    try {
      track(query);
    } catch (error) {
      report(error);
    }
  }

  return () => {
    stopFollowing();
    stopListening();
    timers.forEach(clearTimeout);
    spread.stop();
    for (const query of [...held.keys()]) {
      release(query);
    }
  };
}
