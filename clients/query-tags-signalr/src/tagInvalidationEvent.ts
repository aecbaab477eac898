import type { InvalidationMessage } from "./protocol.js";
import type { Tag } from "./tags.js";

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
  /** Held tags were invalidated while the client was away or while their subscribe was in flight. */
  | { readonly type: "missed"; readonly missedTags: readonly Tag[]; readonly cursor: string | null }
  /** The server cannot tell what was missed: refetch every tagged query. `reason` is `cursor-unknown` after a subscribe. */
  | { readonly type: "reset"; readonly reason: string; readonly cursor: string | null }
  /**
   * A tag the server refused (a `TagError`), a hub call that failed, or a failure of the connection retrying cannot
   * fix (a `TagInvalidationConnectionError`, with the status `failed`).
   */
  | { readonly type: "error"; readonly error: Error };
