/** @jsxImportSource solid-js */
// @vitest-environment jsdom
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/solid-query";
import { onCleanup, onMount } from "solid-js";
import { render } from "solid-js/web";
import { test } from "vitest";
import { connectTagInvalidation, type TagInvalidationClient } from "../../src/index.js";
import { expectTodoAppKeptFresh, todoAppClient, todoAppServer, todoQuery, type TodoFetches } from "../integration/todoApp.js";

// A Solid app with @tanstack/solid-query (which pins a query-core of its own) that connects in onMount, rendered in
// jsdom and kept fresh over the real hub, as the README's Solid example wires it.

const context = todoAppServer();

function App(props: { queryClient: QueryClient; client: TagInvalidationClient; fetches: TodoFetches; onError: (error: Error) => void }) {
  onMount(() => {
    const disconnect = connectTagInvalidation({ queryClient: props.queryClient, client: props.client, onError: props.onError });
    props.client.start().catch(() => {}); // a failure reaches onError too
    onCleanup(() => {
      disconnect();
      void props.client.stop();
    });
  });
  return (
    <QueryClientProvider client={props.queryClient}>
      <Todo id={5} fetches={props.fetches} />
      <Todo id={6} fetches={props.fetches} />
    </QueryClientProvider>
  );
}

function Todo(props: { id: number; fetches: TodoFetches }) {
  const query = useQuery(() => todoQuery(props.id, props.fetches));
  return <p data-id={props.id}>{query.data ?? "loading"}</p>;
}

test("a Solid app's useQuery with meta.tags refetches when the server invalidates its tag, not for another, and lets go on unmount", async () => {
  const queryClient = new QueryClient();
  const client = todoAppClient(context.server);
  const fetches: TodoFetches = {};
  const errors: Error[] = [];
  const target = document.body.appendChild(document.createElement("div"));
  const dispose = render(() => <App queryClient={queryClient} client={client} fetches={fetches} onError={(error) => errors.push(error)} />, target);

  await expectTodoAppKeptFresh(
    { server: context.server, client, queryClient, fetches, errors },
    { shown: (id) => target.querySelector(`[data-id="${id}"]`)?.textContent, unmount: dispose },
  );
});
