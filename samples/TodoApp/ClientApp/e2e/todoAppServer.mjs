// Starts the built TodoApp on a free loopback port with a fresh SQLite database, and talks to its API.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The content root is the project folder, where the app finds ClientApp/dist, as `dotnet run` does.
const projectDir = fileURLToPath(new URL("../../", import.meta.url));
const dll = join(projectDir, "bin/Debug/net10.0/TodoApp.dll");

/**
 * @typedef {{ id: number, title: string, done: boolean }} Todo
 * @typedef {{
 *   url: string,
 *   createTodo(title: string): Promise<Todo>,
 *   updateTodo(id: number, change: { title?: string, done?: boolean }): Promise<Todo>,
 *   deleteTodo(id: number): Promise<void>,
 *   stop(): Promise<void>,
 * }} TodoApp
 */

/** @returns {Promise<TodoApp>} */
export async function startTodoApp() {
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
      "--Logging:LogLevel:Default=Warning",
      "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
    ],
    { cwd: projectDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  // A test process that dies without its after() hook still takes the app with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise((resolve) => child.once("exit", resolve));
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

  const send = async (method, path, body) => {
    const response = await fetch(url + path, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }

    return response.status === 204 ? undefined : response.json();
  };

  return {
    url,
    createTodo: (title) => send("POST", "/api/todos", { title }),
    updateTodo: (id, change) => send("PATCH", `/api/todos/${id}`, change),
    deleteTodo: (id) => send("DELETE", `/api/todos/${id}`),
    stop,
  };
}
