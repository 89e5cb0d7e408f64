/** Fixes for XML parsing: defusedxml's drop-in functions (only when imported), a hardened lxml parser. */
import type { Node } from "../python.js";
import type { FixBuilder } from "./types.js";
import { argument, keywordArgument } from "../match.js";
import { setKeyword } from "./edits.js";
import { reachableAs } from "../matchers/misc-values.js";

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
export const xmlDefused: FixBuilder = ({ model, match }) => {
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
};

/**
 * `etree.fromstring(data)` → `etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))`;
 * `etree.iterparse(src)` → `etree.iterparse(src, resolve_entities=False)`; an inline `XMLParser(...)` gets
 * `resolve_entities=False`. Reuses the name the call reaches lxml.etree by.
 */
export const lxmlHardenedParser: FixBuilder = ({ model, match }) => {
  const call = match.call;
  if (!call) return { decline: "not a call" };
  const parserNode = match.data?.parserNode as Node | null | undefined;
  if (match.callee?.endsWith(".iterparse")) {
    const e = setKeyword(model, call, "resolve_entities", "False");
    return e ? { edits: [e] } : { decline: "the call's arguments cannot be edited safely" };
  }
  if (parserNode) {
    if (parserNode.type !== "call") return { decline: "the parser is built elsewhere: create it with `XMLParser(resolve_entities=False, no_network=True)`" };
    const inner = { ...call, node: parserNode, fn: parserNode.childForFieldName("function")!, args: parserNode.childForFieldName("arguments") };
    const e = setKeyword(model, inner, "resolve_entities", "False");
    return e ? { edits: [e] } : { decline: "the parser's arguments cannot be edited safely" };
  }
  let etree: string | null = null;
  if (call.fnType === "attribute") {
    const obj = call.fn.childForFieldName("object")!;
    if (model.resolve(obj, call.scope).includes("lxml.etree")) etree = model.text(obj);
  }
  const parserName = etree ? `${etree}.XMLParser` : reachableAs(model, "lxml.etree.XMLParser", call.scope, call.node.startIndex) ??
    (() => {
      const m = reachableAs(model, "lxml.etree", call.scope, call.node.startIndex);
      return m ? `${m}.XMLParser` : null;
    })();
  if (!parserName) return { decline: "the file does not import `lxml.etree` or its `XMLParser`" };
  if (argument(model, call, 1) || keywordArgument(model, call, "parser")) return { decline: "the call passes a parser already" };
  const e = setKeyword(model, call, "parser", `${parserName}(resolve_entities=False, no_network=True)`);
  return e ? { edits: [e] } : { decline: "the call's arguments cannot be edited safely" };
};
