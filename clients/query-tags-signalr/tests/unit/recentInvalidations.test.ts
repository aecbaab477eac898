import { expect, test } from "vitest";
import { RecentInvalidations } from "../../src/recentInvalidations.js";

test("an id is applied to a held tag once", () => {
  const recent = new RecentInvalidations();
  expect(recent.unapplied("a", [["todos"], ["todo", 5]])).toEqual([["todos"], ["todo", 5]]);
  expect(recent.unapplied("a", [["todo", 5]])).toEqual([]);
  expect(recent.unapplied("a", [["todo", 5], ["todo", 6]])).toEqual([["todo", 6]]);
  expect(recent.unapplied("b", [["todo", 5]])).toEqual([["todo", 5]]);
});

test("the oldest id is forgotten past the capacity", () => {
  const recent = new RecentInvalidations(2);
  recent.unapplied("a", [["x"]]);
  recent.unapplied("b", [["x"]]);
  recent.unapplied("c", [["x"]]);
  expect(recent.unapplied("b", [["x"]])).toEqual([]);
  expect(recent.unapplied("a", [["x"]])).toEqual([["x"]]);
});
