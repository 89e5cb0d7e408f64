/**
 * A rule's fix written as data: edits on the flagged call (rename or replace the callee, set or
 * remove a keyword …). The primitives are the same the rules' code uses (lib/edits.ts).
 */
import type { Edit, FixDecline, FixOverride, FixProposal, RawMatch } from "./types.js";
import type { FileModel, CallSite } from "./scope.js";
import type { EditSpec } from "./rules/schema.js";
import { keywordArgument } from "./args.js";
import { renameCallee, removeArgument, setKeyword } from "./lib/edits.js";

const NO_EDIT = "no edit applies to this call";

/** The fix a pattern or rule spells out as data, for one match. */
export function declarativeFix(model: FileModel, match: RawMatch, spec: FixOverride): FixProposal | FixDecline {
  if (spec.decline) return { decline: spec.decline };
  const edits = match.call && spec.edits ? declarativeEdits(model, match.call, spec.edits) : null;
  if (!edits || !edits.length) return { decline: NO_EDIT };
  return { edits };
}

/** Edits for a rule's declarative `edits`, or null when one cannot be made on this call. */
function declarativeEdits(model: FileModel, call: CallSite, specs: EditSpec[]): Edit[] | null {
  const out: Edit[] = [];
  for (const spec of specs) {
    if ("rename_callee" in spec) {
      const e = renameCallee(model, call, spec.rename_callee);
      if (!e) return null;
      out.push(e);
    } else if ("remove_keyword" in spec) {
      const kw = keywordArgument(model, call, spec.remove_keyword);
      if (kw) out.push(removeArgument(model, kw));
    } else {
      const e = setKeyword(model, call, spec.set_keyword.name, spec.set_keyword.value);
      if (!e) return null;
      out.push(e);
    }
  }
  return out;
}
