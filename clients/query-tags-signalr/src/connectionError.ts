import { toError } from "./logging.js";

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

export const message = (error: unknown): string => toError(error).message;

/** The HTTP status a failed request answered: SignalR's HttpError carries it, and negotiate failures wrap it into their message. */
export const statusOf = (error: unknown): number | undefined =>
  Number((error as { statusCode?: unknown } | null)?.statusCode ?? /Status code '(\d{3})'/.exec(message(error))?.[1]) || undefined;

/** What a failed start or reconnect attempt says: its message, its HTTP status, the hub protocol the server lacks. */
export interface FailureFacts {
  readonly detail: string;
  readonly status: number | undefined;
  readonly protocol: string | undefined;
  /** The failure retrying cannot fix, with `gaveUp` (the reconnect policy returned null) always one; undefined for a transient one. */
  readonly failure: TagInvalidationFailure | undefined;
}

/**
 * What `error` (from a start or a reconnect attempt) stands for. A transient failure (server down, network lost,
 * timeout) is retried by the reconnect policy; the others are not. The sentences that say what to do about each are in
 * `failureHints.ts`, loaded when one happens.
 */
export function failureFacts(error: unknown, gaveUp = false): FailureFacts {
  const detail = message(error);
  const status = statusOf(error);
  const protocol = /protocol '(.*)' is not supported/i.exec(detail)?.[1];
  // The hub path answered something that is not a negotiate response (an SPA's fallback page, most often).
  const failure: TagInvalidationFailure | undefined =
    status === 404 || /negotiat.*(SyntaxError|JSON)/i.test(detail)
      ? "hub-not-found"
      : status === 401
        ? "unauthorized"
        : status === 403
          ? "forbidden"
          : protocol
            ? "protocol-not-supported"
            : gaveUp
              ? "gave-up"
              : undefined;
  return { detail, status, protocol, failure };
}
