/** Fix builders for the secrets rules. */
import type { FixBuilder } from "./types.js";

export const BUILDERS: Record<string, FixBuilder> = {};
