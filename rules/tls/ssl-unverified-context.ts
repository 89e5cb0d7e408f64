/** `ssl._create_unverified_context()` (a call pattern in the rule file) and installing it process-wide; the fix uses `create_default_context`. */
import type { Node } from "../../src/core/python.js";
import type { FileModel, CallSite } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument, hasKwargsSplat } from "../../src/core/args.js";
import { renameCallee } from "../../src/core/lib/edits.js";

function unverifiedContextAssignment({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  if (!model.source.includes("_create_default_https_context")) return hits;
  for (const { node, scope } of model.assignments) {
    const left = node.childForFieldName("left");
    const right = node.childForFieldName("right");
    if (!left || !right || left.type !== "attribute") continue;
    if (!model.resolve(left, scope).includes("ssl._create_default_https_context")) continue;
    if (!model.resolve(right, scope).includes("ssl._create_unverified_context")) continue;
    hits.push({
      node,
      callee: "ssl._create_unverified_context",
      message: "Replacing `ssl._create_default_https_context` with the unverified one turns off certificate checks for every HTTPS connection the process makes.",
    });
  }
  return hits;
}

/** Keywords `_create_unverified_context` and `create_default_context` share (with the same meaning). */
const SHARED_CONTEXT_KEYWORDS = new Set(["cafile", "capath", "cadata", "purpose"]);

/** ssl._create_unverified_context(...) → ssl.create_default_context(...), when the arguments carry over. */
function unverifiedToDefaultContext({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call = match.call;
  if (!call) {
    return { decline: "the unverified context is installed process-wide: remove the assignment (and the `try`/`else` around it)" };
  }
  for (const a of call.args?.namedChildren ?? []) {
    if (a.type === "comment") continue;
    if (a.type !== "keyword_argument") return { decline: "positional arguments (the protocol) do not carry over to `create_default_context`" };
    const name = model.text(a.childForFieldName("name")!);
    if (!SHARED_CONTEXT_KEYWORDS.has(name)) {
      return { decline: `\`${name}=\` has no counterpart in \`create_default_context\` (set it on the context instead)` };
    }
  }
  if (call.fnType === "attribute") {
    const edit = renameCallee(model, call, "create_default_context");
    if (edit) return { edits: [edit] };
  }
  const ssl = model.importedAs("ssl", call.scope, call.node.startIndex);
  if (!ssl) return { decline: "`ssl` is not imported as a module here", example: "import ssl\nctx = ssl.create_default_context()" };
  return { edits: [{ start: call.fn.startIndex, end: call.fn.endIndex, text: `${ssl}.create_default_context` }] };
}

export default defineRule({
  options: NO_OPTIONS,
  match: unverifiedContextAssignment,
  fix: unverifiedToDefaultContext,
});
