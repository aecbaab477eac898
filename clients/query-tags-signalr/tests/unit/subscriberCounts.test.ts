import { describe, expect, test } from "vitest";
import { JoinedTags } from "../../src/joinedTags.js";
import { SubscriberCounts } from "../../src/subscriberCounts.js";

describe("subscriber counts", () => {
  test("the first subscriber and the last are the ones that matter", () => {
    const counts = new SubscriberCounts();
    expect(counts.add(["todo", 5])).toBe(true);
    expect(counts.add(["todo", 5])).toBe(false);
    expect(counts.remove(["todo", 5])).toBe(false);
    expect(counts.held).toEqual([["todo", 5]]);

    expect(counts.remove(["todo", 5])).toBe(true);
    expect(counts.held).toEqual([]);
  });

  test("equal tags count as one, and types tell tags apart", () => {
    const counts = new SubscriberCounts();
    counts.add(["todo", 5]);
    expect(counts.add(["todo", 5])).toBe(false);
    expect(counts.add(["todo", "5"])).toBe(true);
    expect(counts.held).toEqual([["todo", 5], ["todo", "5"]]);
  });

  test("removing a tag nobody holds changes nothing", () => {
    const counts = new SubscriberCounts();
    expect(counts.remove(["todos"])).toBe(false);
    counts.add(["todos"]);
    counts.remove(["todos"]);
    expect(counts.remove(["todos"])).toBe(false);
    expect(counts.add(["todos"])).toBe(true);
  });

  test("a tag the server refused is forgotten whatever its count, and a new subscriber starts it again", () => {
    const counts = new SubscriberCounts();
    counts.add(["a"]);
    counts.add(["a"]);
    counts.forget(["a"]);

    expect(counts.held).toEqual([]);
    expect(counts.remove(["a"])).toBe(false);
    expect(counts.add(["a"])).toBe(true);
  });

  test("an invalidation matches the held tags it is a prefix of", () => {
    const counts = new SubscriberCounts();
    [["todo", 5], ["todo", 6], ["todos"], ["user", 5]].forEach((tag) => counts.add(tag));

    expect(counts.matching([["todo"]])).toEqual([["todo", 5], ["todo", 6]]);
    expect(counts.matching([["todo", 5], ["todos"], ["todo", 5, "x"]])).toEqual([["todo", 5], ["todos"]]);
    expect(counts.matching([["user", "5"]])).toEqual([]);
  });
});

describe("what a flush sends", () => {
  test("held tags the server has not joined are due for a subscribe, until it joins them", () => {
    const held = new SubscriberCounts();
    const joined = new JoinedTags();
    held.add(["a"]);
    held.add(["b"]);
    expect(joined.subscribesDue(held)).toEqual([["a"], ["b"]]);

    joined.add([["a"]]);
    expect(joined.subscribesDue(held)).toEqual([["b"]]);
    expect(joined.releasesDue(held)).toEqual([]);
  });

  test("joined tags nobody holds are due for a release, until the server releases them", () => {
    const held = new SubscriberCounts();
    const joined = new JoinedTags();
    held.add(["a"]);
    joined.add([["a"]]);
    held.remove(["a"]);
    expect(joined.releasesDue(held)).toEqual([["a"]]);
    expect(joined.subscribesDue(held)).toEqual([]);

    joined.delete([["a"]]);
    expect(joined.releasesDue(held)).toEqual([]);
  });

  test("a tag released and held again before the flush is neither released nor subscribed", () => {
    const held = new SubscriberCounts();
    const joined = new JoinedTags();
    held.add(["a"]);
    joined.add([["a"]]);
    held.remove(["a"]);
    held.add(["a"]);

    expect(joined.releasesDue(held)).toEqual([]);
    expect(joined.subscribesDue(held)).toEqual([]);
  });

  test("after the connection drops every held tag is due again, and nothing is due for a release", () => {
    const held = new SubscriberCounts();
    const joined = new JoinedTags();
    held.add(["a"]);
    held.add(["b"]);
    joined.add([["a"], ["b"]]);
    held.remove(["b"]);

    joined.clear();

    expect(joined.subscribesDue(held)).toEqual([["a"]]);
    expect(joined.releasesDue(held)).toEqual([]);
  });
});
