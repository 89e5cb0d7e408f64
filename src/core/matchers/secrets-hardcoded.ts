/**
 * Hard-coded secrets: a string literal stored under a secret's name (B105 assignments and dict keys,
 * B106 keyword arguments, B107 parameter defaults), and well-known credential formats anywhere.
 * No message ever holds the value: at most a four-character prefix of a well-known format.
 */
import type Parser from "tree-sitter";
import { compileQuery, type Node } from "../python.js";
import type { FileModel } from "../scope.js";
import type { Matcher, MatcherHit } from "./types.js";
import { constantString, isSecretName, looksLikeFieldName, splitWords, targetNames, stringText } from "./secrets-words.js";
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

let pairQuery: Parser.Query | null = null;
/** A cheap gate before looking at dict literals at all. */
const SECRETISH = /pass|pwd|secret|token|key/i;

interface Candidate {
  name: string;
  value: Node;
}

function stringCandidates(model: FileModel): Candidate[] {
  const out: Candidate[] = [];
  for (const { node } of model.assignments) {
    const left = node.childForFieldName("left");
    const right = node.childForFieldName("right");
    if (!left || !right || (right.type !== "string" && right.type !== "concatenated_string")) continue;
    if (left.type !== "identifier" && left.type !== "attribute" && left.type !== "subscript") continue;
    for (const name of targetNames(model, left)) out.push({ name, value: right });
  }
  if (SECRETISH.test(model.source)) {
    pairQuery ??= compileQuery(`(pair key: (string) @key value: [(string) (concatenated_string)] @value)`);
    const caps = pairQuery.captures(model.parsed.tree.rootNode);
    for (let i = 0; i + 1 < caps.length; i += 2) {
      if (caps[i].name !== "key" || caps[i + 1].name !== "value") continue;
      out.push({ name: stringText(model, caps[i].node), value: caps[i + 1].node });
    }
  }
  return out;
}

function argumentCandidates(model: FileModel): Candidate[] {
  const out: Candidate[] = [];
  for (const call of model.calls) {
    if (!call.args) continue;
    for (const a of call.args.namedChildren) {
      if (a.type !== "keyword_argument") continue;
      const nm = a.childForFieldName("name");
      const v = a.childForFieldName("value");
      if (nm && v && (v.type === "string" || v.type === "concatenated_string")) out.push({ name: model.text(nm), value: v });
    }
  }
  return out;
}

function defaultCandidates(model: FileModel): Candidate[] {
  const out: Candidate[] = [];
  for (const { node } of model.functions) {
    const params = node.childForFieldName("parameters");
    if (!params) continue;
    for (const p of params.namedChildren) {
      if (p.type !== "default_parameter" && p.type !== "typed_default_parameter") continue;
      const nm = p.childForFieldName("name");
      const v = p.childForFieldName("value");
      if (nm && v && (v.type === "string" || v.type === "concatenated_string")) out.push({ name: model.text(nm), value: v });
    }
  }
  return out;
}

/** B105/B106/B107: `options.form` is `string` (assignments, dict keys), `argument` or `default`. */
export const hardcodedSecret: Matcher = ({ model, rule, options }) => {
  const form = (options.form as Form | undefined) ?? "string";
  const candidates = form === "argument" ? argumentCandidates(model) : form === "default" ? defaultCandidates(model) : stringCandidates(model);
  const hits: MatcherHit[] = [];
  for (const { name, value } of candidates) {
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
    let n: Node | null = root.descendantForIndex(t.index, t.end - 1);
    while (n && n.type !== "string" && n.type !== "comment") n = n.parent;
    if (!n || seen.has(n.id)) continue;
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
