import { createRouter } from "@tanstack/react-router";
import { rootRoute, type AppRouterContext } from "./routes/rootRoute";
import { todoDetailRoute } from "./routes/todoDetailRoute";
import { todoListRoute } from "./routes/todoListRoute";

const routeTree = rootRoute.addChildren([todoListRoute, todoDetailRoute]);

export function createAppRouter(context: AppRouterContext) {
  return createRouter({ routeTree, context });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
