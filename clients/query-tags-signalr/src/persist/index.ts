export { trackQueryCursors } from "./trackQueryCursors.js";
export type { CursorTrackedQuery, CursorTrackingQueryClient, TrackQueryCursorsOptions } from "./trackQueryCursors.js";
export { queryCursorsKey } from "./queryCursors.js";
export type { QueryCursors } from "./queryCursors.js";
