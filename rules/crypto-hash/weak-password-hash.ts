/**
 * Passwords stored with a fast hash: `hashlib.sha256(password.encode())` (also sha224/384/512,
 * blake2, sha3, salted or not), Django's `make_password(raw, hasher="unsalted_md5")`, and a
 * `PASSWORD_HASHERS` list that puts an MD5, SHA-1, unsalted or crypt hasher first. md5/sha1 of a
 * password are `weak-hash`'s (reported there as a security use).
 */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { walk, type Node } from "../../src/core/python.js";
import type { CallSite, FileModel } from "../../src/core/scope.js";
import type { Hit } from "../../src/core/types.js";
import { argument, keywordArgument } from "../../src/core/args.js";
import { constantString, splitWords } from "../../src/core/lib/words.js";

const FAST = /^(?:sha(?:224|256|384|512)|sha512_(?:224|256)|sha3_(?:224|256|384|512)|blake2[bs])$/;
const PASSWORD_WORDS = new Set(["password", "passwd", "pwd", "passphrase", "pw", "passw", "pword"]);
const WEAK_DJANGO_HASHER = /(?:MD5|SHA1|Unsalted\w*|Crypt)PasswordHasher$/;
const WEAK_HASHER_NAMES = new Set(["md5", "sha1", "unsalted_md5", "unsalted_sha1", "crypt"]);

/** Whether the data hashed names a password: `password.encode()`, `salt + pw`, `f"{user.password}"`. */
function hashesPassword(model: FileModel, data: Node): boolean {
  let budget = 80;
  for (const d of walk(data)) {
    if (budget-- <= 0) break;
    if (d.type !== "identifier") continue;
    const words = splitWords(model.text(d));
    if (words.some((w) => PASSWORD_WORDS.has(w)) && !words.some((w) => w === "hash" || w === "hashed" || w === "reset" || w === "field")) return true;
  }
  return false;
}

function fastAlgorithm(model: FileModel, call: CallSite, names: string[]): string | null {
  for (const q of names) {
    const m = /^hashlib\.(\w+)$/.exec(q);
    if (!m) continue;
    if (FAST.test(m[1])) return m[1];
    if (m[1] === "new") {
      const a = argument(model, call, 0, "name");
      const v = a ? constantString(model, a) : null;
      if (v && FAST.test(v.toLowerCase().replace("-", ""))) return v.toLowerCase();
    }
  }
  return null;
}

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model }) => {
    const hits: Hit<undefined>[] = [];
    for (const call of model.calls) {
      if (!model.inFocus(call.start)) continue;
      const last = model.calleeLastName(call);
      if (last === "make_password") {
        if (!model.calleeNames(call).includes("django.contrib.auth.hashers.make_password")) continue;
        const h = argument(model, call, 2, "hasher");
        const v = h ? constantString(model, h) : null;
        if (v && WEAK_HASHER_NAMES.has(v)) {
          hits.push({ node: call.node, call, callee: "make_password", severity: "high", message: `\`make_password\` with the \`${v}\` hasher stores passwords as a fast${v.startsWith("unsalted") ? ", unsalted" : ""} hash: a leaked table is cracked in hours.` });
        }
        continue;
      }
      if (!FAST.test(last) && last !== "new" && !model.importedLastNames.has(last)) continue;
      const names = model.calleeNames(call);
      const alg = fastAlgorithm(model, call, names);
      if (!alg) continue;
      const data = names.includes("hashlib.new") ? argument(model, call, 1, "data") : argument(model, call, 0, "data");
      if (!data || !hashesPassword(model, data)) continue;
      hits.push({
        node: call.node,
        call,
        callee: names[0],
        message: `A password hashed with one round of \`${alg.toUpperCase()}\`: fast hashes are brute-forced at billions of guesses per second, salted or not.`,
      });
    }
    // Django: PASSWORD_HASHERS = ["…MD5PasswordHasher", …] — the first hasher hashes every new password
    for (const a of model.source.includes("PASSWORD_HASHERS") ? model.assignments : []) {
      const left = a.left;
      const right = a.right;
      if (!left || !right || model.text(left) !== "PASSWORD_HASHERS" || (right.type !== "list" && right.type !== "tuple")) continue;
      const first = right.namedChildren.find((c) => c.type !== "comment");
      const v = first ? constantString(model, first) : null;
      if (!first || !v || !WEAK_DJANGO_HASHER.test(v) || !model.inFocus(first.startIndex)) continue;
      hits.push({ node: first, severity: "high", message: `\`${v.slice(v.lastIndexOf(".") + 1)}\` is listed first in \`PASSWORD_HASHERS\`: Django hashes every new password with it.` });
    }
    return hits;
  },
});
