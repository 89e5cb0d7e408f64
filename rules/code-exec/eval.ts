/** The fix for `eval` (matched by the rule file): `ast.literal_eval`. */
import type { FixContext, FixDecline, FixProposal } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";

/** eval(x) → ast.literal_eval(x), reusing the file's `ast` import or adding one. */
function evalLiteral({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call = match.call;
  if (!call || call.fnType !== "identifier") return { decline: "not a plain eval() call" };
  const args = call.args?.namedChildren ?? [];
  if (args.length !== 1 || args[0].type === "keyword_argument" || args[0].type.endsWith("splat")) {
    return { decline: "eval() with globals/locals: its caller expects code, not a literal" };
  }
  const alias = model.importedAs("ast", call.scope, call.node.startIndex);
  const fromImport = model.importedAs("ast.literal_eval", call.scope, call.node.startIndex);
  if (fromImport) return { edits: [{ start: call.fn.startIndex, end: call.fn.endIndex, text: fromImport }] };
  return {
    edits: [{ start: call.fn.startIndex, end: call.fn.endIndex, text: `${alias ?? "ast"}.literal_eval` }],
    imports: alias ? [] : ["import ast"],
    localImportOk: true,
  };
}

export default defineRule({
  options: NO_OPTIONS,
  fix: evalLiteral,
});
