// @vitest-environment jsdom
import { QueryClient, useQuery, VueQueryPlugin } from "@tanstack/vue-query";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createApp, defineComponent, h, nextTick } from "vue";
import { connectTagInvalidation, createTagInvalidationClient } from "../../src/index.js";
import { startTestServer, type TestServer } from "../integration/testServer.js";

// The README's "any adapter" claim, run: a Vue 3 app with @tanstack/vue-query (which pins a query-core of its own),
// mounted in a DOM, kept fresh by the core's connectTagInvalidation over the real hub, as the README's Vue example
// wires it.

let server: TestServer;
beforeAll(async () => {
  // jsdom's WebSocket sends the page's Origin, which the hub admits only when it is its own or allowed.
  server = await startTestServer({ args: [`--TagInvalidation:AllowedOrigins:0=${location.origin}`] });
});
afterAll(async () => {
  await server?.stop();
});

test("a Vue component's useQuery with meta.tags refetches when the server invalidates its tag, and not for another", async () => {
  const fetches: Record<number, number> = { 5: 0, 6: 0 };
  const Todo = defineComponent({
    props: { id: { type: Number, required: true } },
    setup(props) {
      const { data } = useQuery({
        queryKey: ["todo", props.id],
        queryFn: async () => `todo ${props.id}, fetch ${++fetches[props.id]!}`,
        staleTime: Infinity,
        meta: { tags: [["todo", props.id]] },
      });
      return () => h("p", { "data-id": props.id }, data.value ?? "loading");
    },
  });
  const App = defineComponent({ setup: () => () => [h(Todo, { id: 5 }), h(Todo, { id: 6 })] });

  const queryClient = new QueryClient();
  const client = createTagInvalidationClient({ url: server.hubUrl, logger: { log: () => {} }, firstSubscribeMarginMs: 0 });
  const errors: Error[] = [];
  const disconnect = connectTagInvalidation({ queryClient, client, onError: (error) => errors.push(error) });
  const root = document.createElement("div");
  document.body.append(root);
  const app = createApp(App).use(VueQueryPlugin, { queryClient });
  app.mount(root);
  const shown = (id: number) => root.querySelector(`[data-id="${id}"]`)?.textContent;
  try {
    await client.start();
    await vi.waitFor(() => expect([shown(5), shown(6)]).toEqual(["todo 5, fetch 1", "todo 6, fetch 1"]));
    await vi.waitFor(() => expect(client.heldTags).toHaveLength(2));
    expect(client.state.get()).toEqual({ status: "connected", error: undefined, role: "own" });

    await server.invalidate([["todo", 5]]);
    await vi.waitFor(() => expect(shown(5)).toBe("todo 5, fetch 2"), { timeout: 2000, interval: 10 });

    // ["todo", 6] next: had ["todo", 5]'s invalidation refetched todo 6 too, it would show by now.
    await server.invalidate([["todo", 6]]);
    await vi.waitFor(() => expect(shown(6)).toBe("todo 6, fetch 2"), { timeout: 2000, interval: 10 });
    await nextTick();
    expect(fetches).toEqual({ 5: 2, 6: 2 });
    expect(errors).toEqual([]);
  } finally {
    app.unmount();
    disconnect();
    await client.stop();
  }
});
