/** The fix for a `verify_signature: False` override (matched by the rule file): drop it. */
import type { FixContext, FixDecline, FixProposal } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument } from "../../src/core/args.js";
import { removeArgument } from "../../src/core/lib/edits.js";
import { withoutSecrets } from "../../src/core/lib/secrets.js";

/** jwt.decode(token, key, algorithms=[...], options={"verify_signature": False}) → without the override. */
function jwtDropOverride({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call = match.call;
  if (!call) return { decline: "not a call" };
  const options = keywordArgument(model, call, "options");
  const dict = options?.childForFieldName("value");
  if (!options || !dict || dict.type !== "dictionary") return { decline: "the options are not a dict literal" };
  const key = argument(model, call, 1, "key");
  const algorithms = keywordArgument(model, call, "algorithms") ?? argument(model, call, 2);
  if (!key || !algorithms) {
    return { decline: "without the verification key and `algorithms`, dropping the override would make every decode fail: pass the key and the algorithms you issue" };
  }
  const pairs = dict.namedChildren.filter((c) => c.type === "pair");
  const target = pairs.find((p) => {
    const k = p.childForFieldName("key");
    return k && k.type === "string" && /^["']verify_signature["']$/.test(model.text(k));
  });
  if (!target) return { decline: "the override is not a literal `verify_signature` key" };
  return { edits: [removeArgument(model, pairs.length === 1 ? options : target)] };
}

export default defineRule({
  options: NO_OPTIONS,
  fix: withoutSecrets(jwtDropOverride),
});
