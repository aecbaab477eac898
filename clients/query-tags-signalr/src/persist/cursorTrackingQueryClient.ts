import type { InvalidateQueryFilters } from "@tanstack/query-core";
import { readTag, type Tag } from "../tags.js";

// What trackQueryCursors needs of TanStack's query cache, typed by shape (each adapter pins its own query-core).

/** A query of TanStack's query cache, as far as its cursor is concerned. */
export interface CursorTrackedQuery {
  readonly queryHash: string;
  readonly queryKey: readonly unknown[];
  readonly meta: { readonly tags?: unknown } | undefined;
  readonly state: { readonly data: unknown; readonly dataUpdatedAt: number };
}

/** The part of TanStack's `QueryClient` that `trackQueryCursors` uses, typed by shape as `connectTagInvalidation`'s is. */
export interface CursorTrackingQueryClient {
  getQueryCache(): {
    get(queryHash: string): CursorTrackedQuery | undefined;
    subscribe(listener: (event: { readonly type: string; readonly query: CursorTrackedQuery; readonly action?: { readonly type: string; readonly manual?: boolean } }) => void): () => void;
  };
  setQueryData(queryKey: readonly unknown[], data: unknown, options?: { updatedAt?: number }): unknown;
  setQueryDefaults(queryKey: readonly unknown[], options: { gcTime?: number; staleTime?: number }): void;
  removeQueries(filters: { predicate: (query: CursorTrackedQuery) => boolean }): void;
  invalidateQueries(filters: { predicate: (query: CursorTrackedQuery) => boolean; refetchType?: InvalidateQueryFilters["refetchType"] }): Promise<void>;
}

/** The valid tags of a query's `meta.tags`. */
export function tagsOf(query: CursorTrackedQuery): Tag[] {
  const source = query.meta?.tags;
  const values: unknown[] = Array.isArray(source) ? source : source === undefined ? [] : [source];
  return values.map((value) => readTag(value).tag).filter((tag): tag is Tag => tag !== undefined);
}
