/**
 * md5/sha1 from hashlib (B324): where the digest goes decides how bad it is and what the fix is.
 * A checksum, ETag or cache key only needs `usedforsecurity=False`; a password, token or signature
 * needs a KDF or an HMAC.
 */
import { walk } from "../python.js";
import type { CallSite, FileModel } from "../scope.js";
import type { Matcher, MatcherHit } from "./types.js";
import { argumentAt as argument, keywordNode as keywordArgument, hasDoubleStar as hasKwargsSplat } from "./secrets-args.js";
import { hasSecurityWord, splitWords, valueContext } from "./secrets-words.js";

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

export const weakHash: Matcher = ({ model }) => {
  const hits: MatcherHit[] = [];
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
    const context = hashContext(model, call);
    hits.push({
      node: call.node,
      call,
      callee: names[0],
      severity: context === "security" ? "high" : context === "integrity" ? "low" : "medium",
      confidence: context === "security" ? "high" : "medium",
      message: MESSAGES[context].replace("{alg}", `\`${alg.toUpperCase()}\``),
      data: { context },
    });
  }
  return hits;
};
