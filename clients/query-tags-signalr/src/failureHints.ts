import { failureFacts, message, statusOf, TagInvalidationConnectionError, unreachableAfter, type TagInvalidationFailure } from "./connectionError.js";

// Imported when a failure happens, not with the core: the sentences are most of the failures' weight.

// A failure where no server answered at all, as browsers (TypeError: Failed to fetch) and Node (fetch failed) word it.
const noAnswer = /failed to fetch|fetch failed|networkerror|ECONNREFUSED|ENOTFOUND/i;

/**
 * The failure retrying cannot fix that `error` (from a start or a reconnect attempt to the hub at `url`) stands for,
 * with its hint; with `gaveUp` (the reconnect policy returned null) always one. Undefined for a transient failure. The
 * same failures and hints as the .NET client's (`tests/vectors/client.json`), with this client's names in them.
 */
export function permanentFailure(error: unknown, url: string, gaveUp = false): TagInvalidationConnectionError | undefined {
  const { detail, status, protocol, failure } = failureFacts(error, gaveUp);
  const hints: Record<TagInvalidationFailure, string> = {
    "hub-not-found": `is the hub mapped at ${url}? (app.MapTagInvalidation() maps /hubs/invalidation; a proxy in between, such as a dev server's, must pass the path, WebSockets included)`,
    unauthorized: `the hub at ${url} wants a signed-in user: sign in or give accessTokenFactory, then call restart()`,
    forbidden: `the hub at ${url} refused: may this user open the hub, and is the Origin header sent (a page's origin) the server's own or in AllowedOrigins?`,
    "protocol-not-supported": protocol === "messagepack" ? "call AddMessagePackProtocol() on the server, or let the client speak JSON" : `the server does not speak the '${protocol}' hub protocol`,
    "gave-up": `the reconnect policy gave up${status === undefined && noAnswer.test(detail) ? `: could not reach the server of ${url}: is it up, and is the URL right?` : ""}; call start() to try again`,
    unreachable: "",
  };
  return failure && new TagInvalidationConnectionError(failure, hints[failure], detail, status);
}

/**
 * What a first start that failed {@link unreachableAfter} times in a row with transient errors most likely means, for the hub at
 * `url` seen from a page at `page` (its origin). A browser reports a cross-origin request that CORS blocks, a proxy
 * that is not running (or answers 5xx for an app that is down) and a server that is down alike, as a bare
 * `TypeError: Failed to fetch`, so the hint names CORS for a hub on another origin, and the server and the proxy.
 */
export function unreachableFailure(error: unknown, url: string, page = globalThis.location?.origin): TagInvalidationConnectionError {
  const hub = page && new URL(url, page).origin;
  const cors = hub && hub !== page ? ` ${hub} is not this page's origin: it needs a CORS policy (AllowCredentials) and the page's origin in AllowedOrigins.` : "";
  return new TagInvalidationConnectionError(
    "unreachable",
    `cannot reach the hub at ${url} after ${unreachableAfter} tries (still trying).${cors} Is the server up, and a dev server's proxy of /hubs running (ws: true)?`,
    message(error),
    statusOf(error),
  );
}
