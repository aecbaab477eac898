interface ParsedCursor {
  readonly epoch: string;
  readonly sequence: bigint;
}

// The server's sequence is a 64-bit signed integer.
const maxSequence = 2n ** 63n - 1n;

// "epoch:sequence", split at the last ':' like the server's InvalidationCursor.TryParse; "age:…" is a subscribe's
// other form, never a cursor.
function parseCursor(text: string | null | undefined): ParsedCursor | undefined {
  const colon = text?.lastIndexOf(":") ?? -1;
  const sequence = text?.slice(colon + 1);
  const parsed = colon > 0 && sequence && /^\d+$/.test(sequence) && !text!.startsWith("age:") ? BigInt(sequence) : undefined;
  return parsed !== undefined && parsed <= maxSequence ? { epoch: text!.slice(0, colon), sequence: parsed } : undefined;
}

/**
 * The cursor to keep after receiving `candidate`: of the same epoch the later one; of another epoch the
 * candidate, since it is the newest received (the server's log was lost and started again). Text that is
 * not a cursor is ignored.
 */
export function latestCursor(current: string | null, candidate: string | null | undefined): string | null {
  const next = parseCursor(candidate);
  if (!next) {
    return current;
  }

  const known = parseCursor(current);
  return known && known.epoch === next.epoch && known.sequence > next.sequence ? current : candidate!;
}

/**
 * The cursor `ms` milliseconds before `cursor`, as the server reads an age: its sequences are its log's clock in
 * microseconds. For data fetched before the client had a cursor. Null when `cursor` is not one.
 */
export function cursorBefore(cursor: string | null, ms: number): string | null {
  const known = parseCursor(cursor);
  if (!known) {
    return null;
  }

  const sequence = known.sequence - BigInt(Math.ceil(ms * 1000));
  return `${known.epoch}:${sequence > 0n ? sequence : 0n}`;
}

/** The epoch of a cursor (what comes before its last ':'), or null when it is not one. */
export const cursorEpoch = (cursor: string | null | undefined): string | null => parseCursor(cursor)?.epoch ?? null;
