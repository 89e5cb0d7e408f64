/** Arguments of a call site, by position or keyword. No imports of the rule machinery: the engine, the libraries and the rules use these. */
import { startOf, type Node } from "./python.js";
import { firstNotBefore } from "./sorted.js";
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


/**
 * The model's call site for a call node: found by its start among the calls (in document order),
 * then by identity among the few starting there (`f(a)(b)`) — without fetching every call's node.
 */
export function callSiteOf(model: FileModel, node: Node): CallSite | undefined {
  const calls = model.calls;
  const at = startOf(node);
  for (let i = firstNotBefore(calls.length, (k) => calls[k].start < at); i < calls.length && calls[i].start === at; i++) if (calls[i].node.id === node.id) return calls[i];
  return undefined;
}
