/**
 * Names → words, and what the words say: is `db_password` a secret, is `token_type` only about one,
 * does `make_reset_token` build a token. Shared by the secrets, compare, hash and random matchers.
 * Everything here is a character loop or a linear regular expression: names come from user code.
 */
import type { Node } from "../python.js";
import type { FileModel } from "../scope.js";

/** `apiKey` → [api, key]; `DB_PASSWORD` → [db, password]; `APIKey2` → [api, key2]. */
export function splitWords(name: string): string[] {
  const out: string[] = [];
  let start = -1;
  let prevUpper = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const isUpper = c >= 65 && c <= 90;
    const isLower = c >= 97 && c <= 122;
    const isDigit = c >= 48 && c <= 57;
    if (!isUpper && !isLower && !isDigit) {
      if (start >= 0) out.push(name.slice(start, i).toLowerCase());
      start = -1;
      prevUpper = false;
      continue;
    }
    if (isUpper && start >= 0) {
      const next = name.charCodeAt(i + 1);
      const nextLower = next >= 97 && next <= 122;
      // fooBar → foo|Bar; APIKey → API|Key
      if (!prevUpper || nextLower) {
        out.push(name.slice(start, i).toLowerCase());
        start = i;
      }
    }
    if (start < 0) start = i;
    prevUpper = isUpper;
  }
  if (start >= 0) out.push(name.slice(start).toLowerCase());
  return out;
}

/** A word that names a secret on its own. */
const SECRET_WORDS = new Set([
  "password", "passwd", "pwd", "passphrase", "secret", "token", "apikey", "accesskey", "secretkey",
  "privatekey", "clientsecret", "authtoken", "accesstoken", "refreshtoken", "apitoken", "apisecret",
]);
/** Only as the last word (`DB_PASS`, `admin_pw`), never `pass_count` or `first_pass`. */
const SECRET_LAST_WORDS = new Set(["pass", "pw"]);
/** `<first> key` pairs that name a secret key; `key` alone is far too common (dict keys, cache keys). */
const KEY_QUALIFIERS = new Set(["api", "access", "secret", "private", "signing", "encryption", "master", "app", "client", "cookie", "hmac", "jwt", "fernet", "aes", "crypto"]);

/**
 * Words after the secret word that make the name about the secret rather than the secret itself:
 * `token_type`, `password_field`, `TOKEN_URL`, `api_key_header`, `password_min_length`.
 */
const NOT_THE_VALUE = new Set([
  "type", "types", "field", "fields", "url", "urls", "uri", "endpoint", "endpoints", "name", "names", "file", "filename",
  "files", "path", "paths", "dir", "directory", "folder", "env", "environ", "var", "variable", "header", "headers",
  "prefix", "suffix", "len", "length", "size", "min", "max", "regex", "re", "rx", "pattern", "label", "prompt",
  "msg", "message", "messages", "hint", "help", "column", "col", "attr", "attribute", "param", "parameter", "params",
  "kind", "format", "fmt", "expiry", "expires", "expiration", "exp", "ttl", "timeout", "lifetime", "age", "algorithm",
  "alg", "algo", "algorithms", "scheme", "policy", "id", "ids", "count", "limit", "index", "idx", "placeholder",
  "mode", "class", "method", "style", "template", "key", "keys", "validator", "validators", "rule", "rules",
  "required", "enabled", "error", "errors", "status", "state", "input", "widget", "form", "option", "options",
  "flag", "setting", "settings", "cache", "storage", "backend", "module", "handler", "provider", "generator",
  "factory", "store", "db", "table", "query", "separator", "sep", "delimiter", "char", "chars", "charset",
  "alphabet", "encoding", "location", "loc", "source", "src", "issuer", "scope", "scopes", "realm", "grant",
  "cookie", "title", "description", "desc", "doc", "text", "view", "page", "link", "route", "reset", "changed",
  "hasher", "hashers", "strength", "version", "encoder", "decoder", "parser", "regexp", "display", "mask",
  "char", "property", "prop", "selector", "xpath", "css", "class_name", "button", "element", "locator", "tag",
]);
/** First words that turn the name into a flag or a question: `use_token`, `has_password`, `show_secret`. */
const PREDICATE_FIRST = new Set([
  "is", "has", "have", "use", "uses", "show", "require", "requires", "need", "needs", "allow", "allows",
  "enable", "enabled", "disable", "disabled", "no", "with", "should", "can", "check", "verify", "validate", "get",
  "set", "num", "n", "max", "min", "len", "invalid", "wrong", "bad", "missing", "empty", "forgot", "forgotten",
]);

/** Index of the word that names the secret (the last one), or -1. */
function secretWordIndex(words: string[]): number {
  let found = -1;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (SECRET_WORDS.has(w)) found = i;
    else if (w === "key" && i > 0 && KEY_QUALIFIERS.has(words[i - 1])) found = i;
    else if (SECRET_LAST_WORDS.has(w) && i === words.length - 1) found = i;
  }
  return found;
}

/** Whether a variable, attribute, key or parameter name names a secret value: `db_password`, `apiKey`, `GITHUB_TOKEN`. */
export function isSecretName(name: string): boolean {
  const words = splitWords(name);
  const i = secretWordIndex(words);
  if (i < 0) return false;
  if (PREDICATE_FIRST.has(words[0]) && i > 0) return false;
  for (let j = i + 1; j < words.length; j++) if (NOT_THE_VALUE.has(words[j])) return false;
  return true;
}

/** Whether a string looks like the name of a field or header (`access_token`, `X-API-Key`) rather than a value. */
export function looksLikeFieldName(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z_.-]*$/.test(value)) return false;
  return secretWordIndex(splitWords(value)) >= 0;
}

/** Words of identifiers that say a value is used for security. */
const SECURITY_WORDS = new Set([
  "password", "passwd", "pwd", "pw", "passphrase", "secret", "token", "salt", "nonce", "otp", "totp", "hotp",
  "csrf", "xsrf", "apikey", "signature", "sign", "signed", "signing", "auth", "authenticate", "authentication",
  "credential", "credentials", "hmac", "mac", "pin", "captcha", "session", "sessionid", "sid", "cookie",
  "activation", "verification", "invite", "invitation", "mfa", "2fa", "twofa", "reset", "recovery", "passcode",
  "coupon", "voucher", "forgot",
]);
/** `<word> key` / `<word> code` / `<word> id` pairs that are secrets. */
const SECURITY_PAIRS = new Map<string, Set<string>>([
  ["key", new Set(["api", "secret", "private", "signing", "encryption", "session", "access", "master", "crypto", "aes", "hmac", "auth"])],
  ["code", new Set(["verification", "verify", "confirm", "confirmation", "auth", "reset", "activation", "invite", "otp", "sms", "login", "access", "security", "one", "2fa", "mfa", "recovery"])],
  ["id", new Set(["session"])],
]);

/** Whether any word of these names says the value is a secret: a token, password, salt, nonce, OTP, session id… */
export function hasSecurityWord(words: string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (SECURITY_WORDS.has(w)) return true;
    const pair = SECURITY_PAIRS.get(w);
    if (pair && i > 0 && pair.has(words[i - 1])) return true;
  }
  return false;
}

/** Identifier-ish names around an expression: the assignment target, keyword, dict key, `return` in a function. */
export interface ValueContext {
  /** names the value is stored under (target, keyword argument, dict key, attribute) */
  targets: string[];
  /** the enclosing function's name, when the value reaches its `return` */
  returnedFrom?: string;
  /** the enclosing function's name in any case */
  functionName?: string;
}

const STOP_AT = new Set(["function_definition", "class_definition", "lambda", "module", "block", "decorated_definition"]);

/** Where the value of expression `n` goes, looking up through the statement that holds it. */
export function valueContext(model: FileModel, n: Node): ValueContext {
  const ctx: ValueContext = { targets: [] };
  let cur: Node = n;
  while (cur.parent && !STOP_AT.has(cur.parent.type)) {
    const p: Node = cur.parent;
    switch (p.type) {
      case "assignment":
      case "augmented_assignment": {
        const left = p.childForFieldName("left");
        const right = p.childForFieldName("right");
        if (left && right && right.id === cur.id) ctx.targets.push(...targetNames(model, left));
        break;
      }
      case "keyword_argument": {
        const nm = p.childForFieldName("name");
        const v = p.childForFieldName("value");
        if (nm && v && v.id === cur.id) ctx.targets.push(model.text(nm));
        break;
      }
      case "pair": {
        const k = p.childForFieldName("key");
        const v = p.childForFieldName("value");
        if (k && v && v.id === cur.id && k.type === "string") ctx.targets.push(stringText(model, k));
        break;
      }
      case "return_statement":
        ctx.returnedFrom = enclosingFunctionName(model, p) ?? undefined;
        break;
      case "default_parameter":
      case "typed_default_parameter": {
        const nm = p.childForFieldName("name");
        if (nm) ctx.targets.push(model.text(nm));
        break;
      }
    }
    cur = p;
  }
  ctx.functionName = enclosingFunctionName(model, n) ?? undefined;
  return ctx;
}

/** Names bound by an assignment target: `a`, `self.token` → token, `d["key"]` → key, `a, b`. */
export function targetNames(model: FileModel, left: Node): string[] {
  switch (left.type) {
    case "identifier":
      return [model.text(left)];
    case "attribute": {
      const a = left.childForFieldName("attribute");
      return a ? [model.text(a)] : [];
    }
    case "subscript": {
      const idx = left.childForFieldName("subscript");
      return idx && idx.type === "string" ? [stringText(model, idx)] : [];
    }
    case "pattern_list":
    case "tuple_pattern":
    case "list_pattern":
    case "expression_list":
      return left.namedChildren.flatMap((c) => targetNames(model, c));
    default:
      return [];
  }
}

export function enclosingFunctionName(model: FileModel, n: Node): string | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === "function_definition") {
      const nm = p.childForFieldName("name");
      return nm ? model.text(nm) : null;
    }
    if (p.type === "class_definition" || p.type === "module") return null;
  }
  return null;
}

/** The text of a plain string literal between its quotes (escapes as written); "" for f-strings. */
export function stringText(model: FileModel, n: Node): string {
  let out = "";
  for (const c of n.namedChildren) {
    if (c.type === "interpolation") return "";
    if (c.type === "string_content" || c.type === "escape_sequence") out += model.text(c);
  }
  return out;
}

/** The value of a plain string literal (or implicitly concatenated literals), or null when it is not one. */
export function constantString(model: FileModel, n: Node): string | null {
  if (n.type === "string") {
    for (const c of n.namedChildren) if (c.type === "interpolation") return null;
    return stringText(model, n);
  }
  if (n.type === "concatenated_string") {
    let out = "";
    for (const c of n.namedChildren) {
      const v = constantString(model, c);
      if (v === null) return null;
      out += v;
    }
    return out;
  }
  return null;
}
