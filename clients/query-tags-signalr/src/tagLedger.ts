import { canonical, type Tag } from "./tags.js";

interface HeldTag {
  readonly tag: Tag;
  count: number;
  /** Where the first subscriber's data dates from, until the server joins the tag: see {@link TagLedger.sinceOf}. */
  since?: Since | undefined;
}

/** A cursor, or the `performance.now()` from which an age is counted (a tab without a cursor yet). */
export type Since = string | number;

/**
 * The tags a client holds, with their subscriber counts, and the tags the server has joined for its
 * connection, as far as the server's answers tell. The difference between the two is what the next flush
 * sends: releases of joined tags nobody holds, subscribes of held tags not joined. Tags are keyed by their
 * canonical form, so equal tags count as one.
 */
export class TagLedger {
  readonly #held = new Map<string, HeldTag>();
  readonly #joined = new Map<string, Tag>();

  /** The tags with at least one subscriber. */
  get heldTags(): Tag[] {
    return [...this.#held.values()].map((held) => held.tag);
  }

  /** True when `tag` has a subscriber. */
  holds(tag: Tag): boolean {
    return this.#held.has(canonical(tag));
  }

  /**
   * Counts a subscriber of `tag`; true when it is the first, so the server must hear of the tag. `since` is where
   * that subscriber's data dates from: the first subscribe asks the server what it missed from there.
   */
  addSubscriber(tag: Tag, since?: Since): boolean {
    const key = canonical(tag);
    const held = this.#held.get(key);
    if (held) {
      held.count++;
      return false;
    }

    this.#held.set(key, { tag, count: 1, since });
    return true;
  }

  /** Where the data of a held tag the server has not joined yet dates from; undefined once joined (the client's cursor then). */
  sinceOf(tag: Tag): Since | undefined {
    return this.#held.get(canonical(tag))?.since;
  }

  /** Removes a subscriber of `tag`; true when it was the last, so the server may release the tag. A tag not held is ignored. */
  removeSubscriber(tag: Tag): boolean {
    const key = canonical(tag);
    const held = this.#held.get(key);
    if (held && --held.count === 0) {
      this.#held.delete(key);
      return true;
    }

    return false;
  }

  /** Joined tags that nobody holds any more: the server should release them. */
  releasesDue(): Tag[] {
    return [...this.#joined].filter(([key]) => !this.#held.has(key)).map(([, tag]) => tag);
  }

  /** Held tags the server has not joined: the server should subscribe them. */
  subscribesDue(): Tag[] {
    return [...this.#held].filter(([key]) => !this.#joined.has(key)).map(([, held]) => held.tag);
  }

  /** The server released these tags. */
  markReleased(tags: readonly Tag[]): void {
    for (const tag of tags) {
      this.#joined.delete(canonical(tag));
    }
  }

  /** The server joined these tags. */
  markJoined(tags: readonly Tag[]): void {
    for (const tag of tags) {
      const key = canonical(tag);
      this.#joined.set(key, tag);
      const held = this.#held.get(key);
      if (held) {
        held.since = undefined;
      }
    }
  }

  /** The server refused `tag`: it will never be delivered, so it is no longer held, whatever its count, and no reconnect sends it again. */
  forget(tag: Tag): void {
    this.#held.delete(canonical(tag));
  }

  /** The connection dropped or is new: the server holds nothing for it, so every held tag is due again. */
  clearJoined(): void {
    this.#joined.clear();
  }
}
