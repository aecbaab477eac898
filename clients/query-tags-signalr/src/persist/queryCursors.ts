// The record that rides in the query cache beside the data it describes, so every persister, and dehydrate, carry it.

/** The query key of the record {@link trackQueryCursors} keeps in the query cache. */
export const queryCursorsKey = ["@querytags/signalr", "cursors"] as const;

/**
 * Whose data the cache holds, and, per query hash, the cursor its data dates from (where its fetch started) with the
 * data's `dataUpdatedAt`: an entry describes that data only, so data saved without its entry is not trusted.
 */
export interface QueryCursors {
  readonly identity: string | null;
  readonly queries: Readonly<Record<string, readonly [cursor: string, dataUpdatedAt: number]>>;
}

/** The record as restored: anything else (an older shape, a hand-edited store) reads as no record. */
export function readQueryCursors(value: unknown): QueryCursors | undefined {
  const record = value as Partial<QueryCursors> | null | undefined;
  const identity = record?.identity;
  const queries = record?.queries;
  if ((identity !== null && typeof identity !== "string") || typeof queries !== "object" || queries === null) {
    return undefined;
  }

  const entries = Object.entries(queries).filter(
    (entry): entry is [string, [string, number]] => Array.isArray(entry[1]) && typeof entry[1][0] === "string" && typeof entry[1][1] === "number",
  );
  return { identity, queries: Object.fromEntries(entries) };
}
