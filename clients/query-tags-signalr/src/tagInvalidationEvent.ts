import type { TagInvalidationConnectionError } from "./connectionError.js";
import type { InvalidationMessage, TagRejection } from "./protocol.js";
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
