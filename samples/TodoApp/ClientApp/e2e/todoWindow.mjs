// One browser window of the TodoApp, driven through what a person sees: roles, labels and test ids.

/** How long a change may take to reach another window: the sample's promise. */
export const propagationTimeout = 2_000;
/** Page loads and navigations, on a machine that may be busy. */
export const loadTimeout = 30_000;

// The open windows of each browser context: its tabs share one hub connection, which only the leading tab's network
// shows, so what that network sees is told to all of them.
const windowsByContext = new WeakMap();

export class TodoWindow {
  /** @param {import("playwright-core").Page} page */
  constructor(page) {
    this.page = page;
    /** The transports the hub traffic of this window's browser went over while it was open, as the network saw it. */
    this.hubTransports = new Set();
    /** How often this window asked the API for each path (GETs), such as `{ "/api/todos": 2 }`. */
    this.apiGets = {};
    /** What the app's Content-Security-Policy blocked in this page, as the browser's console reported it. */
    this.policyViolations = [];
    page.on("console", (message) => {
      if (message.type() === "error" && message.text().includes("Content Security Policy")) {
        this.policyViolations.push(message.text());
      }
    });
    /** The `QueryTags-Invalidation-Id` of each answer to a change of the todos this window made (null: none), in order. */
    this.changeIds = [];
    const context = page.context();
    const windows = windowsByContext.get(context) ?? new Set();
    windowsByContext.set(context, windows);
    windows.add(this);
    page.on("close", () => windows.delete(this));
    const heard = (transport) => windows.forEach((window) => window.hubTransports.add(transport));
    page.on("websocket", (socket) => {
      if (isHubConnection(socket.url())) {
        heard("webSockets");
        socket.on("framereceived", () => heard("webSockets"));
      }
    });
    page.on("response", (response) => {
      const request = response.request();
      if (request.method() !== "GET" && new URL(request.url()).pathname.startsWith("/api/todos")) {
        this.changeIds.push(response.headers()["querytags-invalidation-id"] ?? null);
      }
    });
    page.on("request", (request) => {
      const { pathname } = new URL(request.url());
      // Negotiate and sends are POSTs; a GET on the connection is an event stream or a poll.
      if (request.method() === "GET" && isHubConnection(request.url())) {
        heard(request.headers().accept?.includes("text/event-stream") ? "serverSentEvents" : "longPolling");
      } else if (request.method() === "GET" && pathname.startsWith("/api/")) {
        this.apiGets[pathname] = (this.apiGets[pathname] ?? 0) + 1;
      }
    });
  }

  /** The hub connection's role in this window: `leader`, `follower` or `own`. */
  role() {
    return this.page.getByTestId("connection-status").getAttribute("data-role");
  }

  /**
   * Opens `url` in a new page of `context` and waits until the hub connection is up and the route's data is
   * shown. The page's first subscribe may still be on its way: see {@link untilHeard}. With `freshCache`, the page
   * starts without the query cache an earlier page of the context saved (the app restores it otherwise).
   * @param {import("playwright-core").BrowserContext} context
   */
  static async open(context, url, { freshCache = false } = {}) {
    const window = new TodoWindow(await context.newPage());
    if (freshCache) {
      await window.page.addInitScript(() => localStorage.removeItem("todoapp-query-cache"));
    }

    await window.page.goto(url, { timeout: loadTimeout });
    await window.page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: loadTimeout });
    await window.page.getByRole("heading", { level: 1 }).waitFor({ timeout: loadTimeout });
    return window;
  }

  /** The list item whose link reads exactly `title`. */
  item(title) {
    return this.page.getByTestId("todo-item").filter({ has: this.page.getByRole("link", { name: title, exact: true }) });
  }

  /** The list item of `title`, shown as done. */
  doneItem(title) {
    return this.item(title).and(this.page.locator('[data-done="true"]'));
  }

  /** The detail route's heading when it shows `title`. */
  detailTitle(title) {
    return this.page.getByTestId("todo-title").getByText(title, { exact: true });
  }

  // The changes return when they were submitted (performance.now() before the click), for propagated().

  async add(title) {
    await this.page.getByRole("textbox", { name: "New todo", exact: true }).fill(title);
    return submit(this.page.getByRole("button", { name: "Add", exact: true }));
  }

  /** Adds `title` to the signed-in user's own list. */
  async addPrivate(title) {
    await this.page.getByRole("textbox", { name: "New private todo", exact: true }).fill(title);
    return submit(this.page.getByRole("button", { name: "Add privately", exact: true }));
  }

  /** The signed-in user's own list, when it shows `user`'s. */
  ownList(user) {
    return this.page.locator(`[data-testid="my-todos"][data-owner="${user}"]`);
  }

  /** The item of `title` in the own list, whoever's it is. */
  privateItem(title) {
    return this.page.getByTestId("my-todos").getByTestId("todo-item").filter({ has: this.page.getByText(title, { exact: true }) });
  }

  /**
   * Picks `user` (null: anonymous) in the header and waits until the switch is done and the connection, restarted
   * with the new cookie, is up again. Its first subscribe may still be on its way: see {@link untilHeard}.
   */
  async signInAs(user) {
    await this.page.getByRole("combobox", { name: "User" }).selectOption(user ?? "");
    await this.page.locator(`[data-testid="user-picker"][data-user="${user ?? ""}"][data-switching="false"]`).waitFor({ timeout: loadTimeout });
    await this.page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: loadTimeout });
  }

  /** Who the header says is signed in: a name, or null. */
  async signedInAs() {
    return (await this.page.getByTestId("user-picker").getAttribute("data-user")) || null;
  }

  // A click, not check(): the box changes only when the server's invalidation brings the new state back.
  toggle(title) {
    return submit(this.item(title).getByRole("checkbox"));
  }

  remove(title) {
    return submit(this.page.getByRole("button", { name: `Delete ${title}`, exact: true }));
  }

  /** Clears the shared list's done todos. */
  clearDone() {
    return submit(this.page.getByRole("button", { name: "Clear done", exact: true }));
  }

  async openDetail(title) {
    await this.item(title).getByRole("link").click();
    await this.detailTitle(title).waitFor({ timeout: loadTimeout });
  }

  async rename(title) {
    await this.page.getByRole("textbox", { name: "Title" }).fill(title);
    return submit(this.page.getByRole("button", { name: "Rename" }));
  }

  async backToList() {
    await this.page.getByRole("link", { name: "← All todos" }).click();
    await this.page.getByRole("heading", { name: "All todos" }).waitFor({ timeout: loadTimeout });
  }

  /** The activity panel's count of `invalidate` messages this page received from the hub. */
  async messagesReceived() {
    return Number(await this.page.getByTestId("messages-received").textContent());
  }

  close() {
    return this.page.close();
  }
}

/**
 * Makes `change(attempt)` until every window has received an invalidation message, at most three times. A page
 * reads "connected" a moment before the hub has answered its first subscribe, and a change in that moment does
 * not reach it: a fresh client has no cursor yet to ask what it missed. Once a window has heard of a change,
 * it holds the tags of what it shows, so tests call this before they time anything. Returns how many changes
 * that took.
 * @param {TodoWindow[]} windows
 * @param {(attempt: number) => Promise<unknown>} change
 * @returns {Promise<number>}
 */
export async function untilHeard(windows, change, timeout = propagationTimeout) {
  const before = await Promise.all(windows.map((window) => window.messagesReceived()));
  for (let attempt = 1; ; attempt++) {
    await change(attempt);
    try {
      await Promise.all(
        windows.map((window, i) =>
          window.page.waitForFunction((count) => Number(document.querySelector('[data-testid="messages-received"]')?.textContent) > count, before[i], { timeout }),
        ),
      );
      return attempt;
    } catch (error) {
      if (attempt === 3) {
        throw new Error(`A window heard of none of ${attempt} changes: ${error.message.split("\n")[0]}`);
      }
    }
  }
}

async function submit(button) {
  // As a person clicks into a window first: Chromium slows the timers of a context's background pages, which
  // holds a change made there for a second or two.
  await button.page().bringToFront();
  const submitted = performance.now();
  await button.click();
  return submitted;
}

function isHubConnection(url) {
  const { pathname, searchParams } = new URL(url);
  return pathname === "/hubs/invalidation" && searchParams.has("id");
}

/**
 * Waits for `locator` to reach `state` within the propagation timeout counted from `since`, when the change was
 * submitted, and says what did not happen when it does not. Returns how long it took, in milliseconds.
 * @param {string} what
 * @param {number} since  performance.now() when the change was submitted
 * @param {import("playwright-core").Locator} locator
 * @param {"visible" | "detached"} [state]
 */
export async function propagated(what, since, locator, state = "visible") {
  try {
    await locator.waitFor({ state, timeout: Math.max(1, propagationTimeout - (performance.now() - since)) });
  } catch (error) {
    throw new Error(`${what}: not within ${propagationTimeout} ms (${error.message.split("\n")[0]})`);
  }

  return performance.now() - since;
}
