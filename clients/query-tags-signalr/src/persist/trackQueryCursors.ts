import type { InvalidateQueryFilters } from "@tanstack/query-core";
import { cursorBefore, cursorEpoch, latestCursor } from "../cursor.js";
import { logError, toError } from "../logging.js";
import type { TagInvalidationClient } from "../tagInvalidationClient.js";
import type { Tag } from "../tags.js";
import { tagsOf, type CursorTrackedQuery, type CursorTrackingQueryClient } from "./cursorTrackingQueryClient.js";
import { queryCursorsKey, readQueryCursors, type QueryCursors } from "./queryCursors.js";

/** What {@link trackQueryCursors} connects. */
export interface TrackQueryCursorsOptions {
  /** The `QueryClient` whose cache is persisted (`persistQueryClient`, any persister) or dehydrated. */
  queryClient: CursorTrackingQueryClient;
  client: TagInvalidationClient;
  /**
   * Who the cached data belongs to: the signed-in user's id, or null for nobody. A restored cache saved under
   * another identity (or without one) is removed before anything shows it. Without this option, identities are not
   * compared: give the persister a `buster` per user instead.
   */
  identity?: () => string | null;
  /** Which restored queries that cannot be trusted refetch at once; the others are marked stale. Default `"active"`. */
  refetchType?: InvalidateQueryFilters["refetchType"];
  /** Receives errors (a failing removal or refetch). Default: the client's logger. */
  onError?: (error: Error) => void;
  /** Taken off the client's cursor for data fetched before it had one, as the server's ages are. Default 2000 ms. */
  marginMs?: number;
}

// Where a fetch started: the client's cursor, or the performance.now() of a start before the client had one.
type FetchStart = string | number;

/**
 * Keeps, beside each query's data in the query cache, the cursor at which its fetch started (a reserved query,
 * {@link queryCursorsKey}), so any persister and `dehydrate` carry it. When a cache is restored (`hydrate`), it asks
 * the hub what changed since each restored query's cursor: the queries whose tags it names refetch, none when nothing
 * changed, every one on a reset (another epoch, or past the retention window). Restored data without its cursor
 * refetches; restored data of another identity is removed. Call it before the cache is restored. Returns the cleanup.
 */
export function trackQueryCursors(options: TrackQueryCursorsOptions): () => void {
  const { queryClient, client, identity, refetchType = "active", onError, marginMs = 2000 } = options;
  const cache = queryClient.getQueryCache();
  const trackedSince = Date.now();
  // The record's gcTime: it has no observer, and must outlive every query it describes.
  queryClient.setQueryDefaults(queryCursorsKey, { gcTime: Infinity, staleTime: Infinity });

  const starts = new Map<CursorTrackedQuery, FetchStart>();
  const cursors = new Map<string, readonly [string, number]>();
  // Data fetched before the client had a cursor: its start and its dataUpdatedAt, until the client has one.
  const early = new Map<string, readonly [number, number]>();
  const restored = new Set<CursorTrackedQuery>();
  let restoredRecord: QueryCursors | undefined;
  let written: QueryCursors | undefined;
  let writeDue = false;
  let checkDue = false;
  let cursorWait: ReturnType<typeof setTimeout> | undefined;

  const report = (error: unknown): void => {
    try {
      (onError ?? ((failure: Error) => logError(client.logger, failure)))(toError(error));
    } catch (failure) {
      logError(client.logger, failure);
    }
  };

  const isRecord = (query: CursorTrackedQuery): boolean => query.queryKey[0] === queryCursorsKey[0] && query.queryKey[1] === queryCursorsKey[1];

  // Microtasks run outside the cache's listener, where nothing else would catch what they throw.
  const guarded = (action: () => void) => () => {
    try {
      action();
    } catch (error) {
      report(error);
    }
  };

  function changed(): void {
    if (!writeDue) {
      writeDue = true;
      queueMicrotask(guarded(write));
    }
  }

  // A stamp that decreases, so a record a restore brings is always newer than the tab's own and replaces it
  // (hydrate keeps whichever data is newer).
  function write(): void {
    writeDue = false;
    written = { identity: identity?.() ?? null, queries: Object.fromEntries(cursors) };
    queryClient.setQueryData(queryCursorsKey, written, { updatedAt: -Date.now() });
  }

  function settle(query: CursorTrackedQuery, start: FetchStart | undefined): void {
    const { queryHash, state } = query;
    cursors.delete(queryHash);
    early.delete(queryHash);
    // A fetch that began before the tracking did has no known start: its data is not trusted.
    if (typeof start === "string") {
      cursors.set(queryHash, [start, state.dataUpdatedAt]);
    } else if (typeof start === "number") {
      early.set(queryHash, [start, state.dataUpdatedAt]);
      dateEarlyData();
    }

    changed();
  }

  // Data fetched before the client had a cursor dates from that long before the first cursor it has.
  function dateEarlyData(): void {
    const cursor = client.cursor;
    clearTimeout(cursorWait);
    cursorWait = undefined;
    if (early.size === 0) {
      return;
    } else if (cursor === null) {
      // Nothing tells when the first subscribe is answered; it comes within the first second or so of a start.
      cursorWait = setTimeout(guarded(dateEarlyData), 100);
      return;
    }

    const now = performance.now();
    for (const [queryHash, [start, dataUpdatedAt]] of early) {
      cursors.set(queryHash, [cursorBefore(cursor, now - start + marginMs)!, dataUpdatedAt]);
    }

    early.clear();
    changed();
  }

  function restoredQuery(query: CursorTrackedQuery): void {
    if (isRecord(query)) {
      if (query.state.data !== written) {
        restoredRecord = readQueryCursors(query.state.data) ?? { identity: null, queries: {} };
        restoredRecord = identity ? restoredRecord : { ...restoredRecord, identity: null };
      }
    } else {
      restored.add(query);
    }

    if (!checkDue) {
      checkDue = true;
      // After the whole hydrate: the record may come before or after the queries it describes.
      queueMicrotask(guarded(check));
    }
  }

  function check(): void {
    checkDue = false;
    const record = restoredRecord;
    restoredRecord = undefined;
    const entryOf = (query: CursorTrackedQuery) => record?.queries[query.queryHash] ?? cursors.get(query.queryHash);
    // Data born in this page without an entry (a query's initialData) was not restored: TanStack's rules apply to it.
    const queries = [...restored].filter(
      (query) => cache.get(query.queryHash) === query && query.state.data !== undefined && (entryOf(query) !== undefined || query.state.dataUpdatedAt < trackedSince),
    );
    restored.clear();
    if (queries.length === 0) {
      return;
    }

    // Another user's data, or data nobody can say whose it is, is never shown.
    if (identity && (record === undefined || record.identity !== identity())) {
      const foreign = new Set(queries);
      queries.forEach((query) => cursors.delete(query.queryHash));
      queryClient.removeQueries({ predicate: (query) => foreign.has(query) });
      changed();
      return;
    }

    const untrusted = new Set<CursorTrackedQuery>();
    const asks = new Map<string, { cursor: string; tags: Tag[] }>();
    for (const query of queries) {
      const entry = entryOf(query);
      const epoch = cursorEpoch(entry?.[0]);
      if (!entry || entry[1] !== query.state.dataUpdatedAt || epoch === null) {
        untrusted.add(query);
        cursors.delete(query.queryHash);
        continue;
      }

      cursors.set(query.queryHash, entry);
      // One ask per epoch, from its oldest cursor.
      const ask = asks.get(epoch) ?? { cursor: entry[0], tags: [] };
      ask.cursor = latestCursor(ask.cursor, entry[0]) === ask.cursor ? entry[0] : ask.cursor;
      ask.tags.push(...tagsOf(query));
      asks.set(epoch, ask);
    }

    for (const { cursor, tags } of asks.values()) {
      try {
        client.askMissed(cursor, tags);
      } catch (error) {
        report(error);
      }
    }

    if (untrusted.size > 0) {
      queryClient.invalidateQueries({ predicate: (query) => untrusted.has(query), refetchType }).catch(report);
    }

    changed();
  }

  const stopFollowing = cache.subscribe((event) => {
    try {
      const { query, action } = event;
      const data = query.state.data;
      // hydrate builds a query with its data, or sets the state of one that exists.
      if ((event.type === "added" && data !== undefined) || action?.type === "setState") {
        if (data !== undefined) {
          restoredQuery(query);
        }
      } else if (isRecord(query)) {
        return;
      } else if (event.type === "removed") {
        starts.delete(query);
        cursors.delete(query.queryHash);
        early.delete(query.queryHash);
        changed();
      } else if (action?.type === "fetch") {
        starts.set(query, client.cursor ?? performance.now());
      } else if (action?.type === "success") {
        // Data the app set itself dates from now; fetched data from where its fetch started.
        settle(query, action.manual ? (client.cursor ?? performance.now()) : starts.get(query));
        starts.delete(query);
      } else if (action?.type === "error") {
        starts.delete(query);
      }
    } catch (error) {
      report(error);
    }
  });

  return () => {
    stopFollowing();
    clearTimeout(cursorWait);
  };
}
