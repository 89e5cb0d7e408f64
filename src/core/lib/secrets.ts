/**
 * Hard-coded secrets, found and fixed: a string literal stored under a secret's name (B105 assignments and dict keys,
 * B106 keyword arguments, B107 parameter defaults), and well-known credential formats anywhere.
 * No message ever holds the value: at most a four-character prefix of a well-known format.
 */
import type { Node } from "../python.js";
import type { FileModel } from "../scope.js";
import type { FixContext, FixDecline, FixProposal, Hit } from "../types.js";
import { constantString, isSecretName, looksLikeFieldName, splitWords, stringText } from "./words.js";
import { findTokens, hasTokenFormat } from "./tokens.js";
import { environAccess, scopeAt } from "./imports.js";

const PLACEHOLDER_VALUES = new Set([
  "none", "null", "nil", "undefined", "redacted", "placeholder", "dummy", "fake", "todo", "tbd", "n/a", "na",
  "notset", "not_set", "not-set", "unset", "unknown", "hidden", "masked", "empty", "default", "required",
  "optional", "bearer", "basic", "jwt", "oauth", "oauth2", "digest", "hmac", "plain", "plaintext", "sha1",
  "sha256", "sha512", "md5", "true", "false", "yes", "no", "on", "off", "enabled", "disabled", "auto", "text",
  "string", "str", "bytes", "secret_value", "your_password", "yourpassword", "<redacted>",
  // dummies: obviously not meant as the credential (a shipped default says `changeme` to be changed)
  "test", "testing", "tests", "example", "sample", "foo", "bar", "baz", "foobar", "changeme", "change_me", "change-me",
  "changeit", "xxx", "xxxx", "dev", "development", "local",
]);

/** Characters a placeholder repeats: `xxxx`, `****`, `....`, `----` (but `aaaaaaaa` as a key is a weak key, reported). */
const FILLER = /^[xX*.\-_#?•]$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Default passwords a bare secret word is used as: `SECRET_KEY = "secret"`, `DB_PASSWORD = "password"` under another name. */
const WEAK_WORD_VALUES = new Set(["secret", "password", "passwd", "admin", "root", "letmein", "qwerty"]);

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
  if (sameCharacter(value) && FILLER.test(value[0])) return false; // ***, xxxx, ....
  if (/example/i.test(value)) return false; // AWS's documented keys (`…EXAMPLEKEY`), `example-password`
  if (/[{}]|%\(|%[sdr]|^\$[A-Za-z_{(]|^<.*>$|^\[.*\]$/.test(value)) return false; // templates
  if (/^(?:your|enter|insert|replace|put|add|fill|set)[-_]/.test(lower) || /[-_](?:here|goes[-_]here|me)$/.test(lower)) return false;
  if (/^(?:dummy|fake|test|mock|sample)[-_]/.test(lower) || /[-_](?:dummy|fake|placeholder)$/.test(lower)) return false;
  if (WEAK_WORD_VALUES.has(lower)) return normalize(value) !== normalize(name);
  if (value.includes("_") && /^[A-Z][A-Z0-9_]*$/.test(value)) return false; // an environment variable's name
  if (/^(?:\/|\.\.?\/|~|[A-Za-z]:[\\/])/.test(value) || PATH_SUFFIX.test(value)) return false;
  if (value.includes("://")) return false; // URLs (credentials inside one are the token rule's)
  if (looksLikeFieldName(value) && !passphraseLike(value)) return false; // "access_token", "X-API-Key", "password"
  if (normalize(value) === normalize(name)) return false;
  if (/^[a-z]+(?:\.[a-z_]+)+$/.test(value)) return false; // dotted module/setting paths: "auth.backends.token"
  if (/^_[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/.test(value)) return false; // a private key or marker name: "_sa_default", "_password_reset_token"
  if (/^[a-z]+\.$/.test(value)) return false; // a word of text ending a sentence: "done."
  if (/\[[^\]]+\][+*?{]|\\[dswDSW]|\(\?[:=!P<]/.test(value)) return false; // a regular expression: r"[-!#$%&'*+.^_`|~0-9a-zA-Z]+"
  return true;
}

/** `my-jwt-signing-secret`, `super_secret_key_2`: a made-up passphrase, not a field or header name. */
function passphraseLike(value: string): boolean {
  const words = splitWords(value);
  return words.length >= 4 || /^(?:my|our|super|very|top|so|really|insecure|unsafe|default|dev|prod|production)$/.test(words[0] ?? "");
}

/**
 * Whether a literal passed where an API takes its key, salt or password (`jwt.encode(p, "…")`,
 * `hmac.new(b"…")`, `Hashids(salt="…")`) is a real value: there the slot says it is a secret, so any
 * value counts — short, with spaces, a word — except empty ones, placeholders, templates and dummies.
 */
export function looksLikeLiteralKey(value: string): boolean {
  const v = value.trim();
  if (!v) return false;
  const lower = v.toLowerCase();
  if (PLACEHOLDER_VALUES.has(lower) && lower !== "secret") return false;
  if (sameCharacter(v) && FILLER.test(v[0])) return false;
  if (/example/i.test(v)) return false;
  if (/[{}]|%\(|%[sdr]|^\$[A-Za-z_{(]|^<.*>$/.test(v)) return false;
  if (/^(?:your|enter|insert|replace)[-_ ]/.test(lower) || /[-_ ](?:here|goes[-_ ]here)$/.test(lower)) return false;
  if (/^(?:dummy|fake|test|mock|sample)(?:$|[-_ ])/.test(lower)) return false;
  return true;
}

function sameCharacter(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s[i] !== s[0]) return false;
  return true;
}

function normalize(s: string): string {
  return splitWords(s).join("");
}

/** Where a secret is stored under its name: an assignment or dict key, a keyword argument, a parameter default. */
export type SecretForm = "string" | "argument" | "default";

interface Candidate {
  form: SecretForm;
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
    if (!storesStringAfter(model.source, m.index + m[0].length)) continue;
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

/**
 * The rest of a name (an identifier, or a string key up to its closing quote and `]`), then `=` or `:`
 * (line breaks and continuations allowed between).
 */
const NAME_THEN_OPERATOR = /(?:\w*|[^"'\n\\]*["']\]?)\s*(?:\\\s*)*(=(?!=)|:(?!=))/y;
/** A string literal next (its prefix, its quote). */
const STRING_NEXT = /\s*(?:\\\s*)*[rRbBuUfF]{0,2}["']/y;
/** An annotation, then `=` and a string literal, on the line (`password: str = "…"`). */
const ANNOTATED_STRING_NEXT = /[^\n=]*=(?!=)\s*(?:\\\s*)*[rRbBuUfF]{0,2}["']/y;

/**
 * Whether a secret-ish word that ends at `at` can name a string literal stored under it: in every
 * form `candidateAt` accepts, the name is followed by `=` or `:` and then a string (perhaps after an
 * annotation). Read from the text, so most mentions (`d[key]`, `token.type`, `keys()`) never
 * reach the tree.
 */
function storesStringAfter(source: string, at: number): boolean {
  NAME_THEN_OPERATOR.lastIndex = at;
  const op = NAME_THEN_OPERATOR.exec(source);
  if (!op) return false;
  const after = NAME_THEN_OPERATOR.lastIndex;
  STRING_NEXT.lastIndex = after;
  if (STRING_NEXT.test(source)) return true;
  if (op[1] !== ":") return false;
  ANNOTATED_STRING_NEXT.lastIndex = after;
  return ANNOTATED_STRING_NEXT.test(source);
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

/** What a secret's match hands to its fix: the name it is stored under, or the token format. */
export interface SecretData {
  name?: string;
  kind?: string;
}

/** B105/B106/B107: string literals stored under a secret's name, in one `form`; `message` may hold `{name}`. */
export function hardcodedSecrets(model: FileModel, form: SecretForm, message: string): Hit<SecretData>[] {
  const hits: Hit<SecretData>[] = [];
  for (const { name, value } of candidates(model).filter((c) => c.form === form)) {
    // bytes under a `…_KEY` name are key material (`EXPORT_KEY = b"…"`), whatever qualifies the key
    const bytes = value.type === "string" && /^[rR]?[bB]/.test(model.text(value));
    if (!isSecretName(name) && !(bytes && form === "string" && /(?:^|[_a-z])(?:key|KEY|Key)$/.test(name))) continue;
    const v = constantString(model, value);
    if (v === null || !looksLikeSecretValue(bytes ? v.replace(/\s+/g, "") : v, name)) continue;
    // a bare word passed by keyword maps a field's name (`translate_connect_args(password="passwd")`)
    if (form !== "string" && WEAK_WORD_VALUES.has(v.toLowerCase())) continue;
    // a protocol's GUID under a `…_KEY` name (`WS_KEY = b"258EAFA5-E914-…"`, RFC 6455) is not a secret
    if (bytes && !isSecretName(name) && UUID.test(v)) continue;
    if (hasTokenFormat(model.text(value))) continue; // the token-format rule reports it, with its kind
    hits.push({ node: value, message: message.replace("{name}", name), data: { name } });
  }
  return hits;
}

/** Well-known credential formats in string literals and comments, anywhere in the file; `message` may hold `{what}`. */
export function hardcodedTokens(model: FileModel, message: string): Hit<SecretData>[] {
  const tokens = findTokens(model.source);
  if (!tokens.length) return [];
  const root = model.parsed.tree.rootNode;
  const seen = new Set<number>();
  const hits: Hit<SecretData>[] = [];
  for (const t of tokens) {
    if (!model.inFocus(t.index)) continue;
    let n: Node | null = root.descendantForIndex(t.index, t.end - 1);
    while (n && n.type !== "string" && n.type !== "comment") n = n.parent;
    if (!n || seen.has(n.id)) continue;
    // a user:password@ URL in a comment is documentation far more often than a leak
    if (n.type === "comment" && t.format.kind === "url-password") continue;
    // …and so in a docstring (a string that is a statement of its own): `engine = create_engine("postgresql://scott:tiger@…")`
    if (t.format.kind === "url-password" && isBareStringStatement(n)) continue;
    seen.add(n.id);
    const what = t.format.showPrefix ? `${article(t.format.label)} ${t.format.label} (\`${t.masked}\`)` : `${article(t.format.label)} ${t.format.label}`;
    hits.push({
      node: n,
      message: message.replace("{what}", what),
      data: { kind: t.format.kind },
      confidence: t.format.kind === "url-password" ? "medium" : undefined,
    });
  }
  return hits;
}

/** A string that is a statement of its own (a docstring, or text nothing uses): documentation, not a value. */
function isBareStringStatement(n: Node): boolean {
  let s: Node | null = n;
  while (s?.parent && s.parent.type === "concatenated_string") s = s.parent;
  const p = s?.parent;
  return !!p && p.type === "expression_statement" && p.namedChildCount === 1;
}

function article(label: string): string {
  return /^[aeiouAEIOU]/.test(label) ? "an" : "a";
}

export const ENV_EXAMPLE = `import os
API_TOKEN = os.environ["API_TOKEN"]  # set in the deployment, never in the code`;

/** Whether a hard-coded secret other than `except` is on rows first..last (0-based): a suggestion would repeat it. */
export function secretOnRows(model: FileModel, first: number, last: number, except?: number): boolean {
  const hits = [
    ...hardcodedTokens(model, ""),
    ...hardcodedSecrets(model, "string", ""),
    ...hardcodedSecrets(model, "argument", ""),
    ...hardcodedSecrets(model, "default", ""),
  ];
  return hits.some((h) => h.node.id !== except && h.node.startPosition.row <= last && h.node.endPosition.row >= first);
}

/** Row (0-based) of string index `at`. */
function rowOf(model: FileModel, at: number): number {
  const starts = model.parsed.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export const SECRET_ON_LINES = "a hard-coded secret is on the lines this suggestion replaces: it would be repeated in the comment";

/**
 * Wrap a builder so it never offers a suggestion whose lines hold a hard-coded secret (other than
 * the one it removes): the suggestion block is whole lines, and would repeat the value.
 */
export function withoutSecrets<O, D>(fix: (ctx: FixContext<O, D>) => FixProposal | FixDecline): (ctx: FixContext<O, D>) => FixProposal | FixDecline {
  return (ctx) => {
    const out = fix(ctx);
    if ("decline" in out || !out.edits.length) return out;
    const first = rowOf(ctx.model, Math.min(...out.edits.map((e) => e.start)));
    const last = rowOf(ctx.model, Math.max(...out.edits.map((e) => Math.max(e.start, e.end - 1))));
    if (secretOnRows(ctx.model, first, last, ctx.match.node.id)) return { decline: SECRET_ON_LINES };
    return out;
  };
}

function decline(why: string, example = ENV_EXAMPLE): FixDecline {
  return { decline: why, example };
}

/** A hard-coded secret → read from the environment; a password default → `None`. */
export function hardcodedSecretFix({ model, match }: FixContext<unknown, unknown>): FixProposal | FixDecline {
  const value: Node = match.node;
  if (value.type === "comment") return decline("the secret is in a comment: delete it, then rotate it");
  const parent = value.parent;
  if (parent?.type === "assignment" && parent.childForFieldName("right")?.id === value.id) {
    const left = parent.childForFieldName("left");
    if (!left || left.type !== "identifier" || parent.parent?.type === "assignment") {
      return decline("only a plain `NAME = \"…\"` is rewritten in one click: move it to the environment or a secrets manager");
    }
    const scope = scopeAt(model, value.startIndex);
    const env = environAccess(model, scope, value.startIndex);
    if (!env) return decline("the file does not import `os`: read the secret from the environment (`os.environ[...]`) or a secrets manager");
    const name = model.text(left);
    // dbPassword → DB_PASSWORD: environment variables are upper snake case
    const envName = /^[A-Z][A-Z0-9_]*$/.test(name) ? name : splitWords(name).join("_").toUpperCase();
    return {
      edits: [{ start: value.startIndex, end: value.endIndex, text: `${env}["${envName}"]` }],
      caveat: `Rotate the exposed secret (it stays in the git history); the process now fails fast when \`${envName}\` is not set.`,
    };
  }
  if (parent?.type === "default_parameter" && parent.childForFieldName("value")?.id === value.id) {
    return {
      edits: [{ start: value.startIndex, end: value.endIndex, text: "None" }],
      caveat: "Callers that relied on the default must now pass the password; rotate the exposed one.",
    };
  }
  if (parent?.type === "typed_default_parameter") {
    return decline("a typed default cannot become `None` without changing its annotation to an optional type", `def connect(host, password: str | None = None):\n    password = password or os.environ["DB_PASSWORD"]`);
  }
  return decline("the secret is written inline: move it to the environment or a secrets manager and read it from there");
}
