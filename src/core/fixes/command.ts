/** Fix builders for the command rules. */
import type { FixBuilder } from "./types.js";

export const BUILDERS: Record<string, FixBuilder> = {};
