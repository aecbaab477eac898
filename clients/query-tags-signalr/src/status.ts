import { HubConnectionState } from "@microsoft/signalr";
import { Listeners } from "./listeners.js";

/** Where the client's connection stands. */
export type TagInvalidationStatus = "connecting" | "connected" | "reconnecting" | "disconnected";

/** The status with a subscribe function: the shape `useSyncExternalStore` and other stores expect. */
export interface TagInvalidationStatusStore {
  /** The status now. */
  get(): TagInvalidationStatus;
  /** Calls `listener` on every change; returns the function that stops it. */
  subscribe(listener: (status: TagInvalidationStatus) => void): () => void;
}

export class StatusStore implements TagInvalidationStatusStore {
  readonly #listeners: Listeners<TagInvalidationStatus>;
  #status: TagInvalidationStatus;

  constructor(initial: TagInvalidationStatus, onListenerError: (error: unknown) => void) {
    this.#status = initial;
    this.#listeners = new Listeners(onListenerError);
  }

  // Arrow functions: React passes get and subscribe around unbound.
  get = (): TagInvalidationStatus => this.#status;

  subscribe = (listener: (status: TagInvalidationStatus) => void): (() => void) => this.#listeners.add(listener);

  set(status: TagInvalidationStatus): void {
    if (status !== this.#status) {
      this.#status = status;
      this.#listeners.emit(status);
    }
  }
}

/** The status that stands for a SignalR connection state. */
export function statusOf(state: HubConnectionState): TagInvalidationStatus {
  switch (state) {
    case HubConnectionState.Connected:
      return "connected";
    case HubConnectionState.Connecting:
      return "connecting";
    case HubConnectionState.Reconnecting:
      return "reconnecting";
    default:
      return "disconnected";
  }
}
