import { expect, test } from "vitest";
import { RecentInvalidationIds } from "../../src/recentInvalidationIds.js";

test("an id is new once", () => {
  const ids = new RecentInvalidationIds();
  expect(ids.tryAdd("a")).toBe(true);
  expect(ids.tryAdd("a")).toBe(false);
  expect(ids.tryAdd("b")).toBe(true);
});

test("the oldest id is forgotten past the capacity", () => {
  const ids = new RecentInvalidationIds(2);
  ids.tryAdd("a");
  ids.tryAdd("b");
  ids.tryAdd("c");
  expect(ids.tryAdd("b")).toBe(false);
  expect(ids.tryAdd("a")).toBe(true);
});
