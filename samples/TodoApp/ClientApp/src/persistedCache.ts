import { trackQueryCursors } from "@querytags/signalr/persist";
import type { TagInvalidationClient } from "@querytags/signalr";
import { persistQueryClientRestore, persistQueryClientSubscribe, type PersistedQueryClientSaveOptions } from "@tanstack/query-persist-client-core";
import { createSyncStoragePersister } from "@tanstack/query-sync-storage-persister";
import type { QueryClient } from "@tanstack/react-query";

/** Where the page keeps its query cache between visits. */
export const persistedCacheKey = "todoapp-query-cache";

/**
 * Restores the query cache a previous visit saved in localStorage, and saves it on every change from now on (at most
 * once a second), so a reload or a reopened tab paints at once. The cursor of each query's data is saved with it
 * (`trackQueryCursors`): once connected, the hub is asked what changed since, and only those queries refetch. A cache
 * saved for another user than `identity()` is dropped before anything shows it.
 */
export async function restorePersistedCache(queryClient: QueryClient, client: TagInvalidationClient, identity: () => string | null): Promise<void> {
  trackQueryCursors({ queryClient, client, identity });
  const options: PersistedQueryClientSaveOptions = {
    // query-core's QueryClient, as the persister's copy of query-core types it; Vite bundles one copy.
    queryClient: queryClient as unknown as PersistedQueryClientSaveOptions["queryClient"],
    persister: createSyncStoragePersister({ storage: window.localStorage, key: persistedCacheKey }),
    // The session is read from the server at every start: the cookie, not a saved copy, says who is signed in.
    dehydrateOptions: { shouldDehydrateQuery: (query) => query.state.status === "success" && query.queryKey[0] !== "session" },
  };
  // A cache that cannot be read is discarded by the restore; the page then fetches as on a first visit.
  await persistQueryClientRestore(options).catch(() => undefined);
  persistQueryClientSubscribe(options);
}
