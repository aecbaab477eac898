/**
 * Sends a request to the app's API and reads its JSON answer; a 204 gives undefined, and a 404 gives
 * `options.notFound` when given. Any other failure throws an Error with the problem's text.
 */
export async function send<T>(method: string, url: string, body?: unknown, options?: { notFound: T }): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? undefined : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 404 && options) {
    return options.notFound;
  }

  if (!response.ok) {
    throw new Error(await problemText(response));
  }

  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
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
