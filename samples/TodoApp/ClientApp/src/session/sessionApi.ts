import { queryOptions } from "@tanstack/react-query";
import { send } from "../api";

/** The sample's users (SampleUsers.cs): anyone may sign in as any of them, without a password. */
export const sampleUsers = ["alice", "bob", "carol"] as const;

/** Who is signed in: a user's name, or null for nobody. */
export interface Session {
  readonly user: string | null;
}

export const fetchSession = (): Promise<Session> => send("GET", "/api/session");

/** Signs in as `user` (the server sets the session cookie), or signs out when `user` is null. */
export async function changeSession(user: string | null): Promise<Session> {
  if (user === null) {
    await send("DELETE", "/api/session");
    return { user: null };
  }

  return send<Session>("POST", "/api/session", { user });
}

/** The session, read once per page load; only {@link SessionSwitch} changes it. Untagged: no invalidation concerns it. */
export const sessionQuery = () => queryOptions({ queryKey: ["session"], queryFn: fetchSession, staleTime: Infinity });
