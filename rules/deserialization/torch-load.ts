/** The fix for `torch.load` (matched by the rule file): `weights_only=True`. */
import type { FixContext, FixDecline, FixProposal } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { keywordArgument } from "../../src/core/args.js";
import { setKeyword } from "../../src/core/lib/edits.js";

/** torch.load(f) → torch.load(f, weights_only=True); an explicit `weights_only=False` is explained, not flipped. */
function torchWeightsOnly({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call = match.call;
  if (!call) return { decline: "not a call" };
  if (keywordArgument(model, call, "weights_only")) {
    return {
      decline:
        "`weights_only=False` was chosen on purpose: the file holds pickled objects beyond tensors; allow-list their classes with `torch.serialization.add_safe_globals([...])` and load with `weights_only=True`, or load only files you produced",
    };
  }
  const edit = setKeyword(model, call, "weights_only", "True");
  return edit ? { edits: [edit] } : { decline: "cannot add a keyword to this call" };
}

export default defineRule({
  options: NO_OPTIONS,
  fix: torchWeightsOnly,
});
