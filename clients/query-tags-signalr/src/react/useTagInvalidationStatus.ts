import { useContext, useSyncExternalStore } from "react";
import type { TagInvalidationClient } from "../tagInvalidationClient.js";
import type { TagInvalidationState, TagInvalidationStatus, ValueStore } from "../status.js";
import { TagInvalidationContext } from "./TagInvalidationContext.js";

function useChosenClient(client: TagInvalidationClient | undefined, hook: string): TagInvalidationClient {
  // Called always: a hook may not be skipped.
  const provided = useContext(TagInvalidationContext);
  const chosen = client ?? provided;
  if (!chosen) {
    throw new Error(`${hook}: no client; render it inside <TagInvalidationProvider> or pass a client.`);
  }

  return chosen;
}

function useClientStore<T>(client: TagInvalidationClient | undefined, store: (client: TagInvalidationClient) => ValueStore<T>, hook: string): T {
  const { subscribe, get } = store(useChosenClient(client, hook));
  return useSyncExternalStore(subscribe, get, get);
}

/** The provider's client, for `apply()` in a mutation's `onSuccess` and the like. */
export function useTagInvalidationClient(): TagInvalidationClient {
  return useChosenClient(undefined, "useTagInvalidationClient");
}

/** The connection status of the provider's client (or of `client`), re-rendering on every change; `failed` when it stopped trying. */
export function useTagInvalidationStatus(client?: TagInvalidationClient): TagInvalidationStatus {
  return useClientStore(client, (chosen) => chosen.status, "useTagInvalidationStatus");
}

/**
 * The status with the error that made it `failed` (a `TagInvalidationConnectionError` with a `hint` to show) and the
 * tab's role on a shared connection (`leader`, `follower`, or `own`), re-rendering on every change.
 */
export function useTagInvalidationState(client?: TagInvalidationClient): TagInvalidationState {
  return useClientStore(client, (chosen) => chosen.state, "useTagInvalidationState");
}
