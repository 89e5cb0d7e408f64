/** Named matchers for the tls rules. */
import type { Matcher } from "./types.js";

export const MATCHERS: Record<string, Matcher> = {};
