import { useContext, useSyncExternalStore } from "react";
import type { TagInvalidationClient } from "../tagInvalidationClient.js";
import type { TagInvalidationStatus } from "../status.js";
import { TagInvalidationContext } from "./TagInvalidationContext.js";

/** The connection status of the provider's client (or of `client`), re-rendering on every change. */
export function useTagInvalidationStatus(client?: TagInvalidationClient): TagInvalidationStatus {
  const provided = useContext(TagInvalidationContext);
  const status = (client ?? provided)?.status;
  if (!status) {
    throw new Error("useTagInvalidationStatus: no client; render it inside <TagInvalidationProvider> or pass a client.");
  }

  return useSyncExternalStore(status.subscribe, status.get, status.get);
}
