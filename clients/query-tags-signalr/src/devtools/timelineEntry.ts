import type { TagRejection } from "../protocol.js";
import type { Tag } from "../tags.js";

/** Why a query an invalidation matched did not refetch for it. */
export type SkipReason = "own change" | "own change in another tab" | "earlier copy" | "coalesced";

/** What became of one query an invalidation, `missed` or `reset` matched. */
export interface QueryOutcome {
  readonly queryHash: string;
  readonly queryKey: unknown;
  /** `running` until its refetch settles; `stale` when it was inactive (marked, not refetched); `skipped` with a {@link SkipReason}. */
  status: "running" | "ok" | "error" | "stale" | "skipped";
  reason?: SkipReason;
  /** How long the refetch took, in milliseconds (the batch it was part of). */
  durationMs?: number;
  /** The query's error message, when its refetch failed. */
  error?: string;
  /** The refetch ran after the coalesce window of an earlier one. */
  afterCoalescing?: boolean;
}

/** One row of the timeline, newest last. `at` is `Date.now()` when the browser heard of it. */
export type TimelineEntry =
  | {
      readonly kind: "invalidation";
      readonly id: string;
      readonly at: number;
      /** The invalidation's tags, and the held tags it matched here. */
      tags: readonly Tag[];
      matchedTags: Tag[];
      /** Learned from this tab's own change (`apply()`) before, or instead of, its push. */
      own: boolean;
      /** Held tags a copy of it matched that were applied already, and why: its queries did not refetch again. */
      readonly skipped: { readonly tags: readonly Tag[]; readonly reason: SkipReason }[];
      source: string | null;
      traceparent: string | null;
      readonly queries: QueryOutcome[];
    }
  | { readonly kind: "missed"; readonly at: number; tags: readonly Tag[]; cursor: string | null; readonly queries: QueryOutcome[] }
  | { readonly kind: "reset"; readonly at: number; reason: string; cursor: string | null; readonly queries: QueryOutcome[] }
  | { readonly kind: "rejected"; readonly at: number; readonly rejections: readonly TagRejection[] };
