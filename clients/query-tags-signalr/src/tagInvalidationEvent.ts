import type { InvalidationMessage } from "./protocol.js";
import type { Tag } from "./tags.js";

/** What a `TagInvalidationClient` reports to its `listen` listeners. */
export type TagInvalidationEvent =
  /** An invalidation matched held tags. Raised once per invalidation id and held tag (copies for several target groups share the id). */
  | { readonly type: "invalidate"; readonly message: InvalidationMessage; readonly matchedTags: readonly Tag[] }
  /** Held tags were invalidated while the client was away or while their subscribe was in flight. */
  | { readonly type: "missed"; readonly missedTags: readonly Tag[]; readonly cursor: string | null }
  /** The server cannot tell what was missed: refetch every tagged query. `reason` is `cursor-unknown` after a subscribe. */
  | { readonly type: "reset"; readonly reason: string; readonly cursor: string | null }
  /** A tag the server refused, a hub call that failed. */
  | { readonly type: "error"; readonly error: Error };
