/** Named matchers for the misc rules. */
import type { Matcher } from "./types.js";

export const MATCHERS: Record<string, Matcher> = {};
