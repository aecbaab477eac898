/**
 * Why the page is back: the browser is online again (`online`), the page came out of the back/forward cache
 * (`pageshow` with `persisted`), a frozen tab resumed (`resume`, Chromium's), or a hidden tab is shown again (`visible`:
 * what Safari and Firefox, which freeze no tabs but suspend or throttle hidden ones, give).
 */
export type PageReturn = "online" | "pageshow" | "resume" | "visible";

/** Calls `listener` each time the page is back; returns the function that stops it. Tests pass their own. */
export type PageReturns = (listener: (reason: PageReturn) => void) => () => void;

/** The browser's events, or undefined outside a browser. */
export function browserPageReturns(): PageReturns | undefined {
  const page = globalThis.window;
  if (typeof page?.addEventListener !== "function") {
    return undefined;
  }

  return (listener) => {
    const listening = new AbortController();
    const { signal } = listening;
    const document = page.document;
    page.addEventListener("online", () => listener("online"), { signal });
    // A first load fires pageshow too; only a page restored from the cache was away.
    page.addEventListener("pageshow", (event) => event.persisted && listener("pageshow"), { signal });
    document?.addEventListener("resume", () => listener("resume"), { signal });
    document?.addEventListener("visibilitychange", () => document.visibilityState === "visible" && listener("visible"), { signal });
    return () => listening.abort();
  };
}
