/** md5/sha1 from hashlib (B324), graded by what the digest is for; checksums get `usedforsecurity=False`. */
import { walk, type Node } from "../../src/core/python.js";
import type { CallSite, FileModel } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, callSiteOf, keywordArgument, hasKwargsSplat } from "../../src/core/args.js";
import { setKeyword } from "../../src/core/lib/edits.js";
import { hasSecurityWord, splitWords, valueContext } from "../../src/core/lib/words.js";
import { withoutSecrets } from "../../src/core/lib/secrets.js";

const WEAK = /^(?:md[245]|sha-?1?|ripemd-?160)$/i;
const DIRECT = new Set(["hashlib.md5", "hashlib.sha1", "hashlib.md4", "_hashlib.openssl_md5", "_hashlib.openssl_sha1"]);

/** Words that say a digest identifies data rather than protects it. */
const INTEGRITY_WORDS = new Set([
  "etag", "checksum", "checksums", "cache", "cached", "fingerprint", "fingerprints", "dedup", "dedupe", "crc",
  "shard", "bucket", "partition", "file", "filename", "files", "content", "contents", "body", "chunk", "blob",
  "url", "path", "etags", "version", "revision", "cachekey", "sum", "md5sum", "sha1sum", "integrity", "filehash",
  "download", "dedupe", "lock", "memo", "memoize", "lru",
]);

export type HashContext = "security" | "integrity" | "unknown";

/** Names around the call and inside its arguments. */
function contextWords(model: FileModel, call: CallSite): { near: string[]; args: string[] } {
  const ctx = valueContext(model, call.node);
  const near: string[] = [];
  for (const t of ctx.targets) near.push(...splitWords(t));
  if (ctx.returnedFrom) near.push(...splitWords(ctx.returnedFrom));
  if (ctx.functionName) near.push(...splitWords(ctx.functionName));
  const args: string[] = [];
  if (call.args) {
    let budget = 60;
    for (const d of walk(call.args)) {
      if (budget-- <= 0) break;
      if (d.type === "identifier") args.push(...splitWords(model.text(d)));
    }
  }
  return { near, args };
}

export function hashContext(model: FileModel, call: CallSite): HashContext {
  const { near, args } = contextWords(model, call);
  if (hasSecurityWord(near) || hasSecurityWord(args)) return "security";
  if (near.some((w) => INTEGRITY_WORDS.has(w)) || args.some((w) => INTEGRITY_WORDS.has(w))) return "integrity";
  return "unknown";
}

function weakAlgorithm(model: FileModel, call: CallSite, names: string[]): string | null {
  for (const q of names) {
    if (DIRECT.has(q)) return q.endsWith("md5") ? "md5" : q.endsWith("md4") ? "md4" : "sha1";
    if (q === "hashlib.new") {
      const a = argument(model, call, 0, "name");
      if (!a) return null;
      const v = model.classify(a, call.scope);
      if (v.kind === "constant" && WEAK.test(v.value!)) return v.value!.toLowerCase();
    }
  }
  return null;
}

const MESSAGES: Record<HashContext, string> = {
  security: "{alg} protects a password, token or signature here: it is broken for that (collisions, fast brute force).",
  integrity: "{alg} is a broken hash; for a checksum or cache key, say so with `usedforsecurity=False`.",
  unknown: "{alg} is a broken hash: fine to identify data, never to protect passwords, tokens or signatures.",
};

/** Sources of random bytes: a digest of them is an identifier, with nothing to collide or reverse. */
const RANDOM_SOURCES = new Set(["os.urandom", "secrets.token_bytes", "secrets.token_hex", "secrets.token_urlsafe", "uuid.uuid4", "random.randbytes", "random.getrandbits", "secrets.randbits"]);

/** `sha1(os.urandom(16))`, `md5(uuid.uuid4().bytes)`: the data is random bytes and nothing else. */
function hashesRandomBytes(model: FileModel, call: CallSite, names: string[]): boolean {
  const data = names.includes("hashlib.new") ? argument(model, call, 1, "data") : argument(model, call, 0, "data");
  if (!data) return false;
  let inner: Node | null = data;
  // `uuid.uuid4().bytes`, `str(uuid.uuid4()).encode()`, `os.urandom(16).hex().encode()`
  while (inner && (inner.type === "attribute" || inner.type === "call")) {
    if (inner.type === "call") {
      const site = callSiteOf(model, inner);
      if (site && model.calleeNames(site).some((n) => RANDOM_SOURCES.has(n))) return true;
      const fn = inner.childForFieldName("function");
      const args = inner.childForFieldName("arguments");
      // str(x) / x.encode(): look inside
      if (fn?.type === "identifier" && model.text(fn) === "str" && args?.namedChildCount === 1) inner = args.namedChild(0);
      else inner = fn;
    } else inner = inner.childForFieldName("object");
  }
  return false;
}

const HASH_ATTRIBUTES = new Set(["digest_size", "block_size", "name"]);

function isAttributeOfEmptyHash(model: FileModel, call: CallSite): boolean {
  const parent = call.node.parent;
  if (parent?.type !== "attribute" || parent.childForFieldName("object")?.id !== call.node.id) return false;
  const attr = parent.childForFieldName("attribute");
  const args = call.node.childForFieldName("arguments");
  return !!attr && HASH_ATTRIBUTES.has(model.text(attr)) && (args?.namedChildCount ?? 0) === 0;
}

function weakHash({ model }: MatchContext<unknown>): Hit<HashContext>[] {
  const hits: Hit<HashContext>[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const last = call.lastName;
    if (last !== "md5" && last !== "sha1" && last !== "md4" && last !== "new" && last !== "openssl_md5" && last !== "openssl_sha1" && !model.importedLastNames.has(last)) continue;
    const names = model.calleeNames(call);
    const alg = weakAlgorithm(model, call, names);
    if (!alg) continue;
    const u = keywordArgument(model, call, "usedforsecurity")?.childForFieldName("value");
    if (u && model.text(u) === "False") continue;
    if (hasKwargsSplat(call)) continue;
    if (hashesRandomBytes(model, call, names)) continue;
    // `sha1().digest_size`: an attribute of an empty hash object, nothing is hashed
    if (isAttributeOfEmptyHash(model, call)) continue;
    const context = hashContext(model, call);
    // an ETag, checksum, cache key or file fingerprint identifies data: nothing to protect, not reported
    if (context === "integrity") continue;
    hits.push({
      node: call.node,
      call,
      callee: names[0],
      severity: context === "security" ? "high" : "medium",
      confidence: context === "security" ? "high" : "medium",
      message: MESSAGES[context].replace("{alg}", `\`${alg.toUpperCase()}\``),
      data: context,
    });
  }
  return hits;
}

/** md5/sha1 for a checksum or cache key → `usedforsecurity=False`; anything else is explained. */
function hashUsedForSecurity({ model, match, data: context }: FixContext<unknown, HashContext>): FixProposal | FixDecline {
  const call = match.call;
  if (!call) return { decline: "not a call" };
  if (context === "security") {
    return {
      decline: "the digest protects a password, token or signature: a faster or different hash is not the fix, a key-derivation function or an HMAC is",
      example: `# passwords: a slow, salted key-derivation function
salt = os.urandom(16)
key = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
# signatures and tokens: an HMAC with a secret key
mac = hmac.new(secret_key, message, hashlib.sha256).hexdigest()`,
    };
  }
  if (context !== "integrity") {
    return {
      decline: "nothing says what this digest is for: if it only identifies data (checksum, cache key), add `usedforsecurity=False`; if it protects anything, use SHA-256 or an HMAC",
    };
  }
  if (hasKwargsSplat(call)) return { decline: "the call takes `**kwargs`" };
  const edit = setKeyword(model, call, "usedforsecurity", "False");
  return edit ? { edits: [edit] } : { decline: "the keyword cannot be added to this call" };
}

export default defineRule({
  options: NO_OPTIONS,
  match: weakHash,
  fix: withoutSecrets(hashUsedForSecurity),
});
