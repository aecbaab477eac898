export { TagInvalidationProvider } from "./TagInvalidationProvider.js";
export type { TagInvalidationProviderProps } from "./TagInvalidationProvider.js";
export { useTagInvalidationClient, useTagInvalidationState, useTagInvalidationStatus } from "./useTagInvalidationStatus.js";
