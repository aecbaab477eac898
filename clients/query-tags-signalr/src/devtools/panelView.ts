import { canonical, show as json, type Tag } from "../tags.js";
import { describeConnection } from "./connectionDescription.js";
import type { InvalidationTimeline } from "./invalidationTimeline.js";
import { tagsOf, tagsThatRefetch } from "./observedQueries.js";
import { panelRules } from "./panelStyles.js";
import type { QueryOutcome, TimelineEntry } from "./timelineEntry.js";

/** How the panel shows what it shows. */
export interface PanelViewOptions {
  /** `dark` or `light`, as TanStack Devtools passes it. Default dark. */
  theme?: string;
  /** The address of a trace, for an invalidation that carries a `traceparent` (your tracing UI's); without it, the trace id is shown as text. */
  traceLink?: (traceparent: string, traceId: string) => string;
}

type Child = Node | string | null | undefined | false;

// Text goes in as text: tags, ids, reasons and query keys come from the server and the app, never as markup.
function h(name: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(name);
  Object.entries(attributes).forEach(([key, value]) => element.setAttribute(key, value));
  element.append(...children.filter((child): child is Node | string => child !== null && child !== undefined && child !== false));
  return element;
}

// The page's local time, to the millisecond, as the app's own logs show it.
const time = (at: number): string => `${new Date(at).toLocaleTimeString(undefined, { hour12: false })}.${String(at % 1000).padStart(3, "0")}`;

const tagList = (tags: readonly Tag[]): HTMLElement => h("span", { class: "qt-tags" }, ...tags.map((tag) => h("code", { "data-tag": canonical(tag) }, canonical(tag))));

function outcomeText(outcome: QueryOutcome): string {
  switch (outcome.status) {
    case "skipped":
      return `skipped: ${outcome.reason}`;
    case "running":
      return "refetching";
    case "stale":
      return `marked stale (inactive), ${outcome.durationMs} ms`;
    default:
      return `${outcome.status}${outcome.afterCoalescing ? " after coalescing" : ""}, ${outcome.durationMs} ms${outcome.error ? `: ${outcome.error}` : ""}`;
  }
}

function entryTitle(entry: TimelineEntry): string {
  switch (entry.kind) {
    case "invalidation":
      return `invalidation ${entry.id}${entry.own ? " (own change)" : ""}`;
    case "missed":
      return `missed (cursor ${entry.cursor ?? "none"})`;
    case "reset":
      return `reset: ${entry.reason}`;
    case "rejected":
      return "rejected tags";
  }
}

/**
 * Renders the panel into `element` and keeps it current; returns the function that stops it. Framework-free: the
 * TanStack Devtools plugin and the React adapter both mount it.
 */
export function mountPanelView(element: HTMLElement, timeline: InvalidationTimeline, options: PanelViewOptions = {}): () => void {
  const root = h("div", { class: "qt-panel", "data-theme": options.theme === "light" ? "light" : "dark" });
  const style = document.createElement("style");
  element.replaceChildren(style, root);
  panelRules.forEach((rule) => style.sheet?.insertRule(rule, style.sheet.cssRules.length));
  let selected: string | undefined;
  let scheduled = false;

  const render = (): void => {
    scheduled = false;
    root.replaceChildren(connection(), heldTags(), queries(), entries());
  };
  // Many changes come in one turn (a refetch touches the query cache several times): one render for all of them.
  const schedule = (): void => {
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(render);
    }
  };

  function connection(): HTMLElement {
    const { status, error, role } = timeline.client.state.get();
    const { url, transport, protocol } = describeConnection(timeline.client);
    const held = role === "follower" ? "held by the leading tab" : "unknown";
    const row = (name: string, value: Child, part: string) => [h("dt", {}, name), h("dd", { "data-part": part }, value)];
    return h(
      "section",
      { "data-part": "connection" },
      h("h3", {}, "Connection"),
      h(
        "dl",
        {},
        ...row("Status", status, "status"),
        ...row("Tab", role === "own" ? "own connection" : role === "leader" ? "leads the shared connection" : "follows the shared connection", "role"),
        ...row("URL", url ?? held, "url"),
        ...row("Transport", transport ?? (role === "follower" ? held : "not connected"), "transport"),
        ...row("Protocol", protocol ?? held, "protocol"),
        ...(error ? [...row("Last error", `${error.failure}: ${error.detail}`, "error"), ...row("Hint", error.hint, "hint")] : []),
      ),
    );
  }

  function heldTags(): HTMLElement {
    const cache = timeline.queryClient.getQueryCache().getAll();
    const held = timeline.client.heldTags;
    return h(
      "section",
      { "data-part": "held-tags" },
      h("h3", {}, `Held tags (${held.length})`),
      h(
        "ul",
        {},
        ...held.map((tag) => {
          const key = canonical(tag);
          const holders = cache.filter((query) => tagsOf(query, timeline.client.tagLimits).has(key));
          return h("li", { "data-tag": key }, h("code", {}, key), " ← ", ...holders.map((query) => h("code", { class: "qt-key" }, json(query.queryKey))));
        }),
      ),
    );
  }

  function queries(): HTMLElement {
    const all = timeline.queryClient.getQueryCache().getAll();
    const chosen = all.find((query) => query.queryHash === selected);
    return h(
      "section",
      { "data-part": "queries" },
      h("h3", {}, `Queries (${all.length})`),
      h(
        "ul",
        {},
        ...all.map((query) => {
          const tags = [...tagsOf(query, timeline.client.tagLimits).values()];
          const button = h("button", { type: "button", "data-query-hash": query.queryHash, class: query.queryHash === selected ? "qt-selected" : "" }, json(query.queryKey));
          button.addEventListener("click", () => {
            selected = query.queryHash === selected ? undefined : query.queryHash;
            render();
          });
          return h("li", {}, button, " ", tags.length > 0 ? tagList(tags) : h("span", { class: "qt-flag", "data-part": "untagged" }, "no tags: never refetched by an invalidation"));
        }),
      ),
      chosen && queryDetail(chosen.queryHash, [...tagsOf(chosen, timeline.client.tagLimits).values()]),
    );
  }

  function queryDetail(queryHash: string, tags: Tag[]): HTMLElement {
    const why = timeline.whyRefetched(queryHash);
    return h(
      "div",
      { "data-part": "query-detail" },
      h("h4", {}, "Why did this refetch?"),
      h("p", { "data-part": "why" }, why ? `${entryTitle(why.entry)} at ${time(why.entry.at)}: ${outcomeText(why.outcome)}` : "No invalidation has refetched it since the panel was loaded."),
      h("h4", {}, "Which tags would refetch this?"),
      tags.length > 0 ? h("p", { "data-part": "would-refetch" }, tagList(tagsThatRefetch(tags))) : h("p", { "data-part": "would-refetch" }, "None: it has no tags."),
    );
  }

  function trace(traceparent: string): HTMLElement {
    const traceId = traceparent.split("-")[1] ?? traceparent;
    const href = options.traceLink?.(traceparent, traceId);
    return href ? h("a", { href, target: "_blank", rel: "noreferrer", "data-part": "trace" }, `trace ${traceId}`) : h("code", { "data-part": "trace" }, `trace ${traceId}`);
  }

  function entries(): HTMLElement {
    const items = [...timeline.entries].reverse().map((entry) => {
      const attributes: Record<string, string> = { "data-kind": entry.kind, ...(entry.kind === "invalidation" && { "data-id": entry.id }) };
      const head = h("div", { class: "qt-head" }, h("time", {}, time(entry.at)), " ", h("strong", {}, entryTitle(entry)));
      if (entry.kind === "rejected") {
        return h(
          "li",
          attributes,
          head,
          h("ul", {}, ...entry.rejections.map((rejection) => h("li", { "data-part": "rejection", "data-rule": rejection.rule }, h("code", {}, rejection.tag), ` ${rejection.rule}: ${rejection.reason}`))),
        );
      }

      return h(
        "li",
        attributes,
        head,
        entry.kind === "invalidation" && h("div", {}, "tags ", tagList(entry.tags), entry.source && ` from ${entry.source}`, " ", entry.traceparent && trace(entry.traceparent)),
        ...(entry.kind === "invalidation" ? entry.skipped.map(({ tags, reason }) => h("div", { "data-part": "skipped" }, "push skipped for ", tagList(tags), ` (${reason})`)) : []),
        entry.kind === "missed" && entry.tags.length > 0 && h("div", {}, "tags ", tagList(entry.tags)),
        h(
          "ul",
          {},
          ...entry.queries.map((outcome) => h("li", { "data-query-hash": outcome.queryHash, "data-status": outcome.status }, h("code", { class: "qt-key" }, json(outcome.queryKey)), ` ${outcomeText(outcome)}`)),
        ),
      );
    });
    return h("section", { "data-part": "timeline" }, h("h3", {}, `Timeline (last ${timeline.capacity})`), items.length > 0 ? h("ol", {}, ...items) : h("p", {}, "Nothing yet."));
  }

  render();
  const stop = timeline.subscribe(schedule);
  return () => {
    stop();
    element.replaceChildren();
  };
}
