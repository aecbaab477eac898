import { failureFrom } from "./connectionError.js";
import type { ConnectionBackend, CursorOrAge, EngineEvent, TabView } from "./connectionBackend.js";
import type { HubEngine } from "./hubEngine.js";
import type { SharingEnvironment } from "./sharingEnvironment.js";
import type { Tag } from "./tags.js";

// What tabs tell each other besides the leader's engine events.
type Note =
  /**
   * A tab's held tags, to the leader; sent on joining, on every change and when a new leader says hello. `asks`: the
   * tags it asked again from an older cursor (restored data), until the leader says `synced`.
   */
  | { readonly k: "tags"; readonly tab: string; readonly tags: readonly Tag[]; readonly since: CursorOrAge; readonly asks?: readonly MissedAsk[] }
  /** A new leader asks every tab for its tags. */
  | { readonly k: "hello" }
  /** The leader has subscribed a tab's tags: that tab's start() settles. */
  | { readonly k: "synced"; readonly tab: string }
  /** The signed-in user changed: the leader restarts the connection. */
  | { readonly k: "restart" }
  /** A tab's page is back (online, out of the back/forward cache, resumed): the leader cuts its back-off short. */
  | { readonly k: "wake" }
  /** A tab applied an invalidation of its own change for its siblings: they skip its push. */
  | { readonly k: "applied"; readonly id: string; readonly tags: readonly Tag[] };

/** Held tags whose data dates from an older cursor than the connection's: the hub is asked again from there. */
interface MissedAsk {
  readonly tags: readonly Tag[];
  readonly cursor: string;
}

const ignore = (): void => undefined;

/** Makes the engine of a tab that takes the lead, starting from its cursor. */
export type EngineFactory = (cursor: string | null, emit: (event: EngineEvent) => void) => HubEngine;

/**
 * One hub connection for every tab of a browser that asks for the same hub, URL, protocol and transport. The tabs
 * elect a leader with a Web Lock (exclusive, queued: when the leader's tab closes, the next in line has it at
 * once); the leader holds the connection with the union of every tab's tags (counted per tab) and posts what its
 * connection reports to the others on a BroadcastChannel, where each tab matches it against its own tags. A new
 * leader starts from the cursor its tab last saw and asks every tab for its tags, which it subscribes from where
 * each tab's data dates, so nothing is lost in the hand-over. Each tab holds a lock of its own while it is a
 * member; the leader queues for it, and is granted it when the tab leaves or dies, and drops the tab's tags.
 * A tab about to be frozen or put in the back-forward cache resigns, and stands again when it resumes.
 */
export class SharedConnection implements ConnectionBackend {
  readonly #view: TabView;
  readonly #name: string;
  readonly #environment: SharingEnvironment;
  readonly #createEngine: EngineFactory;
  #tab = "";
  #channel: BroadcastChannel | undefined;
  #membership: AbortController | undefined;
  #candidacy: AbortController | undefined;
  #leader: HubEngine | undefined;
  #leadership: AbortController | undefined;
  #watched = new Set<string>();
  // Asked of a leader that has not confirmed them yet: a leader that takes over asks them again.
  #asks: MissedAsk[] = [];
  #ready: Promise<void> = Promise.resolve();
  #settle: (error?: Error) => void = ignore;

  constructor(view: TabView, name: string, environment: SharingEnvironment, createEngine: EngineFactory) {
    this.#view = view;
    this.#name = name;
    this.#environment = environment;
    this.#createEngine = createEngine;
    view.setRole("follower");
  }

  get connection() {
    return this.#leader?.connection;
  }

  start(): Promise<void> {
    if (!this.#channel) {
      this.#ready = new Promise((resolve, reject) => (this.#settle = (error) => (error ? reject(error) : resolve())));
      void this.#join();
    }

    return this.#ready;
  }

  async stop(): Promise<void> {
    const engine = this.#leader;
    this.#leave();
    this.#membership?.abort();
    this.#channel?.close();
    this.#channel = undefined;
    this.#view.receive({ k: "state", status: "disconnected", cursor: this.#view.cursor });
    this.#settle();
    await engine?.stop();
  }

  restart(): Promise<void> {
    if (!this.#channel) {
      return this.start();
    }

    if (this.#leader) {
      return this.#leader.restart();
    }

    this.#post({ k: "restart" });
    return Promise.resolve();
  }

  wake(): void {
    if (this.#leader) {
      this.#leader.wake();
    } else {
      this.#post({ k: "wake" });
    }
  }

  publish(tags: readonly Tag[], since: CursorOrAge): void {
    if (this.#leader) {
      void this.#leader.setTags(this.#tab, tags, since);
    } else {
      this.#post({ k: "tags", tab: this.#tab, tags, since, ...(this.#asks.length > 0 && { asks: this.#asks }) });
    }
  }

  askMissed(tags: readonly Tag[], cursor: string): void {
    if (this.#leader) {
      void this.#leader.askMissed(tags, cursor);
    } else {
      this.#asks.push({ tags, cursor });
      this.#publishTags();
    }
  }

  share(id: string, tags: readonly Tag[]): void {
    this.#post({ k: "applied", id, tags });
  }

  async #join(): Promise<void> {
    const membership = (this.#membership = new AbortController());
    const { signal } = membership;
    this.#tab = Math.random().toString(36).slice(2);
    const channel = (this.#channel = this.#environment.channel(this.#name));
    channel.onmessage = ({ data }: MessageEvent<Note | EngineEvent>) => this.#receive(data);
    // Held while this tab is a member: the leader waits for it to learn that the tab left or died.
    await new Promise<void>((held) =>
      this.#environment.locks
        .request(`${this.#name} tab ${this.#tab}`, { signal }, () => new Promise<void>((release) => (signal.addEventListener("abort", () => release()), held())))
        .catch(ignore),
    );
    if (signal.aborted) {
      return;
    }

    // Until stop() ends the membership.
    globalThis.document?.addEventListener("freeze", this.#leave, { signal });
    globalThis.document?.addEventListener("resume", this.#stand, { signal });
    globalThis.addEventListener?.("pagehide", this.#leave, { signal });
    globalThis.addEventListener?.("pageshow", this.#stand, { signal });
    this.#stand();
  }

  // Queues for the leader's lock; the tab leads from the moment it is granted until it leaves.
  #stand = (): void => {
    if (!this.#channel || this.#candidacy) {
      return;
    }

    const candidacy = (this.#candidacy = new AbortController());
    this.#environment.locks.request(this.#name, { signal: candidacy.signal }, () => this.#lead()).catch(ignore);
    this.#publishTags();
  };

  // Resigns (the lock goes to the next tab in line) and stops standing: before the tab is frozen, hidden or stopped.
  #leave = (): void => {
    const engine = this.#leader;
    this.#leader = undefined;
    this.#candidacy?.abort();
    this.#candidacy = undefined;
    this.#leadership?.abort();
    if (engine) {
      this.#view.setRole("follower");
      void engine.stop().catch(ignore);
    }
  };

  #lead(): Promise<void> {
    const leadership = (this.#leadership = new AbortController());
    this.#watched = new Set();
    const engine = this.#createEngine(this.#view.cursor, (event) => {
      // A leader that resigned is still closing its connection: what it says now is nobody's business.
      if (this.#leader === engine) {
        this.#view.receive(event);
        this.#post(event);
      }
    });
    this.#leader = engine;
    this.#view.setRole("leader");
    void engine.setTags(this.#tab, this.#view.heldTags, this.#view.since());
    this.#asks.splice(0).forEach((ask) => void engine.askMissed(ask.tags, ask.cursor));
    this.#post({ k: "hello" });
    engine.start().then(() => {
      this.#settle();
      this.#watched.forEach((tab) => this.#post({ k: "synced", tab }));
    }, (error: Error) => this.#settle(error));
    // The lock is held until the tab leaves.
    return new Promise<void>((resolve) => leadership.signal.addEventListener("abort", () => resolve()));
  }

  #receive(data: Note | EngineEvent): void {
    const leader = this.#leader;
    switch (data.k) {
      case "tags":
        if (leader) {
          if (!this.#watched.has(data.tab)) {
            // A tab new to this leader: tell it the state and cursor, and drop its tags when its lock frees.
            this.#post(leader.state);
            this.#watch(data.tab);
          }

          // Before the connection is up, the start subscribes every tab's tags and then says so.
          // The asks after the tags, which they must be held among; the flush of the tags already sends them.
          const synced = leader.setTags(data.tab, data.tags, data.since);
          data.asks?.forEach((ask) => void leader.askMissed(ask.tags, ask.cursor));
          void synced.then(() => leader.state.status === "connected" && this.#post({ k: "synced", tab: data.tab }));
        }

        break;
      case "hello":
        this.#publishTags();
        break;
      case "synced":
        if (data.tab === this.#tab) {
          this.#asks = [];
          this.#settle();
        }

        break;
      case "restart":
        void leader?.restart().catch(ignore);
        break;
      case "wake":
        leader?.wake();
        break;
      case "applied":
        this.#view.mark(data.id, data.tags);
        break;
      default:
        if (!leader) {
          this.#view.receive(data);
          if (data.k === "state" && data.error) {
            this.#settle(failureFrom(data.error));
          }
        }
    }
  }

  #watch(tab: string): void {
    this.#watched.add(tab);
    this.#environment.locks
      .request(`${this.#name} tab ${tab}`, { signal: this.#leadership!.signal }, () => {
        this.#watched.delete(tab);
        void this.#leader?.setTags(tab, [], null);
      })
      .catch(ignore);
  }

  #publishTags(): void {
    if (!this.#leader) {
      this.publish(this.#view.heldTags, this.#view.since());
    }
  }

  #post(data: Note | EngineEvent): void {
    this.#channel?.postMessage(data);
  }
}
