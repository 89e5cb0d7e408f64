/** A process started without a shell from a program that is not a constant, or `sh -c` with a built script. */
import { defineRule } from "../../src/core/rule-code.js";
import { ExecOptions, execSpawnHits } from "../../src/core/lib/commands.js";
import { shellCommandFix } from "../../src/core/lib/command-fix.js";

export default defineRule({
  options: ExecOptions,
  match: ({ model, rule, options }) => execSpawnHits(model, rule, options),
  fix: shellCommandFix,
});
