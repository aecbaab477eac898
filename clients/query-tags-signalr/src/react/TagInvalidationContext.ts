import { createContext } from "react";
import type { TagInvalidationClient } from "../tagInvalidationClient.js";

export const TagInvalidationContext = createContext<TagInvalidationClient | null>(null);
