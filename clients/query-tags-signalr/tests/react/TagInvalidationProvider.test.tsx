// @vitest-environment jsdom
import { HubConnectionState } from "@microsoft/signalr";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { act, cleanup, render, renderHook, screen, waitFor } from "@testing-library/react";
import { StrictMode, type ReactNode } from "react";
import { afterEach, expect, test } from "vitest";
import { createTagInvalidationClient, withTags, type TagInvalidationStatus } from "../../src/index.js";
import { TagInvalidationProvider, useTagInvalidationClient, useTagInvalidationState, useTagInvalidationStatus } from "../../src/react/index.js";
import { FakeHubConnection } from "../unit/fakeHubConnection.js";

afterEach(cleanup);

function setup() {
  const connection = new FakeHubConnection();
  const client = createTagInvalidationClient({ connection: connection.asHubConnection(), logger: { log: () => {} } });
  const queryClient = new QueryClient();
  return { connection, client, queryClient };
}

let fetches = 0;
function Todo() {
  const { data } = useQuery(withTags({ queryKey: ["todo", 5], queryFn: async () => `fetch ${++fetches}` }, [["todo", 5]]));
  const status = useTagInvalidationStatus();
  return (
    <p>
      {status}: {data ?? "loading"}
    </p>
  );
}

function App({ children, ...props }: ReturnType<typeof setup> & { children: ReactNode; router?: { invalidate(): void } }) {
  return (
    <QueryClientProvider client={props.queryClient}>
      <TagInvalidationProvider client={props.client} queryClient={props.queryClient} router={props.router}>
        {children}
      </TagInvalidationProvider>
    </QueryClientProvider>
  );
}

test("the provider connects while mounted: tags held, invalidations applied, status shown, the router invalidated", async () => {
  fetches = 0;
  const context = setup();
  let routerInvalidations = 0;
  render(
    <App {...context} router={{ invalidate: () => routerInvalidations++ }}>
      <Todo />
    </App>,
  );

  await screen.findByText("connected: fetch 1");
  await waitFor(() => expect(context.connection.calls("Subscribe")).toEqual([[[["todo", 5]], expect.stringMatching(/^age:\d+$/)]]));

  act(() => context.connection.receive("invalidate", { id: "id-1", tags: [["todo"]], cursor: "e:2", origin: null }));

  await screen.findByText("connected: fetch 2");
  await waitFor(() => expect(routerInvalidations).toBe(1));
  act(() => context.connection.drop());
  await screen.findByText("reconnecting: fetch 2");
});

test("unmounting stops the connection and leaves the query cache without listeners of ours", async () => {
  const context = setup();
  const { unmount } = render(<App {...context}>{null}</App>);
  await waitFor(() => expect(context.client.status.get()).toBe("connected"));

  unmount();

  await waitFor(() => expect(context.connection.state).toBe(HubConnectionState.Disconnected));
  expect(context.client.status.get()).toBe("disconnected");
  expect(context.queryClient.getQueryCache().hasListeners()).toBe(false);
});

test("strict mode's mount, unmount and mount again ends connected, with the tags subscribed", async () => {
  fetches = 0;
  const context = setup();
  render(
    <StrictMode>
      <App {...context}>
        <Todo />
      </App>
    </StrictMode>,
  );

  await screen.findByText(/^connected: fetch/);
  expect(context.connection.state).toBe(HubConnectionState.Connected);
  await waitFor(() => expect(context.client.heldTags).toEqual([["todo", 5]]));
  await waitFor(() => expect(context.connection.calls("Subscribe").at(-1)?.[0]).toEqual([["todo", 5]]));
});

test("useTagInvalidationStatus follows a client it is given, and says when it has none", async () => {
  const { client } = setup();
  const { result } = renderHook(() => useTagInvalidationStatus(client));
  const seen: TagInvalidationStatus[] = [result.current];

  await act(() => client.start());
  seen.push(result.current);

  expect(seen).toEqual(["disconnected", "connected"]);
  expect(() => renderHook(() => useTagInvalidationStatus())).toThrow(/inside <TagInvalidationProvider>/);
});

test("useTagInvalidationState gives the failed status with its error, whose hint an app can show", async () => {
  const connection = new FakeHubConnection();
  connection.startError = () => new Error("Failed to complete negotiation with the server: Error: Not Found: Status code '404'");
  const client = createTagInvalidationClient({ connection: connection.asHubConnection(), logger: { log: () => {} } });
  const { result } = renderHook(() => useTagInvalidationState(client));
  expect(result.current).toEqual({ status: "disconnected", error: undefined, role: "own" });

  await act(() => client.start().catch(() => undefined));

  expect(result.current).toMatchObject({ status: "failed", role: "own", error: { failure: "hub-not-found", hint: expect.stringContaining("is the hub mapped at") } });
  expect(() => renderHook(() => useTagInvalidationState())).toThrow(/useTagInvalidationState: no client/);
});

test("useTagInvalidationClient gives the provider's client, and says when there is none", () => {
  const context = setup();
  const { result } = renderHook(() => useTagInvalidationClient(), { wrapper: ({ children }) => <App {...context}>{children}</App> });

  expect(result.current).toBe(context.client);
  expect(() => renderHook(() => useTagInvalidationClient())).toThrow(/useTagInvalidationClient: no client/);
});
