/** A cipher string that switches on suites without authentication, encryption or strength (`set_ciphers("ALL")`, `RC4`, `@SECLEVEL=0`). */
import type { Node } from "../../src/core/python.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument } from "../../src/core/args.js";
import { importsModule } from "../../src/core/lib/imports.js";

/** OpenSSL cipher-string words for suites that are broken, export-grade or unauthenticated. */
const WEAK = new Map<string, string>([
  ["NULL", "suites without encryption"], ["ENULL", "suites without encryption"],
  ["ANULL", "anonymous suites (no server authentication)"], ["ADH", "anonymous suites (no server authentication)"],
  ["AECDH", "anonymous suites (no server authentication)"], ["EXPORT", "export-grade suites"], ["EXP", "export-grade suites"],
  ["LOW", "low-strength suites"], ["DES", "DES suites"], ["3DES", "3DES suites (Sweet32)"], ["RC4", "RC4 suites"],
  ["RC2", "RC2 suites"], ["MD5", "suites with MD5 MACs"], ["IDEA", "IDEA suites"], ["SEED", "SEED suites"],
]);

/** What a cipher string switches on that it should not, or null. Words after `!` or `-` are removals. */
export function weakCipherChoice(spec: string): string | null {
  if (/@SECLEVEL\s*=\s*0\b/i.test(spec)) return "`@SECLEVEL=0` (every suite OpenSSL still has, however weak)";
  const words = spec.split(/[:, ]+/).filter(Boolean);
  const removed = new Set(words.filter((w) => w.startsWith("!") || w.startsWith("-")).map((w) => w.slice(1).toUpperCase()));
  for (const w of words) {
    if (w.startsWith("!") || w.startsWith("-") || w.startsWith("@")) continue;
    // `RC4+RSA` combines words; `DES-CBC3-SHA` names one suite by its parts
    const parts = w.replace(/^\+/, "").toUpperCase().split(/[+-]/);
    for (const p of parts) {
      const why = WEAK.get(p);
      if (why && !removed.has(p)) return `\`${p}\` (${why})`;
    }
    // ALL and COMPLEMENTOFALL include the anonymous suites unless they are taken out
    if ((parts[0] === "ALL" || parts[0] === "COMPLEMENTOFALL") && !removed.has("ANULL") && !removed.has("ADH")) return `\`${parts[0]}\` without \`!aNULL\` (anonymous suites: no server authentication)`;
  }
  return null;
}

const METHODS = new Set(["set_ciphers", "set_cipher_list"]);
const CIPHER_KEYWORD_CALLS = /^(ssl\.wrap_socket|ssl\.SSLContext\(\)\.wrap_socket|urllib3\.util\.ssl_\.create_urllib3_context|urllib3\.util\.create_urllib3_context|urllib3\.util\.ssl_\.ssl_wrap_socket|requests\.packages\.urllib3\.util\.ssl_\.create_urllib3_context)$/;

function constantText(model: MatchContext<unknown>["model"], n: Node | null, scope: Parameters<MatchContext<unknown>["model"]["classify"]>[1]): string | null {
  if (!n) return null;
  const v = model.classify(n, scope);
  return v.kind === "constant" ? v.value! : null;
}

function weakCiphers({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  if (!/set_ciphers|set_cipher_list|ciphers\s*=/.test(model.source)) return hits;
  if (!importsModule(model, ["ssl", "OpenSSL", "urllib3", "requests", "pyOpenSSL"])) return hits;
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    let spec: Node | null = null;
    if (METHODS.has(call.lastName) && call.fnType === "attribute") spec = argument(model, call, 0, call.lastName === "set_ciphers" ? "ciphers" : "cipher_list");
    else if (model.calleeNames(call).some((q) => CIPHER_KEYWORD_CALLS.test(q))) spec = argument(model, call, undefined, "ciphers");
    const text = constantText(model, spec, call.scope);
    if (text === null) continue;
    const weak = weakCipherChoice(text);
    if (!weak) continue;
    hits.push({ node: call.node, call, callee: model.text(call.fn), message: `This cipher string switches on ${weak}: a man in the middle can force the connection onto it.` });
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: weakCiphers,
});
