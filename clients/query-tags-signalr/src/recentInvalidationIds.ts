/**
 * The last few invalidation ids seen. A connection in several target groups receives one message per group,
 * all with the same id; applying it once is enough.
 */
export class RecentInvalidationIds {
  // A Set iterates in insertion order, so its first entry is the oldest.
  readonly #ids = new Set<string>();

  constructor(readonly capacity = 1024) {}

  /** True the first time an id is seen. */
  tryAdd(id: string): boolean {
    if (this.#ids.has(id)) {
      return false;
    }

    this.#ids.add(id);
    if (this.#ids.size > this.capacity) {
      this.#ids.delete(this.#ids.values().next().value!);
    }

    return true;
  }
}
