/** Fix builders for the tls rules. */
import type { FixBuilder } from "./types.js";

export const BUILDERS: Record<string, FixBuilder> = {};
