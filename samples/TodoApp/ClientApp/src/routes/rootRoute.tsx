import type { QueryClient } from "@tanstack/react-query";
import { createRootRouteWithContext, Link, Outlet, retainSearchParams } from "@tanstack/react-router";
import { ActivityPanel } from "../activity/ActivityPanel";
import type { ActivityLog } from "../activity/activityLog";
import type { ConnectionSettings } from "../connectionSettings";
import { sessionQuery } from "../session/sessionApi";
import type { SessionSwitch } from "../session/sessionSwitch";
import { UserPicker } from "../session/UserPicker";
import { StatusBadge } from "../StatusBadge";

/** What every route's loader and component can reach. */
export interface AppRouterContext {
  readonly queryClient: QueryClient;
  readonly activityLog: ActivityLog;
  readonly connection: ConnectionSettings;
  readonly sessionSwitch: SessionSwitch;
}

/** `?transport=` and `?protocol=`, read once at start-up (connectionSettings.ts). */
interface ConnectionSearch {
  transport?: string;
  protocol?: string;
}

export const rootRoute = createRootRouteWithContext<AppRouterContext>()({
  validateSearch: (search: Record<string, unknown>): ConnectionSearch => ({
    transport: typeof search.transport === "string" ? search.transport : undefined,
    protocol: typeof search.protocol === "string" ? search.protocol : undefined,
  }),
  // Links keep the query string, so a reload uses the same transport and protocol.
  search: { middlewares: [retainSearchParams(["transport", "protocol"])] },
  loader: ({ context }) => context.queryClient.ensureQueryData(sessionQuery()),
  component: AppLayout,
});

function AppLayout() {
  const { activityLog, connection, sessionSwitch } = rootRoute.useRouteContext();
  return (
    <div className="app">
      <header className="app-header">
        <Link to="/" className="app-title">
          Todos
        </Link>
        <div className="app-header-end">
          <UserPicker sessionSwitch={sessionSwitch} />
          <StatusBadge settings={connection} />
        </div>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
      <ActivityPanel log={activityLog} />
    </div>
  );
}
