interface ParsedCursor {
  readonly epoch: string;
  readonly sequence: bigint;
}

// "epoch:sequence", split at the last ':' like the server's InvalidationCursor.TryParse.
function parseCursor(text: string | null | undefined): ParsedCursor | undefined {
  const colon = text?.lastIndexOf(":") ?? -1;
  const sequence = text?.slice(colon + 1);
  return colon > 0 && sequence && /^\d+$/.test(sequence) ? { epoch: text!.slice(0, colon), sequence: BigInt(sequence) } : undefined;
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
