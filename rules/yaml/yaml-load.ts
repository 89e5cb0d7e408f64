/** The fix for `yaml.load` (matched by the rule file): `yaml.safe_load`. */
import type { FixContext, FixDecline, FixProposal } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { keywordArgument, argument } from "../../src/core/args.js";
import { renameCallee, removeArgument } from "../../src/core/lib/edits.js";

const SAFE: Record<string, string> = {
  load: "safe_load", full_load: "safe_load", unsafe_load: "safe_load",
  load_all: "safe_load_all", full_load_all: "safe_load_all", unsafe_load_all: "safe_load_all",
};

/** yaml.load(x[, Loader=…]) → yaml.safe_load(x), under the alias the file uses. */
function yamlSafeLoad({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call = match.call;
  if (!call) return { decline: "not a call" };
  const safeName = SAFE[call.lastName];
  if (!safeName) return { decline: "unknown yaml function" };
  const rename = renameCallee(model, call, safeName);
  if (!rename) return { decline: "the function was imported by name; `yaml.safe_load` needs the module" };
  const edits = [rename];
  const loader = keywordArgument(model, call, "Loader") ?? null;
  if (loader) edits.push(removeArgument(model, loader));
  else {
    const positional = argument(model, call, 1);
    if (positional) edits.push(removeArgument(model, positional));
  }
  return { edits };
}

export default defineRule({
  options: NO_OPTIONS,
  fix: yamlSafeLoad,
});
