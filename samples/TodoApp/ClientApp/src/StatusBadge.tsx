import { useTagInvalidationStatus } from "@querytags/signalr/react";
import { protocols, transports, type ConnectionSettings } from "./connectionSettings";

/** The hub connection's state, transport and protocol. */
export function StatusBadge({ settings }: { settings: ConnectionSettings }) {
  const status = useTagInvalidationStatus();
  return (
    <p className={`status-badge status-${status}`} data-testid="connection-status" data-status={status} title="Change with ?transport=webSockets|serverSentEvents|longPolling&protocol=json|messagepack">
      <span className="status-dot" aria-hidden="true" />
      {status} · {transports[settings.transport].label} · {protocols[settings.protocol].label}
    </p>
  );
}
