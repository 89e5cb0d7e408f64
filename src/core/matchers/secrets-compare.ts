/**
 * Secrets compared with `==` / `!=`: the comparison returns at the first differing byte, so the
 * time it takes tells an attacker how much of a guessed token or signature is right (CWE-208).
 */
import type Parser from "tree-sitter";
import { compileQuery, type Node } from "../python.js";
import type { FileModel } from "../scope.js";
import type { Matcher, MatcherHit } from "./types.js";
import { splitWords } from "./secrets-words.js";

/** Words that name a value whose bytes must stay secret while it is checked. */
const COMPARED_SECRET = new Set([
  "token", "signature", "sig", "digest", "hexdigest", "hmac", "mac", "apikey", "secret", "csrf", "xsrf", "otp",
  "totp", "hotp", "passwordhash", "pwhash", "passhash", "accesstoken", "authtoken", "apitoken",
]);
const PASSWORDISH = new Set(["password", "passwd", "pwd", "pw", "pass"]);
const HASHISH = new Set(["hash", "hashed", "digest", "hmac"]);
/** Words after the secret word that make the name about the secret, not the secret: `token_type`, `sig_len`. */
const ABOUT = new Set([
  "type", "types", "kind", "len", "length", "size", "count", "name", "names", "id", "index", "idx", "url", "uri",
  "header", "headers", "prefix", "suffix", "format", "fmt", "algorithm", "alg", "algo", "version", "scheme", "field",
  "string", "str", "line", "lineno", "col", "pos", "start", "end", "offset", "value_type", "class", "cls",
  "method", "methods", "mode", "state", "status", "expiry", "exp", "ttl", "age", "size", "num", "number",
]);

export function isComparedSecretName(name: string): boolean {
  const words = splitWords(name);
  let at = -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (COMPARED_SECRET.has(w)) at = i;
    else if (w === "key" && i > 0 && words[i - 1] === "api") at = i;
    else if (HASHISH.has(w) && words.slice(0, i).some((x) => PASSWORDISH.has(x))) at = i;
    else if (PASSWORDISH.has(w) && words.slice(0, i).some((x) => x === "hashed")) at = i;
  }
  if (at < 0) return false;
  for (let j = at + 1; j < words.length; j++) if (ABOUT.has(words[j])) return false;
  return true;
}

/** The name an operand goes by: `token`, `self.token` → token, `headers["X-Signature"]`, `compute_sig(x)` → compute_sig. */
export function operandName(model: FileModel, n: Node): string | null {
  switch (n.type) {
    case "identifier":
      return model.text(n);
    case "attribute": {
      const a = n.childForFieldName("attribute");
      return a ? model.text(a) : null;
    }
    case "subscript": {
      const idx = n.childForFieldName("subscript");
      if (idx && idx.type === "string") {
        const s = idx.namedChildren.find((c) => c.type === "string_content");
        return s ? model.text(s) : null;
      }
      const v = n.childForFieldName("value");
      return v ? operandName(model, v) : null;
    }
    case "call": {
      const fn = n.childForFieldName("function");
      if (!fn) return null;
      if (fn.type === "attribute") {
        const a = fn.childForFieldName("attribute");
        const obj = fn.childForFieldName("object");
        const attr = a ? model.text(a) : "";
        // `.get("token")`, `.hexdigest()`: the key or the method says what it is
        if ((attr === "get" || attr === "pop") && n.childForFieldName("arguments")?.namedChildren[0]?.type === "string") {
          const s = n.childForFieldName("arguments")!.namedChildren[0].namedChildren.find((c) => c.type === "string_content");
          return s ? model.text(s) : null;
        }
        if (attr === "hexdigest" || attr === "digest") return attr;
        if (attr === "encode" || attr === "decode" || attr === "strip" || attr === "lower" || attr === "upper") {
          return obj ? operandName(model, obj) : null;
        }
        return attr;
      }
      return fn.type === "identifier" ? model.text(fn) : null;
    }
    case "parenthesized_expression": {
      const inner = n.namedChild(0);
      return inner ? operandName(model, inner) : null;
    }
    default:
      return null;
  }
}

/** Operands that make the comparison something other than checking a secret's bytes. */
function isExcludedOperand(model: FileModel, n: Node): boolean {
  switch (n.type) {
    case "string":
    case "concatenated_string":
    case "integer":
    case "float":
    case "true":
    case "false":
    case "none":
    case "tuple":
    case "list":
    case "set":
    case "dictionary":
    case "unary_operator":
      return true;
    case "call": {
      const fn = n.childForFieldName("function");
      const name = fn ? model.text(fn) : "";
      return name === "len" || name === "type" || name === "bool" || name === "int" || name === "isinstance" || name === "id";
    }
    default:
      return false;
  }
}

/** An ALL_CAPS constant or enum member that does not name a secret itself (`signal.SIGINT`, `tokenize.OP`). */
function isPlainConstant(model: FileModel, n: Node): boolean {
  const name = n.type === "identifier" || n.type === "attribute" ? operandName(model, n) : null;
  if (!name || !/^[A-Z][A-Z0-9_]*$/.test(name)) return false;
  return !isComparedSecretName(name);
}

let comparisonQuery: Parser.Query | null = null;

export const secretCompare: Matcher = ({ model }) => {
  if (!/[=!]=/.test(model.source)) return [];
  comparisonQuery ??= compileQuery("(comparison_operator) @cmp");
  const hits: MatcherHit[] = [];
  for (const { node } of comparisonQuery.captures(model.parsed.tree.rootNode)) {
    if (node.namedChildCount !== 2 || node.childCount !== 3) continue;
    const op = node.child(1)!;
    const opText = model.text(op);
    if (opText !== "==" && opText !== "!=") continue;
    const left = node.namedChild(0)!;
    const right = node.namedChild(1)!;
    if (isExcludedOperand(model, left) || isExcludedOperand(model, right)) continue;
    if (isPlainConstant(model, left) || isPlainConstant(model, right)) continue;
    const ln = operandName(model, left);
    const rn = operandName(model, right);
    const secretSide = ln && isComparedSecretName(ln) ? ln : rn && isComparedSecretName(rn) ? rn : null;
    if (!secretSide) continue;
    hits.push({ node, data: { op: opText, name: secretSide }, message: undefined });
  }
  return hits;
};
