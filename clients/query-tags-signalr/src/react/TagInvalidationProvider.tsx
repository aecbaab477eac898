import { useEffect, useRef, type ReactNode } from "react";
import { logError } from "../logging.js";
import { connectTagInvalidation, type ConnectTagInvalidationOptions } from "../connect.js";
import { TagInvalidationContext } from "./TagInvalidationContext.js";

/** Props of {@link TagInvalidationProvider}: what {@link connectTagInvalidation} takes, and the children. */
export interface TagInvalidationProviderProps extends ConnectTagInvalidationOptions {
  /** Receives every error; the latest function is used, so an inline one does not reconnect. Default: the client's logger. */
  onError?: (error: Error) => void;
  children?: ReactNode;
}

/**
 * Connects the query cache to the client and starts the connection while mounted; stops both when
 * unmounted. Render it inside (or beside) TanStack's `QueryClientProvider`.
 */
export function TagInvalidationProvider({ client, queryClient, router, refetchType, coalesceWindowMs, onError, children }: TagInvalidationProviderProps) {
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  });

  useEffect(() => {
    const report = (error: Error) => (onErrorRef.current ?? ((failure: Error) => logError(client.logger, failure)))(error);
    const disconnect = connectTagInvalidation({ queryClient, client, router, refetchType, coalesceWindowMs, onError: report });
    // A failed start is an error event too, which reaches onError through the connection above.
    client.start().catch(() => undefined);
    return () => {
      disconnect();
      client.stop().catch(report);
    };
  }, [client, queryClient, router, refetchType, coalesceWindowMs]);

  return <TagInvalidationContext.Provider value={client}>{children}</TagInvalidationContext.Provider>;
}
