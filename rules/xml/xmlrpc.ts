/** XML-RPC clients and servers (B411) where defusedxml does not patch them. */
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument } from "../../src/core/args.js";
import { calleeName, importsModule } from "../../src/core/lib/imports.js";

const XMLRPC = new Set([
  "xmlrpc.client.ServerProxy", "xmlrpc.client.Server", "xmlrpc.client.loads",
  "xmlrpc.server.SimpleXMLRPCServer", "xmlrpc.server.DocXMLRPCServer", "xmlrpc.server.MultiPathXMLRPCServer",
  "xmlrpc.server.CGIXMLRPCRequestHandler", "xmlrpc.server.DocCGIXMLRPCRequestHandler",
  "xmlrpclib.ServerProxy", "xmlrpclib.Server", "xmlrpclib.loads", "SimpleXMLRPCServer.SimpleXMLRPCServer",
]);
const XMLRPC_LAST = new Set([...XMLRPC].map((q) => q.slice(q.lastIndexOf(".") + 1)));

function xmlrpcUse({ model }: MatchContext<unknown>): Hit<undefined>[] {
  if (!importsModule(model, ["xmlrpc", "xmlrpclib", "SimpleXMLRPCServer"])) return [];
  const hits: Hit<undefined>[] = [];
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
}

export default defineRule({
  options: NO_OPTIONS,
  match: xmlrpcUse,
});
