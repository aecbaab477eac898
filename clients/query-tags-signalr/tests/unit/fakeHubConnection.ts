import { HubConnectionState, type HubConnection, type IRetryPolicy } from "@microsoft/signalr";

export interface Invocation {
  readonly method: string;
  readonly args: unknown[];
}

type Answer = (invocation: Invocation) => unknown;

/**
 * The part of SignalR's HubConnection the client uses, driven by the test: `receive` plays a server
 * message, `drop` and `reconnect` play a lost transport (`drop` with a policy plays SignalR's reconnect loop too),
 * `invocations` records every hub call.
 */
export class FakeHubConnection {
  state: HubConnectionState = HubConnectionState.Disconnected;
  readonly invocations: Invocation[] = [];
  /** How a hub call is answered; by default Subscribe accepts everything at cursor "e:1". */
  answer: Answer = ({ method }) => (method === "Subscribe" ? subscribeResult() : undefined);
  /** Makes the next start() calls fail while it returns an error. */
  startError: () => Error | undefined = () => undefined;
  startCalls = 0;
  /** Attempts of the reconnect loop a drop with a policy began. */
  reconnectAttempts = 0;
  #reconnectWait: ReturnType<typeof setTimeout> | undefined;
  readonly #handlers = new Map<string, Array<(...args: unknown[]) => void>>();
  readonly #closed: Array<(error?: Error) => void> = [];
  readonly #reconnecting: Array<(error?: Error) => void> = [];
  readonly #reconnected: Array<(connectionId?: string) => void> = [];

  asHubConnection(): HubConnection {
    return this as unknown as HubConnection;
  }

  async start(): Promise<void> {
    this.startCalls++;
    if (this.state !== HubConnectionState.Disconnected) {
      throw new Error("Cannot start a HubConnection that is not in the 'Disconnected' state.");
    }

    this.state = HubConnectionState.Connecting;
    await Promise.resolve();
    const error = this.startError();
    this.state = error ? HubConnectionState.Disconnected : HubConnectionState.Connected;
    if (error) {
      throw error;
    }
  }

  async stop(): Promise<void> {
    const wasStarted = this.state !== HubConnectionState.Disconnected;
    // As SignalR's: a stop during the wait before a reconnect attempt ends the loop and closes at once.
    clearTimeout(this.#reconnectWait);
    this.state = HubConnectionState.Disconnected;
    if (wasStarted) {
      this.#closed.forEach((callback) => callback());
    }
  }

  on(method: string, handler: (...args: unknown[]) => void): void {
    const key = method.toLowerCase();
    this.#handlers.set(key, [...(this.#handlers.get(key) ?? []), handler]);
  }

  off(method: string): void {
    this.#handlers.delete(method.toLowerCase());
  }

  async invoke(method: string, ...args: unknown[]): Promise<unknown> {
    if (this.state !== HubConnectionState.Connected) {
      throw new Error(`Cannot send data if the connection is not in the 'Connected' State.`);
    }

    const invocation = { method, args: structuredClone(args) };
    this.invocations.push(invocation);
    return this.answer(invocation);
  }

  onclose(callback: (error?: Error) => void): void {
    this.#closed.push(callback);
  }

  onreconnecting(callback: (error?: Error) => void): void {
    this.#reconnecting.push(callback);
  }

  onreconnected(callback: (connectionId?: string) => void): void {
    this.#reconnected.push(callback);
  }

  /** A message from the server. */
  receive(method: string, payload: unknown): void {
    for (const handler of this.#handlers.get(method.toLowerCase()) ?? []) {
      handler(payload);
    }
  }

  /** A lost transport; with `policy`, SignalR's loop follows: the wait it names, an attempt (failing while `startError` says so), and so on. */
  drop(policy?: IRetryPolicy): void {
    this.state = HubConnectionState.Reconnecting;
    this.#reconnecting.forEach((callback) => callback(new Error("transport lost")));
    if (policy) {
      this.#waitToReconnect(policy, 0);
    }
  }

  #waitToReconnect(policy: IRetryPolicy, previousRetryCount: number): void {
    const delay = policy.nextRetryDelayInMilliseconds({ previousRetryCount, elapsedMilliseconds: 0, retryReason: new Error("transport lost") });
    if (delay !== null) {
      this.#reconnectWait = setTimeout(() => {
        this.reconnectAttempts++;
        if (this.startError()) {
          this.#waitToReconnect(policy, previousRetryCount + 1);
        } else {
          this.reconnect();
        }
      }, delay);
    }
  }

  reconnect(): void {
    this.state = HubConnectionState.Connected;
    this.#reconnected.forEach((callback) => callback("reconnected-id"));
  }

  /** The hub calls of one method, as sent. */
  calls(method: "Subscribe" | "Unsubscribe"): unknown[][] {
    return this.invocations.filter((invocation) => invocation.method === method).map((invocation) => invocation.args);
  }
}

export function subscribeResult(overrides: Partial<{ cursor: string; reset: boolean; missed: unknown[]; rejected: unknown[]; spread: unknown }> = {}) {
  return { cursor: "e:1", reset: false, missed: [], rejected: [], ...overrides };
}

/** Lets the client's next-tick flush and its hub calls run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}
