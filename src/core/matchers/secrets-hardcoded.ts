/**
 * Hard-coded secrets: a string literal stored under a secret's name (B105 assignments and dict keys,
 * B106 keyword arguments, B107 parameter defaults), and well-known credential formats anywhere.
 * No message ever holds the value: at most a four-character prefix of a well-known format.
 */
import type { Node } from "../python.js";
import type { FileModel } from "../scope.js";
import type { Matcher, MatcherHit } from "./types.js";
import { constantString, isSecretName, looksLikeFieldName, splitWords, stringText } from "./secrets-words.js";
import { findTokens, hasTokenFormat } from "./secrets-tokens.js";

const PLACEHOLDER_VALUES = new Set([
  "none", "null", "nil", "undefined", "redacted", "placeholder", "dummy", "fake", "todo", "tbd", "n/a", "na",
  "notset", "not_set", "not-set", "unset", "unknown", "hidden", "masked", "empty", "default", "required",
  "optional", "bearer", "basic", "jwt", "oauth", "oauth2", "digest", "hmac", "plain", "plaintext", "sha1",
  "sha256", "sha512", "md5", "true", "false", "yes", "no", "on", "off", "enabled", "disabled", "auto", "text",
  "string", "str", "bytes", "secret_value", "your_password", "yourpassword", "<redacted>",
]);

/** File names a path-like value may end with (`keys/server.pem`). */
const PATH_SUFFIX = /\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|txt|ya?ml|cfg|ini|conf|env|gpg|asc|pub|csv|db|sqlite3?|toml)$/i;

/**
 * Whether a literal stored under a secret's name looks like a real credential rather than a
 * placeholder, a template, an environment variable's name, a path, a URL or a field name.
 */
export function looksLikeSecretValue(value: string, name: string): boolean {
  if (value.length < 4) return false;
  if (/\s/.test(value)) return false; // prompts, labels, messages
  const lower = value.toLowerCase();
  if (PLACEHOLDER_VALUES.has(lower)) return false;
  if (sameCharacter(value)) return false; // ***, xxxx, ....
  if (/[{}]|%\(|%[sdr]|^\$[A-Za-z_{(]|^<.*>$|^\[.*\]$/.test(value)) return false; // templates
  if (/^(?:your|enter|insert|replace|put|add|fill|set)[-_]/.test(lower) || /[-_](?:here|goes[-_]here|me)$/.test(lower)) {
    return lower === "change_me" || lower === "change-me"; // changeme is a real default password when shipped
  }
  if (value.includes("_") && /^[A-Z][A-Z0-9_]*$/.test(value)) return false; // an environment variable's name
  if (/^(?:\/|\.\.?\/|~|[A-Za-z]:[\\/])/.test(value) || PATH_SUFFIX.test(value)) return false;
  if (value.includes("://")) return false; // URLs (credentials inside one are the token rule's)
  if (looksLikeFieldName(value)) return false; // "access_token", "X-API-Key", "password"
  if (normalize(value) === normalize(name)) return false;
  if (/^[a-z]+(?:\.[a-z_]+)+$/.test(value)) return false; // dotted module/setting paths: "auth.backends.token"
  return true;
}

function sameCharacter(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s[i] !== s[0]) return false;
  return true;
}

function normalize(s: string): string {
  return splitWords(s).join("");
}

type Form = "string" | "argument" | "default";

interface Candidate {
  form: Form;
  name: string;
  value: Node;
}

/** Every secret's name contains one of these (case-insensitive): a linear scan of the text finds them all. */
const SECRET_SUBSTRING = /pass|pw|secret|token|key/gi;
const STRINGISH = new Set(["string", "concatenated_string"]);

const candidateCache = new WeakMap<FileModel, Candidate[]>();

/**
 * Names that may hold a secret, with the string literal stored under them, found from the places the
 * text mentions a secret-ish word — not by visiting every assignment, call and dict in the file.
 */
function candidates(model: FileModel): Candidate[] {
  const cached = candidateCache.get(model);
  if (cached) return cached;
  const out: Candidate[] = [];
  const seen = new Set<number>();
  const root = model.parsed.tree.rootNode;
  let coveredTo = -1;
  SECRET_SUBSTRING.lastIndex = 0;
  for (const m of model.source.matchAll(SECRET_SUBSTRING)) {
    // the name is on the finding's statement, before its value
    if (!model.inFocus(m.index)) continue;
    if (m.index < coveredTo) continue; // still inside the last node looked at
    const leaf = root.descendantForIndex(m.index, m.index + m[0].length);
    coveredTo = leaf.endIndex;
    if (seen.has(leaf.id)) continue;
    seen.add(leaf.id);
    // a name that holds a value is followed by `=` or `:` (perhaps on the next line inside brackets)
    if (leaf.type === "identifier" && !mayBeFollowedByValue(model.source, coveredTo)) continue;
    const c = candidateAt(model, leaf);
    if (c) out.push(c);
  }
  candidateCache.set(model, out);
  return out;
}

/** ASCII characters that are never whitespace, a comment or a line continuation, and are not `=` or `:`. */
const NOT_BEFORE_VALUE = /[A-Za-z0-9_()[\]{},.;'"+\-*/%&|^~<>!@`?$]/;

/**
 * Whether what follows string index `at` (spaces and tabs aside) can lead to the `=` or `:` after a
 * target, a keyword or a parameter: anything but a character that surely is something else.
 */
function mayBeFollowedByValue(source: string, at: number): boolean {
  let i = at;
  while (source[i] === " " || source[i] === "\t") i++;
  return i >= source.length || !NOT_BEFORE_VALUE.test(source[i]);
}

function candidateAt(model: FileModel, leaf: Node): Candidate | null {
  const p = leaf.parent;
  if (!p) return null;
  if (leaf.type === "identifier") {
    const name = model.text(leaf);
    switch (p.type) {
      case "assignment": {
        const right = p.childForFieldName("right");
        return p.childForFieldName("left")?.id === leaf.id && right && STRINGISH.has(right.type) ? { form: "string", name, value: right } : null;
      }
      case "attribute": {
        // self.password = "…"
        const assign = p.parent;
        if (assign?.type !== "assignment" || p.childForFieldName("attribute")?.id !== leaf.id) return null;
        const right = assign.childForFieldName("right");
        return assign.childForFieldName("left")?.id === p.id && right && STRINGISH.has(right.type) ? { form: "string", name, value: right } : null;
      }
      case "keyword_argument": {
        const v = p.childForFieldName("value");
        return p.childForFieldName("name")?.id === leaf.id && v && STRINGISH.has(v.type) && p.parent?.type === "argument_list"
          ? { form: "argument", name, value: v }
          : null;
      }
      case "default_parameter":
      case "typed_default_parameter": {
        const v = p.childForFieldName("value");
        return p.childForFieldName("name")?.id === leaf.id && v && STRINGISH.has(v.type) && p.parent?.parent?.type === "function_definition"
          ? { form: "default", name, value: v }
          : null;
      }
      default:
        return null;
    }
  }
  if (leaf.type === "string_content" && p.type === "string") {
    const holder = p.parent;
    // {"password": "…"}
    if (holder?.type === "pair" && holder.childForFieldName("key")?.id === p.id) {
      const v = holder.childForFieldName("value");
      return v && STRINGISH.has(v.type) ? { form: "string", name: stringText(model, p), value: v } : null;
    }
    // config["password"] = "…"
    if (holder?.type === "subscript" && holder.childForFieldName("subscript")?.id === p.id) {
      const assign = holder.parent;
      const right = assign?.type === "assignment" && assign.childForFieldName("left")?.id === holder.id ? assign.childForFieldName("right") : null;
      return right && STRINGISH.has(right.type) ? { form: "string", name: stringText(model, p), value: right } : null;
    }
  }
  return null;
}

/** B105/B106/B107: `options.form` is `string` (assignments, dict keys), `argument` or `default`. */
export const hardcodedSecret: Matcher = ({ model, rule, options }) => {
  const form = (options.form as Form | undefined) ?? "string";
  const hits: MatcherHit[] = [];
  for (const { name, value } of candidates(model).filter((c) => c.form === form)) {
    if (!isSecretName(name)) continue;
    const v = constantString(model, value);
    if (v === null || !looksLikeSecretValue(v, name)) continue;
    if (hasTokenFormat(model.text(value))) continue; // the token-format rule reports it, with its kind
    hits.push({ node: value, message: rule.message.replace("{name}", name), data: { name } });
  }
  return hits;
};

/** Well-known credential formats in string literals and comments, anywhere in the file. */
export const hardcodedToken: Matcher = ({ model, rule }) => {
  const tokens = findTokens(model.source);
  if (!tokens.length) return [];
  const root = model.parsed.tree.rootNode;
  const seen = new Set<number>();
  const hits: MatcherHit[] = [];
  for (const t of tokens) {
    if (!model.inFocus(t.index)) continue;
    let n: Node | null = root.descendantForIndex(t.index, t.end - 1);
    while (n && n.type !== "string" && n.type !== "comment") n = n.parent;
    if (!n || seen.has(n.id)) continue;
    // a user:password@ URL in a comment is documentation far more often than a leak
    if (n.type === "comment" && t.format.kind === "url-password") continue;
    seen.add(n.id);
    const what = t.format.showPrefix ? `${article(t.format.label)} ${t.format.label} (\`${t.masked}\`)` : `${article(t.format.label)} ${t.format.label}`;
    hits.push({
      node: n,
      message: rule.message.replace("{what}", what),
      data: { kind: t.format.kind },
      confidence: t.format.kind === "url-password" ? "medium" : undefined,
    });
  }
  return hits;
};

function article(label: string): string {
  return /^[aeiouAEIOU]/.test(label) ? "an" : "a";
}

export { splitWords };
