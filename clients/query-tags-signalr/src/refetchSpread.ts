/**
 * Refetches planned over a window the server asked for (a reset, or an invalidation many clients hold), so its
 * clients do not all refetch in the same second: a query on screen at a random moment of the window's first half,
 * the others in its second half. A query planned already keeps its moment, which is still after the new change; a
 * query refetched meanwhile for another reason, or gone, is taken off the plan.
 */
export function refetchSpread<Q>(refetch: (query: Q) => void, onScreen: (query: Q) => boolean, random: () => number = Math.random) {
  const planned = new Map<Q, ReturnType<typeof setTimeout>>();
  const cancel = (query: Q): void => {
    clearTimeout(planned.get(query));
    planned.delete(query);
  };

  return {
    plan(queries: readonly Q[], windowMs: number): void {
      for (const query of queries) {
        if (!planned.has(query)) {
          const delay = (onScreen(query) ? 0 : windowMs / 2) + (random() * windowMs) / 2;
          planned.set(query, setTimeout(() => (planned.delete(query), refetch(query)), delay));
        }
      }
    },
    cancel,
    stop: (): void => planned.forEach((_, query) => cancel(query)),
  };
}
