/** tarfile extraction without an extraction filter (B202); the fix adds `filter="data"`. */
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { keywordArgument, hasKwargsSplat } from "../../src/core/args.js";
import { importsModule } from "../../src/core/lib/imports.js";
import { setKeyword } from "../../src/core/lib/edits.js";
import { preferredQuote } from "../../src/core/lib/literals.js";

/** how a tar archive object is made: `tarfile.open(...)`, `tarfile.TarFile(...)`, `TarFile.open(...)` … */
const TAR_OBJECT = /^tarfile\.(open|TarFile|TarFile\.(open|taropen|gzopen|bz2open|xzopen))\(\)$/;

function tarExtract({ model }: MatchContext<unknown>): Hit<undefined>[] {
  if (!importsModule(model, ["tarfile"])) return [];
  const hits: Hit<undefined>[] = [];
  let globalFilter: boolean | null = null;
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    if (call.lastName !== "extractall" && call.lastName !== "extract") continue;
    if (call.fnType !== "attribute") continue;
    const obj = call.fn.childForFieldName("object")!;
    const receiver = model.resolve(obj, call.scope).find((q) => TAR_OBJECT.test(q));
    if (!receiver) continue;
    if (hasKwargsSplat(call)) continue;
    // `TarFile.extraction_filter = ...` set anywhere in the file: extraction is filtered
    globalFilter ??= model.assignments.some(({ node }) => {
      const left = node.childForFieldName("left");
      return left?.type === "attribute" && model.text(left.childForFieldName("attribute")!) === "extraction_filter";
    });
    if (globalFilter) continue;
    const callee = `${receiver}.${call.lastName}`;
    const filter = keywordArgument(model, call, "filter");
    if (filter) {
      const v = filter.childForFieldName("value")!;
      const c = model.classify(v, call.scope);
      const trusted = (c.kind === "constant" && c.value === "fully_trusted") ||
        model.resolve(v, call.scope).includes("tarfile.fully_trusted_filter");
      if (!trusted) continue;
      hits.push({
        node: call.node, call, callee,
        message: `\`${call.lastName}\` with the \`fully_trusted\` filter writes wherever the archive's paths and links point.`,
      });
      continue;
    }
    const members = keywordArgument(model, call, "members");
    hits.push({
      node: call.node,
      call,
      callee,
      ...(members ? { severity: "medium" as const, confidence: "low" as const } : {}),
      message: members
        ? `\`${call.lastName}\` without \`filter=\`: a hand-written \`members\` check rarely covers absolute paths, \`..\`, and links that point outside the folder.`
        : `\`${call.lastName}\` without \`filter=\` follows the archive's paths and links: \`../\` or absolute names and symlinks write files outside the target folder.`,
    });
  }
  return hits;
}

/** `tar.extractall(dest)` → `tar.extractall(dest, filter="data")` (or the `fully_trusted` filter replaced). */
function tarDataFilter({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call = match.call;
  if (!call) return { decline: "not a call" };
  const q = preferredQuote(model, call);
  const edit = setKeyword(model, call, "filter", `${q}data${q}`);
  return edit ? { edits: [edit] } : { decline: "the call's arguments cannot be edited safely" };
}

export default defineRule({
  options: NO_OPTIONS,
  match: tarExtract,
  fix: tarDataFilter,
});
