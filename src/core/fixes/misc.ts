/** Fix builders for the misc rules. */
import type { FixBuilder } from "./types.js";

export const BUILDERS: Record<string, FixBuilder> = {};
