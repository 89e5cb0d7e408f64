/** defusedxml's drop-in functions for the standard library's XML parsers (used only when the file imports defusedxml). */
import type { FixContext, FixDecline, FixProposal } from "../types.js";
import { reachableAs } from "./imports.js";

/** standard-library module → the defusedxml module with the same functions */
const DEFUSED: Record<string, { module: string; functions: Set<string> }> = {
  "xml.etree.ElementTree": { module: "defusedxml.ElementTree", functions: new Set(["parse", "iterparse", "fromstring", "XML"]) },
  "xml.etree.cElementTree": { module: "defusedxml.ElementTree", functions: new Set(["parse", "iterparse", "fromstring", "XML"]) },
  "xml.dom.minidom": { module: "defusedxml.minidom", functions: new Set(["parse", "parseString"]) },
  "xml.dom.pulldom": { module: "defusedxml.pulldom", functions: new Set(["parse", "parseString"]) },
  "xml.sax": { module: "defusedxml.sax", functions: new Set(["parse", "parseString", "make_parser"]) },
  "xml.dom.expatbuilder": { module: "defusedxml.expatbuilder", functions: new Set(["parse", "parseString"]) },
  "xml.sax.expatreader": { module: "defusedxml.expatreader", functions: new Set(["create_parser"]) },
};

/** `ET.fromstring(x)` → `defusedxml.ElementTree.fromstring(x)`, only when the file already imports defusedxml. */
export function xmlDefused({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call = match.call;
  const callee = match.callee;
  if (!call || !callee) return { decline: "not a call" };
  const dot = callee.lastIndexOf(".");
  const std = callee.slice(0, dot);
  const fn = callee.slice(dot + 1);
  const target = DEFUSED[std];
  if (!target || !target.functions.has(fn)) return { decline: "no drop-in replacement for this call" };
  const at = call.node.startIndex;
  const direct = reachableAs(model, `${target.module}.${fn}`, call.scope, at);
  const module = direct ? null : reachableAs(model, target.module, call.scope, at);
  if (!direct && !module) return { decline: "the project does not import defusedxml" };
  // defusedxml's functions take the source (iterparse its events, sax its handlers); other arguments differ
  const args = (call.args?.namedChildren ?? []).filter((a) => a.type !== "comment");
  const sax = std === "xml.sax" && fn !== "make_parser";
  const allowed = fn === "iterparse" ? ["events"] : sax ? ["handler", "errorHandler"] : [];
  const maxPositional = fn === "iterparse" ? 2 : sax ? 3 : 1;
  for (const [i, a] of args.entries()) {
    if (a.type === "keyword_argument") {
      if (!allowed.includes(model.text(a.childForFieldName("name")!))) return { decline: "the call passes arguments defusedxml's function does not take" };
    } else if (i >= maxPositional || a.type.endsWith("splat")) {
      return { decline: "the call passes arguments defusedxml's function does not take" };
    }
  }
  return { edits: [{ start: call.fn.startIndex, end: call.fn.endIndex, text: direct ?? `${module}.${fn}` }] };
}
