/** lxml parsing with a parser that resolves entities (B320); the fix passes a hardened parser. */
import type { Node } from "../../src/core/python.js";
import type { CallSite, FileModel } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument, hasKwargsSplat } from "../../src/core/args.js";
import { calleeName, importsModule, reachableAs } from "../../src/core/lib/imports.js";
import { setKeyword } from "../../src/core/lib/edits.js";

const LXML_PARSE = new Set(["parse", "fromstring", "XML", "fromstringlist", "iterparse"]);
const LXML_PARSERS = new Set(["lxml.etree.XMLParser", "lxml.etree.ETCompatXMLParser"]);

type ParserVerdict = "safe" | "unsafe" | "explicit" | "unknown";

/** Whether an `XMLParser(...)` call (or a keyword list of iterparse) turns entity resolution off. */
function entitiesOff(model: FileModel, call: CallSite | Node, scope: CallSite["scope"]): ParserVerdict {
  const args = "lastName" in call ? call.args : call.childForFieldName("arguments");
  if (!args) return "unsafe";
  if (args.namedChildren.some((a) => a.type === "dictionary_splat")) return "unknown";
  for (const a of args.namedChildren) {
    if (a.type !== "keyword_argument") continue;
    if (model.text(a.childForFieldName("name")!) !== "resolve_entities") continue;
    const v = a.childForFieldName("value")!;
    if (v.type === "false") return "safe";
    if (v.type === "true") return "explicit";
    const c = model.classify(v, scope);
    // lxml 5: resolve_entities="internal" expands only the document's own entities
    if (c.kind === "constant" && c.value === "internal") return "safe";
    return "unknown";
  }
  return "unsafe";
}

/** The parser a parse call is given: its constructor call when it can be seen, else why not. */
function parserVerdict(model: FileModel, call: CallSite, parserNode: Node, origin?: { node?: Node }): ParserVerdict {
  let n: Node | null = parserNode;
  let scope = call.scope;
  if (n.type === "identifier") {
    const name = model.text(n);
    const found = model.lookup(name, scope, n.startIndex);
    if (!found || found.binding.kind !== "local" || !found.binding.value || found.scope.bindings.get(name)!.length !== 1) return "unknown";
    n = found.binding.value;
    scope = found.scope;
    // `parser = etree.XMLParser(...)` earlier in the same function: the finding starts there
    if (origin && scope === call.scope) origin.node = n;
  }
  if (n.type !== "call") return "unknown";
  const fn = n.childForFieldName("function");
  if (!fn || !model.resolve(fn, scope).some((q) => LXML_PARSERS.has(q))) return "unknown";
  return entitiesOff(model, n, scope);
}

function lxmlParse({ model }: MatchContext<unknown>): Hit<Node | null>[] {
  if (!importsModule(model, ["lxml"])) return [];
  const hits: Hit<Node | null>[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const name = calleeName(model, call);
    if (!LXML_PARSE.has(name)) continue;
    const callee = model.calleeNames(call).find((q) => q === `lxml.etree.${name}`);
    if (!callee) continue;
    const source = argument(model, call, 0, name === "iterparse" ? "source" : name === "parse" ? "source" : "text");
    if (!source) continue;
    const sv = model.classify(source, call.scope);
    if (sv.kind === "constant" || sv.kind === "literal") continue;
    if (hasKwargsSplat(call)) continue;
    let verdict: ParserVerdict;
    let parserNode: Node | null = null;
    const origin: { node?: Node } = {};
    if (name === "iterparse") {
      verdict = entitiesOff(model, call, call.scope);
    } else {
      parserNode = argument(model, call, 1, "parser");
      verdict = parserNode ? parserVerdict(model, call, parserNode, origin) : "unsafe";
    }
    if (verdict === "safe" || verdict === "unknown") continue;
    hits.push({
      node: call.node,
      call,
      callee,
      ...(origin.node ? { origin: origin.node } : {}),
      ...(verdict === "explicit" ? { severity: "high" as const, confidence: "high" as const } : {}),
      message: verdict === "explicit"
        ? `\`${callee}\` parses with \`resolve_entities=True\`: a document can read local files and reach internal URLs (XXE).`
        : parserNode
          ? `\`${callee}\` parses with an \`XMLParser\` that resolves entities: before lxml 5 that lets a document read local files (XXE).`
          : `\`${callee}\` uses lxml's default parser, which resolves entities before lxml 5 (and in \`iterparse\` until 6.1): a document can read local files (XXE).`,
      data: parserNode,
    });
  }
  return hits;
}

/**
 * `etree.fromstring(data)` → `etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))`;
 * `etree.iterparse(src)` → `etree.iterparse(src, resolve_entities=False)`; an inline `XMLParser(...)` gets
 * `resolve_entities=False`. Reuses the name the call reaches lxml.etree by.
 */
function lxmlHardenedParser({ model, match, data: parserNode }: FixContext<unknown, Node | null>): FixProposal | FixDecline {
  const call = match.call;
  if (!call) return { decline: "not a call" };
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
}

export default defineRule({
  options: NO_OPTIONS,
  match: lxmlParse,
  fix: lxmlHardenedParser,
});
