/** A cipher key, IV or nonce written in the source: empty, a literal, `b"\0" * 16`, `bytes(16)`, or a name bound once to one. */
import type { Node } from "../../src/core/python.js";
import type { FileModel, Scope } from "../../src/core/scope.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument } from "../../src/core/args.js";
import { singleBinding } from "../../src/core/lib/http.js";

/** Where a cipher takes its key and its IV/nonce: positions and keywords. */
interface Slots {
  key?: { position: number; keywords: string[] };
  iv?: { position: number; keywords: string[] };
}

const PYCRYPTO_ALGS = ["AES", "DES", "DES3", "ARC2", "ARC4", "Blowfish", "CAST", "ChaCha20", "Salsa20", "ChaCha20_Poly1305"];
const CALLS = new Map<string, Slots>();
for (const pkg of ["Crypto", "Cryptodome"]) {
  for (const alg of PYCRYPTO_ALGS) {
    const stream = alg === "ChaCha20" || alg === "Salsa20" || alg === "ChaCha20_Poly1305" || alg === "ARC4";
    CALLS.set(`${pkg}.Cipher.${alg}.new`, { key: { position: 0, keywords: ["key"] }, ...(alg === "ARC4" ? {} : { iv: { position: stream ? -1 : 2, keywords: ["iv", "IV", "nonce"] } }) });
  }
}
const HAZMAT = "cryptography.hazmat.primitives.ciphers";
for (const alg of ["AES", "AES128", "AES256", "Camellia", "ChaCha20", "TripleDES", "SM4"]) CALLS.set(`${HAZMAT}.algorithms.${alg}`, { key: { position: 0, keywords: ["key"] } });
for (const mode of ["CBC", "CFB", "CFB8", "OFB", "CTR", "GCM"]) CALLS.set(`${HAZMAT}.modes.${mode}`, { iv: { position: 0, keywords: ["initialization_vector", "nonce"] } });
for (const aead of ["AESGCM", "AESCCM", "AESOCB3", "AESSIV", "ChaCha20Poly1305"]) CALLS.set(`${HAZMAT}.aead.${aead}`, { key: { position: 0, keywords: ["key"] } });
const LAST_NAMES = new Set([...CALLS.keys()].map((q) => q.slice(q.lastIndexOf(".") + 1)));

/** How a value is fixed in the source: "empty", "constant", "zero" — or null when it is not. */
function fixedBytes(model: FileModel, n: Node, scope: Scope, depth = 0): "empty" | "zero" | "constant" | null {
  if (depth > 4) return null;
  switch (n.type) {
    case "parenthesized_expression":
      return n.namedChild(0) ? fixedBytes(model, n.namedChild(0)!, scope, depth + 1) : null;
    case "string":
    case "concatenated_string": {
      const v = model.classify(n, scope);
      if (v.kind !== "constant") return null;
      if (v.value === "") return "empty";
      return /^(?:\\x00|\\0|0)+$/.test(v.value!) && /\\x00|\\0/.test(v.value!) ? "zero" : "constant";
    }
    case "binary_operator": {
      // b"\0" * 16, 16 * b"\0", b"k" + b"ey"
      const op = model.text(n.childForFieldName("operator")!);
      const l = n.childForFieldName("left");
      const r = n.childForFieldName("right");
      if (!l || !r) return null;
      if (op === "*") {
        const s = l.type === "integer" ? r : r.type === "integer" ? l : null;
        const f = s ? fixedBytes(model, s, scope, depth + 1) : null;
        return f === "zero" || f === "empty" ? f : f ? "constant" : null;
      }
      if (op === "+") return fixedBytes(model, l, scope, depth + 1) && fixedBytes(model, r, scope, depth + 1) ? "constant" : null;
      return null;
    }
    case "call": {
      const fn = n.childForFieldName("function");
      const args = n.childForFieldName("arguments")?.namedChildren.filter((c) => c.type !== "comment") ?? [];
      if (!fn) return null;
      // bytes(16), bytearray(16): sixteen zero bytes
      if (fn.type === "identifier" && ["bytes", "bytearray"].includes(model.text(fn)) && args.length === 1 && args[0].type === "integer") return "zero";
      // "secret".encode(), bytes.fromhex("00ff…"), b"…".ljust(16, b"\0")
      if (fn.type === "attribute") {
        const attr = model.text(fn.childForFieldName("attribute")!);
        const obj = fn.childForFieldName("object")!;
        if (["encode", "ljust", "rjust"].includes(attr)) return fixedBytes(model, obj, scope, depth + 1) ? "constant" : null;
        if (attr === "fromhex" && ["bytes", "bytearray"].includes(model.text(obj)) && args[0]) return fixedBytes(model, args[0], scope, depth + 1) ? "constant" : null;
      }
      return null;
    }
    case "identifier": {
      const b = singleBinding(model, n, scope);
      return b ? fixedBytes(model, b.value, b.scope, depth + 1) : null;
    }
    default:
      return null;
  }
}

const WHAT = { empty: "an empty", zero: "an all-zero", constant: "a constant" } as const;

function constantKeys({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  if (!/Crypto|cryptography/.test(model.source)) return hits;
  for (const call of model.calls) {
    if (!model.inFocus(call.start) || !LAST_NAMES.has(model.calleeLastName(call))) continue;
    const callee = model.calleeNames(call).find((q) => CALLS.has(q));
    if (!callee) continue;
    const slots = CALLS.get(callee)!;
    const short = callee.split(".").slice(-2).join(".");
    const key = slots.key ? find(model, call, slots.key) : null;
    const keyFixed = key ? fixedBytes(model, key, call.scope) : null;
    if (keyFixed) {
      hits.push({ node: call.node, call, callee, severity: "high", message: `\`${short}\` gets ${WHAT[keyFixed]} key written in the source: anyone with the code (or the binary) decrypts or forges the data.` });
      continue;
    }
    const iv = slots.iv ? find(model, call, slots.iv) : null;
    const ivFixed = iv ? fixedBytes(model, iv, call.scope) : null;
    if (ivFixed) {
      hits.push({
        node: call.node,
        call,
        callee,
        severity: "medium",
        message: `\`${short}\` gets ${WHAT[ivFixed]} IV/nonce: equal plaintexts encrypt alike, and in CTR, GCM or a stream cipher a reused nonce gives away the plaintext (and, in GCM, the key to forge).`,
      });
    }
  }
  return hits;
}

function find(model: FileModel, call: MatchContext<unknown>["model"]["calls"][number], slot: { position: number; keywords: string[] }): Node | null {
  for (const k of slot.keywords) {
    const a = argument(model, call, undefined, k);
    if (a) return a;
  }
  return slot.position >= 0 ? argument(model, call, slot.position) : null;
}

export default defineRule({
  options: NO_OPTIONS,
  match: constantKeys,
});
