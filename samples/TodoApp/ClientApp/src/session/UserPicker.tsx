import { useMutation, useSuspenseQuery } from "@tanstack/react-query";
import { sampleUsers, sessionQuery } from "./sessionApi";
import type { SessionSwitch } from "./sessionSwitch";

/** Who this window is signed in as, and a choice of another: anonymous or a sample user (no password). */
export function UserPicker({ sessionSwitch }: { sessionSwitch: SessionSwitch }) {
  const { data: session } = useSuspenseQuery(sessionQuery());
  const change = useMutation({ mutationFn: (user: string | null) => sessionSwitch.switchTo(user) });
  return (
    <p className="user-picker" data-testid="user-picker" data-user={session.user ?? ""} data-switching={change.isPending}>
      <label>
        Signed in as{" "}
        <select aria-label="User" value={session.user ?? ""} disabled={change.isPending} onChange={(event) => change.mutate(event.target.value || null)}>
          <option value="">nobody (anonymous)</option>
          {sampleUsers.map((user) => (
            <option key={user} value={user}>
              {user}
            </option>
          ))}
        </select>
      </label>
      {change.error && <span role="alert">{change.error.message}</span>}
    </p>
  );
}
