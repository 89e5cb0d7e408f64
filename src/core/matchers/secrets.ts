/** Named matchers for the secrets rules. */
import type { Matcher } from "./types.js";

export const MATCHERS: Record<string, Matcher> = {};
