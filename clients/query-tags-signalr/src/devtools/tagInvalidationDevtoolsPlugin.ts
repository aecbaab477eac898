import type { TanStackDevtoolsPlugin } from "@tanstack/devtools";
import type { TagInvalidationClient } from "../tagInvalidationClient.js";
import { InvalidationTimeline } from "./invalidationTimeline.js";
import type { ObservedQueryClient } from "./observedQueries.js";
import { mountPanelView, type PanelViewOptions } from "./panelView.js";

/** What the panel observes, and how it shows it. */
export interface TagInvalidationDevtoolsOptions extends PanelViewOptions {
  readonly client: TagInvalidationClient;
  /** The app's `QueryClient` (any TanStack adapter's). */
  readonly queryClient: ObservedQueryClient;
  /** How many timeline entries it keeps. Default 100. */
  readonly capacity?: number;
}

/** The plugin's id in TanStack Devtools. */
export const tagInvalidationDevtoolsId = "querytags-signalr";

/**
 * A TanStack Devtools plugin showing the client's connection, its held tags and the queries holding them, and a
 * timeline of the last invalidations with what each refetched: `new TanStackDevtoolsCore({ plugins: [plugin] })`.
 * It starts recording when it is created, so build it next to the client, before the panel is opened.
 */
export function tagInvalidationDevtoolsPlugin(options: TagInvalidationDevtoolsOptions): TanStackDevtoolsPlugin & { readonly timeline: InvalidationTimeline } {
  const timeline = new InvalidationTimeline(options);
  let unmount: (() => void) | undefined;
  return {
    id: tagInvalidationDevtoolsId,
    name: "Query tags",
    timeline,
    render: (element, props) => {
      unmount?.();
      unmount = mountPanelView(element, timeline, { theme: props.theme, traceLink: options.traceLink });
    },
    destroy: () => {
      unmount?.();
      unmount = undefined;
    },
  };
}
