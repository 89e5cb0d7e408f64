/** Fix builders for the deserialization rules of the command area (torch.load). */
import { keywordArgument } from "../match.js";
import type { FixBuilder } from "./types.js";
import { setKeyword } from "./edits.js";

/** torch.load(f) → torch.load(f, weights_only=True); an explicit `weights_only=False` is explained, not flipped. */
const torchWeightsOnly: FixBuilder = ({ model, match }) => {
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
};

export const BUILDERS: Record<string, FixBuilder> = {
  "torch-weights-only": torchWeightsOnly,
};
