import type { PageReturns } from "./pageReturns.js";

/**
 * The browser's page returns (see `browserPageReturns`), their code imported at the first start instead of with the
 * core entry; outside a browser they never fire.
 */
export const lazyPageReturns: PageReturns = (listener) => {
  let stop: (() => void) | undefined;
  let stopped = false;
  void import("./pageReturns.js").then(({ browserPageReturns }) => {
    stop = stopped ? undefined : browserPageReturns()?.(listener);
  });
  return () => {
    stopped = true;
    stop?.();
  };
};
