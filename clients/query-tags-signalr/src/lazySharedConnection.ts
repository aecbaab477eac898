import type { ConnectionBackend, CursorOrAge, TabView } from "./connectionBackend.js";
import type { EngineFactory } from "./sharedConnection.js";
import type { SharingEnvironment } from "./sharingEnvironment.js";
import type { Tag } from "./tags.js";

const ignore = (): void => undefined;

/**
 * A {@link SharedConnection} whose code is imported when the client is built, not with the core entry: an app's
 * bundler puts it in a chunk of its own, which keeps the core small. Every call waits for it, so calls keep their order;
 * when the code cannot be loaded, `start()` rejects with the reason.
 */
export class LazySharedConnection implements ConnectionBackend {
  readonly #loading: Promise<ConnectionBackend>;
  #backend: ConnectionBackend | undefined;

  constructor(view: TabView, name: string, environment: SharingEnvironment, createEngine: EngineFactory) {
    // What the shared connection says first, said now: this tab follows until it is elected.
    view.setRole("follower");
    this.#loading = import("./sharedConnection.js").then(({ SharedConnection }) => (this.#backend = new SharedConnection(view, name, environment, createEngine)));
  }

  get connection() {
    return this.#backend?.connection;
  }

  start(): Promise<void> {
    return this.#loading.then((backend) => backend.start());
  }

  stop(): Promise<void> {
    return this.#loading.then((backend) => backend.stop());
  }

  restart(): Promise<void> {
    return this.#loading.then((backend) => backend.restart());
  }

  wake(): void {
    this.#loading.then((backend) => backend.wake(), ignore);
  }

  publish(tags: readonly Tag[], since: CursorOrAge): void {
    this.#loading.then((backend) => backend.publish(tags, since), ignore);
  }

  askMissed(tags: readonly Tag[], cursor: string): void {
    this.#loading.then((backend) => backend.askMissed(tags, cursor), ignore);
  }

  share(id: string, tags: readonly Tag[]): void {
    this.#loading.then((backend) => backend.share?.(id, tags), ignore);
  }
}
