import { canonical, readTag, type Tag, type TagLimits } from "../tags.js";

/** A query of TanStack's query cache, as far as the panel reads it. Typed by shape, as `connectTagInvalidation`'s are. */
export interface ObservedQuery {
  readonly queryHash: string;
  readonly queryKey: unknown;
  readonly meta: { readonly tags?: unknown } | undefined;
  readonly state: { readonly status: string; readonly error: unknown; readonly isInvalidated?: boolean };
}

/** The part of a TanStack `QueryClient` the panel reads (any adapter's, or query-core's). */
export interface ObservedQueryClient {
  getQueryCache(): {
    getAll(): ObservedQuery[];
    get(queryHash: string): ObservedQuery | undefined;
    subscribe(listener: () => void): () => void;
  };
}

/** The valid tags in a query's `meta.tags`, by canonical form. */
export function tagsOf(query: ObservedQuery, limits: TagLimits): Map<string, Tag> {
  const tags = new Map<string, Tag>();
  const source = query.meta?.tags;
  for (const value of Array.isArray(source) ? source : source === undefined ? [] : [source]) {
    const { tag } = readTag(value, limits);
    if (tag) {
      tags.set(canonical(tag), tag);
    }
  }

  return tags;
}

/**
 * The tags whose invalidation refetches a query holding `tags`: every prefix of each (an invalidation matches a held
 * tag it is a segment-wise prefix of), shortest first.
 */
export function tagsThatRefetch(tags: Iterable<Tag>): Tag[] {
  const prefixes = new Map<string, Tag>();
  for (const tag of tags) {
    for (let length = 1; length <= tag.length; length++) {
      const prefix = tag.slice(0, length);
      prefixes.set(canonical(prefix), prefix);
    }
  }

  return [...prefixes.values()].sort((a, b) => a.length - b.length);
}
