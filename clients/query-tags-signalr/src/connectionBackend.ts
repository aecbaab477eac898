import type { HubConnection } from "@microsoft/signalr";
import type { TagInvalidationConnectionError } from "./connectionError.js";
import type { InvalidationMessage, TagRejection } from "./protocol.js";
import type { TagInvalidationRole, TagInvalidationStatus } from "./status.js";
import type { Tag, TagRule } from "./tags.js";

// The seam between one tab's client and what talks to the hub for it (its own engine, or a connection the tabs
// share). Types only, in a module of their own: the client, the engine and the shared connection all import it,
// and none of them imports another for a type.

/** Where the data of tags not joined yet dates from: a cursor, or an age in milliseconds as of the call; null for neither. */
export type CursorOrAge = string | number | null;

/** A {@link TagInvalidationConnectionError} as data. */
export type FailureData = Pick<TagInvalidationConnectionError, "failure" | "hint" | "detail" | "statusCode">;

/** A tag the server refused in a subscribe, with the rejection it answered (its index into the whole subscribe). */
export interface RefusedTag {
  readonly tag: Tag;
  readonly rejection: TagRejection;
}

/**
 * What an engine reports, as plain data: the tab that leads a shared connection posts it to the other tabs as it
 * is (BroadcastChannel clones data, not classes). `cursor` is the engine's latest.
 */
export type EngineEvent =
  /** An invalidate message as it arrived, before anything is matched. */
  | { readonly k: "message"; readonly message: InvalidationMessage }
  /** The answer to a subscribe: held tags invalidated since their cursor (often none; the cursor moves on). */
  | { readonly k: "missed"; readonly tags: readonly Tag[]; readonly cursor: string | null }
  | { readonly k: "reset"; readonly reason: string; readonly cursor: string | null; readonly spreadMs: number }
  /** The tags the server refused in one subscribe; no tab holds them any more. */
  | { readonly k: "rejected"; readonly refused: readonly RefusedTag[] }
  /** A hub call that failed, or a tag from the server that is not one (with its rule). */
  | { readonly k: "error"; readonly message: string; readonly rule?: TagRule }
  | { readonly k: "state"; readonly status: TagInvalidationStatus; readonly error?: FailureData; readonly cursor: string | null };

/** A connection to the hub that a tab's client uses: its own, or (shared) the leader's. */
export interface ConnectionBackend {
  /** The SignalR connection this tab holds, if it holds one. */
  readonly connection: HubConnection | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** The page is back: a connection waiting between tries tries now (a shared one: the leader's). */
  wake(): void;
  /** The tab's held tags are now `tags`. */
  publish(tags: readonly Tag[], since: CursorOrAge): void;
  /** Asks the hub again which of the held `tags` were invalidated since `cursor` (their data dates from it). */
  askMissed(tags: readonly Tag[], cursor: string): void;
  /** Tells the other tabs that invalidation `id` of `tags` is applied. */
  share?(id: string, tags: readonly Tag[]): void;
}

/** What a backend needs of the tab it serves. */
export interface TabView {
  readonly heldTags: Tag[];
  readonly cursor: string | null;
  /** Where the data of this tab's tags dates from: its cursor, or its age in milliseconds. */
  since(): CursorOrAge;
  receive(event: EngineEvent): void;
  /** Counts invalidation `id` as applied to the held tags `tags` match, without refetching. */
  mark(id: string, tags: readonly Tag[]): void;
  setRole(role: TagInvalidationRole): void;
}
