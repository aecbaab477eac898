export { canonicalTag, defaultTagLimits, readTag, TagError, tagMatches, TagRules, toTag } from "./tags.js";
export type { Tag, TagLimits, TagReadResult, TagRejectionReason, TagRule, TagSegment } from "./tags.js";
