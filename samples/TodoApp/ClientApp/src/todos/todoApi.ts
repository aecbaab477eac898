/** A todo as the API returns it (TodoApp's Todo.cs). */
export interface Todo {
  readonly id: number;
  readonly title: string;
  readonly done: boolean;
  readonly updatedAt: string;
}

/** What `PATCH /api/todos/{id}` changes; a member left out stays as it is. */
export interface TodoChange {
  readonly title?: string;
  readonly done?: boolean;
}

export const fetchTodos = (): Promise<Todo[]> => send("GET", "/api/todos");

/** The todo, or null when it does not exist (any more). */
export const fetchTodo = (id: number): Promise<Todo | null> => send("GET", `/api/todos/${id}`, undefined, { notFound: null });

export const createTodo = (title: string): Promise<Todo> => send("POST", "/api/todos", { title });

export const updateTodo = (id: number, change: TodoChange): Promise<Todo> => send("PATCH", `/api/todos/${id}`, change);

/** Deletes the todo; one that is already gone counts as deleted. */
export const deleteTodo = (id: number): Promise<void> => send("DELETE", `/api/todos/${id}`, undefined, { notFound: undefined });

async function send<T>(method: string, url: string, body?: unknown, options?: { notFound: T }): Promise<T> {
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
