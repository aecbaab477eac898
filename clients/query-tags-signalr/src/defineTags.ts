import type { Tag } from "./tags.js";

/** A function that makes a tag from its arguments, such as `(id: number) => ["todo", id]`. */
export type TagFactory = (...args: never[]) => Tag;

/** A tree of tags and tag factories, grouped by name. */
export interface TagTree {
  readonly [name: string]: Tag | TagFactory | TagTree;
}

/**
 * Declares an application's tags in one place, checked to be tags and typed to the letter:
 * `defineTags({ todos: { list: () => ["todos"], byId: (id: number) => ["todo", id] } })` makes
 * `appTags.todos.byId(5)` a `readonly ["todo", number]`. It returns the tree as it is.
 */
export function defineTags<const TTree extends TagTree>(tree: TTree): TTree {
  return tree;
}
