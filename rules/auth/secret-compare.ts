/** Secrets compared with `==`/`!=` (timing leak, CWE-208); the fix uses `hmac.compare_digest`. */
import type { Node } from "../../src/core/python.js";
import type { FileModel } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { splitWords } from "../../src/core/lib/words.js";
import { scopeAt } from "../../src/core/lib/imports.js";
import { withoutSecrets } from "../../src/core/lib/secrets.js";

/** Words that name a value whose bytes must stay secret while it is checked. */
const COMPARED_SECRET = new Set([
  "token", "signature", "digest", "hexdigest", "hmac", "mac", "apikey", "secret", "csrf", "xsrf", "otp",
  "totp", "hotp", "passwordhash", "pwhash", "passhash", "accesstoken", "authtoken", "apitoken",
]);
const PASSWORDISH = new Set(["password", "passwd", "pwd", "pw", "pass"]);
const HASHISH = new Set(["hash", "hashed", "digest", "hmac"]);
/** Words after the secret word that make the name about the secret, not the secret: `token_type`, `sig_len`. */
const ABOUT = new Set([
  "given", "provided", "present", "exists", "found", "set", "changed", "enabled", "valid", "ok",
  "type", "types", "kind", "len", "length", "size", "count", "name", "names", "id", "index", "idx", "url", "uri",
  "header", "headers", "prefix", "suffix", "format", "fmt", "algorithm", "alg", "algo", "version", "scheme", "field",
  "string", "str", "line", "lineno", "col", "pos", "start", "end", "offset", "value_type", "class", "cls",
  "method", "methods", "mode", "state", "status", "expiry", "exp", "ttl", "age", "size", "num", "number",
]);

/** Words that make a "token" a lexer's, parser's or cache's token rather than a credential. */
const NOT_A_SECRET_TOKEN = new Set([
  "cache", "parse", "parser", "lex", "lexer", "next", "prev", "previous", "last", "first", "cur", "current", "eof",
  "cancel", "cancellation", "continuation", "page", "sync", "change", "tokenize", "tokenizer", "word", "start",
]);
/** Verbs before the secret word that make the name a flag or a step: `verify_signature`, `require_token`. */
const FLAG_VERBS = new Set(["verify", "check", "validate", "require", "requires", "enforce", "use", "skip", "ignore", "disable", "enable"]);
/** Words on the other side that say the comparison is with a marker or a signal, not a stored secret. */
const MARKER_WORDS = new Set([
  "eof", "eol", "end", "sentinel", "empty", "none", "null", "default", "marker", "start", "stop", "terminator",
  "delimiter", "quote", "quotes", "whitespace", "newline", "signal", "signum", "handler", "sigint", "sigterm",
  "wildcard",
]);

/** First words of enum-like constants: `MSG_USERAUTH_GSSAPI_TOKEN`, `TYPE_TOKEN`, `REASON_NO_CSRF_COOKIE`. */
const ENUM_PREFIX = new Set(["msg", "type", "kind", "reason", "op", "cmd", "state", "tok", "tag", "event", "mode"]);

export function isComparedSecretName(name: string): boolean {
  const words = splitWords(name);
  let at = -1;
  let sawPassword = false;
  let sawHashed = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (COMPARED_SECRET.has(w)) at = i;
    // `sig` is as often a signal (`sig_chld`, `SIG_DFL`) as a signature: only as the last word
    else if (w === "sig" && i === words.length - 1) at = i;
    else if (w === "key" && i > 0 && words[i - 1] === "api") at = i;
    else if (HASHISH.has(w) && sawPassword) at = i;
    else if (PASSWORDISH.has(w) && sawHashed) at = i;
    if (PASSWORDISH.has(w)) sawPassword = true;
    if (w === "hashed") sawHashed = true;
  }
  if (at < 0) return false;
  // `verify_signature`, `require_token`, `check_csrf`: a setting or step named after the secret, not the secret
  if (at > 0 && FLAG_VERBS.has(words[at - 1])) return false;
  for (const w of words) if (NOT_A_SECRET_TOKEN.has(w)) return false;
  for (let j = at + 1; j < words.length; j++) if (ABOUT.has(words[j])) return false;
  return true;
}

/** The name an operand goes by: `token`, `self.token` → token, `headers["X-Signature"]`, `compute_sig(x)` → compute_sig. */
export function operandName(model: FileModel, operand: Node): string | null {
  // a loop, not recursion: `((((token))))` and `x.strip().strip()…` can nest thousands deep
  let n = operand;
  for (;;) {
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
        return null; // `token[:4]`, `tokens[i]`: a slice or an item, not the secret
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
            if (!obj) return null;
            n = obj;
            continue;
          }
          return attr;
        }
        return fn.type === "identifier" ? model.text(fn) : null;
      }
      case "parenthesized_expression": {
        const inner = n.namedChild(0);
        if (!inner) return null;
        n = inner;
        continue;
      }
      default:
        return null;
    }
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
    // `"relationship:%s" % (WILDCARD,)`: a literal template, as constant as the literal
    case "binary_operator": {
      const l = n.childForFieldName("left");
      const op = n.childForFieldName("operator");
      return !!l && !!op && model.text(op) === "%" && (l.type === "string" || l.type === "concatenated_string");
    }
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
  if (!name || !/^_?[A-Z][A-Z0-9_]*$/.test(name)) return false;
  if (!isComparedSecretName(name)) return true;
  // an enum member, not a configured secret: the secret word is not last (`TOKEN_DATA`,
  // `SIGNATURE_RSA_SHA1`), or the name opens with a kind (`MSG_USERAUTH_GSSAPI_TOKEN`)
  const words = splitWords(name);
  const last = words[words.length - 1];
  if (!isComparedSecretName(last) && !(last === "key" && words.length > 1 && isComparedSecretName(words.slice(-2).join("_")))) return true;
  return ENUM_PREFIX.has(words[0]);
}

/** Values known not to be strings (`{...}`, `[...]`, numbers, booleans, names bound to them): ordinary equality, never `.encode()`d. */
function isNotString(model: FileModel, n: Node, scope: ReturnType<typeof scopeAt>): boolean {
  if (n.type === "comparison_operator" || n.type === "boolean_operator" || n.type === "not_operator") return true;
  if (n.type !== "identifier") return false;
  const kind = model.classify(n, scope).kind;
  if (kind === "collection" || kind === "literal") return true;
  const found = model.lookup(model.text(n), scope, n.startIndex);
  const all = found?.scope.bindings.get(model.text(n));
  const v = found && all?.length === 1 ? found.binding.value : undefined;
  return !!v && NOT_STRING_VALUES.has(v.type);
}

const NOT_STRING_VALUES = new Set(["dictionary", "list", "set", "tuple", "integer", "float", "true", "false", "none", "comparison_operator", "dictionary_comprehension", "list_comprehension", "set_comprehension"]);

/** Words that must appear near a comparison for it to be looked at (a gate, not the decision). */
const NEAR = /token|sig|digest|hmac|mac|key|secret|csrf|xsrf|otp|hash|pass|pw/i;
const OPERATOR = /[=!]=/g;

/** Comparisons near a secret-ish word, found from the `==`/`!=` in the text rather than by visiting every node. */
function comparisons(model: FileModel): Node[] {
  const out: Node[] = [];
  const seen = new Set<number>();
  const src = model.source;
  const root = model.parsed.tree.rootNode;
  OPERATOR.lastIndex = 0;
  for (const m of src.matchAll(OPERATOR)) {
    if (!model.inFocus(m.index)) continue;
    if (!NEAR.test(src.slice(Math.max(0, m.index - 80), m.index + 80))) continue;
    const op = root.descendantForIndex(m.index, m.index + 2);
    const cmp = op.parent;
    if (!cmp || cmp.type !== "comparison_operator" || seen.has(cmp.id)) continue;
    seen.add(cmp.id);
    out.push(cmp);
  }
  return out;
}

/** Comparisons of a secret with `==`/`!=`; `message` may hold `{name}` and `{op}`. */
function secretComparisons(model: FileModel, message: string): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  for (const node of comparisons(model)) {
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
    // `self.signature == other.signature`: an object's __eq__, not a check of a presented secret
    if (ln && ln === rn && left.type === right.type && left.type !== "identifier") continue;
    if (isMarker(ln) || isMarker(rn)) continue;
    if (isKnownConstant(model, left) || isKnownConstant(model, right)) continue;
    if (isClassLiteral(model, left) || isClassLiteral(model, right)) continue;
    if (isLibraryCall(model, left) || isLibraryCall(model, right)) continue;
    const scope = scopeAt(model, node.startIndex);
    if (isNotString(model, left, scope) || isNotString(model, right, scope)) continue;
    const secretSide = ln && isComparedSecretName(ln) ? ln : rn && isComparedSecretName(rn) ? rn : null;
    if (!secretSide) continue;
    hits.push({ node, message: message.replace("{name}", secretSide).replace("{op}", opText) });
  }
  return hits;
}

function isMarker(name: string | null): boolean {
  return !!name && splitWords(name).some((w) => MARKER_WORDS.has(w));
}

/** A name bound once to a constant that is not itself named like a secret (`stringEndArchive64 = b"PK\x06\x06"`). */
function isKnownConstant(model: FileModel, n: Node): boolean {
  if (n.type !== "identifier") return false;
  const scope = model.scopes.reduce((best, s) => (s.start <= n.startIndex && n.startIndex < s.end && s.start >= best.start ? s : best), model.module);
  return model.classify(n, scope).kind === "constant" && !isComparedSecretName(model.text(n));
}

const LITERAL_VALUES = new Set(["string", "concatenated_string", "integer", "float"]);

/**
 * `self.NAME` where the enclosing class binds NAME once, in its body, to a literal and never assigns
 * `self.NAME` (`pack_signature = 0x5041434B`, `reset_url_token = "set-password"`): as constant as the
 * literal itself, which is not reported either.
 */
function isClassLiteral(model: FileModel, n: Node): boolean {
  if (n.type !== "attribute") return false;
  const obj = n.childForFieldName("object");
  const attr = n.childForFieldName("attribute");
  if (!obj || !attr || obj.type !== "identifier" || (model.text(obj) !== "self" && model.text(obj) !== "cls")) return false;
  const name = model.text(attr);
  let cls: Node | null = n.parent;
  while (cls && cls.type !== "class_definition") cls = cls.parent;
  const body = cls?.childForFieldName("body");
  if (!body) return false;
  let literal = 0;
  for (const stmt of body.namedChildren) {
    const a = stmt.type === "expression_statement" ? stmt.namedChild(0) : null;
    if (a?.type !== "assignment") continue;
    const target = a.childForFieldName("left");
    if (target?.type !== "identifier" || model.text(target) !== name) continue;
    const value = a.childForFieldName("right");
    if (!value || !LITERAL_VALUES.has(value.type)) return false;
    literal++;
  }
  if (literal !== 1) return false;
  // never rebound on the instance: `self.NAME = …` anywhere in the class
  const rebinding = new RegExp(`\\b(?:self|cls)\\.${name}\\s*=[^=]`);
  return !rebinding.test(model.text(cls!));
}

/** A call into the standard library that merely shares a name: `inspect.signature(f)`. */
function isLibraryCall(model: FileModel, n: Node): boolean {
  if (n.type !== "call") return false;
  const fn = n.childForFieldName("function");
  if (!fn) return false;
  const scope = model.scopes.reduce((best, s) => (s.start <= n.startIndex && n.startIndex < s.end && s.start >= best.start ? s : best), model.module);
  return model.resolve(fn, scope).some((q) => q === "inspect.signature" || q.startsWith("signal.") || q.startsWith("tokenize."));
}


const PRIMARY = new Set(["identifier", "attribute", "call", "subscript", "parenthesized_expression", "string", "concatenated_string"]);

/** Operands already known to be bytes: `b"…"`, `….digest()`, `….encode()`, `bytes(…)`. */
function isBytes(model: FileModel, n: Node, depth = 0): boolean {
  if (n.type === "identifier" && depth < 2) {
    const found = model.lookup(model.text(n), scopeAt(model, n.startIndex), n.startIndex);
    const value = found?.binding.kind === "local" ? found.binding.value : undefined;
    return !!value && isBytes(model, value, depth + 1);
  }
  if (n.type === "string") return /^[rR]?[bB]/.test(model.text(n));
  if (n.type === "call") {
    const fn = n.childForFieldName("function");
    if (!fn) return false;
    if (fn.type === "identifier") return model.text(fn) === "bytes" || model.text(fn) === "bytearray";
    const attr = fn.type === "attribute" ? fn.childForFieldName("attribute") : null;
    return !!attr && (model.text(attr) === "digest" || model.text(attr) === "encode");
  }
  return false;
}

/** The `compare_digest` the file can call here, and the import it needs when it has none. */
function compareDigest(model: FileModel, at: number): { fn: string; imports: string[] } {
  const scope = scopeAt(model, at);
  const fromHmac = model.importedAs("hmac.compare_digest", scope, at);
  if (fromHmac) return { fn: fromHmac, imports: [] };
  const hmac = model.importedAs("hmac", scope, at);
  if (hmac) return { fn: `${hmac}.compare_digest`, imports: [] };
  const fromSecrets = model.importedAs("secrets.compare_digest", scope, at);
  if (fromSecrets) return { fn: fromSecrets, imports: [] };
  const secrets = model.importedAs("secrets", scope, at);
  if (secrets) return { fn: `${secrets}.compare_digest`, imports: [] };
  return { fn: "hmac.compare_digest", imports: ["import hmac"] };
}

const NEEDS_PARENS_FOR_NOT = new Set(["binary_operator", "unary_operator", "comparison_operator", "attribute", "subscript", "await"]);

function secretCompareFix({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const node = match.node;
  const left = node.namedChild(0);
  const right = node.namedChild(1);
  const op = node.child(1);
  if (!left || !right || !op || node.namedChildCount !== 2) return { decline: "a chained comparison" };
  const { fn, imports } = compareDigest(model, node.startIndex);
  const bytes = isBytes(model, left) || isBytes(model, right);
  const operand = (n: Node): string => {
    const t = model.text(n);
    if (bytes) return t;
    return PRIMARY.has(n.type) ? `${t}.encode()` : `(${t}).encode()`;
  };
  let text = `${fn}(${operand(left)}, ${operand(right)})`;
  if (model.text(op) === "!=") {
    text = `not ${text}`;
    if (node.parent && NEEDS_PARENS_FOR_NOT.has(node.parent.type)) text = `(${text})`;
  }
  return {
    edits: [{ start: node.startIndex, end: node.endIndex, text }],
    imports,
    caveat: bytes
      ? "`compare_digest` needs both sides of the same type (both bytes here): a `str` on one side raises `TypeError`."
      : "`compare_digest` needs both sides of the same type: `.encode()` turns `str` into bytes, and raises on `None` or values that are already bytes.",
  };
}

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model, rule }) => secretComparisons(model, rule.message),
  fix: withoutSecrets(secretCompareFix),
});
