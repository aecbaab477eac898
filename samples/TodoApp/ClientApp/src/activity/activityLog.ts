import { canonicalTag, TagError, type Tag } from "@querytags/signalr";
import type { ConnectionSettings } from "../connectionSettings";

/** One invalidation this window heard of. */
export interface ActivityEntry {
  /**
   * The invalidation's id: the server sends one copy per target group this window is in, all with this id, each
   * carrying the tags that target its group.
   */
  readonly id: string;
  /** The invalidation's tags that reached this window, over all its copies, in canonical form, such as `["todo",5]`. */
  readonly tags: readonly string[];
  readonly receivedAt: Date;
  /** How many copies arrived. */
  readonly copies: number;
  readonly via: ConnectionSettings;
}

/** An error the client reported, such as a tag the server refused to let this window hold. */
export interface ActivityProblem {
  readonly key: number;
  readonly message: string;
  /** A refused tag's rule, such as `forbidden`; undefined for other errors. */
  readonly rule: string | undefined;
  readonly receivedAt: Date;
}

/** What the activity panel shows. */
export interface ActivitySnapshot {
  /** Every `invalidate` message the hub sent this window, copies included. */
  readonly messagesReceived: number;
  /** The latest invalidations, newest first. */
  readonly entries: readonly ActivityEntry[];
  /** The latest errors, newest first. */
  readonly problems: readonly ActivityProblem[];
}

/**
 * The invalidations this window received, newest first, as a store for `useSyncExternalStore`. It counts
 * what came over the wire, before the client matches tags or drops a repeated id, so the count shows exactly
 * what targeted delivery sent here.
 */
export class ActivityLog {
  readonly #listeners = new Set<() => void>();
  #snapshot: ActivitySnapshot = { messagesReceived: 0, entries: [], problems: [] };
  #problemsRecorded = 0;

  constructor(private readonly maxEntries = 12) {}

  getSnapshot = (): ActivitySnapshot => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Records one `invalidate` message as it arrived: `{ id, tags, cursor, source }`. */
  record(message: { readonly id?: unknown; readonly tags?: unknown } | undefined, via: ConnectionSettings): void {
    const id = String(message?.id);
    const { entries, messagesReceived, problems } = this.#snapshot;
    const copy = entries.find((entry) => entry.id === id);
    const tags = readableTags(message?.tags);
    const entry: ActivityEntry = copy
      ? { ...copy, tags: [...copy.tags, ...tags.filter((tag) => !copy.tags.includes(tag))], copies: copy.copies + 1 }
      : { id, tags, receivedAt: new Date(), copies: 1, via };
    this.#snapshot = {
      messagesReceived: messagesReceived + 1,
      entries: [entry, ...entries.filter((other) => other.id !== id)].slice(0, this.maxEntries),
      problems,
    };
    this.#notify();
  }

  /** Records an error of the client (the provider's `onError`), such as a refused tag with rule `forbidden`. */
  recordError(error: Error): void {
    const problem: ActivityProblem = {
      key: ++this.#problemsRecorded,
      message: error.message,
      rule: error instanceof TagError ? error.rule : undefined,
      receivedAt: new Date(),
    };
    this.#snapshot = { ...this.#snapshot, problems: [problem, ...this.#snapshot.problems].slice(0, 3) };
    this.#notify();
  }

  #notify(): void {
    this.#listeners.forEach((listener) => listener());
  }
}

function readableTags(tags: unknown): string[] {
  return (Array.isArray(tags) ? tags : []).map((tag: unknown) => {
    try {
      // canonicalTag checks the value it is given, and reads MessagePack's bigint integers as numbers.
      return canonicalTag(tag as Tag);
    } catch {
      return String(tag);
    }
  });
}
