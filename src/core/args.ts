/** Arguments of a call site, by position or keyword. No imports of the rule machinery: the engine, the libraries and the rules use these. */
import type { Node } from "./python.js";
import type { FileModel, CallSite } from "./scope.js";

/** An argument of a call, found by position or keyword. */
export function argument(model: FileModel, call: CallSite, position?: number, keyword?: string): Node | null {
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

export function keywordArgument(model: FileModel, call: CallSite, name: string): Node | null {
  if (!call.args) return null;
  for (const a of call.args.namedChildren) {
    if (a.type !== "keyword_argument") continue;
    const nm = a.childForFieldName("name");
    if (nm && model.text(nm) === name) return a;
  }
  return null;
}

export function hasKwargsSplat(call: CallSite): boolean {
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
