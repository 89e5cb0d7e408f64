/** A string literal stored under a secret's name (argument form). */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { hardcodedSecrets } from "../../src/core/lib/secrets.js";

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model, rule }) => hardcodedSecrets(model, "argument", rule.message),
});
