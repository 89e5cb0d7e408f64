/**
 * `random` where the value is a secret (B311): a token, password, key, salt, nonce, OTP, reset code or
 * session id. The Mersenne Twister's output is predictable from 624 outputs; a shuffle or a game is fine.
 */
import type { CallSite, FileModel } from "../scope.js";
import type { Matcher, MatcherHit } from "./types.js";
import { hasSecurityWord, splitWords, valueContext } from "./secrets-words.js";

export const RANDOM_FUNCTIONS = new Set([
  "random", "randint", "randrange", "choice", "choices", "sample", "getrandbits", "randbytes", "uniform", "shuffle",
]);

/** Targets that take a random number without it being the secret: `length = random.randint(8, 12)`. */
const NOT_THE_SECRET = new Set([
  "length", "len", "count", "n", "num", "size", "delay", "sleep", "timeout", "wait", "jitter", "backoff", "idx",
  "index", "i", "j", "k", "retry", "retries", "attempt", "attempts", "port", "color", "colour", "weight", "ttl",
]);

/** The dotted name of a `random` call (`random.choice`, `random.Random().choice`), or null. */
export function randomCallee(model: FileModel, call: CallSite): string | null {
  for (const q of model.calleeNames(call)) {
    const m = /^random\.(?:Random\(\)\.)?([a-z]+)$/.exec(q);
    if (m && RANDOM_FUNCTIONS.has(m[1])) return q;
  }
  return null;
}

/** The names that say what a random value is used for, or null when nothing says it is a secret. */
export function secretUse(model: FileModel, call: CallSite): string | null {
  const ctx = valueContext(model, call.node);
  for (const t of ctx.targets) {
    const words = splitWords(t);
    if (words.length && words.every((w) => NOT_THE_SECRET.has(w))) return null;
    if (words.length && NOT_THE_SECRET.has(words[words.length - 1])) return null;
  }
  for (const t of ctx.targets) if (hasSecurityWord(splitWords(t))) return t;
  if (ctx.returnedFrom && hasSecurityWord(splitWords(ctx.returnedFrom))) return ctx.returnedFrom;
  // `def make_token(): chars = [random.choice(...) ...]` — the function builds a secret, the value is unnamed
  if (!ctx.targets.length && ctx.functionName && hasSecurityWord(splitWords(ctx.functionName))) return ctx.functionName;
  return null;
}

export const randomSecret: Matcher = ({ model, rule }) => {
  const hits: MatcherHit[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    if (!RANDOM_FUNCTIONS.has(call.lastName) && !model.importedLastNames.has(call.lastName)) continue;
    const callee = randomCallee(model, call);
    if (!callee) continue;
    const use = secretUse(model, call);
    if (!use) continue;
    hits.push({
      node: call.node,
      call,
      callee,
      message: rule.message.replace("{callee}", callee).replace("{use}", use),
      data: { use },
    });
  }
  return hits;
};
