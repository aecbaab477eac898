import { useSyncExternalStore } from "react";
import { protocols, transports } from "../connectionSettings";
import type { ActivityEntry, ActivityLog } from "./activityLog";

/** The latest invalidations this window received: their tags, when, and over which transport. */
export function ActivityPanel({ log }: { log: ActivityLog }) {
  const { messagesReceived, entries, problems } = useSyncExternalStore(log.subscribe, log.getSnapshot);
  return (
    <aside className="activity" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Activity</h2>
      <p className="activity-count">
        <span data-testid="messages-received">{messagesReceived}</span> invalidation {messagesReceived === 1 ? "message" : "messages"} received
      </p>
      {problems.length > 0 && (
        <ul className="activity-problems" data-testid="activity-problems">
          {problems.map((problem) => (
            <li key={problem.key} role="alert" data-rule={problem.rule}>
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      {entries.length === 0 ? (
        <p className="muted">Nothing yet. Change a todo in another window: the server tells every window that holds its tags.</p>
      ) : (
        <ol className="activity-list" data-testid="activity-list">
          {entries.map((entry) => (
            <ActivityItem key={entry.id} entry={entry} />
          ))}
        </ol>
      )}
    </aside>
  );
}

// To the millisecond: the invalidations of one change, and the same change in two windows, land a few apart.
const timeFormat: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hour12: false };

function ActivityItem({ entry }: { entry: ActivityEntry }) {
  return (
    <li>
      <time dateTime={entry.receivedAt.toISOString()}>{entry.receivedAt.toLocaleTimeString(undefined, timeFormat)}</time>
      <span className="tags">
        {entry.tags.map((tag) => (
          <code key={tag}>{tag}</code>
        ))}
      </span>
      <span className="via">
        {transports[entry.via.transport].label} · {protocols[entry.via.protocol].label}
        {/* One copy per target group this window is in: holding ["todos"] and ["todo",5] brings two. */}
        {entry.copies > 1 && ` · ${entry.copies} copies`}
      </span>
    </li>
  );
}
