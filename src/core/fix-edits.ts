/**
 * A rule's fix written as data: edits on the flagged call or statement (rename or replace the
 * callee, set or remove an argument, drop a dict key, delete the statement), then requirements the
 * call must meet. The first edit or requirement that cannot be met gives the reason the fix is
 * withheld. The primitives are the ones the rules' code uses (lib/edits.ts).
 */
import type { Edit, FixDecline, FixOverride, FixProposal, RawMatch } from "./types.js";
import type { FileModel, CallSite } from "./scope.js";
import type { EditSpec, RequirementSpec } from "./rules/schema.js";
import { argument, keywordArgument, hasKwargsSplat } from "./args.js";
import { conditionHolds } from "./conditions.js";
import { deleteStatement, renameCallee, removeArgument, setKeyword, withoutTrailingBlank } from "./lib/edits.js";
import { reachableAs } from "./lib/imports.js";
import { preferredQuote } from "./lib/literals.js";

const NO_EDIT = "no edit applies to this call";

type EditOutcome = { edits: Edit[]; imports?: string[] } | { decline: string };

/** The fix a pattern or rule spells out as data, for one match. */
export function declarativeFix(model: FileModel, match: RawMatch, spec: FixOverride): FixProposal | FixDecline {
  if (spec.decline) return { decline: spec.decline };
  const edits: Edit[] = [];
  const imports: string[] = [];
  for (const e of spec.edits ?? []) {
    const out = editOf(model, match, e);
    if ("decline" in out) return out;
    edits.push(...out.edits);
    imports.push(...(out.imports ?? []));
  }
  const call = match.call;
  for (const r of spec.requires ?? []) {
    const why = call ? unmet(model, call, r) : r.otherwise;
    if (why) return { decline: why };
  }
  if (!edits.length) return { decline: NO_EDIT };
  return imports.length ? { edits, imports, localImportOk: true } : { edits };
}

function editOf(model: FileModel, match: RawMatch, spec: EditSpec): EditOutcome {
  if ("delete_statement" in spec) {
    const e = deleteStatement(model, match.node);
    return "decline" in e ? e : { edits: [e] };
  }
  const call = match.call;
  if (!call) return { decline: NO_EDIT };
  if ("rename_callee" in spec) {
    const r = spec.rename_callee;
    const to = typeof r === "string" ? r : typeof r.to === "string" ? r.to : r.to[call.lastName];
    const otherwise = typeof r === "string" ? NO_EDIT : r.otherwise ?? NO_EDIT;
    const e = to ? renameCallee(model, call, to) : null;
    return e ? { edits: [e] } : { decline: otherwise };
  }
  if ("replace_callee" in spec) return replaceCallee(model, match, call, spec.replace_callee);
  if ("remove_keyword" in spec) {
    const kw = keywordArgument(model, call, spec.remove_keyword);
    return { edits: kw ? [removeArgument(model, kw)] : [] };
  }
  if ("remove_keyword_tidy" in spec) {
    const kw = keywordArgument(model, call, spec.remove_keyword_tidy);
    return { edits: kw ? [withoutTrailingBlank(model, removeArgument(model, kw))] : [] };
  }
  if ("remove_argument" in spec) {
    const { keyword, position } = spec.remove_argument;
    const arg = (keyword !== undefined ? keywordArgument(model, call, keyword) : null) ?? (position !== undefined ? argument(model, call, position) : null);
    return { edits: arg ? [removeArgument(model, arg)] : [] };
  }
  if ("set_keyword" in spec) {
    const k = spec.set_keyword;
    let value: string;
    if ("string" in k) {
      const q = preferredQuote(model, call);
      value = `${q}${k.string}${q}`;
    } else value = k.value;
    const e = setKeyword(model, call, k.name, value);
    return e ? { edits: [e] } : { decline: NO_EDIT };
  }
  return removeDictKey(model, call, spec.remove_dict_key);
}

type ReplaceSpec = Extract<EditSpec, { replace_callee: unknown }>["replace_callee"];

/**
 * The callee → a dotted name, the way the file reaches it: through the same module object
 * (`s._create_unverified_context` → `s.create_default_context`), a `from` import of the name,
 * the module's import, or (when allowed) a new `import module`.
 */
function replaceCallee(model: FileModel, match: RawMatch, call: CallSite, spec: ReplaceSpec): EditOutcome {
  const resolved = match.callee ?? call.lastName;
  const last = resolved.slice(resolved.lastIndexOf(".") + 1);
  const target = typeof spec.with === "string" ? spec.with : spec.with[last];
  if (!target) return { decline: spec.unmapped ?? NO_EDIT };
  const dot = target.lastIndexOf(".");
  const module = dot < 0 ? "" : target.slice(0, dot);
  const name = target.slice(dot + 1);
  const replace = (text: string): Edit => ({ start: call.fn.startIndex, end: call.fn.endIndex, text });
  if (module && call.fnType === "attribute") {
    const obj = call.fn.childForFieldName("object");
    if (obj && model.resolve(obj, call.scope).includes(module)) {
      const e = renameCallee(model, call, name);
      if (e) return { edits: [e] };
    }
  }
  const at = call.node.startIndex;
  const direct = reachableAs(model, target, call.scope, at);
  if (direct) return { edits: [replace(direct)] };
  if (!module) return { decline: spec.otherwise ?? NO_EDIT };
  const viaModule = reachableAs(model, module, call.scope, at);
  if (viaModule) return { edits: [replace(`${viaModule}.${name}`)] };
  if (spec.import === "add") return { edits: [replace(target)], imports: [`import ${module}`] };
  return { decline: spec.otherwise ?? NO_EDIT };
}

type DictKeySpec = Extract<EditSpec, { remove_dict_key: unknown }>["remove_dict_key"];

function removeDictKey(model: FileModel, call: CallSite, spec: DictKeySpec): EditOutcome {
  const kw = keywordArgument(model, call, spec.keyword);
  const dict = kw?.childForFieldName("value");
  if (!kw || !dict || dict.type !== "dictionary") return { decline: `the \`${spec.keyword}\` argument is not a dict literal` };
  const pairs = dict.namedChildren.filter((c) => c.type === "pair");
  const key = new RegExp(`^["']${spec.key.replace(/[^\w]/g, "\\$&")}["']$`);
  const target = pairs.find((p) => {
    const k = p.childForFieldName("key");
    return k && k.type === "string" && key.test(model.text(k));
  });
  if (!target) return { decline: `\`${spec.key}\` is not a literal key of \`${spec.keyword}\`` };
  return { edits: [removeArgument(model, pairs.length === 1 ? kw : target)] };
}

/** The reason a requirement is not met, or null. */
function unmet(model: FileModel, call: CallSite, r: RequirementSpec): string | null {
  for (const c of r.args ?? []) if (!conditionHolds(model, call, c)) return r.otherwise;
  for (const c of r.unless ?? []) if (conditionHolds(model, call, c)) return r.otherwise;
  for (const k of r.missing ?? []) if (keywordArgument(model, call, k)) return r.otherwise;
  const shape = r.arguments;
  if (shape) {
    if (hasKwargsSplat(call)) return shape.positional_reason ?? r.otherwise;
    let i = 0;
    for (const a of call.args?.namedChildren ?? []) {
      if (a.type === "comment") continue;
      if (a.type === "keyword_argument") {
        const name = model.text(a.childForFieldName("name")!);
        if (!shape.keywords.includes(name)) return (shape.keyword_reason ?? r.otherwise).replace("{keyword}", name);
      } else if (i >= shape.positional || a.type.endsWith("splat")) {
        return shape.positional_reason ?? r.otherwise;
      }
      i++;
    }
  }
  return null;
}
