import { tagInvalidationDevtoolsReactPlugin } from "@querytags/signalr/devtools/react";
import type { TagInvalidationClient } from "@querytags/signalr";
import type { QueryClient } from "@tanstack/react-query";
import { TanStackDevtools } from "@tanstack/react-devtools";
import { createRoot } from "react-dom/client";

/**
 * TanStack Devtools with the Query tags panel, open: what `/?devtools` shows. Loaded only then (main.tsx imports
 * this module lazily), in a React root of its own beside the app's.
 */
export function mountDevtools(client: TagInvalidationClient, queryClient: QueryClient): void {
  // Built once, now: it records from here on, whether or not the panel is open.
  const plugin = tagInvalidationDevtoolsReactPlugin({ client, queryClient });
  const element = document.body.appendChild(document.createElement("div"));
  createRoot(element).render(<TanStackDevtools plugins={[{ ...plugin, defaultOpen: true }]} config={{ defaultOpen: true, triggerMode: "fixed", position: "bottom-right" }} />);
}
