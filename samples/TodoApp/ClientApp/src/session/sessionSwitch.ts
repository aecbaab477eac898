import type { TagInvalidationClient } from "@querytags/signalr";
import type { QueryClient } from "@tanstack/react-query";
import { userQueriesKey } from "../todos/todoQueries";
import { changeSession, fetchSession, sessionQuery, type Session } from "./sessionApi";

/**
 * Changes who this window is signed in as. The hub reads the user when a connection starts, so the connection
 * restarts after the cookie changes: the new connection is the new user's, and holds only what that user may.
 * Every query under `["user", ...]` is removed meanwhile (its in-flight fetch cancelled), so nothing of one user's
 * list is shown, refetched or held as a tag for the next.
 *
 * The browser's other windows of this app share the cookie: a change here tells them (a BroadcastChannel), and
 * they read the new session and drop the old user's queries the same way. With the connection the windows share
 * (the default), the window that changed the session restarts it for all of them (`client.restart()`); with a
 * connection per window (`?share=off`), each stops its own before the cookie changes and starts it after.
 */
export class SessionSwitch {
  readonly #client: TagInvalidationClient;
  readonly #queryClient: QueryClient;
  readonly #channel = new BroadcastChannel("todoapp-session");
  // One change at a time, in the order they were asked for.
  #changes: Promise<unknown> = Promise.resolve();

  constructor(client: TagInvalidationClient, queryClient: QueryClient) {
    this.#client = client;
    this.#queryClient = queryClient;
    this.#channel.onmessage = () => void this.#enqueue(fetchSession, false).catch(() => undefined);
  }

  /** Signs in as `user`, or out when it is null; settles once the session is changed and the connection restarting. */
  switchTo(user: string | null): Promise<Session> {
    return this.#enqueue(() => changeSession(user), true);
  }

  #enqueue(change: () => Promise<Session>, tellOtherWindows: boolean): Promise<Session> {
    const next = this.#changes.catch(() => undefined).then(() => this.#change(change, tellOtherWindows));
    this.#changes = next;
    return next;
  }

  async #change(change: () => Promise<Session>, tellOtherWindows: boolean): Promise<Session> {
    const own = this.#client.state.get().role === "own";
    if (own) {
      await this.#client.stop();
    }

    try {
      const session = await change();
      this.#queryClient.removeQueries({ queryKey: userQueriesKey });
      this.#queryClient.setQueryData(sessionQuery().queryKey, session);
      if (tellOtherWindows) {
        this.#channel.postMessage(session.user);
      }

      return session;
    } finally {
      // Failures of the start are retried by the client and reported through the provider's onError. The window
      // that changed the session restarts a shared connection; the others need not.
      if (own) {
        void this.#client.start().catch(() => undefined);
      } else if (tellOtherWindows) {
        void this.#client.restart().catch(() => undefined);
      }
    }
  }
}
