/** Named matchers for the command rules. */
import type { Matcher } from "./types.js";

export const MATCHERS: Record<string, Matcher> = {};
