/**
 * What the tls rules know about HTTP clients: which calls send a request (requests, httpx,
 * urllib), where their URL is, what a URL literal starts with, whether its host is local, and
 * whether a call carries credentials. Shared by the matchers and the fix builders.
 */
import type { Node } from "../python.js";
import type { FileModel, CallSite, Scope } from "../scope.js";
import type { FixContext, FixDecline, FixProposal } from "../types.js";
import { argument } from "../args.js";
import { importsModule } from "./imports.js";
import { classConstant } from "./literals.js";

export { importsModule };

export const HTTP_VERBS = ["get", "post", "put", "patch", "delete", "head", "options"] as const;

export type HttpLibrary = "requests" | "httpx" | "urllib" | "aiohttp" | "urllib3";
/** `function`: requests.get; `session`: a method on a Session/Client; `client`: httpx.Client(...) itself */
export type HttpCallKind = "function" | "session" | "client" | "urllib";

export interface HttpCallee {
  library: HttpLibrary;
  kind: HttpCallKind;
  /** position of the URL argument (`request(method, url)` has it second); -1: none (constructors) */
  urlPosition: number;
  /** the keyword that can carry the URL instead */
  urlKeyword: string;
}

export interface HttpCall extends HttpCallee {
  call: CallSite;
  callee: string;
  /** a request method on an object that could not be resolved (see unresolvedHttpCalls) */
  unresolved?: boolean;
}

function buildCallees(): Map<string, HttpCallee> {
  const out = new Map<string, HttpCallee>();
  const methods = [...HTTP_VERBS, "request"];
  const pos = (m: string): number => (m === "request" ? 1 : 0);
  for (const m of methods) {
    for (const mod of ["requests", "requests.api"]) {
      out.set(`${mod}.${m}`, { library: "requests", kind: "function", urlPosition: pos(m), urlKeyword: "url" });
    }
    for (const s of ["requests.Session()", "requests.session()", "requests.sessions.Session()", "requests.sessions.session()"]) {
      out.set(`${s}.${m}`, { library: "requests", kind: "session", urlPosition: pos(m), urlKeyword: "url" });
    }
  }
  for (const m of [...methods, "stream"]) {
    const p = m === "request" || m === "stream" ? 1 : 0;
    out.set(`httpx.${m}`, { library: "httpx", kind: "function", urlPosition: p, urlKeyword: "url" });
    for (const c of ["httpx.Client()", "httpx.AsyncClient()"]) {
      out.set(`${c}.${m}`, { library: "httpx", kind: "session", urlPosition: p, urlKeyword: "url" });
    }
  }
  for (const c of ["httpx.Client", "httpx.AsyncClient"]) {
    out.set(c, { library: "httpx", kind: "client", urlPosition: -1, urlKeyword: "base_url" });
  }
  for (const u of [
    "urllib.request.urlopen", "urllib.request.Request", "urllib.request.urlretrieve",
    "urllib.urlopen", "urllib.urlretrieve", "urllib2.urlopen", "urllib2.Request",
    "six.moves.urllib.request.urlopen", "six.moves.urllib.request.Request", "six.moves.urllib.request.urlretrieve",
  ]) {
    out.set(u, { library: "urllib", kind: "urllib", urlPosition: 0, urlKeyword: "url" });
  }
  // urllib's opener objects: `build_opener().open(url)`, the deprecated `URLopener().retrieve(url)`
  for (const o of ["urllib.request.OpenerDirector()", "urllib.request.build_opener()", "urllib2.build_opener()", "urllib2.OpenerDirector()"]) {
    out.set(`${o}.open`, { library: "urllib", kind: "urllib", urlPosition: 0, urlKeyword: "fullurl" });
  }
  for (const o of ["urllib.request.URLopener()", "urllib.request.FancyURLopener()", "urllib.URLopener()", "urllib.FancyURLopener()"]) {
    for (const m of ["open", "retrieve"]) out.set(`${o}.${m}`, { library: "urllib", kind: "urllib", urlPosition: 0, urlKeyword: "url" });
  }
  // aiohttp: session methods (`request(method, url)`) and the module-level `aiohttp.request(method, url)`
  for (const s of ["aiohttp.ClientSession()", "aiohttp.client.ClientSession()"]) {
    for (const m of [...methods, "ws_connect"]) out.set(`${s}.${m}`, { library: "aiohttp", kind: "session", urlPosition: pos(m), urlKeyword: m === "request" ? "str_or_url" : "url" });
  }
  out.set("aiohttp.request", { library: "aiohttp", kind: "function", urlPosition: 1, urlKeyword: "url" });
  // urllib3: `request(method, url)` on a pool manager, and urllib3 2's module-level `urllib3.request`
  for (const p of ["urllib3.PoolManager()", "urllib3.ProxyManager()", "urllib3.poolmanager.PoolManager()", "urllib3.poolmanager.ProxyManager()"]) {
    for (const m of ["request", "urlopen", "request_encode_url", "request_encode_body"]) out.set(`${p}.${m}`, { library: "urllib3", kind: "session", urlPosition: 1, urlKeyword: "url" });
    out.set(`${p}.connection_from_url`, { library: "urllib3", kind: "session", urlPosition: 0, urlKeyword: "url" });
  }
  out.set("urllib3.request", { library: "urllib3", kind: "function", urlPosition: 1, urlKeyword: "url" });
  out.set("urllib3.connection_from_url", { library: "urllib3", kind: "function", urlPosition: 0, urlKeyword: "url" });
  return out;
}

export const HTTP_CALLEES = buildCallees();
const HTTP_LAST_NAMES = new Set([...HTTP_CALLEES.keys()].map((q) => q.slice(q.lastIndexOf(".") + 1)));

/** The last name of the callee as imported: `from urllib.request import urlopen as uo; uo()` → urlopen. */
export function importedLastName(model: FileModel, call: CallSite): string {
  // a pre-filter only (resolution decides), so no need to look at the node: `x.uo()` maps too
  return model.importedLastNames.get(call.lastName) ?? call.lastName;
}

/** Resolved callee names, computed once per call site for all rules. */
export function calleeNames(model: FileModel, call: CallSite): string[] {
  return model.calleeNames(call);
}

const OPENERS = new Set(["urlopen", "open", "request", "_open"]);

/**
 * Whether a `urllib.request.Request(...)` object is sent: passed straight to `urlopen`/`opener.open`,
 * returned, or bound to a name that such a call receives in the same scope. Request objects built
 * only to be inspected (cookie policies, header tests) send nothing.
 */
export function requestObjectIsSent(model: FileModel, call: CallSite): boolean {
  let node = call.node;
  while (node.parent?.type === "parenthesized_expression") node = node.parent;
  const parent = node.parent;
  if (!parent) return false;
  // returned, or built as a statement of its own (nothing inspects it: what would it be for but sending)
  if (parent.type === "return_statement" || parent.type === "expression_statement") return true;
  if (parent.type === "argument_list" || parent.type === "keyword_argument") {
    const outer = parent.type === "argument_list" ? parent.parent : parent.parent?.parent;
    const fn = outer?.childForFieldName("function");
    if (!fn) return false;
    const last = fn.type === "attribute" ? model.text(fn.childForFieldName("attribute")!) : model.text(fn);
    return OPENERS.has(model.importedLastNames.get(last) ?? last);
  }
  if (parent.type !== "assignment" || parent.childForFieldName("left")?.type !== "identifier") return false;
  const name = model.text(parent.childForFieldName("left")!);
  return model.calls.some((c) => {
    if (c.scope !== call.scope || c.start < parent.endIndex || !c.args) return false;
    const last = c.fnType === "identifier" ? model.importedLastNames.get(c.lastName) ?? c.lastName : c.lastName;
    if (!OPENERS.has(last)) return false;
    return c.args.namedChildren.some((a) => (a.type === "keyword_argument" ? a.childForFieldName("value") : a)?.type === "identifier" && model.text(a.type === "keyword_argument" ? a.childForFieldName("value")! : a) === name);
  });
}

const httpCache = new WeakMap<FileModel, HttpCall[]>();
/** Every call in the file that sends an HTTP request (or builds a client/request object). */
export function httpCalls(model: FileModel): HttpCall[] {
  let found = httpCache.get(model);
  if (found) return found;
  found = [];
  // every callee lives in one of these modules: a file that never names them has no HTTP call
  if (!/requests|httpx|urllib|six|aiohttp/.test(model.source)) {
    httpCache.set(model, found);
    return found;
  }
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    if (!HTTP_LAST_NAMES.has(importedLastName(model, call))) continue;
    for (const name of calleeNames(model, call)) {
      const c = HTTP_CALLEES.get(name);
      if (c) {
        found.push({ ...c, call, callee: name });
        break;
      }
    }
  }
  httpCache.set(model, found);
  return found;
}

/** The URL argument of an HTTP call, or null. */
export function urlArgument(model: FileModel, h: HttpCall): Node | null {
  if (h.urlPosition < 0) return argument(model, h.call, undefined, h.urlKeyword);
  return argument(model, h.call, h.urlPosition, h.urlKeyword);
}

/** The value a name is bound to, when it is bound exactly once in its scope (a constant-like local). */
export function singleBinding(model: FileModel, name: Node, scope: Scope): { value: Node; scope: Scope } | null {
  if (name.type !== "identifier") return null;
  const found = model.lookup(model.text(name), scope, name.startIndex);
  if (!found || !found.binding.value) return null;
  if (found.scope.bindings.get(model.text(name))!.length !== 1) return null;
  return { value: found.binding.value, scope: found.scope };
}

/** Stands for an f-string interpolation in `LeadingLiteral.text`. */
export const HOLE = "\u0000";

/** The leading literal text of a URL expression and the string node it sits in. */
export interface LeadingLiteral {
  /** the string node holding the start of the URL */
  string: Node;
  /** string index where the literal text starts (after the quote and prefix) */
  start: number;
  /** the literal text, with each f-string interpolation replaced by HOLE */
  text: string;
  /** true when `text` is the whole URL (a constant), false when something follows */
  complete: boolean;
  /** the literal is written inside `within` (else it is defined elsewhere, e.g. a module constant) */
  local: boolean;
  /** the scope whose binding holds the literal (the scope passed in when the literal is written in place) */
  scope: Scope;
}

/**
 * Follow a URL expression to the string literal that starts it: a string, an f-string up to its
 * first interpolation, the left side of `+` / `%`, the object of `.format`, or a name bound once.
 */
export function leadingLiteral(model: FileModel, expr: Node, scope: Scope, within: Node): LeadingLiteral | null {
  let n: Node | null = expr;
  let sc = scope;
  let complete = true;
  // only names followed are counted: a URL joined from thousands of pieces is still followed to its start
  let hops = 0;
  while (n && hops < 8) {
    switch (n.type) {
      case "string": {
        const first = n.firstChild;
        if (!first || first.type !== "string_start") return null;
        if (/[bB]/.test(model.text(first))) return null; // bytes are not URLs we send
        const start = first.endIndex;
        const end = n.lastChild?.type === "string_end" ? n.lastChild.startIndex : n.endIndex;
        // each interpolation becomes one HOLE: the text around it stays known
        let text = "";
        let at = start;
        for (const c of n.namedChildren) {
          if (c.type !== "interpolation") continue;
          text += model.source.slice(at, c.startIndex) + HOLE;
          at = c.endIndex;
          complete = false;
        }
        text += model.source.slice(at, end);
        const local = n.startIndex >= within.startIndex && n.endIndex <= within.endIndex;
        return { string: n, start, text, complete, local, scope: sc };
      }
      case "concatenated_string": {
        // "http://host" "/path": join the leading pieces up to the first interpolation
        const first = n.firstNamedChild;
        const head = first ? leadingLiteral(model, first, sc, within) : null;
        if (!head) return null;
        let text = head.text;
        let whole = head.complete;
        for (let c = first!.nextNamedSibling; c && whole; c = c.nextNamedSibling) {
          const part = leadingLiteral(model, c, sc, within);
          if (!part) return null;
          text += part.text;
          whole = part.complete;
        }
        return { ...head, text, complete: complete && whole };
      }
      case "parenthesized_expression":
        n = n.firstNamedChild;
        break;
      case "binary_operator": {
        const op = n.childForFieldName("operator");
        if (!op || (model.text(op) !== "+" && model.text(op) !== "%")) return null;
        complete = false;
        n = n.childForFieldName("left");
        break;
      }
      case "call": {
        const fn = n.childForFieldName("function");
        if (fn?.type !== "attribute" || model.text(fn.childForFieldName("attribute")!) !== "format") return null;
        complete = false;
        n = fn.childForFieldName("object");
        break;
      }
      case "identifier": {
        const b = singleBinding(model, n, sc);
        if (!b) return null;
        n = b.value;
        sc = b.scope;
        hops++;
        break;
      }
      case "attribute": {
        // `self.BASE_URL`: a class constant
        const b = classConstant(model, n, sc);
        if (!b) return null;
        n = b.value;
        sc = b.scope;
        break;
      }
      default:
        return null;
    }
  }
  return null;
}

export interface PlainHttpUrl {
  /** `http`, or `ftp` (also clear text, for the urllib openers that speak it) */
  scheme: "http" | "ftp";
  host: string;
  /** the explicit port, when the literal names one */
  port?: string;
  /** `http://user:pass@host` */
  userinfo: boolean;
}

const HOST_CHARS = /^[a-z0-9._-]+$/i;

/**
 * The host of a literal `http://` URL when the literal spells it out completely; null when it is
 * not an http URL or the host is interpolated (`f"http://{host}/"`) and so unknown.
 */
export function plainHttpUrl(lit: LeadingLiteral): PlainHttpUrl | null {
  const m = /^(http|ftp):\/\/([^/?#]*)([/?#])?/i.exec(lit.text);
  if (!m) return null;
  const scheme = m[1].toLowerCase() as PlainHttpUrl["scheme"];
  const authority = m[2];
  const terminated = m[3] !== undefined || lit.complete;
  const at = authority.lastIndexOf("@");
  const userinfo = at >= 0;
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  let host: string;
  let rest: string;
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    if (close < 0) return null;
    host = hostPort.slice(0, close + 1);
    rest = hostPort.slice(close + 1);
  } else {
    const colon = hostPort.indexOf(":");
    host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
    rest = colon >= 0 ? hostPort.slice(colon) : "";
  }
  // the host is known when something follows it in the literal (a port, a path) or the URL is whole
  if (!terminated && !rest) return null;
  if (host.includes(HOLE) || (!host.startsWith("[") && !HOST_CHARS.test(host))) return null;
  const port = rest ? /^:(\d+)$/.exec(rest)?.[1] ?? "set at run time" : undefined;
  return { scheme, host: host.toLowerCase(), port, userinfo };
}

const LOCAL_SUFFIXES = [
  ".localhost", ".local", ".internal", ".localdomain", ".lan", ".home.arpa", ".intranet", ".corp", ".svc",
  // reserved names that never resolve publicly (RFC 2606 / 6761)
  ".test", ".example", ".invalid",
];

/** Hosts that plain HTTP is normal for: loopback, private and link-local ranges, local names, bare service names. */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (!h) return true;
  if (h.startsWith("[")) {
    const v6 = h.slice(1, -1);
    return v6 === "::1" || /^f[cd][0-9a-f]{0,2}:/.test(v6) || /^fe[89ab][0-9a-f]?:/.test(v6) || v6 === "::";
  }
  if (h === "localhost") return true;
  if (!h.includes(".")) return true; // `http://redis:6379`, a compose/k8s service name
  for (const s of LOCAL_SUFFIXES) if (h.endsWith(s)) return true;
  const ip = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (ip) {
    const [a, b] = [Number(ip[1]), Number(ip[2])];
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  return false;
}

/**
 * Hosts where credentials in clear text never cross a shared network: loopback, link-local, bare
 * service names of a container network (`http://auth-service/`), `*.svc`, and names that never
 * resolve (`.localhost`, `.test`, `.example`, `.invalid`). A LAN (private ranges, `.lan`, `.local`,
 * `.corp`, `.internal`) is a shared network.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  if (!h || h === "localhost" || h === "[::1]" || h === "0.0.0.0") return true;
  if (!h.startsWith("[") && !h.includes(".")) return true;
  if ([".localhost", ".svc", ".test", ".example", ".invalid"].some((s) => h.endsWith(s))) return true;
  const ip = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(h);
  return !!ip && (Number(ip[1]) === 127 || (Number(ip[1]) === 169 && Number(ip[2]) === 254));
}

/** A string value's text when the node is a constant string key (`"Authorization"`). */
function constantKey(model: FileModel, n: Node | null, scope: Scope): string | null {
  if (!n) return null;
  const v = model.classify(n, scope);
  return v.kind === "constant" ? v.value! : null;
}

/** Follow a name bound once (and parentheses) to the expression it stands for. */
export function boundValue(model: FileModel, n: Node, scope: Scope): { node: Node; scope: Scope } {
  let cur = n;
  let sc = scope;
  for (let i = 0; i < 4; i++) {
    if (cur.type === "parenthesized_expression" && cur.firstNamedChild) {
      cur = cur.firstNamedChild;
      continue;
    }
    const b = singleBinding(model, cur, sc);
    if (!b) break;
    cur = b.value;
    sc = b.scope;
  }
  return { node: cur, scope: sc };
}

/** Keys (constant strings) of a dict literal, a `dict(k=v)` call, or a list/tuple of pairs, with their value nodes. */
export function mappingEntries(model: FileModel, arg: Node | null, scope: Scope): { key: string; keyNode: Node; value: Node | null }[] {
  if (!arg) return [];
  const { node: n, scope: sc } = boundValue(model, arg, scope);
  const out: { key: string; keyNode: Node; value: Node | null }[] = [];
  if (n.type === "dictionary") {
    for (const pair of n.namedChildren) {
      if (pair.type !== "pair") continue;
      const k = constantKey(model, pair.childForFieldName("key"), sc);
      if (k !== null) out.push({ key: k, keyNode: pair.childForFieldName("key")!, value: pair.childForFieldName("value") });
    }
  } else if (n.type === "call") {
    const fn = n.childForFieldName("function");
    if (fn?.type !== "identifier" || model.text(fn) !== "dict" || model.lookup("dict", sc, fn.startIndex)) return out;
    for (const a of n.childForFieldName("arguments")?.namedChildren ?? []) {
      if (a.type !== "keyword_argument") continue;
      const nm = a.childForFieldName("name")!;
      out.push({ key: model.text(nm), keyNode: nm, value: a.childForFieldName("value") });
    }
  } else if (n.type === "list" || n.type === "tuple") {
    for (const item of n.namedChildren) {
      if (item.type !== "tuple" || item.namedChildCount !== 2) continue;
      const k = constantKey(model, item.namedChild(0), sc);
      if (k !== null) out.push({ key: k, keyNode: item.namedChild(0)!, value: item.namedChild(1) });
    }
  }
  return out;
}

const CREDENTIAL_HEADER = /^(proxy-)?authorization$|api[-_]?key|token|secret|password|^cookie$/i;
const CREDENTIAL_FIELD = /^(password|passwd|pwd|pass|passphrase|secret|client[-_]?secret|api[-_]?key|apikey|token|access[-_]?token|refresh[-_]?token|auth[-_]?token|private[-_]?token)$/i;

function isNone(n: Node | null): boolean {
  return !n || n.type === "none";
}

/**
 * What credential an HTTP call sends, described for the message (`an Authorization header`,
 * `auth=`, `the password field`), or null. Used with plain-http URLs.
 */
export function credentialSent(model: FileModel, h: HttpCall, url: PlainHttpUrl): string | null {
  if (url.userinfo) return "a user name and password in the URL";
  const { call } = h;
  if (h.library !== "urllib") {
    const auth = argument(model, call, undefined, "auth");
    if (auth && !isNone(auth)) return "credentials (`auth=`)";
  }
  const isRequestObject = h.library === "urllib" && h.callee.endsWith(".Request");
  const headers = argument(model, call, isRequestObject ? 2 : undefined, "headers");
  for (const e of mappingEntries(model, headers, call.scope)) {
    if (CREDENTIAL_HEADER.test(e.key) && !isNone(e.value)) return `the \`${e.key}\` header`;
  }
  const fields: (Node | null)[] = [];
  if (h.library !== "urllib") {
    for (const kw of ["data", "json", "params"]) fields.push(argument(model, call, undefined, kw));
    // requests.post(url, data) / httpx has no positional body
    if (h.library === "requests" && /\.(post|put|patch)$/.test(h.callee)) fields.push(argument(model, call, 1));
  }
  for (const f of fields) {
    for (const e of mappingEntries(model, f, call.scope)) {
      if (CREDENTIAL_FIELD.test(e.key) && !isNone(e.value)) return `the \`${e.key}\` field`;
    }
  }
  return null;
}

export interface PlainHttpCall {
  http: HttpCall;
  url: PlainHttpUrl;
  literal: LeadingLiteral;
  /** what credential travels with it, or null */
  credential: string | null;
  /** the literal sits in an earlier statement of the call's own scope (`url = "http://…"` then `get(url)`) */
  origin?: Node;
}

const CLIENT_MODULES: [string, HttpLibrary][] = [["requests", "requests"], ["httpx", "httpx"], ["aiohttp", "aiohttp"], ["urllib3", "urllib3"]];
const HTTP_METHODS = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/i;

/**
 * `self.session.get(url)`, `pool.request("GET", url)`: request methods on an object that cannot be
 * resolved, in a file that imports an HTTP client. Reported with medium confidence.
 */
function unresolvedHttpCalls(model: FileModel, known: HttpCall[]): HttpCall[] {
  const library = CLIENT_MODULES.find(([m]) => importsModule(model, m))?.[1];
  if (!library) return [];
  const seen = new Set(known.map((h) => h.call));
  const out: HttpCall[] = [];
  for (const call of model.calls) {
    if (call.fnType !== "attribute" || seen.has(call) || !model.inFocus(call.start)) continue;
    const verb = (HTTP_VERBS as readonly string[]).includes(call.lastName);
    if (!verb && call.lastName !== "request" && call.lastName !== "urlopen") continue;
    if (calleeNames(model, call).length) continue; // resolved to something that is not an HTTP client
    let urlPosition = 0;
    if (!verb) {
      const method = argument(model, call, 0, "method");
      const v = method ? model.classify(method, call.scope) : null;
      if (v?.kind !== "constant" || !HTTP_METHODS.test(v.value!)) continue;
      urlPosition = 1;
    }
    out.push({ library, kind: "session", urlPosition, urlKeyword: "url", call, callee: model.text(call.fn), unresolved: true });
  }
  return out;
}

const plainCache = new WeakMap<FileModel, PlainHttpCall[]>();
/** HTTP calls whose URL is a literal `http://` URL to a host that is not local. */
export function plainHttpCalls(model: FileModel): PlainHttpCall[] {
  let found = plainCache.get(model);
  if (found) return found;
  found = [];
  const known = httpCalls(model);
  for (const h of [...known, ...unresolvedHttpCalls(model, known)]) {
    if (h.callee.endsWith(".Request") && !requestObjectIsSent(model, h.call)) continue;
    const arg = urlArgument(model, h);
    if (!arg) continue;
    const literal = leadingLiteral(model, arg, h.call.scope, h.call.node);
    if (!literal) continue;
    const url = plainHttpUrl(literal);
    if (!url || isLoopbackHost(url.host)) continue;
    // ftp:// is spoken by urllib's openers only
    if (url.scheme === "ftp" && h.library !== "urllib") continue;
    // plain HTTP inside a LAN is normal; credentials sent over it are not
    const credential = credentialSent(model, h, url);
    if (!credential && isLocalHost(url.host)) continue;
    const origin = !literal.local && literal.scope === h.call.scope && literal.string.startIndex < h.call.start ? literal.string : undefined;
    found.push({ http: h, url, literal, credential, ...(origin ? { origin } : {}) });
  }
  plainCache.set(model, found);
  return found;
}

/** What a plain-http match hands to its fix: the URL literal and the port it names. */
export interface PlainHttpData {
  literal: LeadingLiteral;
  port?: string;
  userinfo?: boolean;
  /** the literal is in an earlier statement of the same scope: the fix edits it there */
  inScope?: boolean;
  scheme?: PlainHttpUrl["scheme"];
}

/** "http://host/…" → "https://host/…" in the literal, when it is written in the call itself. */
export function httpToHttpsFix({ model, data }: FixContext<unknown, PlainHttpData>): FixProposal | FixDecline {
  const literal = data?.literal;
  if (!literal) return { decline: "the URL is not a literal" };
  if (data?.scheme === "ftp") return { decline: "FTP sends everything in clear text and has no drop-in TLS URL: fetch the file over `https://` (or SFTP)", byDesign: true };
  if (!literal.local && !data?.inScope) {
    const line = literal.string.startPosition.row + 1;
    return { decline: `the URL is defined on line ${line}: change \`http://\` to \`https://\` there` };
  }
  const port = data?.port;
  if (port && /^\d+$/.test(port)) return { decline: `the URL names port ${port}, which serves plain HTTP: the HTTPS port is probably another one` };
  if (port) return { decline: "the URL's port is set at run time: the HTTPS port is probably another one" };
  const scheme = model.source.slice(literal.start, literal.start + 4);
  if (scheme.toLowerCase() !== "http") return { decline: "the URL does not start with http://" };
  return { edits: [{ start: literal.start, end: literal.start + 4, text: scheme === "HTTP" ? "HTTPS" : "https" }] };
}

/** Connection classes that speak plain HTTP to the host they are given (not a URL). */
const PLAIN_CONNECTIONS = new Set([
  "http.client.HTTPConnection", "httplib.HTTPConnection", "six.moves.http_client.HTTPConnection",
  "urllib3.HTTPConnectionPool", "urllib3.connectionpool.HTTPConnectionPool",
]);
const PLAIN_CONNECTION_LASTS = new Set(["HTTPConnection", "HTTPConnectionPool"]);

export interface PlainConnection {
  call: CallSite;
  callee: string;
  host: string;
}

/** `http.client.HTTPConnection("api.example.com")`: a plain-HTTP connection to a named, non-local host. */
export function plainHttpConnections(model: FileModel): PlainConnection[] {
  const out: PlainConnection[] = [];
  if (!model.source.includes("HTTPConnection")) return out;
  for (const call of model.calls) {
    if (!model.inFocus(call.start) || !PLAIN_CONNECTION_LASTS.has(importedLastName(model, call))) continue;
    const callee = calleeNames(model, call).find((q) => PLAIN_CONNECTIONS.has(q));
    if (!callee) continue;
    const arg = argument(model, call, 0, "host");
    if (!arg) continue;
    const v = model.classify(arg, call.scope);
    if (v.kind !== "constant") continue;
    // `host:port` is accepted by http.client; a scheme is not a host
    const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::\d+)?$/i.exec(v.value!);
    if (!m || isLocalHost(m[1])) continue;
    out.push({ call, callee, host: m[1].toLowerCase() });
  }
  return out;
}
