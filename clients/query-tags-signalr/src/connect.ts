import type { InvalidateQueryFilters } from "@tanstack/query-core";
import type { TagInvalidationClient } from "./tagInvalidationClient.js";
import type { TagInvalidationEvent } from "./tagInvalidationEvent.js";
import { logError, toError } from "./logging.js";
import { canonical, readTag, TagError, type Tag } from "./tags.js";

/** A router whose loaders run again on `invalidate()`, such as TanStack Router's. */
export interface InvalidatableRouter {
  invalidate(): unknown;
}

/** A query in TanStack's query cache, as far as tags are concerned. */
export interface CachedQuery {
  readonly queryHash: string;
  readonly meta: { readonly tags?: unknown } | undefined;
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
  /** Receives every error: invalid tags in `meta.tags`, tags the server refused, failed hub calls, a failing router. Default: the client's logger. */
  onError?: (error: Error) => void;
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
  const { queryClient, client, router, refetchType = "active", onError } = options;
  const queryCache = queryClient.getQueryCache();
  const held = new Map<CachedQuery, QueryTags>();

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
    if (previous) {
      held.delete(query);
      client.unsubscribe([...previous.tags.values()]);
    }
  }

  function invalidate(matches: (tags: ReadonlyMap<string, Tag>) => boolean, always = false): void {
    const queries = new Set([...held].filter(([, entry]) => entry.tags.size > 0 && matches(entry.tags)).map(([query]) => query));
    if (queries.size === 0 && !always) {
      return;
    }

    queryClient
      .invalidateQueries({ predicate: (query) => queries.has(query), refetchType })
      .then(() => router?.invalidate())
      .catch(report);
  }

  const invalidateTags = (tags: readonly Tag[]): void => {
    const keys = tags.map(canonical);
    invalidate((held) => keys.some((key) => held.has(key)));
  };

  function onEvent(event: TagInvalidationEvent): void {
    switch (event.type) {
      case "invalidate":
        invalidateTags(event.matchedTags);
        break;
      case "missed":
        invalidateTags(event.missedTags);
        break;
      case "reset":
        invalidate(() => true, true);
        break;
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
    for (const query of [...held.keys()]) {
      release(query);
    }
  };
}
