/**
 * Why a client stopped trying: what the server said that retrying cannot change, or a reconnect policy that gave up.
 * - `hub-not-found`: the negotiate request was answered 404 (or with a page that is not a hub's answer);
 * - `unauthorized`: 401, the hub wants a signed-in user;
 * - `forbidden`: 403, the hub refused this page's origin or this user;
 * - `protocol-not-supported`: the server does not speak the hub protocol the client asked for;
 * - `gave-up`: the reconnect policy returned null after transient failures;
 * - `unreachable`: the one that does not stop it: a first start failed {@link unreachableAfter} times in a row (a
 *   hub on another origin without CORS, a dev server's proxy or the server down); the client keeps trying, with
 *   the status `connecting`.
 */
export type TagInvalidationFailure = "hub-not-found" | "unauthorized" | "forbidden" | "protocol-not-supported" | "gave-up" | "unreachable";

/** Failed tries of a first start after which the client says the hub is unreachable (and keeps trying). */
export const unreachableAfter = 3;

/** A failure of the connection that the client does not retry; `hint` says what usually fixes it. */
export class TagInvalidationConnectionError extends Error {
  override name = "TagInvalidationConnectionError";

  constructor(
    readonly failure: TagInvalidationFailure,
    /** What to check, such as "is the hub mapped at /hubs/invalidation?". */
    readonly hint: string,
    /** What SignalR reported. */
    readonly detail: string,
    /** The HTTP status of the refused request, when there was one. */
    readonly statusCode?: number,
  ) {
    super(`QueryTags: ${hint} (${detail})`);
  }
}

/** The error again, from the data a shared connection's leader posts. */
export const failureFrom = (data: Pick<TagInvalidationConnectionError, "failure" | "hint" | "detail" | "statusCode">): TagInvalidationConnectionError =>
  new TagInvalidationConnectionError(data.failure, data.hint, data.detail, data.statusCode);

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The HTTP status a failed request answered: SignalR's HttpError carries it, and negotiate failures wrap it into their message. */
export const statusOf = (error: unknown): number | undefined =>
  Number((error as { statusCode?: unknown } | null)?.statusCode ?? /Status code '(\d{3})'/.exec(message(error))?.[1]) || undefined;

// A failure where no server answered at all, as browsers (TypeError: Failed to fetch) and Node (fetch failed) word it.
const noAnswer = /failed to fetch|fetch failed|networkerror|ECONNREFUSED|ENOTFOUND/i;

/**
 * The failure retrying cannot fix that `error` (from a start or a reconnect attempt to the hub at `url`) stands for;
 * with `gaveUp` (the reconnect policy returned null) always one. Undefined for a transient failure (server down,
 * network lost, timeout), which the reconnect policy retries. The same failures and hints as the .NET client's
 * (`tests/vectors/client.json`), with this client's names in them.
 */
export function permanentFailure(error: unknown, url: string, gaveUp = false): TagInvalidationConnectionError | undefined {
  const detail = message(error);
  const status = statusOf(error);
  const protocol = /protocol '(.*)' is not supported/i.exec(detail)?.[1];
  const failed = (failure: TagInvalidationFailure, hint: string) => new TagInvalidationConnectionError(failure, hint, detail, status || undefined);
  // The hub path answered something that is not a negotiate response (an SPA's fallback page, most often).
  return status === 404 || /negotiat.*(SyntaxError|JSON)/i.test(detail)
    ? failed("hub-not-found", `is the hub mapped at ${url}? (app.MapTagInvalidation() maps /hubs/invalidation; a proxy in between, such as a dev server's, must pass the path, WebSockets included)`)
    : status === 401
      ? failed("unauthorized", `the hub at ${url} wants a signed-in user: sign in or give accessTokenFactory, then call restart()`)
      : status === 403
        ? failed("forbidden", `the hub at ${url} refused: may this user open the hub, and is the Origin header sent (a page's origin) the server's own or in AllowedOrigins?`)
        : protocol
          ? failed("protocol-not-supported", protocol === "messagepack" ? "call AddMessagePackProtocol() on the server, or let the client speak JSON" : `the server does not speak the '${protocol}' hub protocol`)
          : gaveUp
            ? failed("gave-up", `the reconnect policy gave up${status === undefined && noAnswer.test(detail) ? `: could not reach the server of ${url}: is it up, and is the URL right?` : ""}; call start() to try again`)
            : undefined;
}

/**
 * What a first start that failed {@link unreachableAfter} times in a row with transient errors most likely means, for the hub at
 * `url` seen from a page at `page` (its origin). A browser reports a cross-origin request that CORS blocks, a proxy
 * that is not running (or answers 5xx for an app that is down) and a server that is down alike, as a bare
 * `TypeError: Failed to fetch`, so the hint names CORS for a hub on another origin, and the server and the proxy.
 */
export function unreachableFailure(error: unknown, url: string, page = globalThis.location?.origin): TagInvalidationConnectionError {
  const detail = message(error);
  const hub = page && new URL(url, page).origin;
  const cors = hub && hub !== page ? ` ${hub} is not this page's origin: it needs a CORS policy (AllowCredentials) and the page's origin in AllowedOrigins.` : "";
  return new TagInvalidationConnectionError(
    "unreachable",
    `cannot reach the hub at ${url} after ${unreachableAfter} tries (still trying).${cors} Is the server up, and a dev server's proxy of /hubs running (ws: true)?`,
    detail,
    statusOf(error),
  );
}
