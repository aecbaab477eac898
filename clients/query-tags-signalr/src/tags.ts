/** One segment of a tag: a string, an integer within ±(2^53 - 1), or a boolean. */
export type TagSegment = string | number | boolean;

/** A non-empty list of segments, such as `["todo", 5]`. */
export type Tag = readonly TagSegment[];

/** The size limits a tag is checked against; match the server's options. */
export interface TagLimits {
  /** Most segments in one tag. Server default 8. */
  readonly maxSegments: number;
  /** Most UTF-16 code units (JavaScript `length`) in one string segment. Server default 128. */
  readonly maxSegmentLength: number;
}

/** The server's default limits. */
export const defaultTagLimits: TagLimits = { maxSegments: 8, maxSegmentLength: 128 };

// The same sentences as the server's TagRules.Describe (both are tested against the shared vectors' `rules`),
// so both sides explain a rule alike. Keyed by the rule's stable name, as the vectors are: the keys are the rules,
// so no rule is without a sentence.
export const tagRuleDescriptions = {
  "not-an-array": "a tag must be an array of segments",
  "empty": "a tag needs at least one segment",
  "too-many-segments": "a tag has more segments than allowed",
  "segment-too-long": "a string segment is longer than allowed",
  "segment-type": "a segment must be a string, an integer or a boolean",
  "integer-range": "an integer segment must lie within ±9007199254740991 (what a JavaScript number holds exactly)",
  "invalid-string": "a string segment must be well-formed Unicode (no unpaired surrogate, no invalid UTF-8)",
  "too-many-tags-held": "the connection already holds the most distinct tags it may",
  "too-many-groups": "the connection would be in more prefix groups than it may",
  "too-much-tag-text": "the connection would keep more tag text than it may",
  "too-many-tags-per-call": "one call carries more tags than allowed",
  "forbidden": "the connection may not hold the tag",
} as const satisfies Record<string, string>;

/** One of {@link TagRules}. */
export type TagRule = keyof typeof tagRuleDescriptions;

type CamelCase<Name extends string> = Name extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Name;

/** The stable names of the rules a tag or a subscribe call can break, identical to the server's `TagRules`. */
export const TagRules = Object.fromEntries(
  Object.keys(tagRuleDescriptions).map((rule) => [rule.replace(/-./g, (dash) => dash[1]!.toUpperCase()), rule]),
) as { readonly [Rule in TagRule as CamelCase<Rule>]: Rule };

/** A tag read from untrusted input, or the rule the input broke with a sentence for people (`reason`). */
export type TagReadResult =
  | { readonly tag: Tag; readonly rule?: undefined; readonly reason?: undefined }
  | { readonly tag?: undefined; readonly rule: TagRule; readonly reason: string };

/** A tag that breaks a rule, named in {@link TagError.rule}. */
export class TagError extends Error {
  override name = "TagError";

  constructor(
    /** The rule's name, one of {@link TagRules} (or whatever the server named). */
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

const maxInteger = Number.MAX_SAFE_INTEGER;

// An unpaired surrogate: UTF-8 (and so the wire) cannot carry it. No lookbehind, for older Safari.
const unpairedSurrogate = /(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/;

const fail = (rule: TagRule, detail?: string): TagReadResult => ({
  rule,
  reason: detail === undefined ? tagRuleDescriptions[rule] : `${tagRuleDescriptions[rule]}: ${detail}`,
});

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`;

/**
 * Reads a tag from untrusted input without throwing, with the server's rules: structure first (types,
 * integer range, well-formed strings), then the size limits. Integers that a MessagePack reader handed over
 * as bigint become numbers, and -0 becomes 0, so equal tags have equal canonical forms.
 */
export function readTag(value: unknown, limits: TagLimits = defaultTagLimits): TagReadResult {
  if (!Array.isArray(value)) {
    return fail(TagRules.notAnArray, `got ${describe(value)}`);
  }

  if (value.length === 0) {
    return fail(TagRules.empty);
  }

  // Checked before reading segments, as the server does, so a huge array is refused at once.
  if (value.length > limits.maxSegments) {
    return fail(TagRules.tooManySegments, `${value.length} segments, at most ${limits.maxSegments}`);
  }

  const segments: TagSegment[] = [];
  for (let i = 0; i < value.length; i++) {
    let segment: unknown = value[i];
    if (typeof segment === "bigint") {
      if (segment > BigInt(maxInteger) || segment < -BigInt(maxInteger)) {
        return fail(TagRules.integerRange, `segment ${i} is ${segment}`);
      }

      segment = Number(segment);
    }

    if (typeof segment === "number") {
      if (!Number.isInteger(segment)) {
        return fail(TagRules.segmentType, `segment ${i} is the number ${segment}, not an integer`);
      }

      if (!Number.isSafeInteger(segment)) {
        return fail(TagRules.integerRange, `segment ${i} is ${segment}`);
      }

      segment = segment === 0 ? 0 : segment;
    } else if (typeof segment === "string") {
      if (unpairedSurrogate.test(segment)) {
        return fail(TagRules.invalidString, `segment ${i}`);
      }
    } else if (typeof segment !== "boolean") {
      return fail(TagRules.segmentType, `segment ${i} is ${describe(segment)}`);
    }

    segments.push(segment as TagSegment);
  }

  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (typeof segment === "string" && segment.length > limits.maxSegmentLength) {
      return fail(TagRules.segmentTooLong, `segment ${i} has ${segment.length} characters, at most ${limits.maxSegmentLength}`);
    }
  }

  return { tag: segments };
}

/** Reads a tag or throws a {@link TagError} that names the rule it breaks. */
export function toTag(value: unknown, limits: TagLimits = defaultTagLimits): Tag {
  const { tag, rule, reason } = readTag(value, limits);
  if (rule !== undefined) {
    throw new TagError(rule, `Not a tag: ${show(value)}: ${reason} (${rule}).`);
  }

  return tag;
}

/**
 * The canonical form of a tag: its compact JSON text, such as `["todo",5]`, identical to the server's
 * `Tag.Canonical`. Throws a {@link TagError} when the tag breaks a rule.
 */
export function canonicalTag(tag: Tag, limits: TagLimits = defaultTagLimits): string {
  return canonical(toTag(tag, limits));
}

// For tags readTag produced: normalised already, and the server escapes strings exactly like JSON.stringify.
export const canonical = (tag: Tag): string => JSON.stringify(tag);

/**
 * True when `invalidate` matches the held tag: it is a segment-wise, type-sensitive prefix of `held` (or
 * equal to it). `["todo"]` matches `["todo", 5]`; `["todo", 5]` matches neither `["todo", "5"]` nor `["todo"]`.
 */
export function tagMatches(invalidate: Tag, held: Tag): boolean {
  return invalidate.length > 0 && invalidate.length <= held.length && invalidate.every((segment, i) => segment === held[i]);
}

/** A value as compact JSON where it has one, for messages and displays. */
export function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
