// One browser window of the TodoApp, driven through what a person sees: roles, labels and test ids.

/** How long a change may take to reach another window: the sample's promise. */
export const propagationTimeout = 2_000;
/** Page loads and navigations, on a machine that may be busy. */
export const loadTimeout = 30_000;

export class TodoWindow {
  /** @param {import("playwright-core").Page} page */
  constructor(page) {
    this.page = page;
    /** The transports the page's hub traffic went over, as the network saw it. */
    this.hubTransports = new Set();
    page.on("websocket", (socket) => {
      if (isHubConnection(socket.url())) this.hubTransports.add("webSockets");
    });
    page.on("request", (request) => {
      // Negotiate and sends are POSTs; a GET on the connection is an event stream or a poll.
      if (request.method() === "GET" && isHubConnection(request.url())) {
        this.hubTransports.add(request.headers().accept?.includes("text/event-stream") ? "serverSentEvents" : "longPolling");
      }
    });
  }

  /**
   * Opens `url` in a new page of `context` and waits until the hub connection is up and the route's data is
   * shown, so what follows is not racing the page's first subscribe.
   * @param {import("playwright-core").BrowserContext} context
   */
  static async open(context, url) {
    const window = new TodoWindow(await context.newPage());
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

  async add(title) {
    await this.page.getByRole("textbox", { name: "New todo" }).fill(title);
    await this.page.getByRole("button", { name: "Add" }).click();
  }

  // click, not check(): the box changes only when the server's invalidation brings the new state back.
  async toggle(title) {
    await this.item(title).getByRole("checkbox").click();
  }

  async remove(title) {
    await this.page.getByRole("button", { name: `Delete ${title}`, exact: true }).click();
  }

  async openDetail(title) {
    await this.item(title).getByRole("link").click();
    await this.detailTitle(title).waitFor({ timeout: loadTimeout });
  }

  async rename(title) {
    await this.page.getByRole("textbox", { name: "Title" }).fill(title);
    await this.page.getByRole("button", { name: "Rename" }).click();
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

function isHubConnection(url) {
  const { pathname, searchParams } = new URL(url);
  return pathname === "/hubs/invalidation" && searchParams.has("id");
}

/**
 * Waits for `locator` to reach `state` within the propagation timeout, and says what did not happen when it
 * does not. Returns how long it took, in milliseconds.
 * @param {string} what
 * @param {import("playwright-core").Locator} locator
 * @param {"visible" | "detached"} [state]
 */
export async function propagated(what, locator, state = "visible") {
  const started = performance.now();
  try {
    await locator.waitFor({ state, timeout: propagationTimeout });
  } catch (error) {
    throw new Error(`${what}: not within ${propagationTimeout} ms (${error.message.split("\n")[0]})`);
  }

  return performance.now() - started;
}
