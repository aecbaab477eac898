export { trackQueryCursors } from "./trackQueryCursors.js";
export type { TrackQueryCursorsOptions } from "./trackQueryCursors.js";
export type { CursorTrackedQuery, CursorTrackingQueryClient } from "./cursorTrackingQueryClient.js";
export { queryCursorsKey } from "./queryCursors.js";
export type { QueryCursors } from "./queryCursors.js";
