import type { TanStackDevtoolsReactPlugin } from "@tanstack/react-devtools";
import { InvalidationTimeline } from "../invalidationTimeline.js";
import { tagInvalidationDevtoolsId, type TagInvalidationDevtoolsOptions } from "../tagInvalidationDevtoolsPlugin.js";
import { TagInvalidationPanel } from "./TagInvalidationPanel.js";

export { TagInvalidationPanel } from "./TagInvalidationPanel.js";
export type { TagInvalidationPanelProps } from "./TagInvalidationPanel.js";

/**
 * The panel as a plugin of `@tanstack/react-devtools`: `<TanStackDevtools plugins={[plugin]} />`. It starts recording
 * when it is created, so build it once, next to the client (not in a render).
 */
export function tagInvalidationDevtoolsReactPlugin(options: TagInvalidationDevtoolsOptions): TanStackDevtoolsReactPlugin & { readonly timeline: InvalidationTimeline } {
  const timeline = new InvalidationTimeline(options);
  return {
    id: tagInvalidationDevtoolsId,
    name: "Query tags",
    timeline,
    render: (_element, props) => <TagInvalidationPanel timeline={timeline} theme={props.theme} traceLink={options.traceLink} />,
  };
}
