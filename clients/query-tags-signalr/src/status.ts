import type { TagInvalidationConnectionError } from "./connectionError.js";
import { Listeners } from "./listeners.js";

/** Where the client's connection stands; `failed` when it stopped trying (see {@link TagInvalidationState.error}). */
export type TagInvalidationStatus = "connecting" | "connected" | "reconnecting" | "disconnected" | "failed";

/**
 * Whose connection this tab's client uses: `own` (a connection of its own: sharing is off or the browser lacks
 * Web Locks or BroadcastChannel), `leader` (it holds the connection the browser's tabs share) or `follower`
 * (another tab holds it and relays).
 */
export type TagInvalidationRole = "own" | "leader" | "follower";

/** The status with the error that made it `failed`, and the role. */
export interface TagInvalidationState {
  readonly status: TagInvalidationStatus;
  /**
   * Why the status is `failed`; or, while `connecting`, why a first start keeps failing (failure `unreachable`, after
   * a few tries: a hub on another origin without CORS, a proxy or the server down); undefined otherwise.
   */
  readonly error: TagInvalidationConnectionError | undefined;
  readonly role: TagInvalidationRole;
}

/** A value with a subscribe function: the shape `useSyncExternalStore` and other stores expect. */
export interface ValueStore<T> {
  /** The value now. */
  get(): T;
  /** Calls `listener` on every change; returns the function that stops it. */
  subscribe(listener: (value: T) => void): () => void;
}

/** The status alone, as a store. */
export type TagInvalidationStatusStore = ValueStore<TagInvalidationStatus>;

export class StateStore implements ValueStore<TagInvalidationState> {
  readonly #listeners: Listeners<TagInvalidationState>;
  #state: TagInvalidationState;

  constructor(role: TagInvalidationRole, onListenerError: (error: unknown) => void) {
    this.#state = { status: "disconnected", error: undefined, role };
    this.#listeners = new Listeners(onListenerError);
  }

  // Arrow functions: React passes get and subscribe around unbound.
  get = (): TagInvalidationState => this.#state;

  subscribe = (listener: (state: TagInvalidationState) => void): (() => void) => this.#listeners.add(listener);

  /** The status alone: its listeners hear of status changes only. */
  readonly status: TagInvalidationStatusStore = {
    get: () => this.#state.status,
    subscribe: (listener) => {
      let last = this.#state.status;
      return this.subscribe(({ status }) => status !== last && listener((last = status)));
    },
  };

  /** Changes the state; a status other than `failed` or `connecting` clears the error. */
  set(change: Partial<TagInvalidationState>): void {
    const next = { ...this.#state, ...change };
    if (next.status !== "failed" && next.status !== "connecting") {
      next.error = undefined;
    }

    if (next.status !== this.#state.status || next.error !== this.#state.error || next.role !== this.#state.role) {
      this.#state = next;
      this.#listeners.emit(next);
    }
  }
}
