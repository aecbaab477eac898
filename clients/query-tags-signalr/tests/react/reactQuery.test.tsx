// @vitest-environment jsdom
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { test } from "vitest";
import { TagInvalidationProvider } from "../../src/react/index.js";
import { expectTodoAppKeptFresh, todoAppClient, todoAppServer, todoQuery, type TodoFetches } from "../integration/todoApp.js";

// The README's React quick start on the real hub: @tanstack/react-query with the package's TagInvalidationProvider,
// rendered in jsdom, the same app the other adapters' tests mount.

const context = todoAppServer();

function Todo({ id, fetches }: { id: number; fetches: TodoFetches }) {
  const { data } = useQuery(todoQuery(id, fetches));
  return <p data-id={id}>{data ?? "loading"}</p>;
}

test("a React app's useQuery with meta.tags refetches when the server invalidates its tag, not for another, and lets go on unmount", async () => {
  const queryClient = new QueryClient();
  const client = todoAppClient(context.server);
  const fetches: TodoFetches = {};
  const errors: Error[] = [];
  const { container, unmount } = render(
    <QueryClientProvider client={queryClient}>
      <TagInvalidationProvider client={client} queryClient={queryClient} onError={(error) => errors.push(error)}>
        <Todo id={5} fetches={fetches} />
        <Todo id={6} fetches={fetches} />
      </TagInvalidationProvider>
    </QueryClientProvider>,
  );

  await expectTodoAppKeptFresh({ server: context.server, client, queryClient, fetches, errors }, { shown: (id) => container.querySelector(`[data-id="${id}"]`)?.textContent, unmount });
});
