/** lxml parsing with a parser that resolves entities (B320), and xmlrpc endpoints (B411). */
import type { Node } from "../python.js";
import type { CallSite, FileModel } from "../scope.js";
import type { Matcher, MatcherHit } from "./types.js";
import { argument, keywordArgument, hasKwargsSplat } from "../match.js";
import { calleeName, importsModule } from "./misc-values.js";

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
function parserVerdict(model: FileModel, call: CallSite, parserNode: Node): ParserVerdict {
  let n: Node | null = parserNode;
  let scope = call.scope;
  if (n.type === "identifier") {
    const name = model.text(n);
    const found = model.lookup(name, scope, n.startIndex);
    if (!found || found.binding.kind !== "local" || !found.binding.value || found.scope.bindings.get(name)!.length !== 1) return "unknown";
    n = found.binding.value;
    scope = found.scope;
  }
  if (n.type !== "call") return "unknown";
  const fn = n.childForFieldName("function");
  if (!fn || !model.resolve(fn, scope).some((q) => LXML_PARSERS.has(q))) return "unknown";
  return entitiesOff(model, n, scope);
}

export const lxmlParse: Matcher = ({ model }) => {
  if (!importsModule(model, ["lxml"])) return [];
  const hits: MatcherHit[] = [];
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
    if (name === "iterparse") {
      verdict = entitiesOff(model, call, call.scope);
    } else {
      parserNode = argument(model, call, 1, "parser");
      verdict = parserNode ? parserVerdict(model, call, parserNode) : "unsafe";
    }
    if (verdict === "safe" || verdict === "unknown") continue;
    hits.push({
      node: call.node,
      call,
      callee,
      ...(verdict === "explicit" ? { severity: "high" as const, confidence: "high" as const } : {}),
      message: verdict === "explicit"
        ? `\`${callee}\` parses with \`resolve_entities=True\`: a document can read local files and reach internal URLs (XXE).`
        : parserNode
          ? `\`${callee}\` parses with an \`XMLParser\` that resolves entities: before lxml 5 that lets a document read local files (XXE).`
          : `\`${callee}\` uses lxml's default parser, which resolves entities before lxml 5 (and in \`iterparse\` until 6.1): a document can read local files (XXE).`,
      data: { parserNode },
    });
  }
  return hits;
};

const XMLRPC = new Set([
  "xmlrpc.client.ServerProxy", "xmlrpc.client.Server", "xmlrpc.client.loads",
  "xmlrpc.server.SimpleXMLRPCServer", "xmlrpc.server.DocXMLRPCServer", "xmlrpc.server.MultiPathXMLRPCServer",
  "xmlrpc.server.CGIXMLRPCRequestHandler", "xmlrpc.server.DocCGIXMLRPCRequestHandler",
  "xmlrpclib.ServerProxy", "xmlrpclib.Server", "xmlrpclib.loads", "SimpleXMLRPCServer.SimpleXMLRPCServer",
]);
const XMLRPC_LAST = new Set([...XMLRPC].map((q) => q.slice(q.lastIndexOf(".") + 1)));

export const xmlrpcUse: Matcher = ({ model }) => {
  if (!importsModule(model, ["xmlrpc", "xmlrpclib", "SimpleXMLRPCServer"])) return [];
  const hits: MatcherHit[] = [];
  let patched: boolean | null = null;
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    if (!XMLRPC_LAST.has(calleeName(model, call))) continue;
    const callee = model.calleeNames(call).find((q) => XMLRPC.has(q));
    if (!callee) continue;
    if (callee.endsWith(".loads")) {
      const a = argument(model, call, 0, "data");
      if (!a || model.classify(a, call.scope).kind === "constant") continue;
    }
    patched ??= model.calls.some((c) => c.lastName === "monkey_patch" && model.calleeNames(c).includes("defusedxml.xmlrpc.monkey_patch"));
    if (patched) continue;
    const server = /Server$|Handler$/.test(callee);
    hits.push({
      node: call.node,
      call,
      callee,
      message: server
        ? `\`${callee}\` parses XML-RPC requests from any client: with an expat older than 2.4.1 a crafted request (billion laughs) exhausts memory.`
        : `\`${callee}\` parses the server's replies: with an expat older than 2.4.1 a hostile server can exhaust memory (billion laughs).`,
    });
  }
  return hits;
};
