// @vitest-environment jsdom
import { afterEach, expect, test } from "vitest";
import { browserPageReturns, type PageReturn } from "../../src/pageReturns.js";

// The browser's events that say the page is back, dispatched as the browser would; a first load's pageshow and a tab
// being hidden are not returns.

let stop: (() => void) | undefined;
afterEach(() => stop?.());

function follow(): PageReturn[] {
  const reasons: PageReturn[] = [];
  stop = browserPageReturns()!((reason) => reasons.push(reason));
  return reasons;
}

function showTab(state: "visible" | "hidden"): void {
  Object.defineProperty(document, "visibilityState", { value: state, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}

test("online, pageshow from the back/forward cache, resume and a tab shown again are returns", () => {
  const reasons = follow();

  window.dispatchEvent(new Event("online"));
  window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: false }));
  window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
  document.dispatchEvent(new Event("resume"));
  showTab("hidden");
  showTab("visible");

  expect(reasons).toEqual(["online", "pageshow", "resume", "visible"]);
});

test("the function it returns stops every listener", () => {
  const reasons = follow();
  stop!();

  window.dispatchEvent(new Event("online"));
  window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
  document.dispatchEvent(new Event("resume"));
  showTab("visible");

  expect(reasons).toEqual([]);
});
