/**
 * `jwt.decode(..., options=...)` turning a check off where the dict is held in a variable
 * (`options=NO_VERIFY`, `opts = {...}; decode(options=opts)`), or turning off the expiry, audience,
 * issuer or not-before checks inline. An inline `{"verify_signature": False}` is
 * `jwt-signature-unverified`'s. Also python-jose's `get_unverified_claims`.
 */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import type { Node } from "../../src/core/python.js";
import type { CallSite, FileModel } from "../../src/core/scope.js";
import type { Hit } from "../../src/core/types.js";
import { keywordArgument } from "../../src/core/args.js";
import { constantString } from "../../src/core/lib/words.js";

const DECODE = new Set(["jwt.decode", "jwt.api_jwt.decode", "jwt.PyJWT().decode", "jose.jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode_complete"]);
const UNVERIFIED = new Set(["jose.jwt.get_unverified_claims"]);
const CHECKS: Record<string, string> = {
  verify_signature: "the signature check",
  verify_exp: "the expiry check (stolen tokens never expire)",
  verify_aud: "the audience check",
  verify_iss: "the issuer check",
  verify_nbf: "the not-before check",
  verify_iat: "the issued-at check",
};

/** The dict literal an `options=` value is: written there, or bound once to the name it passes. */
function optionsDict(model: FileModel, call: CallSite, value: Node): { dict: Node; held: boolean } | null {
  if (value.type === "dictionary") return { dict: value, held: false };
  if (value.type !== "identifier") return null;
  const found = model.lookup(model.text(value), call.scope, value.startIndex);
  if (!found || found.binding.kind !== "local" || found.binding.augmented) return null;
  const all = found.scope.bindings.get(model.text(value));
  if (!all || all.length !== 1) return null;
  const v = found.binding.value;
  return v && v.type === "dictionary" ? { dict: v, held: true } : null;
}

/** The checks a dict literal switches off: `"verify_exp": False`. */
function checksOff(model: FileModel, dict: Node): string[] {
  const off: string[] = [];
  for (const pair of dict.namedChildren) {
    if (pair.type !== "pair") continue;
    const k = pair.childForFieldName("key");
    const v = pair.childForFieldName("value");
    if (!k || !v || k.type !== "string" || v.type !== "false") continue;
    const key = constantString(model, k);
    if (key && key in CHECKS) off.push(key);
  }
  return off;
}

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model }) => {
    const hits: Hit<undefined>[] = [];
    for (const call of model.calls) {
      if (call.lastName !== "decode" && call.lastName !== "decode_complete" && call.lastName !== "get_unverified_claims") continue;
      const names = model.calleeNames(call);
      const callee = names.find((n) => DECODE.has(n) || UNVERIFIED.has(n));
      if (!callee) continue;
      if (UNVERIFIED.has(callee)) {
        hits.push({ node: call.node, call, callee, message: `\`${callee}\` reads a token's claims without checking its signature: anyone can write the claims they want.` });
        continue;
      }
      const kw = keywordArgument(model, call, "options");
      const value = kw?.childForFieldName("value");
      if (!value) continue;
      const found = optionsDict(model, call, value);
      if (!found) continue;
      let off = checksOff(model, found.dict);
      // inline verify_signature is jwt-signature-unverified's
      if (!found.held) off = off.filter((k) => k !== "verify_signature");
      if (!off.length) continue;
      const what = off.map((k) => CHECKS[k]).join(", ");
      hits.push({
        node: call.node,
        call,
        callee,
        severity: off.includes("verify_signature") ? "high" : undefined,
        confidence: "high",
        message: `\`${callee}\` is called with options that turn off ${what}${found.held ? " (the options are held in a variable)" : ""}: tokens that should be refused are accepted.`,
      });
    }
    return hits;
  },
});
