/**
 * Argument lookup for the secrets matchers. The same as `argument`/`keywordArgument` in match.ts, kept
 * here because match.ts imports the matcher registry: importing it back from a matcher makes a cycle
 * that breaks whenever a matcher module is the first one loaded.
 */
import type { Node } from "../python.js";
import type { CallSite, FileModel } from "../scope.js";

export function argumentAt(model: FileModel, call: CallSite, position?: number, keyword?: string): Node | null {
  if (!call.args) return null;
  let pos = 0;
  for (const a of call.args.namedChildren) {
    if (a.type === "keyword_argument") {
      if (keyword !== undefined) {
        const nm = a.childForFieldName("name");
        if (nm && model.text(nm) === keyword) return a.childForFieldName("value");
      }
      continue;
    }
    if (a.type === "list_splat" || a.type === "dictionary_splat" || a.type === "comment") {
      if (a.type === "list_splat") pos = Number.POSITIVE_INFINITY;
      continue;
    }
    if (position !== undefined && pos === position) return a;
    pos++;
  }
  return null;
}

export function keywordNode(model: FileModel, call: CallSite, name: string): Node | null {
  if (!call.args) return null;
  for (const a of call.args.namedChildren) {
    if (a.type !== "keyword_argument") continue;
    const nm = a.childForFieldName("name");
    if (nm && model.text(nm) === name) return a;
  }
  return null;
}

export function hasDoubleStar(call: CallSite): boolean {
  return !!call.args?.namedChildren.some((a) => a.type === "dictionary_splat");
}

const callIndex = new WeakMap<FileModel, Map<number, CallSite>>();

/** The call site of a `call` node (indexed once per file). */
export function callSiteOf(model: FileModel, node: Node): CallSite | undefined {
  let index = callIndex.get(model);
  if (!index) {
    index = new Map(model.calls.map((c) => [c.node.id, c]));
    callIndex.set(model, index);
  }
  return index.get(node.id);
}
