export { TagInvalidationProvider } from "./TagInvalidationProvider.js";
export type { TagInvalidationProviderProps } from "./TagInvalidationProvider.js";
export { useTagInvalidationStatus } from "./useTagInvalidationStatus.js";
