// @vitest-environment jsdom
import { QueryClient, useQuery, VueQueryPlugin } from "@tanstack/vue-query";
import { test } from "vitest";
import { createApp, defineComponent, h } from "vue";
import { connectTagInvalidation } from "../../src/index.js";
import { expectTodoAppKeptFresh, todoAppClient, todoAppServer, todoQuery, type TodoFetches } from "../integration/todoApp.js";

// The README's "any adapter" claim, run: a Vue 3 app with @tanstack/vue-query (which pins a query-core of its own),
// mounted in a DOM, kept fresh by the core's connectTagInvalidation over the real hub, as the README's Vue example
// wires it: connected before the app mounts, disconnected and stopped after it unmounts.

const context = todoAppServer();

test("a Vue app's useQuery with meta.tags refetches when the server invalidates its tag, not for another, and lets go on unmount", async () => {
  const fetches: TodoFetches = {};
  const Todo = defineComponent({
    props: { id: { type: Number, required: true } },
    setup(props) {
      const { data } = useQuery(todoQuery(props.id, fetches));
      return () => h("p", { "data-id": props.id }, data.value ?? "loading");
    },
  });
  const App = defineComponent({ setup: () => () => [h(Todo, { id: 5 }), h(Todo, { id: 6 })] });

  const queryClient = new QueryClient();
  const client = todoAppClient(context.server);
  const errors: Error[] = [];
  const disconnect = connectTagInvalidation({ queryClient, client, onError: (error) => errors.push(error) });
  client.start().catch(() => {}); // a failure reaches onError too
  const root = document.body.appendChild(document.createElement("div"));
  const app = createApp(App).use(VueQueryPlugin, { queryClient });
  app.mount(root);

  await expectTodoAppKeptFresh(
    { server: context.server, client, queryClient, fetches, errors },
    {
      shown: (id) => root.querySelector(`[data-id="${id}"]`)?.textContent,
      unmount: async () => {
        app.unmount();
        disconnect();
        await client.stop();
      },
    },
  );
});
