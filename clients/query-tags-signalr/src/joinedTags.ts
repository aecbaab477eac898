import { canonical, type Tag } from "./tags.js";
import type { SubscriberCounts } from "./subscriberCounts.js";

/**
 * The tags the server has joined for one connection, as far as its answers tell. Against the held tags it tells what
 * the next flush sends: releases of joined tags nobody holds, subscribes of held tags not joined. So the changes of
 * one tick (or made while a call was in flight) go out together, and a tag subscribed and released in between is
 * never sent. The .NET client's `JoinedTags` does the same job.
 */
export class JoinedTags {
  readonly #joined = new Map<string, Tag>();

  /** Joined tags that nobody holds any more: the server should release them. */
  releasesDue(held: SubscriberCounts): Tag[] {
    return [...this.#joined.values()].filter((tag) => !held.holds(tag));
  }

  /** Held tags the server has not joined: the server should subscribe them. */
  subscribesDue(held: SubscriberCounts): Tag[] {
    return held.held.filter((tag) => !this.#joined.has(canonical(tag)));
  }

  /** The server joined these tags. */
  add(tags: readonly Tag[]): void {
    for (const tag of tags) {
      this.#joined.set(canonical(tag), tag);
    }
  }

  /** The server released these tags. */
  delete(tags: readonly Tag[]): void {
    for (const tag of tags) {
      this.#joined.delete(canonical(tag));
    }
  }

  /** The connection dropped or is new: the server holds nothing for it, so every held tag is due again. */
  clear(): void {
    this.#joined.clear();
  }
}
