/**
 * Sends a request to the app's API and reads its JSON answer; a 204 gives undefined, and a 404 gives
 * `options.notFound` when given. Any other failure throws an Error with the problem's text.
 */
export async function send<T>(method: string, url: string, body?: unknown, options?: { notFound: T }): Promise<T> {
  return (await request<T>(method, url, body, options)).result;
}

/**
 * Like {@link send}, for a change: also answers the ids of the invalidations the server published while handling it
 * (its `QueryTags-Invalidation-Id` header: each EF Core save publishes one, a declarative endpoint one), or null.
 */
export async function sendChange<T>(method: string, url: string, body?: unknown, options?: { notFound: T }): Promise<{ result: T; invalidationId: string | null }> {
  const { result, response } = await request<T>(method, url, body, options);
  return { result, invalidationId: response.headers.get("QueryTags-Invalidation-Id") };
}

async function request<T>(method: string, url: string, body?: unknown, options?: { notFound: T }): Promise<{ result: T; response: Response }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 404 && options) {
    return { result: options.notFound, response };
  }

  if (!response.ok) {
    throw new Error(await problemText(response));
  }

  return { result: response.status === 204 ? (undefined as T) : ((await response.json()) as T), response };
}

// Every error of the API is ProblemDetails (AddProblemDetails); a validation problem names its fields.
async function problemText(response: Response): Promise<string> {
  try {
    const problem = (await response.json()) as { title?: string; errors?: Record<string, string[]> };
    const details = Object.values(problem.errors ?? {}).flat();
    return details.length > 0 ? details.join(" ") : (problem.title ?? response.statusText);
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}
