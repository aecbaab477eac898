import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { TagInvalidationProvider } from "@querytags/signalr/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ActivityLog } from "./activity/activityLog";
import { recordInvalidations } from "./activity/recordInvalidations";
import { readConnectionSettings } from "./connectionSettings";
import { restorePersistedCache } from "./persistedCache";
import { fetchSession, sessionQuery } from "./session/sessionApi";
import { SessionSwitch } from "./session/sessionSwitch";
import { createClientFor } from "./tagInvalidationClient";
import { createAppRouter } from "./router";
import "./styles.css";

const connection = readConnectionSettings(window.location.search);
const client = createClientFor(connection);
const activityLog = new ActivityLog();
recordInvalidations(client, activityLog, connection);

// Data changes only when the server says so: no refetch on focus or on a timer, so what a window shows new
// came through an invalidation (and the sample shows the mechanism, not a poll).
const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: Infinity, refetchOnWindowFocus: false } },
});
const sessionSwitch = new SessionSwitch(client, queryClient);
const router = createAppRouter({ queryClient, activityLog, connection, sessionSwitch });

// For the browser console (and the browser test): try `todoApp.client.subscribe([["user", "alice", "todos"]])`
// as bob, and the activity panel shows the server's refusal, rule "forbidden".
declare global {
  interface Window {
    todoApp: { client: typeof client; queryClient: QueryClient };
  }
}
window.todoApp = { client, queryClient };

// `/?devtools` adds TanStack Devtools with the Query tags panel; its code is loaded only then.
if (new URLSearchParams(window.location.search).has("devtools")) {
  void import("./devtools").then(({ mountDevtools }) => mountDevtools(client, queryClient));
}

// Who is signed in comes first: a saved cache of another user must be dropped before anything shows it. Then the
// saved cache, before the router's loaders run, so they find its data instead of fetching.
async function restore(): Promise<void> {
  const session = await fetchSession().catch(() => ({ user: null }));
  queryClient.setQueryData(sessionQuery().queryKey, session);
  await restorePersistedCache(queryClient, client, () => queryClient.getQueryData(sessionQuery().queryKey)?.user ?? null);
}

void restore().then(() =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <TagInvalidationProvider client={client} queryClient={queryClient} router={router} onError={(error) => activityLog.recordError(error)}>
          <RouterProvider router={router} />
        </TagInvalidationProvider>
      </QueryClientProvider>
    </StrictMode>,
  ),
);
