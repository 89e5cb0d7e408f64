/** The registry of named fix builders that rule files refer to with `fix.builder`. */
import type { FixBuilder } from "./types.js";
import { yamlSafeLoad } from "./yaml.js";
import { evalLiteral } from "./eval.js";
import { BUILDERS as command } from "./command.js";
import { BUILDERS as tls } from "./tls.js";
import { BUILDERS as secrets } from "./secrets.js";
import { BUILDERS as misc } from "./misc.js";

export const FIX_BUILDERS: Record<string, FixBuilder> = {
  "yaml-safe-load": yamlSafeLoad,
  "eval-literal": evalLiteral,
  ...command,
  ...tls,
  ...secrets,
  ...misc,
};
