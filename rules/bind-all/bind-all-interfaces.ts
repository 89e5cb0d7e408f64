/** A server told to listen on every interface (B104); the fix reads the host from the environment with a loopback default. */
import type { Node } from "../../src/core/python.js";
import type { CallSite, FileModel } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { calleeName, reachableAs } from "../../src/core/lib/imports.js";
import { stringQuote } from "../../src/core/lib/literals.js";

/** last names of calls that bind a listening socket or start a server */
const SERVER_CALLS = new Set([
  "run", "run_app", "run_simple", "make_server", "serve", "create_server", "start_server", "listen",
  "bind", "Config", "TCPSite", "add_insecure_port", "add_secure_port",
]);
/** keywords that carry the address to listen on */
const HOST_KEYWORDS = new Set(["host", "address", "bind", "bind_address", "listen", "listen_address", "listen_host", "server_host"]);
/** last names of calls that connect rather than listen */
const CLIENT_CALLS = new Set(["connect", "connect_ex", "create_connection", "sendto", "open_connection"]);

const ANY_HOST = /^(0\.0\.0\.0|::|\[::\])$/;
const ANY_HOST_PORT = /^(0\.0\.0\.0|\[::\]|\*):\d+$/;

function isServerCall(name: string): boolean {
  if (CLIENT_CALLS.has(name)) return false;
  return SERVER_CALLS.has(name) || /Server$/.test(name);
}

/** The constant address a node holds, when it is one that means "every interface". */
function anyHost(model: FileModel, call: CallSite, n: Node, withPort: boolean, empty = false): string | null {
  const v = model.classify(n, call.scope);
  if (v.kind !== "constant" || v.value === undefined) return null;
  if (ANY_HOST.test(v.value)) return v.value;
  // `("", 80)`: the empty host of a socket address is INADDR_ANY
  if (empty && v.value === "" && n.type === "string") return v.value;
  if (withPort && ANY_HOST_PORT.test(v.value)) return v.value;
  return null;
}

function bindAllHost({ model }: MatchContext<unknown>): Hit<string>[] {
  if (!/0\.0\.0\.0|["']::["']|\[::\]|\(\s*(?:""|'')\s*,/.test(model.source)) return [];
  const hits: Hit<string>[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const name = calleeName(model, call);
    if (!isServerCall(name) || !call.args) continue;
    let positional = 0;
    for (const a of call.args.namedChildren) {
      let found: { node: Node; value: string } | null = null;
      if (a.type === "keyword_argument") {
        const nm = a.childForFieldName("name");
        const val = a.childForFieldName("value");
        if (nm && val && HOST_KEYWORDS.has(model.text(nm))) {
          const v = anyHost(model, call, val, true);
          if (v) found = { node: val, value: v };
        }
      } else if (a.type === "tuple" && positional === 0) {
        // sock.bind(("0.0.0.0", 80)), HTTPServer(("0.0.0.0", 80), Handler)
        const first = a.namedChildren[0];
        const v = first ? anyHost(model, call, first, false, a.namedChildren.length === 2) : null;
        if (v !== null) found = { node: first, value: v };
      } else if (a.type !== "comment" && !a.type.endsWith("splat")) {
        // app.run("0.0.0.0"), make_server("0.0.0.0", 80, app), server.add_insecure_port("[::]:50051")
        const v = anyHost(model, call, a, name.startsWith("add_") || name === "listen");
        if (v) found = { node: a, value: v };
      }
      if (a.type !== "keyword_argument" && a.type !== "comment") positional++;
      if (found) {
        hits.push({
          node: found.node,
          call,
          callee: model.text(call.fn),
          message: `\`${model.text(call.fn)}\` listens on every network interface (\`${found.value || '""'}\`): anyone who can reach the host can reach the service.`,
          data: found.value,
        });
        break;
      }
    }
  }
  return hits;
}

/**
 * host="0.0.0.0" → host=os.environ.get("HOST", "127.0.0.1"), reusing the file's `os` import:
 * loopback by default, every interface only where the deployment says so.
 */
function bindHostFromEnv({ model, match, data }: FixContext<unknown, string>): FixProposal | FixDecline {
  const node = match.node;
  const call = match.call;
  if (!call || node.type !== "string") return { decline: "the address comes from a name; change it where it is defined" };
  const value = data;
  const loopback = value === "0.0.0.0" || value === "" ? "127.0.0.1" : value === "::" ? "::1" : null;
  if (!loopback) return { decline: "the address carries a port; read it from the environment (`os.environ.get(...)`) with a loopback default" };
  const q = stringQuote(model, node);
  if (!q || q.prefix || q.quote.length !== 1) return { decline: "an unusual string literal" };
  const at = call.node.startIndex;
  let getter: string | null = null;
  const os = reachableAs(model, "os", call.scope, at);
  if (os) getter = `${os}.environ.get`;
  else {
    const environ = reachableAs(model, "os.environ", call.scope, at);
    if (environ) getter = `${environ}.get`;
  }
  if (!getter) {
    return {
      decline: "the file does not import `os`",
      example: `import os\n...\n${model.text(call.fn)}(host=os.environ.get("HOST", "127.0.0.1"), ...)  # set HOST=0.0.0.0 in the container`,
    };
  }
  return { edits: [{ start: node.startIndex, end: node.endIndex, text: `${getter}(${q.quote}HOST${q.quote}, ${q.quote}${loopback}${q.quote})` }] };
}

export default defineRule({
  options: NO_OPTIONS,
  match: bindAllHost,
  fix: bindHostFromEnv,
});
