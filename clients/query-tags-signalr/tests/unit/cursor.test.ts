import { expect, test } from "vitest";
import { latestCursor } from "../../src/index.js";

test("of the same epoch the larger sequence is kept", () => {
  expect(latestCursor("a:5", "a:7")).toBe("a:7");
  expect(latestCursor("a:7", "a:5")).toBe("a:7");
  expect(latestCursor("a:9", "a:10")).toBe("a:10");
});

test("sequences past 2^53 compare exactly", () => {
  expect(latestCursor("a:9007199254740993", "a:9007199254740992")).toBe("a:9007199254740993");
});

test("of another epoch the newest received is kept", () => {
  expect(latestCursor("a:70", "b:1")).toBe("b:1");
});

test("the epoch ends at the last colon", () => {
  expect(latestCursor("x:y:5", "x:y:4")).toBe("x:y:5");
  expect(latestCursor("x:y:5", "x:z:4")).toBe("x:z:4");
});

test("what is not a cursor is ignored", () => {
  expect(latestCursor(null, "a:1")).toBe("a:1");
  for (const text of [null, undefined, "", "a", ":5", "a:", "a:-1", "a:1.5"]) {
    expect(latestCursor("a:3", text)).toBe("a:3");
  }
});
