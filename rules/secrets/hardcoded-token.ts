/** Well-known credential formats anywhere in the file; the fix reads the value from the environment. */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { hardcodedTokens, hardcodedSecretFix, withoutSecrets } from "../../src/core/lib/secrets.js";

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model, rule }) => hardcodedTokens(model, rule.message),
  fix: withoutSecrets(hardcodedSecretFix),
});
