import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { canonicalTag, readTag, TagError, tagMatches, TagRules, toTag, type Tag } from "../../src/index.js";
import { tagRuleDescriptions } from "../../src/tags.js";

interface Vectors {
  limits: { maxSegments: number; maxSegmentLength: number };
  rules: Record<string, string>;
  canonical: { input: unknown; canonical: string }[];
  matches: { invalidate: Tag; held: Tag; match: boolean; why: string }[];
  invalid: { input: unknown; rule: string; why: string }[];
}

// The vectors the server's tests read too: both sides must agree on every case.
const vectors: Vectors = JSON.parse(readFileSync(new URL("../../../../tests/vectors/tags.json", import.meta.url), "utf8"));
// These depend on how a number is written in JSON text (5.0, 1e3), which JSON.parse does not keep.
const jsonTextOnly = (why: string) => why.startsWith("JSON text only:");

describe("shared tag vectors", () => {
  test("use the server's default limits", () => {
    expect(vectors.limits).toEqual({ maxSegments: 8, maxSegmentLength: 128 });
  });

  test("name every rule of TagRules, each with the sentence this client uses", () => {
    expect(Object.keys(vectors.rules).sort()).toEqual(Object.values(TagRules).sort());
    expect(Object.keys(tagRuleDescriptions).sort()).toEqual(Object.values(TagRules).sort());
    expect(TagRules.notAnArray).toBe("not-an-array");
    expect(TagRules.tooManyTagsPerCall).toBe("too-many-tags-per-call");
    expect(Object.keys(TagRules)).toHaveLength(Object.keys(vectors.rules).length);
    expect(tagRuleDescriptions).toEqual(vectors.rules);
  });

  test.each(vectors.canonical.map((vector) => [vector.canonical, vector] as const))("canonical %s", (_, { input, canonical }) => {
    expect(canonicalTag(input as Tag)).toBe(canonical);
    expect(canonicalTag(JSON.parse(canonical))).toBe(canonical);
  });

  test.each(vectors.matches.map((vector) => [vector.why, vector] as const))("matches: %s", (_, { invalidate, held, match }) => {
    expect(tagMatches(invalidate, held)).toBe(match);
  });

  test.each(vectors.invalid.filter((vector) => !jsonTextOnly(vector.why)).map((vector) => [vector.why, vector] as const))(
    "invalid: %s",
    (_, { input, rule }) => {
      expect(readTag(input, vectors.limits).rule).toBe(rule);
      expect(() => toTag(input)).toThrow(expect.objectContaining({ name: "TagError", rule }));
    },
  );

  test("the JSON-text-only vectors parse to whole numbers, which are valid tags here", () => {
    const textOnly = vectors.invalid.filter((vector) => jsonTextOnly(vector.why));
    expect(textOnly.length).toBeGreaterThan(0);
    for (const { input } of textOnly) {
      expect(readTag(input).tag).toEqual(input);
    }
  });
});

describe("readTag", () => {
  test("normalises -0 and bigint integers from MessagePack readers", () => {
    expect(readTag([-0]).tag).toEqual([0]);
    expect(Object.is(readTag([-0]).tag![0], 0)).toBe(true);
    expect(readTag(["todo", 9007199254740991n]).tag).toEqual(["todo", 9007199254740991]);
    expect(readTag([9007199254740992n]).rule).toBe(TagRules.integerRange);
    expect(readTag([-9007199254740992n]).rule).toBe(TagRules.integerRange);
  });

  test("refuses non-finite numbers as floats", () => {
    expect(readTag([Infinity]).rule).toBe(TagRules.segmentType);
    expect(readTag([NaN]).rule).toBe(TagRules.segmentType);
  });

  test("checks structure before size, as the server does", () => {
    expect(readTag(["x".repeat(200), 1.5]).rule).toBe(TagRules.segmentType);
  });

  test("applies the limits it is given", () => {
    const limits = { maxSegments: 2, maxSegmentLength: 3 };
    expect(readTag(["a", "b", "c"], limits).rule).toBe(TagRules.tooManySegments);
    expect(readTag(["abcd"], limits).rule).toBe(TagRules.segmentTooLong);
    expect(readTag(["abc", "d"], limits).tag).toEqual(["abc", "d"]);
  });
});

test("a TagError names the tag, the rule and the limit", () => {
  const error = (() => {
    try {
      toTag(["a", "b", "c", "d", "e", "f", "g", "h", "i"]);
    } catch (caught) {
      return caught;
    }
  })();
  expect(error).toBeInstanceOf(TagError);
  expect((error as TagError).rule).toBe("too-many-segments");
  expect((error as TagError).message).toBe(
    'Not a tag: ["a","b","c","d","e","f","g","h","i"]: a tag has more segments than allowed: 9 segments, at most 8 (too-many-segments).',
  );
});
