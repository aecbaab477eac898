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

/** `?transport=`, `?protocol=`, `?share=` and `?hub=`, read once at start-up (connectionSettings.ts). */
interface ConnectionSearch {
  transport?: string;
  protocol?: string;
  share?: string;
  hub?: string;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

export const rootRoute = createRootRouteWithContext<AppRouterContext>()({
  validateSearch: (search: Record<string, unknown>): ConnectionSearch => ({
    transport: text(search.transport),
    protocol: text(search.protocol),
    share: text(search.share),
    hub: text(search.hub),
  }),
  // Links keep the query string, so a reload uses the same connection settings.
  search: { middlewares: [retainSearchParams(["transport", "protocol", "share", "hub"])] },
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
