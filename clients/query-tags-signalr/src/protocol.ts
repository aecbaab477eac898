import { readTag, type Tag, type TagRule } from "./tags.js";

/** The hub's method names, as the server's `InvalidationHubMethods`. */
export const InvalidationHubMethods = {
  subscribe: "Subscribe",
  unsubscribe: "Unsubscribe",
  invalidate: "invalidate",
  reset: "reset",
} as const;

/** The payload of the server's `invalidate` event. */
export interface InvalidationMessage {
  /** Unique per invalidation call; the client applies an id once. */
  readonly id: string;
  /** Every tag of the invalidation call. */
  readonly tags: readonly Tag[];
  /** The log position of this invalidation. */
  readonly cursor: string | null;
  /**
   * Free text the publisher attached (the node or the user that caused it), or null. The wire field is `origin`; the
   * .NET `InvalidationMessage.Source` is the same text.
   */
  readonly source: string | null;
  /**
   * The W3C `traceparent` of the publish (`00-{trace id}-{span id}-{flags}`), so work the client does for it can
   * join the trace of the change that caused it; null when the publisher was not traced.
   */
  readonly traceparent: string | null;
  /** Milliseconds over which to spread the refetches, on screen first (wire field `spread`); 0 for at once. */
  readonly spreadMs: number;
}

/** The payload of the server's `reset` event: it cannot prove nothing was missed. */
export interface ResetMessage {
  readonly reason: string;
  readonly cursor: string | null;
  /** As {@link InvalidationMessage.spreadMs}. */
  readonly spreadMs: number;
}

/** One tag of a subscribe call that the server refused. */
export interface TagRejection {
  /** The position of the tag in the call's list. */
  readonly index: number;
  /** The tag as it was sent, as compact JSON. */
  readonly tag: string;
  /** One of `TagRules`. */
  readonly rule: string;
  readonly reason: string;
}

/** The answer to `Subscribe(tags, cursor)`. */
export interface SubscribeResult {
  readonly cursor: string;
  readonly reset: boolean;
  readonly missed: readonly Tag[];
  readonly rejected: readonly TagRejection[];
  /** With `reset`: as {@link InvalidationMessage.spreadMs}. */
  readonly spreadMs: number;
}

/** The sentence for a tag the server refused, as errors and logs give it. */
export const describeRejection = (rejection: Pick<TagRejection, "tag" | "rule" | "reason">): string =>
  `The server refused tag ${rejection.tag}: ${rejection.reason} (${rejection.rule}).`;

/**
 * The invalidation ids of a `QueryTags-Invalidation-Id` header: one, or several for a request that saved several
 * times (`"id-1, id-2"`, an HTTP list).
 */
export const readInvalidationIds = (header: string): string[] =>
  header
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);

// The server's limits apply to what clients send; what it sends back is checked for structure only.
const unlimited = { maxSegments: Infinity, maxSegmentLength: Infinity };

type Wire = Record<string, unknown> | null | undefined;

/** The longest refetch spread a client accepts from a server, as the .NET client's. */
export const longestSpreadMs = 60_000;

// Any value: a hostile or broken server can neither fail a message nor park refetches for long.
const spread = (value: unknown): number => {
  const ms = typeof value === "bigint" || typeof value === "number" ? Math.floor(Number(value)) : 0;
  return ms > 0 ? Math.min(ms, longestSpreadMs) : 0;
};

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** Called with the rule and the reason of a tag from the server that is not one. */
export type OnInvalidTag = (rule: TagRule, reason: string) => void;

function readTags(value: unknown, onInvalid: OnInvalidTag): Tag[] {
  const tags: Tag[] = [];
  for (const item of Array.isArray(value) ? value : []) {
    const { tag, rule, reason } = readTag(item, unlimited);
    if (tag) {
      tags.push(tag);
    } else {
      onInvalid(rule, reason);
    }
  }

  return tags;
}

// Readers ignore members they do not know, so the server can add fields; numbers from MessagePack may be bigint.
export const readInvalidationMessage = (wire: Wire, onInvalid: OnInvalidTag): InvalidationMessage => ({
  id: String(wire?.id),
  tags: readTags(wire?.tags, onInvalid),
  cursor: text(wire?.cursor),
  source: text(wire?.origin),
  traceparent: text(wire?.traceparent),
  spreadMs: spread(wire?.spread),
});

export const readResetMessage = (wire: Wire): ResetMessage => ({ reason: String(wire?.reason ?? ""), cursor: text(wire?.cursor), spreadMs: spread(wire?.spread) });

export const readSubscribeResult = (wire: Wire, onInvalid: OnInvalidTag): SubscribeResult => ({
  cursor: String(wire?.cursor ?? ""),
  reset: wire?.reset === true,
  missed: readTags(wire?.missed, onInvalid),
  rejected: (Array.isArray(wire?.rejected) ? wire.rejected : []).map((rejection: Wire) => ({
    index: Number(rejection?.index),
    tag: String(rejection?.tag),
    rule: String(rejection?.rule),
    reason: String(rejection?.reason),
  })),
  spreadMs: spread(wire?.spread),
});
