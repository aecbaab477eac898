import { useTagInvalidationState } from "@querytags/signalr/react";
import { protocols, transports, type ConnectionSettings } from "./connectionSettings";

const roles = { leader: "shared, this tab holds it", follower: "shared", own: "this tab's own" } as const;

/**
 * The hub connection's state, transport and protocol, whose connection it is (shared by the browser's tabs, or this
 * tab's own), and, when it failed or cannot reach the hub yet, what to check.
 */
export function StatusBadge({ settings }: { settings: ConnectionSettings }) {
  const { status, error, role } = useTagInvalidationState();
  return (
    <p
      className={`status-badge status-${status}`}
      data-testid="connection-status"
      data-status={status}
      data-role={role}
      title="Change with ?transport=webSockets|serverSentEvents|longPolling&protocol=json|messagepack&share=off"
    >
      <span className="status-dot" aria-hidden="true" />
      {status} · {transports[settings.transport].label} · {protocols[settings.protocol].label} · {roles[role]}
      {error && (
        <span className="status-error" role="alert" data-testid="connection-error" data-failure={error.failure}>
          {error.hint}
        </span>
      )}
    </p>
  );
}
