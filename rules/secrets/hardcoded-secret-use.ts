/**
 * Hard-coded secrets where they are used rather than stored: a literal in the key, salt or password
 * slot of an API (`jwt.encode(payload, "…")`, `hmac.new(b"…", …)`, `Fernet(b"…")`,
 * `Hashids(salt="…")`, `smtp.login(user, "…")`), and a secret-named value compared with a literal
 * (`if password == "…"`). Fix: read the key from the environment when the file imports `os`.
 */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import type { Node } from "../../src/core/python.js";
import type { FileModel } from "../../src/core/scope.js";
import type { Hit } from "../../src/core/types.js";
import { argument } from "../../src/core/args.js";
import { constantString, isSecretName, splitWords } from "../../src/core/lib/words.js";
import { looksLikeLiteralKey, looksLikeSecretValue, withoutSecrets } from "../../src/core/lib/secrets.js";
import { hasTokenFormat } from "../../src/core/lib/tokens.js";
import { environAccess, scopeAt } from "../../src/core/lib/imports.js";

interface Slot {
  /** the resolved callees */
  calls: string[];
  position: number;
  keyword: string;
  /** what the slot holds, for the message */
  what: string;
  /** the environment variable the fix reads */
  env: string;
}

const LOGIN = (cls: string[]) => cls.map((c) => `${c}().login`);

const SLOTS: Slot[] = [
  { calls: ["jwt.encode", "jwt.api_jwt.encode", "jose.jwt.encode"], position: 1, keyword: "key", what: "the JWT signing key", env: "JWT_SECRET" },
  { calls: ["jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode"], position: 1, keyword: "key", what: "the JWT verification key", env: "JWT_SECRET" },
  { calls: ["hmac.new", "hmac.HMAC", "hmac.digest"], position: 0, keyword: "key", what: "the HMAC key", env: "HMAC_KEY" },
  { calls: ["cryptography.fernet.Fernet"], position: 0, keyword: "key", what: "the Fernet key", env: "FERNET_KEY" },
  { calls: ["hashids.Hashids"], position: 0, keyword: "salt", what: "the Hashids salt", env: "HASHIDS_SALT" },
  {
    calls: ["itsdangerous.URLSafeTimedSerializer", "itsdangerous.URLSafeSerializer", "itsdangerous.TimedSerializer", "itsdangerous.Serializer", "itsdangerous.TimestampSigner", "itsdangerous.Signer"],
    position: 0,
    keyword: "secret_key",
    what: "the signing key",
    env: "SECRET_KEY",
  },
  { calls: LOGIN(["smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP", "imaplib.IMAP4", "imaplib.IMAP4_SSL"]), position: 1, keyword: "password", what: "the mail password", env: "MAIL_PASSWORD" },
  { calls: LOGIN(["ftplib.FTP", "ftplib.FTP_TLS"]), position: 1, keyword: "passwd", what: "the FTP password", env: "FTP_PASSWORD" },
];

const BY_CALLEE = new Map<string, Slot>(SLOTS.flatMap((s) => s.calls.map((c) => [c, s] as const)));
const LAST_NAMES = new Set(SLOTS.flatMap((s) => s.calls.map((c) => c.slice(c.lastIndexOf(".") + 1))));

type Data = { env: string };

/** `== "…"` or `"…" !=` (with string prefixes): a comparison that can compare a literal for equality. */
const LITERAL_EQUALITY = /["'][\s\\]*[!=]=|[!=]=[\s\\]*[rRbBuUfF]{0,2}["']/;

function isLiteral(n: Node): boolean {
  return n.type === "string" || n.type === "concatenated_string";
}

function isBytes(model: FileModel, n: Node): boolean {
  return n.type === "string" && /^[rR]?[bB]/.test(model.text(n));
}

/** The name a compared value is known by: `password`, `self.api_token`, `request.user.password` → its last name. */
function comparedName(model: FileModel, n: Node): string | null {
  if (n.type === "identifier") return model.text(n);
  if (n.type === "attribute") {
    const a = n.childForFieldName("attribute");
    return a ? model.text(a) : null;
  }
  return null;
}

/**
 * A compared literal that reads like a credential — letters and digits mixed, or long — rather than a
 * lexer's token kind or a marker (`token == "keyword"`, `csrf_token == "NOTPROVIDED"`, `"#bygroup"`).
 */
function credentialLike(v: string): boolean {
  if (/^[A-Z][A-Z_]*$/.test(v)) return false;
  return (/\d/.test(v) && /[A-Za-z]/.test(v)) || v.length >= 20;
}

export default defineRule<Record<string, never>, Data>({
  options: NO_OPTIONS,
  match: ({ model }) => {
    const hits: Hit<Data>[] = [];
    for (const call of model.calls) {
      if (!LAST_NAMES.has(model.calleeLastName(call)) && !LAST_NAMES.has(call.lastName)) continue;
      const callee = model.calleeNames(call).find((n) => BY_CALLEE.has(n));
      if (!callee) continue;
      const slot = BY_CALLEE.get(callee)!;
      const arg = argument(model, call, slot.position, slot.keyword);
      if (!arg || !isLiteral(arg) || !model.inFocus(arg.startIndex)) continue;
      // `login(user, password="…")` is the keyword-argument rule's
      if (arg.parent?.type === "keyword_argument" && isSecretName(slot.keyword)) continue;
      const v = constantString(model, arg);
      if (v === null || !looksLikeLiteralKey(v) || hasTokenFormat(model.text(arg))) continue;
      hits.push({ node: arg, call, callee, message: `${slot.what[0].toUpperCase()}${slot.what.slice(1)} is a literal passed to \`${callee}\`: everyone who can read the code can forge or read what it protects.`, data: { env: slot.env } });
    }
    const comparisons = model.sideNodes("comparison_operator");
    for (let i = 0; i < comparisons.length; i++) {
      if (!model.inFocus(comparisons.start(i))) continue;
      const cmp = comparisons.node(i);
      // most comparisons compare no string literal with `==`/`!=`: read the text before the children
      if (!LITERAL_EQUALITY.test(model.text(cmp))) continue;
      if (cmp.namedChildCount !== 2) continue;
      const op = cmp.children.find((c) => !c.isNamed)?.type;
      if (op !== "==" && op !== "!=") continue;
      const [a, b] = cmp.namedChildren;
      const [named, literal] = isLiteral(b) ? [a, b] : isLiteral(a) ? [b, a] : [null, null];
      if (!named || !literal) continue;
      const name = comparedName(model, named);
      if (!name || !isSecretName(name)) continue;
      const v = constantString(model, literal);
      if (v === null || !looksLikeSecretValue(v, name) || !credentialLike(v) || hasTokenFormat(model.text(literal))) continue;
      const env = splitWords(name).join("_").toUpperCase();
      hits.push({ node: literal, message: `\`${name}\` is checked against a hard-coded value: everyone who can read the code knows it, and it cannot be rotated without a commit.`, data: { env } });
    }
    return hits;
  },
  fix: withoutSecrets(({ model, match, data }) => {
    const value = match.node;
    if (!data) return { decline: "read the secret from the environment or a secrets manager" };
    const env = environAccess(model, scopeAt(model, value.startIndex), value.startIndex);
    const read = `${env ?? "os.environ"}["${data.env}"]${isBytes(model, value) ? ".encode()" : ""}`;
    return {
      edits: [{ start: value.startIndex, end: value.endIndex, text: read }],
      ...(env ? {} : { imports: ["import os"] }),
      caveat: `Rotate the exposed secret (it stays in the git history); the process now fails fast when \`${data.env}\` is not set.`,
    };
  }),
});
