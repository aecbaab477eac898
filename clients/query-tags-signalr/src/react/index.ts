export { TagInvalidationProvider } from "./TagInvalidationProvider.js";
export type { TagInvalidationProviderProps } from "./TagInvalidationProvider.js";
export { useTagInvalidationState, useTagInvalidationStatus } from "./useTagInvalidationStatus.js";
