import type { TagInvalidationConnectionError } from "./connectionError.js";
import type { InvalidationMessage, TagRejection } from "./protocol.js";
import type { Tag } from "./tags.js";

/**
 * The queries `connectTagInvalidation` refetched for one cause, as reported by `TagInvalidationClient.reportRefetch`:
 * the query cache's own queries.
 */
export interface TagRefetch {
  /** The invalidation id; `missed` or `reset` after a subscribe; `coalesced` for the refetch that follows a coalesced one. */
  readonly cause: string;
  /** The queries refetched now (inactive ones are marked stale instead, with the default `refetchType`). */
  readonly queries: readonly { readonly queryHash: string }[];
  /** Matching queries not refetched now: their refetch was in flight or within the coalesce window, and runs once more after it. */
  readonly coalesced: readonly { readonly queryHash: string }[];
  /** Settles (never rejects) when the refetches are over, each query's state then saying whether it failed; undefined when none ran. */
  readonly settled?: Promise<unknown>;
}

/** What a `TagInvalidationClient` reports to its `listen` listeners. */
export type TagInvalidationEvent =
  /**
   * An invalidate message as it reached this tab (over its connection, or relayed by the tab that holds the shared
   * one), before it is matched to held tags: every copy, matching or not. For counting and logs; `invalidate` is
   * the one to act on.
   */
  | { readonly type: "message"; readonly message: InvalidationMessage }
  /** An invalidation matched held tags. Raised once per invalidation id and held tag (copies for several target groups share the id). */
  | { readonly type: "invalidate"; readonly message: InvalidationMessage; readonly matchedTags: readonly Tag[] }
  /**
   * An invalidation matched held tags it was applied to already, so they do not refetch again: by this tab's own
   * change (`apply()`), a sibling tab's (`apply()` with `siblings`), or an earlier copy of the same id. For tools
   * that show why a query did not refetch, such as the devtools panel.
   */
  | { readonly type: "skipped"; readonly message: InvalidationMessage; readonly skippedTags: readonly Tag[] }
  /** What `connectTagInvalidation` refetched for an invalidation, `missed` or `reset` (see {@link TagRefetch}). */
  | ({ readonly type: "refetch" } & TagRefetch)
  /** Held tags were invalidated while the client was away or while their subscribe was in flight. */
  | { readonly type: "missed"; readonly missedTags: readonly Tag[]; readonly cursor: string | null }
  /**
   * The server cannot tell what was missed: refetch every tagged query, spread over `spreadMs` (0: at once) so a
   * server's clients do not all refetch in the same second. `reason` is `cursor-unknown` after a subscribe.
   */
  | { readonly type: "reset"; readonly reason: string; readonly cursor: string | null; readonly spreadMs: number }
  /**
   * The server refused tags of a subscribe, each with its rule (`forbidden` when the user may not hold it, or a limit)
   * and reason; `index` points into the whole subscribe the client sent. They are no longer held and are not sent
   * again. With no listener, each is logged as an error. The .NET client's `Rejected` event.
   */
  | { readonly type: "rejected"; readonly rejections: readonly TagRejection[] }
  /**
   * The client stopped trying (the status is `failed`): a failure retrying cannot fix (no hub at the URL, 401, 403, a
   * protocol the server lacks) or a reconnect policy that gave up. `restart()` or `start()` tries again. The .NET
   * client's `Failed` event.
   */
  | { readonly type: "failed"; readonly error: TagInvalidationConnectionError }
  /**
   * Something that went wrong without stopping the client: a hub call that failed while connected, a tag from the
   * server that is not one (a `TagError`), or a first start that keeps failing (a `TagInvalidationConnectionError` of
   * failure `unreachable`, while the status stays `connecting`). The .NET client's `Error` event.
   */
  | { readonly type: "error"; readonly error: Error };
