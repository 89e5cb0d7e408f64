/** `random` where the value is a secret (B311); the fix uses `secrets` or `random.SystemRandom()`. */
import type { Node } from "../../src/core/python.js";
import type { CallSite, FileModel } from "../../src/core/scope.js";
import type { Edit, FixContext, FixDecline, FixProposal, Hit } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { hasSecurityWord, splitWords, valueContext } from "../../src/core/lib/words.js";
import { withoutSecrets } from "../../src/core/lib/secrets.js";

export const RANDOM_FUNCTIONS = new Set([
  "random", "randint", "randrange", "choice", "choices", "sample", "getrandbits", "randbytes", "uniform", "shuffle",
]);

/** Targets that take a random number without it being the secret: `length = random.randint(8, 12)`. */
const NOT_THE_SECRET = new Set([
  "length", "len", "count", "n", "num", "size", "delay", "sleep", "timeout", "wait", "jitter", "backoff", "idx",
  "index", "i", "j", "k", "retry", "retries", "attempt", "attempts", "port", "color", "colour", "weight", "ttl",
]);

/** Targets that name a code without saying what for: secret when the function or the shape says so. */
const GENERIC_CODE = new Set(["code", "pin", "value", "digits"]);

/** `randint(100000, 999999)`, `randrange(0, 10**6)`, `randint(0, 9999)`: the range of a 4-8 digit code. */
function otpShaped(model: FileModel, call: CallSite): boolean {
  if (!/(?:^|\.)(?:randint|randrange)$/.test(model.calleeNames(call)[0] ?? "")) return false;
  const args = call.args?.namedChildren.filter((a) => a.type !== "comment") ?? [];
  if (args.length !== 2) return false;
  const bound = (n: Node): number | null => {
    const t = model.text(n).replace(/_/g, "");
    const pow = /^10\s*\*\*\s*(\d)$/.exec(t);
    if (pow) return 10 ** Number(pow[1]);
    return /^\d{1,9}$/.test(t) ? Number(t) : null;
  };
  const lo = bound(args[0]);
  const hi = bound(args[1]);
  if (lo === null || hi === null) return false;
  for (let k = 4; k <= 8; k++) {
    const top = 10 ** k;
    if ((lo === top / 10 || lo === 0) && (hi === top - 1 || hi === top)) return true;
  }
  return false;
}

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
  // `code = str(random.randint(100000, 999999))`: a 4-8 digit range is a one-time code's shape
  const generic = ctx.targets.some((t) => GENERIC_CODE.has(t.toLowerCase()));
  if (otpShaped(model, call) && (generic || (!ctx.targets.length && !ctx.returnedFrom))) return ctx.targets[0] ?? "a one-time code";
  // `code = …` in `def forgot():` — a generic target in a function about a secret
  if (ctx.functionName && hasSecurityWord(splitWords(ctx.functionName)) && generic) return ctx.functionName;
  if (ctx.returnedFrom && hasSecurityWord(splitWords(ctx.returnedFrom))) return ctx.returnedFrom;
  // `def make_token(): chars = [random.choice(...) ...]` — the function builds a secret, the value is unnamed
  if (!ctx.targets.length && ctx.functionName && hasSecurityWord(splitWords(ctx.functionName))) return ctx.functionName;
  return null;
}

/** `random` calls whose value is a secret; `message` may hold `{callee}` and `{use}`. */
function randomSecrets(model: FileModel, message: string): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
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
      message: message.replace("{callee}", callee).replace("{use}", use),
    });
  }
  return hits;
}

/** Parents in which `a + b` can replace a call without parentheses. */
const SUM_SAFE = new Set([
  "assignment", "augmented_assignment", "return_statement", "argument_list", "keyword_argument", "expression_statement",
  "parenthesized_expression", "list", "tuple", "set", "pair", "interpolation", "expression_list", "comparison_operator",
  "boolean_operator", "conditional_expression", "generator_expression", "list_comprehension", "set_comprehension",
]);

function intLiteral(model: { text(n: Node): string }, n: Node | null): number | null {
  if (!n || n.type !== "integer") return null;
  const t = model.text(n).replace(/_/g, "");
  return /^\d+$/.test(t) && t.length < 16 ? Number(t) : null;
}

/** random.X(...) in a secret's context → `secrets.*` when imported, else `random.SystemRandom().X(...)`. */
function randomSecure({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call = match.call;
  const callee = match.callee ?? "";
  if (!call) return { decline: "not a call" };
  if (callee.includes("Random()")) {
    return { decline: "a `random.Random` instance: create it as `random.SystemRandom()` instead, or use `secrets`" };
  }
  const fnName = callee.slice(callee.lastIndexOf(".") + 1);
  const at = call.node.startIndex;
  const s = model.importedAs("secrets", call.scope, at);
  const secretsCaveat = "`secrets` draws from the operating system and cannot be seeded: runs are no longer reproducible.";
  const replaceFn = (text: string): Edit => ({ start: call.fn.startIndex, end: call.fn.endIndex, text });
  const args = (call.args?.namedChildren ?? []).filter((a) => a.type !== "comment");
  const positional = args.every((a) => a.type !== "keyword_argument" && !a.type.endsWith("splat"));
  if (s && positional) {
    const sum = (low: number, span: string): FixProposal => {
      let text = low === 0 ? `${s}.randbelow(${span})` : `${low} + ${s}.randbelow(${span})`;
      if (low !== 0 && call.node.parent && !SUM_SAFE.has(call.node.parent.type)) text = `(${text})`;
      return { edits: [{ start: call.node.startIndex, end: call.node.endIndex, text }], caveat: secretsCaveat };
    };
    if (fnName === "choice" && args.length === 1) return { edits: [replaceFn(`${s}.choice`)], caveat: secretsCaveat };
    if (fnName === "getrandbits" && args.length === 1) return { edits: [replaceFn(`${s}.randbits`)], caveat: secretsCaveat };
    if (fnName === "randbytes" && args.length === 1) return { edits: [replaceFn(`${s}.token_bytes`)], caveat: secretsCaveat };
    if (fnName === "randint" && args.length === 2) {
      const a = intLiteral(model, args[0]);
      const b = intLiteral(model, args[1]);
      if (a !== null && b !== null && b >= a) return sum(a, String(b - a + 1));
    }
    if (fnName === "randrange" && args.length === 1) return { edits: [replaceFn(`${s}.randbelow`)], caveat: secretsCaveat };
    if (fnName === "randrange" && args.length === 2) {
      const a = intLiteral(model, args[0]);
      const b = intLiteral(model, args[1]);
      if (a !== null && b !== null && b > a) return sum(a, String(b - a));
    }
  }
  const caveat = "`random.SystemRandom` draws from the operating system and ignores `seed()`: runs are no longer reproducible.";
  const r = model.importedAs("random", call.scope, at);
  if (r) return { edits: [replaceFn(`${r}.SystemRandom().${fnName}`)], caveat };
  const sysRandom = model.importedAs("random.SystemRandom", call.scope, at);
  if (sysRandom) return { edits: [replaceFn(`${sysRandom}().${fnName}`)], caveat };
  return {
    decline: "the file imports neither `random` nor `secrets` as a module",
    example: "import secrets\ntoken = secrets.token_urlsafe(32)\ncode = secrets.randbelow(1_000_000)",
  };
}

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model, rule }) => randomSecrets(model, rule.message),
  fix: withoutSecrets(randomSecure),
});
