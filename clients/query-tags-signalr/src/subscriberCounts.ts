import { canonical, tagMatches, type Tag } from "./tags.js";

/**
 * How many subscribers each tag has, keyed by its canonical form (equal tags count as one). The server hears of a
 * tag only when its count leaves zero or returns to it, so `add` and `remove` answer whether it crossed that edge.
 * The .NET client's `SubscriberCounts` does the same job.
 */
export class SubscriberCounts {
  readonly #counts = new Map<string, { readonly tag: Tag; count: number }>();

  /** The tags with at least one subscriber. */
  get held(): Tag[] {
    return [...this.#counts.values()].map((entry) => entry.tag);
  }

  /** True when `tag` has a subscriber. */
  holds(tag: Tag): boolean {
    return this.#counts.has(canonical(tag));
  }

  /** Counts a subscriber of `tag`; true when it is the first, so the server must hear of the tag. */
  add(tag: Tag): boolean {
    const key = canonical(tag);
    const entry = this.#counts.get(key);
    if (entry) {
      entry.count++;
      return false;
    }

    this.#counts.set(key, { tag, count: 1 });
    return true;
  }

  /** Removes a subscriber of `tag`; true when it was the last, so the server may release the tag. A tag not held is ignored. */
  remove(tag: Tag): boolean {
    const key = canonical(tag);
    const entry = this.#counts.get(key);
    if (entry && --entry.count === 0) {
      this.#counts.delete(key);
      return true;
    }

    return false;
  }

  /** The held tags that an invalidation of `invalidated` reaches (each held tag once). */
  matching(invalidated: readonly Tag[]): Tag[] {
    return this.held.filter((held) => invalidated.some((tag) => tagMatches(tag, held)));
  }

  /** The server refused `tag`: it will never be delivered, so it is no longer held, whatever its count, and no reconnect sends it again. */
  forget(tag: Tag): void {
    this.#counts.delete(canonical(tag));
  }
}
