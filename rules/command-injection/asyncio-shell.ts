/** A command handed to a shell (the sources are this rule's options), graded by how it is built; the fix makes it an argument list or quotes its values. */
import { defineRule } from "../../src/core/rule-code.js";
import { ShellOptions, shellCommandHits } from "../../src/core/lib/commands.js";
import { shellCommandFix } from "../../src/core/lib/command-fix.js";

export default defineRule({
  options: ShellOptions,
  match: ({ model, rule, options }) => shellCommandHits(model, rule, options),
  fix: shellCommandFix,
});
