/** A string literal stored under a secret's name (string form); the fix reads it from the environment. */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { hardcodedSecrets, hardcodedSecretFix, withoutSecrets } from "../../src/core/lib/secrets.js";

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model, rule }) => hardcodedSecrets(model, "string", rule.message),
  fix: withoutSecrets(hardcodedSecretFix),
});
