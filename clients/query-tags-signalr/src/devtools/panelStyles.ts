// Scoped to the panel's root; colours follow TanStack Devtools' theme through data-theme. Rules, not a style
// element's text: they go in through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' allows.
export const panelRules: readonly string[] = [
  `.qt-panel { --fg: #e5e7eb; --muted: #9ca3af; --bg: #111827; --line: #374151; --accent: #60a5fa; --bad: #f87171; --good: #34d399; font: 12px/1.5 ui-sans-serif, system-ui, sans-serif; color: var(--fg); background: var(--bg); padding: 8px 12px; height: 100%; overflow: auto; box-sizing: border-box; }`,
  `.qt-panel[data-theme="light"] { --fg: #111827; --muted: #4b5563; --bg: #ffffff; --line: #e5e7eb; --accent: #2563eb; --bad: #dc2626; --good: #059669; }`,
  `.qt-panel section { border-bottom: 1px solid var(--line); padding: 6px 0; }`,
  // Two columns when there is room: what the tab holds on the left, the timeline on the right.
  `.qt-panel { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.2fr); column-gap: 16px; align-content: start; }`,
  `.qt-panel [data-part="timeline"] { grid-column: 2; grid-row: 1 / span 3; }`,
  `@media (max-width: 720px) { .qt-panel { display: block; } }`,
  `.qt-panel h3 { margin: 0 0 4px; font-size: 13px; }`,
  `.qt-panel h4 { margin: 6px 0 2px; font-size: 12px; color: var(--muted); }`,
  `.qt-panel dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }`,
  `.qt-panel dt { color: var(--muted); }`,
  `.qt-panel dd { margin: 0; }`,
  `.qt-panel ul, .qt-panel ol { margin: 0; padding-left: 16px; }`,
  `.qt-panel code { font: 11px ui-monospace, monospace; margin-right: 4px; }`,
  `.qt-panel .qt-key { color: var(--accent); }`,
  `.qt-panel .qt-flag, .qt-panel [data-status="error"], .qt-panel [data-part="rejection"], .qt-panel [data-part="error"] { color: var(--bad); }`,
  `.qt-panel [data-status="ok"] { color: var(--good); }`,
  `.qt-panel [data-status="skipped"], .qt-panel [data-status="stale"], .qt-panel time { color: var(--muted); }`,
  `.qt-panel button { font: inherit; color: var(--accent); background: none; border: 1px solid var(--line); border-radius: 3px; cursor: pointer; }`,
  `.qt-panel button.qt-selected { border-color: var(--accent); }`,
  `.qt-panel [data-part="query-detail"] { border-left: 2px solid var(--accent); padding-left: 8px; margin-top: 6px; }`,
  `.qt-panel a { color: var(--accent); }`,
];
