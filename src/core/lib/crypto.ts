/**
 * Protocol versions and key sizes the tls rules know to be broken: where a file names an SSL/TLS
 * version older than 1.2, and which key generation calls ask for a key that is too small.
 */
import type { Node } from "../python.js";
import type { FileModel, CallSite, Scope } from "../scope.js";
import { argument } from "../args.js";
import { calleeNames, importedLastName, singleBinding } from "./http.js";

/** Broken protocol constants: qualified name → the version it names. */
const BAD_PROTOCOLS = new Map<string, string>();
for (const mod of ["ssl", "_ssl"]) {
  for (const [name, version] of [
    ["PROTOCOL_SSLv2", "SSLv2"], ["PROTOCOL_SSLv3", "SSLv3"], ["PROTOCOL_TLSv1", "TLS 1.0"], ["PROTOCOL_TLSv1_1", "TLS 1.1"],
  ]) BAD_PROTOCOLS.set(`${mod}.${name}`, version);
}
for (const [name, version] of [["SSLv3", "SSLv3"], ["TLSv1", "TLS 1.0"], ["TLSv1_1", "TLS 1.1"]]) {
  BAD_PROTOCOLS.set(`ssl.TLSVersion.${name}`, version);
}
for (const [name, version] of [
  ["SSLv2_METHOD", "SSLv2"], ["SSLv3_METHOD", "SSLv3"], ["TLSv1_METHOD", "TLS 1.0"], ["TLSv1_1_METHOD", "TLS 1.1"],
  ["SSL3_VERSION", "SSLv3"], ["TLS1_VERSION", "TLS 1.0"], ["TLS1_1_VERSION", "TLS 1.1"],
]) BAD_PROTOCOLS.set(`OpenSSL.SSL.${name}`, version);

const BAD_NAMES = [...new Set([...BAD_PROTOCOLS.keys()].map((q) => q.slice(q.lastIndexOf(".") + 1)))];
/** The names as whole words in the source: most files have none, and the tree is only visited at a hit. */
const BAD_NAME_RE = new RegExp(`\\b(?:${BAD_NAMES.join("|")})\\b`, "g");

export type ProtocolUseContext = "argument" | "assignment" | "default";

export interface ProtocolUse {
  /** the expression naming the constant (`ssl.PROTOCOL_TLSv1`) */
  node: Node;
  qualified: string;
  version: string;
  context: ProtocolUseContext;
  /** for `argument`: the call it is passed to */
  callNode?: Node;
}

/** The innermost scope holding string index `at` (scopes nest, so the latest start wins). */
function scopeAt(model: FileModel, at: number): Scope {
  let best = model.module;
  for (const s of model.scopes) if (s.start <= at && at < s.end && s.start >= best.start) best = s;
  return best;
}

const protocolCache = new WeakMap<FileModel, ProtocolUse[]>();
/**
 * Every place a broken protocol constant is passed to a call, assigned, or used as a parameter
 * default. Comparisons (`if proto == ssl.PROTOCOL_TLSv1`) and dict keys are not uses.
 */
export function protocolUses(model: FileModel): ProtocolUse[] {
  let out = protocolCache.get(model);
  if (out) return out;
  out = [];
  const root = model.parsed.tree.rootNode;
  for (const m of model.source.matchAll(BAD_NAME_RE)) {
    const node = root.descendantForIndex(m.index!, m.index! + m[0].length);
    if (node.type !== "identifier" || node.startIndex !== m.index) continue; // in a string or comment
    let expr: Node = node;
    const parent = node.parent;
    if (!parent) continue;
    if (parent.type === "attribute") {
      if (parent.childForFieldName("attribute")?.id !== node.id) continue;
      expr = parent;
    } else if (parent.type === "dotted_name" || parent.type === "aliased_import" || parent.type === "keyword_argument" && parent.childForFieldName("name")?.id === node.id) {
      continue;
    }
    const holder = expr.parent;
    if (!holder) continue;
    let context: ProtocolUseContext | null = null;
    let callNode: Node | undefined;
    if (holder.type === "argument_list") {
      context = "argument";
      callNode = holder.parent ?? undefined;
    } else if (holder.type === "keyword_argument" && holder.childForFieldName("value")?.id === expr.id) {
      context = "argument";
      callNode = holder.parent?.parent ?? undefined;
    } else if (holder.type === "assignment" && holder.childForFieldName("right")?.id === expr.id && holder.childForFieldName("left")?.type !== "subscript") {
      // `table[ssl.PROTOCOL_TLSv1_1] = SSL.TLSv1_1_METHOD` maps versions; it selects none
      context = "assignment";
    } else if ((holder.type === "default_parameter" || holder.type === "typed_default_parameter") && holder.childForFieldName("value")?.id === expr.id) {
      context = "default";
    }
    if (!context) continue;
    let scope = scopeAt(model, expr.startIndex);
    // parameter defaults are evaluated in the scope around the function
    if (context === "default" && scope.parent) scope = scope.parent;
    const qualified = model.resolve(expr, scope).find((q) => BAD_PROTOCOLS.has(q));
    if (!qualified) continue;
    out.push({ node: expr, qualified, version: BAD_PROTOCOLS.get(qualified)!, context, callNode });
  }
  protocolCache.set(model, out);
  return out;
}

export function isSslOrTlsOld(version: string): "high" | "medium" {
  return version.startsWith("SSL") ? "high" : "medium";
}

/** Key generation calls: where the size (or curve) argument is, and the minimum. */
interface KeyCallee {
  algorithm: "RSA" | "DSA" | "EC";
  position: number;
  keyword: string;
}

const KEY_CALLEES = new Map<string, KeyCallee>();
{
  const hazmat = "cryptography.hazmat.primitives.asymmetric";
  KEY_CALLEES.set(`${hazmat}.rsa.generate_private_key`, { algorithm: "RSA", position: 1, keyword: "key_size" });
  KEY_CALLEES.set(`${hazmat}.dsa.generate_private_key`, { algorithm: "DSA", position: 0, keyword: "key_size" });
  KEY_CALLEES.set(`${hazmat}.dsa.generate_parameters`, { algorithm: "DSA", position: 0, keyword: "key_size" });
  KEY_CALLEES.set(`${hazmat}.ec.generate_private_key`, { algorithm: "EC", position: 0, keyword: "curve" });
  for (const pkg of ["Crypto", "Cryptodome"]) {
    KEY_CALLEES.set(`${pkg}.PublicKey.RSA.generate`, { algorithm: "RSA", position: 0, keyword: "bits" });
    KEY_CALLEES.set(`${pkg}.PublicKey.DSA.generate`, { algorithm: "DSA", position: 0, keyword: "bits" });
    KEY_CALLEES.set(`${pkg}.PublicKey.ECC.generate`, { algorithm: "EC", position: -1, keyword: "curve" });
  }
  KEY_CALLEES.set("paramiko.RSAKey.generate", { algorithm: "RSA", position: 0, keyword: "bits" });
  KEY_CALLEES.set("paramiko.rsakey.RSAKey.generate", { algorithm: "RSA", position: 0, keyword: "bits" });
}
const KEY_LAST_NAMES = new Set(["generate_private_key", "generate_parameters", "generate"]);

/** Elliptic curves below 224 bits: `cryptography` class names and PyCryptodome curve names. */
const WEAK_CURVE_CLASSES = new Map([["SECP192R1", 192], ["SECT163K1", 163], ["SECT163R2", 163]]);
const WEAK_CURVE_NAMES = new Map(
  ["p192", "p-192", "nist p-192", "prime192v1", "secp192r1"].map((n) => [n, 192] as const),
);

export interface WeakKey {
  call: CallSite;
  callee: string;
  algorithm: "RSA" | "DSA" | "EC";
  bits: number;
  /** the argument holding the size or curve */
  arg: Node;
  severity: "high" | "medium";
}

function integerValue(model: FileModel, n: Node, scope: Scope): number | null {
  let cur: Node | null = n;
  let sc = scope;
  for (let i = 0; cur && i < 4; i++) {
    if (cur.type === "integer") {
      const v = Number(model.text(cur).replace(/_/g, ""));
      return Number.isFinite(v) ? v : null;
    }
    const b = singleBinding(model, cur, sc);
    if (!b) return null;
    cur = b.value;
    sc = b.scope;
  }
  return null;
}

/** Key generation calls that ask for RSA/DSA below 2048 bits or an elliptic curve below 224 bits. */
export function weakKeys(model: FileModel): WeakKey[] {
  const out: WeakKey[] = [];
  if (!/Crypto|cryptography|paramiko/.test(model.source)) return out;
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    if (!KEY_LAST_NAMES.has(importedLastName(model, call))) continue;
    let callee: string | undefined;
    let spec: KeyCallee | undefined;
    for (const name of calleeNames(model, call)) {
      spec = KEY_CALLEES.get(name);
      if (spec) {
        callee = name;
        break;
      }
    }
    if (!spec || !callee) continue;
    const arg = argument(model, call, spec.position < 0 ? undefined : spec.position, spec.keyword);
    if (!arg) continue;
    if (spec.algorithm !== "EC") {
      const bits = integerValue(model, arg, call.scope);
      if (bits === null || bits >= 2048) continue;
      out.push({ call, callee, algorithm: spec.algorithm, bits, arg, severity: bits < 1024 ? "high" : "medium" });
      continue;
    }
    let bits: number | undefined;
    const v = model.classify(arg, call.scope);
    if (v.kind === "constant") bits = WEAK_CURVE_NAMES.get(v.value!.toLowerCase());
    else {
      const target = arg.type === "call" ? arg.childForFieldName("function") : arg;
      if (target) {
        const names = model.resolve(target, call.scope);
        for (const q of names) {
          const last = q.slice(q.lastIndexOf(".") + 1);
          if (q.startsWith("cryptography.") && WEAK_CURVE_CLASSES.has(last)) bits = WEAK_CURVE_CLASSES.get(last);
        }
      }
    }
    if (bits === undefined) continue;
    out.push({ call, callee, algorithm: "EC", bits, arg, severity: bits < 160 ? "high" : "medium" });
  }
  return out;
}
