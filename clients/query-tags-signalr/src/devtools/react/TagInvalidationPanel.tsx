import { useEffect, useRef } from "react";
import type { InvalidationTimeline } from "../invalidationTimeline.js";
import { mountPanelView, type PanelViewOptions } from "../panelView.js";

/** Props of {@link TagInvalidationPanel}. */
export interface TagInvalidationPanelProps extends PanelViewOptions {
  readonly timeline: InvalidationTimeline;
}

/** The framework-free panel, mounted in a React tree. */
export function TagInvalidationPanel({ timeline, theme, traceLink }: TagInvalidationPanelProps) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => mountPanelView(element.current!, timeline, { theme, traceLink }), [timeline, theme, traceLink]);
  return <div ref={element} style={{ height: "100%" }} />;
}
