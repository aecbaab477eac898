import { queryOptions, useQuery } from "@tanstack/react-query";
import type { QueryMeta } from "@tanstack/query-core";
import { describe, expectTypeOf, test } from "vitest";
import { defineTags, TagRules, withTags, type Tag, type TagRule } from "../../src/index.js";

const appTags = defineTags({
  todos: {
    list: () => ["todos"],
    byId: (id: number) => ["todo", id],
    comments: (id: number) => ["todo", id, "comments"],
  },
  settings: ["settings"],
});

describe("defineTags", () => {
  test("keeps factories and constants typed", () => {
    expectTypeOf(appTags.todos.list()).toEqualTypeOf<[string]>();
    expectTypeOf(appTags.todos.byId).parameters.toEqualTypeOf<[id: number]>();
    expectTypeOf(appTags.todos.byId(5)).toEqualTypeOf<[string, number]>();
    expectTypeOf(appTags.settings).toEqualTypeOf<readonly ["settings"]>();
    expectTypeOf(appTags.todos.comments(1)).toExtend<Tag>();
  });

  test("refuses what is not a tag", () => {
    // @ts-expect-error an object is not a segment
    defineTags({ bad: () => [{}] });
    // @ts-expect-error a tag factory must return an array
    defineTags({ bad: () => "todos" });
    // @ts-expect-error a tag needs at least one segment
    defineTags({ bad: () => [] });
    // @ts-expect-error a nested tree holds tags too
    defineTags({ group: { bad: [null] } });
  });
});

describe("meta.tags", () => {
  test("is typed on every query's meta", () => {
    expectTypeOf<QueryMeta["tags"]>().toEqualTypeOf<readonly Tag[] | undefined>();
    useQuery({ queryKey: ["todos"], queryFn: () => 1, meta: { tags: [appTags.todos.list()] } });
    // @ts-expect-error tags are arrays of segments
    useQuery({ queryKey: ["todos"], queryFn: () => 1, meta: { tags: ["todos"] } });
  });

  test("withTags keeps the options' type, so the data type is inferred", () => {
    const result = useQuery(withTags({ queryKey: ["todo", 5], queryFn: async () => ({ title: "a" }) }, [appTags.todos.byId(5)]));
    expectTypeOf(result.data).toEqualTypeOf<{ title: string } | undefined>();

    const options = withTags(queryOptions({ queryKey: ["todos"], queryFn: async () => [1, 2] }), [appTags.todos.list()]);
    expectTypeOf(options.queryKey).toEqualTypeOf(queryOptions({ queryKey: ["todos"], queryFn: async () => [1, 2] }).queryKey);
  });
});

describe("TagRules", () => {
  test("names each rule in camelCase, typed as the rule's stable name", () => {
    expectTypeOf(TagRules.notAnArray).toEqualTypeOf<"not-an-array">();
    expectTypeOf(TagRules.tooManyTagsPerCall).toEqualTypeOf<"too-many-tags-per-call">();
    expectTypeOf(TagRules.forbidden).toEqualTypeOf<"forbidden">();
    expectTypeOf<(typeof TagRules)[keyof typeof TagRules]>().toEqualTypeOf<TagRule>();
  });
});
