interface Request {
  readonly name: string;
  readonly owner: object;
  readonly callback: (lock: { name: string }) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Options = { signal?: AbortSignal };

const abortError = () => new DOMException("The request was aborted.", "AbortError");

/**
 * The Web Locks API as the sharing code uses it: exclusive locks granted in the order they were asked for, requests
 * aborted by their signal while they wait, and a lock released when its callback's promise settles. Each tab asks
 * through its own {@link FakeLocks.tab}, so a test can close a tab the way a browser does: its locks are released
 * and its waiting requests dropped, whatever its callbacks were waiting for.
 */
export class FakeLocks {
  readonly #held = new Map<string, Request>();
  readonly #waiting: Request[] = [];

  /** The lock manager of one tab, and the closing of that tab. */
  tab(): { locks: Pick<LockManager, "request">; close(): void } {
    const owner = {};
    const request = (name: string, optionsOrCallback: Options | Request["callback"], callback?: Request["callback"]) =>
      typeof optionsOrCallback === "function" ? this.#request(owner, name, {}, optionsOrCallback) : this.#request(owner, name, optionsOrCallback, callback!);
    return { locks: { request } as unknown as Pick<LockManager, "request">, close: () => this.#close(owner) };
  }

  /** True while someone holds the lock `name`. */
  isHeld(name: string): boolean {
    return this.#held.has(name);
  }

  /** The names of the locks held now. */
  get heldNames(): string[] {
    return [...this.#held.keys()];
  }

  #request(owner: object, name: string, { signal }: Options, callback: Request["callback"]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError());
        return;
      }

      const request: Request = { name, owner, callback, resolve, reject };
      signal?.addEventListener("abort", () => {
        const index = this.#waiting.indexOf(request);
        if (index >= 0) {
          this.#waiting.splice(index, 1);
          reject(abortError());
        }
      });
      this.#waiting.push(request);
      this.#grant();
    });
  }

  #grant(): void {
    for (const request of [...this.#waiting]) {
      if (this.#held.has(request.name)) {
        continue;
      }

      this.#waiting.splice(this.#waiting.indexOf(request), 1);
      this.#held.set(request.name, request);
      void Promise.resolve()
        .then(() => request.callback({ name: request.name }))
        .then(request.resolve, request.reject)
        .finally(() => this.#release(request));
    }
  }

  #release(request: Request): void {
    if (this.#held.get(request.name) === request) {
      this.#held.delete(request.name);
      this.#grant();
    }
  }

  #close(owner: object): void {
    for (const request of this.#waiting.filter((waiting) => waiting.owner === owner)) {
      this.#waiting.splice(this.#waiting.indexOf(request), 1);
    }

    for (const request of [...this.#held.values()].filter((held) => held.owner === owner)) {
      this.#release(request);
    }
  }
}
