import { createContext } from "react";
import type { TagInvalidationClient } from "../client.js";

export const TagInvalidationContext = createContext<TagInvalidationClient | null>(null);
