import type { TagSegment } from "./tags.js";

/** A tag with at least one segment, checked when it is written. */
export type NonEmptyTag = readonly [TagSegment, ...TagSegment[]];

/** A function that makes a tag from its arguments, such as `(id: number) => ["todo", id]`. */
export type TagFactory = (...args: never[]) => NonEmptyTag;

/** A tree of tags and tag factories, grouped by name. */
export interface TagTree {
  readonly [name: string]: NonEmptyTag | TagFactory | TagTree;
}

/**
 * Declares an application's tags in one place, typed and checked to be tags as they are written:
 * `defineTags({ todos: { list: () => ["todos"], byId: (id: number) => ["todo", id] } })` makes
 * `appTags.todos.byId` a `(id: number) => [string, number]`, and refuses `() => []` or `() => [{}]`.
 * It returns the tree as it is.
 */
export function defineTags<const TTree extends TagTree>(tree: TTree): TTree {
  return tree;
}
