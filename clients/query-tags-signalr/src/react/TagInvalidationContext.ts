import { createContext } from "react";
import type { SignalRInvalidatorClient } from "../client.js";

export const TagInvalidationContext = createContext<SignalRInvalidatorClient | null>(null);
