export { canonicalTag, defaultTagLimits, readTag, TagError, tagMatches, TagRules, toTag } from "./tags.js";
export type { Tag, TagLimits, TagReadResult, TagRejectionReason, TagRule, TagSegment } from "./tags.js";
export { InvalidationHubMethods } from "./protocol.js";
export type { InvalidationMessage, ResetMessage, SubscribeResult, TagRejection } from "./protocol.js";
export { latestCursor } from "./cursor.js";
export { foreverRetryPolicy } from "./foreverRetryPolicy.js";
export type { TagInvalidationStatus, TagInvalidationStatusStore } from "./status.js";
export { createSignalRInvalidatorClient, SignalRInvalidatorClient } from "./client.js";
export type { InvalidatorEvent, SignalRInvalidatorClientOptions } from "./client.js";
