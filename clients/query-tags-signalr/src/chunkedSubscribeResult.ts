import { latestCursor } from "./cursor.js";
import type { SubscribeResult, TagRejection } from "./protocol.js";
import type { Tag } from "./tags.js";

/**
 * One answer for a subscribe sent in several calls (the server takes a bounded number of tags per call): what any
 * call missed, rejections indexed into the whole list, reset when any call said so (spread over the longest window any asked), and the latest cursor. The .NET
 * client's `ChunkedSubscribeResult` does the same; both are checked against `tests/vectors/client.json`.
 */
export class ChunkedSubscribeResult {
  readonly #missed: Tag[] = [];
  readonly #rejected: TagRejection[] = [];
  #reset = false;
  #spreadMs = 0;
  #cursor: string | null = null;
  #offset = 0;

  /** The merged answer. */
  get result(): SubscribeResult {
    return { cursor: this.#cursor ?? "", reset: this.#reset, missed: this.#missed, rejected: this.#rejected, spreadMs: this.#spreadMs };
  }

  /** Adds the answer to the next call, which sent `chunkLength` tags. */
  add(answer: SubscribeResult, chunkLength: number): void {
    this.#missed.push(...answer.missed);
    this.#rejected.push(...answer.rejected.map((rejection) => ({ ...rejection, index: rejection.index + this.#offset })));
    this.#reset ||= answer.reset;
    this.#spreadMs = Math.max(this.#spreadMs, answer.spreadMs);
    this.#cursor = latestCursor(this.#cursor, answer.cursor);
    this.#offset += chunkLength;
  }
}
