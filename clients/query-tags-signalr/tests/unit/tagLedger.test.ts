import { describe, expect, test } from "vitest";
import { TagLedger } from "../../src/tagLedger.js";

describe("subscriber counts", () => {
  test("the first subscriber and the last are the ones that matter", () => {
    const ledger = new TagLedger();
    expect(ledger.addSubscriber(["todo", 5])).toBe(true);
    expect(ledger.addSubscriber(["todo", 5])).toBe(false);
    expect(ledger.removeSubscriber(["todo", 5])).toBe(false);
    expect(ledger.heldTags).toEqual([["todo", 5]]);

    expect(ledger.removeSubscriber(["todo", 5])).toBe(true);
    expect(ledger.heldTags).toEqual([]);
  });

  test("equal tags count as one, and types tell tags apart", () => {
    const ledger = new TagLedger();
    ledger.addSubscriber(["todo", 5]);
    expect(ledger.addSubscriber(["todo", 5])).toBe(false);
    expect(ledger.addSubscriber(["todo", "5"])).toBe(true);
    expect(ledger.heldTags).toEqual([["todo", 5], ["todo", "5"]]);
  });

  test("removing a tag nobody holds changes nothing", () => {
    const ledger = new TagLedger();
    expect(ledger.removeSubscriber(["todos"])).toBe(false);
    ledger.addSubscriber(["todos"]);
    ledger.removeSubscriber(["todos"]);
    expect(ledger.removeSubscriber(["todos"])).toBe(false);
    expect(ledger.addSubscriber(["todos"])).toBe(true);
  });
});

describe("what a flush sends", () => {
  test("held tags the server has not joined are due for a subscribe, until it joins them", () => {
    const ledger = new TagLedger();
    ledger.addSubscriber(["a"]);
    ledger.addSubscriber(["b"]);
    expect(ledger.subscribesDue()).toEqual([["a"], ["b"]]);

    ledger.markJoined([["a"]]);
    expect(ledger.subscribesDue()).toEqual([["b"]]);
    expect(ledger.releasesDue()).toEqual([]);
  });

  test("joined tags nobody holds are due for a release, until the server releases them", () => {
    const ledger = new TagLedger();
    ledger.addSubscriber(["a"]);
    ledger.markJoined([["a"]]);
    ledger.removeSubscriber(["a"]);
    expect(ledger.releasesDue()).toEqual([["a"]]);
    expect(ledger.subscribesDue()).toEqual([]);

    ledger.markReleased([["a"]]);
    expect(ledger.releasesDue()).toEqual([]);
  });

  test("a tag released and held again before the flush is neither released nor subscribed", () => {
    const ledger = new TagLedger();
    ledger.addSubscriber(["a"]);
    ledger.markJoined([["a"]]);
    ledger.removeSubscriber(["a"]);
    ledger.addSubscriber(["a"]);

    expect(ledger.releasesDue()).toEqual([]);
    expect(ledger.subscribesDue()).toEqual([]);
  });

  test("a tag the server refused is forgotten whatever its count, and a new subscriber starts it again", () => {
    const ledger = new TagLedger();
    ledger.addSubscriber(["a"]);
    ledger.addSubscriber(["a"]);
    ledger.forget(["a"]);

    expect(ledger.heldTags).toEqual([]);
    expect(ledger.subscribesDue()).toEqual([]);
    expect(ledger.removeSubscriber(["a"])).toBe(false);
    expect(ledger.addSubscriber(["a"])).toBe(true);
  });

  test("after the connection drops every held tag is due again, and nothing is due for a release", () => {
    const ledger = new TagLedger();
    ledger.addSubscriber(["a"]);
    ledger.addSubscriber(["b"]);
    ledger.markJoined([["a"], ["b"]]);
    ledger.removeSubscriber(["b"]);

    ledger.clearJoined();

    expect(ledger.subscribesDue()).toEqual([["a"]]);
    expect(ledger.releasesDue()).toEqual([]);
  });
});
