/** A glob after chown/chmod/tar/rsync in a shell command: a file name can turn into options; the fix prefixes `./`. */
import { defineRule } from "../../src/core/rule-code.js";
import { WildcardOptions, shellWildcardHits } from "../../src/core/lib/commands.js";
import { wildcardDotSlash } from "../../src/core/lib/command-fix.js";

export default defineRule({
  options: WildcardOptions,
  match: ({ model, rule, options }) => shellWildcardHits(model, rule, options),
  fix: wildcardDotSlash,
});
