/** Named matchers for the tls rules (and the request rules in other/ and ssrf/ that share their HTTP knowledge). */
import type { Node } from "../python.js";
import type { FileModel, CallSite } from "../scope.js";
import { argument, keywordArgument, hasKwargsSplat } from "../match.js";
import type { Matcher, MatcherHit } from "./types.js";
import {
  calleeNames, httpCalls, importedLastName, importsModule, leadingLiteral, mappingEntries, plainHttpCalls,
  boundValue, requestObjectIsSent, singleBinding, urlArgument, HTTP_VERBS,
} from "./tls-http.js";
import { isSslOrTlsOld, protocolUses, weakKeys } from "./tls-crypto.js";

function isFalse(n: Node | null): boolean {
  return !!n && n.type === "false";
}

// ---------------------------------------------------------------------------------------------
// requests-verify: verify=False on requests/httpx calls, clients and sessions

const VERIFY_EXTRA_CALLEES = new Set([
  "boto3.client", "boto3.resource", "boto3.Session().client", "boto3.Session().resource",
  "boto3.session.Session().client", "boto3.session.Session().resource",
]);
const METHOD_NAMES = new Set<string>([...HTTP_VERBS, "request", "send", "stream"]);
const SESSION_TYPES = new Set(["requests.Session()", "requests.session()", "requests.sessions.Session()", "requests.sessions.session()"]);

const requestsVerify: Matcher = ({ model }) => {
  const hits: MatcherHit[] = [];
  if (!model.source.includes("verify")) return hits;
  const known = new Set<CallSite>();
  for (const h of httpCalls(model)) {
    known.add(h.call);
    if (h.library === "urllib") continue;
    const kw = argument(model, h.call, undefined, "verify");
    if (isFalse(kw)) hits.push({ node: h.call.node, call: h.call, callee: h.callee, data: { form: "call" } });
  }
  const httpFile = importsModule(model, "requests") || importsModule(model, "httpx");
  const botoFile = importsModule(model, "boto3");
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const last = importedLastName(model, call);
    if (!(httpFile && METHOD_NAMES.has(last)) && !(botoFile && (last === "client" || last === "resource"))) continue;
    if (known.has(call) || !call.args) continue;
    if (!isFalse(argument(model, call, undefined, "verify"))) continue;
    const names = calleeNames(model, call);
    const boto = names.find((n) => VERIFY_EXTRA_CALLEES.has(n));
    if (boto) {
      hits.push({ node: call.node, call, callee: boto, data: { form: "call" } });
    } else if (httpFile && METHOD_NAMES.has(last)) {
      // `self.session.get(url, verify=False)`: the session is not resolvable, the keyword is unambiguous
      hits.push({ node: call.node, call, callee: model.text(call.fn), confidence: "medium", data: { form: "call" } });
    }
  }
  if (importsModule(model, "requests")) {
    for (const { node, scope } of model.assignments) {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      if (left?.type !== "attribute" || !isFalse(right)) continue;
      if (model.text(left.childForFieldName("attribute")!) !== "verify") continue;
      const obj = left.childForFieldName("object")!;
      const resolved = model.resolve(obj, scope).some((q) => SESSION_TYPES.has(q));
      if (!resolved && !/sess/i.test(model.text(obj))) continue;
      hits.push({
        node,
        callee: "requests.Session.verify",
        confidence: resolved ? "high" : "medium",
        message: `\`${model.text(left)} = False\` turns off certificate verification for every request of the session: anyone on the network path can read and change the traffic.`,
        data: { form: "assignment" },
      });
    }
  }
  return hits;
};

// ---------------------------------------------------------------------------------------------
// ssl-unverified-context: ssl._create_default_https_context = ssl._create_unverified_context

const unverifiedContextAssignment: Matcher = ({ model }) => {
  const hits: MatcherHit[] = [];
  if (!model.source.includes("_create_default_https_context")) return hits;
  for (const { node, scope } of model.assignments) {
    const left = node.childForFieldName("left");
    const right = node.childForFieldName("right");
    if (!left || !right || left.type !== "attribute") continue;
    if (!model.resolve(left, scope).includes("ssl._create_default_https_context")) continue;
    if (!model.resolve(right, scope).includes("ssl._create_unverified_context")) continue;
    hits.push({
      node,
      callee: "ssl._create_unverified_context",
      message: "Replacing `ssl._create_default_https_context` with the unverified one turns off certificate checks for every HTTPS connection the process makes.",
      data: { form: "assignment" },
    });
  }
  return hits;
};

// ---------------------------------------------------------------------------------------------
// ssl-cert-none: cert_reqs=CERT_NONE, verify_mode = CERT_NONE, check_hostname = False, set_verify(VERIFY_NONE)

const CERT_NONE = new Set(["ssl.CERT_NONE", "ssl.VerifyMode.CERT_NONE", "_ssl.CERT_NONE"]);

function isCertNone(model: FileModel, n: Node | null, scope: CallSite["scope"]): boolean {
  if (!n) return false;
  if (n.type === "string") {
    const v = model.classify(n, scope);
    return v.kind === "constant" && (v.value === "CERT_NONE" || v.value === "NONE");
  }
  return model.resolve(n, scope).some((q) => CERT_NONE.has(q));
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

const sslCertNone: Matcher = ({ model }) => {
  const hits: MatcherHit[] = [];
  const src = model.source;
  if (!/CERT_NONE|check_hostname|VERIFY_NONE/.test(src)) return hits;
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
  // verify_mode = CERT_NONE wins over check_hostname = False on the same object in the same scope
  const certNoneObjects = new Set<string>();
  const hostnameOff: { node: Node; key: string }[] = [];
  for (const { node, scope } of model.assignments) {
    const left = node.childForFieldName("left");
    const right = node.childForFieldName("right");
    if (left?.type !== "attribute" || !right) continue;
    const attr = model.text(left.childForFieldName("attribute")!);
    if (attr !== "verify_mode" && attr !== "check_hostname") continue;
    const obj = left.childForFieldName("object")!;
    // `self.verify_mode = ...` initialises a class that implements a context (urllib3's wrappers)
    if (obj.type === "identifier" && model.text(obj) === "self") continue;
    const key = `${scope.start}:${model.text(obj)}`;
    if (attr === "verify_mode" && isCertNone(model, right, scope)) {
      certNoneObjects.add(key);
      if (isServerContext(model, obj, scope)) continue;
      hits.push({
        node,
        callee: "ssl.SSLContext.verify_mode",
        message: `\`${model.text(obj)}.verify_mode = CERT_NONE\` accepts any certificate: anyone on the network path can impersonate the server.`,
      });
    } else if (attr === "check_hostname" && isFalse(right)) {
      if (isServerContext(model, obj, scope)) continue;
      hostnameOff.push({ node, key });
    }
  }
  for (const { node, key } of hostnameOff) {
    if (certNoneObjects.has(key)) continue;
    hits.push({
      node,
      callee: "ssl.SSLContext.check_hostname",
      severity: "medium",
      message: "`check_hostname = False` accepts a valid certificate issued for any other host: a man in the middle only needs a certificate for their own domain.",
    });
  }
  return hits;
};

// ---------------------------------------------------------------------------------------------
// ssl-insecure-version / ssl-bad-default-version

function brokenOrDeprecated(version: string): string {
  return version.startsWith("SSL") ? "broken" : "deprecated (RFC 8996)";
}

const sslInsecureVersion: Matcher = ({ model }) =>
  protocolUses(model)
    .filter((u) => u.context !== "default")
    .map((u) => ({
      node: u.node,
      callee: u.qualified,
      severity: isSslOrTlsOld(u.version),
      message: `\`${model.text(u.node)}\` selects ${u.version}, which is ${brokenOrDeprecated(u.version)}: use TLS 1.2 or newer.`,
    }));

const sslBadDefaultVersion: Matcher = ({ model }) =>
  protocolUses(model)
    .filter((u) => u.context === "default")
    .map((u) => ({
      node: u.node,
      callee: u.qualified,
      message: `This parameter defaults to \`${model.text(u.node)}\` (${u.version}, ${brokenOrDeprecated(u.version)}): every caller that omits it gets an insecure connection.`,
    }));

// ---------------------------------------------------------------------------------------------
// weak-key-size

const weakKeySize: Matcher = ({ model }) =>
  weakKeys(model).map((k) => ({
    node: k.call.node,
    call: k.call,
    callee: k.callee,
    severity: k.severity,
    message:
      k.algorithm === "EC"
        ? `A ${k.bits}-bit elliptic curve is too small: use at least a 224-bit curve (SECP256R1 / P-256).`
        : `A ${k.bits}-bit ${k.algorithm} key is too small: use at least 2048 bits.`,
    data: { algorithm: k.algorithm, arg: k.arg },
  }));

// ---------------------------------------------------------------------------------------------
// ssh-host-key-auto-add

const AUTO_POLICIES = new Set(["AutoAddPolicy", "WarningPolicy"]);

const sshHostKeyAutoAdd: Matcher = ({ model }) => {
  const hits: MatcherHit[] = [];
  if (!/set_missing_host_key_policy|known_hosts|hostkeys/.test(model.source)) return hits;
  const paramikoFile = importsModule(model, "paramiko");
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const last = importedLastName(model, call);
    if (last === "set_missing_host_key_policy") {
      const arg = argument(model, call, 0, "policy");
      if (!arg) continue;
      const target = arg.type === "call" ? arg.childForFieldName("function")! : arg;
      const names = model.resolve(target, call.scope);
      const policy = names.map((q) => q.slice(q.lastIndexOf(".") + 1)).find((n) => AUTO_POLICIES.has(n));
      if (!policy) continue;
      const resolved = names.some((q) => q.startsWith("paramiko."));
      if (!resolved && !paramikoFile) continue;
      hits.push({
        node: call.node,
        call,
        callee: `paramiko.${policy}`,
        confidence: resolved ? "high" : "medium",
        message: `\`${policy}\` accepts the host key of any server it has not seen: the first connection (or any, after known_hosts is lost) can go to an impostor.`,
      });
    } else if (last === "connect" || last === "SSHClientConnectionOptions" || last === "connect_reverse") {
      const kn = keywordArgument(model, call, "known_hosts");
      if (!kn || kn.childForFieldName("value")?.type !== "none") continue;
      const callee = calleeNames(model, call).find((q) => q.startsWith("asyncssh."));
      if (!callee) continue;
      hits.push({
        node: call.node,
        call,
        callee,
        message: "`known_hosts=None` makes asyncssh accept any server host key: the connection can go to an impostor.",
      });
    }
  }
  if (importsModule(model, "pysftp")) {
    for (const { node } of model.assignments) {
      const left = node.childForFieldName("left");
      if (left?.type !== "attribute" || node.childForFieldName("right")?.type !== "none") continue;
      if (model.text(left.childForFieldName("attribute")!) !== "hostkeys") continue;
      hits.push({
        node,
        callee: "pysftp.CnOpts.hostkeys",
        message: "`cnopts.hostkeys = None` makes pysftp accept any server host key: the connection can go to an impostor.",
      });
    }
  }
  return hits;
};

// ---------------------------------------------------------------------------------------------
// requests-http / credentials-over-http

const requestsHttp: Matcher = ({ model }) =>
  plainHttpCalls(model)
    .filter((p) => !p.credential)
    .map((p) => ({
      node: p.http.call.node,
      call: p.http.call,
      callee: p.http.callee,
      message: `\`${p.http.callee}\` sends this request to \`${p.url.host}\` over plain HTTP: anyone on the path can read and change it.`,
      data: { literal: p.literal, port: p.url.port },
    }));

const credentialsOverHttp: Matcher = ({ model }) =>
  plainHttpCalls(model)
    .filter((p) => p.credential)
    .map((p) => ({
      node: p.http.call.node,
      call: p.http.call,
      callee: p.http.callee,
      message: `\`${p.http.callee}\` sends ${p.credential} to \`${p.url.host}\` over plain HTTP: anyone on the path can read and replay it.`,
      data: { literal: p.literal, port: p.url.port, userinfo: p.url.userinfo },
    }));

// ---------------------------------------------------------------------------------------------
// requests-timeout

/** A session with an adapter that sets its own timeout: `s.mount("https://", TimeoutHTTPAdapter(timeout=5))`. */
function sessionHasTimeoutAdapter(model: FileModel, call: CallSite): boolean {
  if (call.fnType !== "attribute") return false;
  const objText = model.text(call.fn.childForFieldName("object")!);
  return model.calls.some(
    (c) => c.lastName === "mount" && c.fnType === "attribute" && model.text(c.fn.childForFieldName("object")!) === objText && !!c.args && /timeout/i.test(model.text(c.args)),
  );
}

const requestsTimeout: Matcher = ({ model }) => {
  const hits: MatcherHit[] = [];
  for (const h of httpCalls(model)) {
    if (h.library === "urllib") continue;
    const kw = keywordArgument(model, h.call, "timeout");
    if (kw) {
      if (kw.childForFieldName("value")?.type !== "none") continue;
      hits.push({
        node: h.call.node,
        call: h.call,
        callee: h.callee,
        severity: "low",
        message: `\`timeout=None\` lets \`${h.callee}\` wait forever on a server that stops answering.`,
      });
      continue;
    }
    // httpx applies a 5 s default; requests has none
    if (h.library !== "requests" || hasKwargsSplat(h.call)) continue;
    if (h.kind === "session" && sessionHasTimeoutAdapter(model, h.call)) continue;
    hits.push({ node: h.call.node, call: h.call, callee: h.callee });
  }
  return hits;
};

// ---------------------------------------------------------------------------------------------
// api-key-in-url

/** Query parameter names that carry a credential; `key` and `auth` only with a value from code. */
const QUERY_SECRET = /^(api[-_]?key|apikey|access[-_]?token|auth[-_]?token|token|password|passwd|pwd|secret|client[-_]?secret|private[-_]?token|key|auth)$/i;
const AMBIGUOUS = /^(key|auth)$/i;
const URL_SECRET = /[?&](api[-_]?key|apikey|access[-_]?token|auth[-_]?token|token|password|passwd|pwd|secret|client[-_]?secret|private[-_]?token|key|auth)=/i;

const apiKeyInUrl: Matcher = ({ model }) => {
  const hits: MatcherHit[] = [];
  for (const h of httpCalls(model)) {
    if (h.callee.endsWith(".Request") && !requestObjectIsSent(model, h.call)) continue;
    const params = h.library === "urllib" ? null : argument(model, h.call, h.kind === "function" && h.callee.endsWith(".get") ? 1 : undefined, "params");
    let found: { name: string; where: "params" | "url"; keyNode?: Node } | null = null;
    for (const e of mappingEntries(model, params, h.call.scope)) {
      if (!QUERY_SECRET.test(e.key) || !e.value || e.value.type === "none") continue;
      const v = model.classify(e.value, h.call.scope);
      if (v.kind === "constant" && !v.value) continue;
      if (AMBIGUOUS.test(e.key) && (v.kind === "constant" || v.kind === "literal")) continue;
      found = { name: e.key, where: "params", keyNode: e.keyNode };
      break;
    }
    if (!found) {
      const url = urlArgument(model, h);
      const { node: expr, scope } = url ? boundValue(model, url, h.call.scope) : { node: null, scope: h.call.scope };
      if (expr && expr.type !== "identifier") {
        const m = URL_SECRET.exec(model.text(expr));
        const constant = model.classify(expr, scope).kind === "constant";
        if (m && !(AMBIGUOUS.test(m[1]) && constant) && leadingLiteral(model, expr, scope, h.call.node) !== null) {
          found = { name: m[1], where: "url" };
        }
      }
    }
    if (!found) continue;
    hits.push({
      node: h.call.node,
      call: h.call,
      callee: h.callee,
      message: `\`${found.name}\` is sent in the URL's query string, which ends up in server access logs, proxy logs and error reports: send it in a header.`,
      data: { where: found.where, name: found.name },
    });
  }
  return hits;
};

// ---------------------------------------------------------------------------------------------
// urlopen-dynamic-url (B310)

const URLOPEN_CALLEES = new Set([
  "urllib.request.urlopen", "urllib.request.Request", "urllib.request.urlretrieve", "urllib.request.URLopener",
  "urllib.request.FancyURLopener", "urllib.urlopen", "urllib.urlretrieve", "urllib.URLopener", "urllib.FancyURLopener",
  "urllib2.urlopen", "urllib2.Request", "six.moves.urllib.request.urlopen", "six.moves.urllib.request.Request",
  "six.moves.urllib.request.urlretrieve",
]);
const URLOPEN_LAST = new Set([...URLOPEN_CALLEES].map((q) => q.slice(q.lastIndexOf(".") + 1)));
const REQUEST_OBJECTS = new Set(["urllib.request.Request()", "urllib2.Request()", "six.moves.urllib.request.Request()"]);
/** Code that checks the scheme before opening: `urlparse(u).scheme in (...)`, `u.startswith(("http://", ...))`. */
const SCHEME_CHECK = /\.scheme\b|startswith\(\s*\(?\s*[rbuRBU]?["']https?[:"']/;

const urlopenDynamicUrl: Matcher = ({ model }) => {
  const hits: MatcherHit[] = [];
  if (!/urlopen|Request|urlretrieve|URLopener/.test(model.source)) return hits;
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    if (!URLOPEN_LAST.has(importedLastName(model, call))) continue;
    const callee = calleeNames(model, call).find((q) => URLOPEN_CALLEES.has(q));
    if (!callee) continue;
    if (callee.endsWith(".Request") && !requestObjectIsSent(model, call)) continue;
    if (callee.endsWith("URLopener")) {
      // the legacy openers take proxies, not a URL: every `.open(url)` on them accepts any scheme
      hits.push({ node: call.node, call, callee, message: `\`${callee}\` (deprecated) opens any scheme it is given, \`file://\` included: use \`urlopen\` after checking the scheme is http or https.` });
      continue;
    }
    const url = argument(model, call, 0, "url") ?? argument(model, call, undefined, "fullurl");
    if (!url) continue;
    const v = model.classify(url, call.scope);
    if (v.kind === "constant" || v.kind === "literal") continue;
    // a scheme written in the literal (`f"https://{host}/x"`) is fixed: no file:// or custom handler
    const lit = leadingLiteral(model, url, call.scope, call.node);
    if (lit && /^[a-z][a-z0-9+.-]*:/i.test(lit.text)) continue;
    // a Request object is reported where it is built
    if (model.resolve(url, call.scope).some((q) => REQUEST_OBJECTS.has(q))) continue;
    const scopeStart = call.scope.node ? call.scope.node.startIndex : 0;
    if (SCHEME_CHECK.test(model.source.slice(scopeStart, call.node.startIndex))) continue;
    hits.push({
      node: call.node,
      call,
      callee,
      ...(callee.endsWith(".Request") ? { message: `The \`${callee}\` built here is opened with whatever scheme the URL names, \`file://\` included: check that it is http or https first.` } : {}),
    });
  }
  return hits;
};

export const MATCHERS: Record<string, Matcher> = {
  "requests-verify": requestsVerify,
  "ssl-unverified-context-assignment": unverifiedContextAssignment,
  "ssl-cert-none": sslCertNone,
  "ssl-insecure-version": sslInsecureVersion,
  "ssl-bad-default-version": sslBadDefaultVersion,
  "weak-key-size": weakKeySize,
  "ssh-host-key-auto-add": sshHostKeyAutoAdd,
  "requests-http": requestsHttp,
  "credentials-over-http": credentialsOverHttp,
  "requests-timeout": requestsTimeout,
  "api-key-in-url": apiKeyInUrl,
  "urlopen-dynamic-url": urlopenDynamicUrl,
};
