// @vitest-environment jsdom
// Angular's JIT compiler, loaded before any component: it compiles the app's template and the partially compiled
// declarations of Angular's packages and the adapter's at run time, so the test needs no Angular build step.
import "@angular/compiler";
import { Component, DestroyRef, inject, provideEnvironmentInitializer, provideZonelessChangeDetection } from "@angular/core";
import { bootstrapApplication } from "@angular/platform-browser";
import { injectQuery, provideTanStackQuery, QueryClient } from "@tanstack/angular-query-experimental";
import { test } from "vitest";
import { connectTagInvalidation } from "../../src/index.js";
import { expectTodoAppKeptFresh, todoAppClient, todoAppServer, todoQuery, type TodoFetches } from "../integration/todoApp.js";

// An Angular app (standalone, zoneless, signals) with @tanstack/angular-query-experimental (which pins a query-core of
// its own) that connects in an environment initializer and disconnects when the app is destroyed, bootstrapped in
// jsdom and kept fresh over the real hub, as the README's Angular example wires it. The component is declared by
// calling @Component as a function, which is what the decorator does, so no decorator transform is needed.

const context = todoAppServer();
const fetches: TodoFetches = {};

const TodoApp = Component({
  selector: "todo-app",
  template: `<p data-id="5">{{ todo5.data() ?? "loading" }}</p><p data-id="6">{{ todo6.data() ?? "loading" }}</p>`,
})(
  class TodoApp {
    readonly todo5 = injectQuery(() => todoQuery(5, fetches));
    readonly todo6 = injectQuery(() => todoQuery(6, fetches));
  },
);

test("an Angular app's injectQuery with meta.tags refetches when the server invalidates its tag, not for another, and lets go when destroyed", async () => {
  const queryClient = new QueryClient();
  const client = todoAppClient(context.server);
  const errors: Error[] = [];
  const target = document.body.appendChild(document.createElement("todo-app"));
  const app = await bootstrapApplication(TodoApp, {
    providers: [
      provideZonelessChangeDetection(),
      provideTanStackQuery(queryClient),
      provideEnvironmentInitializer(() => {
        const disconnect = connectTagInvalidation({ queryClient, client, onError: (error) => errors.push(error) });
        client.start().catch(() => {}); // a failure reaches onError too
        inject(DestroyRef).onDestroy(() => {
          disconnect();
          void client.stop();
        });
      }),
    ],
  });

  await expectTodoAppKeptFresh(
    { server: context.server, client, queryClient, fetches, errors },
    { shown: (id) => target.querySelector(`[data-id="${id}"]`)?.textContent, unmount: () => app.destroy() },
  );
});
