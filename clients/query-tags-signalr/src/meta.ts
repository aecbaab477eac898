import type { QueryKey, QueryMeta } from "@tanstack/query-core";
import type { Tag } from "./tags.js";

/**
 * The type of `meta` on every query once this package is imported: `meta.tags` holds the query's tags. To
 * add fields of your own, augment this interface (`declare module "@querytags/signalr"`), since TanStack's
 * `Register` takes one `queryMeta`.
 */
export interface TagQueryMeta extends Record<string, unknown> {
  /** The tags whose invalidation refetches this query. */
  tags?: readonly Tag[];
}

declare module "@tanstack/query-core" {
  // Augmenting query-core covers every adapter (React, Vue, Solid, Svelte, Angular) at once.
  interface Register {
    queryMeta: TagQueryMeta;
  }
}

/**
 * The query options with `tags` added to their `meta`, other meta fields kept:
 * `useQuery(withTags({ queryKey: ["todo", id], queryFn }, [appTags.todo.byId(id)]))`.
 */
// queryKey keeps the constraint from being a weak type, which an options literal without meta would not match.
export function withTags<TOptions extends { queryKey: QueryKey; meta?: QueryMeta | undefined }>(options: TOptions, tags: readonly Tag[]): TOptions {
  return { ...options, meta: { ...options.meta, tags } };
}
