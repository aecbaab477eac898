import { canonical, type Tag } from "./tags.js";

/**
 * The held tags each of the last few invalidation ids was applied to. A connection in several target groups
 * receives one copy per group, all with the same id and each with the tags that target its group; an id is
 * applied to a held tag once.
 */
export class RecentInvalidations {
  // A Map iterates in insertion order, so its first entry is the oldest.
  readonly #applied = new Map<string, Set<string>>();

  constructor(readonly capacity = 1024) {}

  /** The tags of `held` that `id` was not applied to yet; from now on they count as applied. */
  unapplied(id: string, held: readonly Tag[]): Tag[] {
    let applied = this.#applied.get(id);
    if (!applied) {
      applied = new Set();
      this.#applied.set(id, applied);
      if (this.#applied.size > this.capacity) {
        this.#applied.delete(this.#applied.keys().next().value!);
      }
    }

    const fresh: Tag[] = [];
    for (const tag of held) {
      const key = canonical(tag);
      if (!applied.has(key)) {
        applied.add(key);
        fresh.push(tag);
      }
    }

    return fresh;
  }

  /**
   * The tags of `held` that any of `ids` was not applied to yet, each once; from now on they count as applied for
   * every one of `ids`. For a change that saved several times: a held tag one of its ids has not reached is reported,
   * since that save's data may be newer than the last refetch.
   */
  unappliedOfAny(ids: readonly string[], held: readonly Tag[]): Tag[] {
    const fresh = new Map<string, Tag>();
    for (const id of ids) {
      for (const tag of this.unapplied(id, held)) {
        fresh.set(canonical(tag), tag);
      }
    }

    return [...fresh.values()];
  }
}
