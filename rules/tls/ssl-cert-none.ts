/** Certificate checks turned off: `cert_reqs=CERT_NONE`, `verify_mode = CERT_NONE`, `check_hostname = False`, `set_verify(VERIFY_NONE)`. */
import type { Node } from "../../src/core/python.js";
import type { FileModel, CallSite } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument, hasKwargsSplat } from "../../src/core/args.js";
import { calleeNames, singleBinding } from "../../src/core/lib/http.js";

function isFalse(n: Node | null): boolean {
  return !!n && n.type === "false";
}


const CERT_NONE = new Set(["ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE", "_ssl.CERT_NONE"]);
const CERT_OPTIONAL = new Set(["ssl.CERT_OPTIONAL", "ssl.VerifyMode.CERT_OPTIONAL", "_ssl.CERT_OPTIONAL"]);

/** `ssl.CERT_NONE`, or the strings urllib3 accepts for it ("CERT_NONE", "NONE"); `level: optional` asks the same of CERT_OPTIONAL. */
function isCertNone(model: FileModel, n: Node | null, scope: CallSite["scope"], level: "none" | "optional" = "none"): boolean {
  if (!n) return false;
  const word = level === "none" ? "NONE" : "OPTIONAL";
  if (n.type === "string") {
    const v = model.classify(n, scope);
    return v.kind === "constant" && (v.value === `CERT_${word}` || v.value === word);
  }
  return model.resolve(n, scope).some((q) => (level === "none" ? CERT_NONE : CERT_OPTIONAL).has(q));
}

/** A context built for the server side, where CERT_NONE only means "do not ask clients for certificates". */
function isServerContext(model: FileModel, obj: Node, scope: CallSite["scope"]): boolean {
  if (/server|srv/i.test(model.text(obj))) return true;
  const b = singleBinding(model, obj, scope);
  if (!b || b.value.type !== "call") return false;
  return /PROTOCOL_TLS_SERVER|CLIENT_AUTH|server_side\s*=\s*True/.test(model.text(b.value));
}

/** Calls holding a `cert_reqs=` keyword or named `set_verify`, found from the text (rare words). */
function certCalls(model: FileModel): CallSite[] {
  const starts = new Set<number>();
  const root = model.parsed.tree.rootNode;
  for (const m of model.source.matchAll(/\bcert_reqs\b|\bset_verify\b/g)) {
    let n: Node | null = root.descendantForIndex(m.index!, m.index! + m[0].length);
    for (let i = 0; n && i < 4 && n.type !== "call"; i++) n = n.parent;
    if (n?.type === "call") starts.add(n.startIndex);
  }
  return starts.size ? model.calls.filter((c) => starts.has(c.start) && model.inFocus(c.start)) : [];
}

/** A flag that says whether to verify: `verify`, `verified`, `self.verify_ssl`, `ssl_verify`. */
const VERIFY_FLAG = /^(?:verify|verified|verify_ssl|ssl_verify|verify_tls|tls_verify|verify_certs?)$/i;

function isVerifyFlag(model: FileModel, n: Node | null): boolean {
  if (!n) return false;
  if (n.type === "parenthesized_expression") return isVerifyFlag(model, n.namedChild(0));
  const name = n.type === "identifier" ? model.text(n) : n.type === "attribute" ? model.text(n.childForFieldName("attribute")!) : "";
  return VERIFY_FLAG.test(name);
}

/** Inside the branch of `if verify: … else: …` (or `if not verify: …`) that runs when the caller turned verification off. */
function inCallersOptOut(model: FileModel, node: Node): boolean {
  for (let child: Node = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type === "function_definition" || p.type === "class_definition") return false;
    if (p.type !== "if_statement") continue;
    const cond = p.childForFieldName("condition");
    const body = p.childForFieldName("consequence");
    if (!cond) continue;
    const inBody = !!body && child.id === body.id;
    const inElse = child.type === "else_clause";
    if (inElse && isVerifyFlag(model, cond)) return true;
    if (inBody && cond.type === "not_operator" && isVerifyFlag(model, cond.childForFieldName("argument"))) return true;
  }
  return false;
}

function sslCertNone({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  const src = model.source;
  if (!/CERT_NONE|CERT_OPTIONAL|OPTIONAL|check_hostname|VERIFY_NONE/.test(src)) return hits;
  for (const call of certCalls(model)) {
    if (!call.args) continue;
    const reqs = keywordArgument(model, call, "cert_reqs");
    if (reqs && isCertNone(model, reqs.childForFieldName("value"), call.scope)) {
      const server = argument(model, call, undefined, "server_side");
      if (server?.type === "true") continue;
      hits.push({
        node: call.node,
        call,
        callee: calleeNames(model, call)[0] ?? model.text(call.fn),
        message: `\`cert_reqs=CERT_NONE\` accepts any certificate: anyone on the network path can impersonate the server.`,
      });
      continue;
    }
    if (reqs && isCertNone(model, reqs.childForFieldName("value"), call.scope, "optional")) {
      const server = argument(model, call, undefined, "server_side");
      if (server?.type === "true") continue;
      hits.push({
        node: call.node,
        call,
        callee: calleeNames(model, call)[0] ?? model.text(call.fn),
        severity: "low",
        confidence: "medium",
        message: "`cert_reqs=CERT_OPTIONAL` does not demand a certificate: on a client it acts as `CERT_REQUIRED` only because servers always send one, and a reader takes verification for optional. Say `CERT_REQUIRED`.",
      });
      continue;
    }
    if (call.lastName === "set_verify") {
      const mode = argument(model, call, 0, "mode");
      if (mode && model.resolve(mode, call.scope).includes("OpenSSL.SSL.VERIFY_NONE")) {
        hits.push({
          node: call.node,
          call,
          callee: "OpenSSL.SSL.Context.set_verify",
          message: "`set_verify(SSL.VERIFY_NONE)` accepts any certificate: anyone on the network path can impersonate the peer.",
        });
      }
    }
  }
  // check_hostname = False is reported beside verify_mode = CERT_NONE: each line turns off a check
  const hostnameOff: { node: Node }[] = [];
  for (const site of model.assignments) {
    const { node, scope } = site;
    const left = site.left;
    const right = site.right;
    if (left?.type !== "attribute" || !right) continue;
    const attr = model.text(left.childForFieldName("attribute")!);
    if (attr !== "verify_mode" && attr !== "check_hostname") continue;
    const obj = left.childForFieldName("object")!;
    // `self.verify_mode = ...` initialises a class that implements a context (urllib3's wrappers)
    if (obj.type === "identifier" && model.text(obj) === "self") continue;
    // `if verified: … else: ctx.verify_mode = CERT_NONE`: the caller's own `verify=False`, reported where it is passed
    if (inCallersOptOut(model, node)) continue;
    if (attr === "verify_mode" && isCertNone(model, right, scope)) {
      if (isServerContext(model, obj, scope)) continue;
      hits.push({
        node,
        callee: "ssl.SSLContext.verify_mode",
        message: `\`${model.text(obj)}.verify_mode = CERT_NONE\` accepts any certificate: anyone on the network path can impersonate the server.`,
      });
    } else if (attr === "check_hostname" && isFalse(right)) {
      if (isServerContext(model, obj, scope)) continue;
      hostnameOff.push({ node });
    }
  }
  for (const { node } of hostnameOff) {
    hits.push({
      node,
      callee: "ssl.SSLContext.check_hostname",
      severity: "medium",
      message: "`check_hostname = False` accepts a valid certificate issued for any other host: a man in the middle only needs a certificate for their own domain.",
    });
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: sslCertNone,
});
