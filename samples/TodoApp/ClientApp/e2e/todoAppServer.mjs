// Starts the built TodoApp on a free loopback port with a fresh SQLite database, and talks to its API.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The content root is the project folder, where the app finds ClientApp/dist, as `dotnet run` does.
const projectDir = fileURLToPath(new URL("../../", import.meta.url));
const dll = join(projectDir, "bin/Debug/net10.0/TodoApp.dll");

/**
 * @typedef {{ id: number, title: string, done: boolean, owner: string | null }} Todo
 * @typedef {{
 *   createTodo(title: string): Promise<Todo>,
 *   updateTodo(id: number, change: { title?: string, done?: boolean }): Promise<Todo>,
 *   deleteTodo(id: number): Promise<void>,
 * }} TodoApi
 * @typedef {TodoApi & {
 *   url: string,
 *   publishApiKey: string | null,
 *   signIn(user: string): Promise<TodoApi>,
 *   output(): string,
 *   stop(): Promise<void>,
 * }} TodoApp
 */

/**
 * @param {{ publishApiKey?: string | null, logLevel?: string }} [options]  the key POST /api/invalidations accepts (a
 *   random one unless given; null leaves PublishApiKey unset, so the endpoint refuses everyone), and the app's default
 *   log level (Warning unless given; appsettings.json's levels of particular categories still apply)
 * @returns {Promise<TodoApp>}
 */
export async function startTodoApp({ publishApiKey = randomUUID(), logLevel = "Warning" } = {}) {
  if (!existsSync(dll)) {
    throw new Error(`The TodoApp is not built: run 'dotnet build samples/TodoApp' (${dll} is missing).`);
  }

  if (!existsSync(join(projectDir, "ClientApp/dist/index.html"))) {
    throw new Error("The SPA is not built: 'dotnet build samples/TodoApp' builds it into ClientApp/dist.");
  }

  const dataDir = mkdtempSync(join(tmpdir(), "todoapp-e2e-"));
  const child = spawn(
    "dotnet",
    [
      dll,
      "--urls", "http://127.0.0.1:0",
      `--ConnectionStrings:Todos=Data Source=${join(dataDir, "todos.db")}`,
      `--Logging:LogLevel:Default=${logLevel}`,
      "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
      ...(publishApiKey === null ? [] : [`--PublishApiKey=${publishApiKey}`]),
    ],
    { cwd: projectDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  // A test process that dies without its after() hook still takes the app with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  // "close": the process has exited and its output has been read to the end.
  const exited = new Promise((resolve) => child.once("close", resolve));
  let output = "";

  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }

    rmSync(dataDir, { recursive: true, force: true });
  };

  let url;
  try {
    url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("The TodoApp printed no URL within 60 s.")), 60_000);
      const read = (chunk) => {
        output += chunk.toString();
        const match = /Now listening on: (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout.on("data", read);
      child.stderr.on("data", read);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`The TodoApp exited with code ${code} before printing its URL.`));
      });
    });
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\n${output}`);
  }

  const send = async (method, path, body, cookie) => {
    const response = await fetch(url + path, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }

    return { cookie: response.headers.getSetCookie().map((header) => header.split(";")[0]).join("; "), json: response.status === 204 ? undefined : await response.json() };
  };

  /** @returns {TodoApi} the list under `path`, with the session `cookie` (if any) */
  const todoApi = (path, cookie) => {
    const call = async (method, subPath, body) => (await send(method, path + subPath, body, cookie)).json;
    return {
      createTodo: (title) => call("POST", "", { title }),
      updateTodo: (id, change) => call("PATCH", `/${id}`, change),
      deleteTodo: (id) => call("DELETE", `/${id}`),
    };
  };

  return {
    url,
    publishApiKey,
    // What the app wrote to its standard output and error so far.
    output: () => output,
    ...todoApi("/api/todos"),
    // Signs in as `user` (no password: it is a sample) and answers with that user's own list.
    signIn: async (user) => todoApi("/api/me/todos", (await send("POST", "/api/session", { user })).cookie),
    stop,
  };
}
