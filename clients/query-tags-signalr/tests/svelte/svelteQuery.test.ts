// @vitest-environment jsdom
import { QueryClient } from "@tanstack/svelte-query";
import { flushSync, mount, unmount } from "svelte";
import { test } from "vitest";
import { expectTodoAppKeptFresh, todoAppClient, todoAppServer, type TodoFetches } from "../integration/todoApp.js";
import App from "./App.svelte";

// A Svelte 5 app with @tanstack/svelte-query (which pins a query-core of its own) that connects in an $effect,
// mounted in jsdom and kept fresh over the real hub, as the README's Svelte example wires it.

const context = todoAppServer();

test("a Svelte app's createQuery with meta.tags refetches when the server invalidates its tag, not for another, and lets go on unmount", async () => {
  const queryClient = new QueryClient();
  const client = todoAppClient(context.server);
  const fetches: TodoFetches = {};
  const errors: Error[] = [];
  const target = document.body.appendChild(document.createElement("div"));
  const app = mount(App, { target, props: { queryClient, client, fetches, onError: (error: Error) => errors.push(error) } });
  flushSync();

  await expectTodoAppKeptFresh(
    { server: context.server, client, queryClient, fetches, errors },
    { shown: (id) => target.querySelector(`[data-id="${id}"]`)?.textContent, unmount: () => unmount(app) },
  );
});
