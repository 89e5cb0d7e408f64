/** The fix (the rule file finds the secret): read the value from the environment, or make a password default `None`. */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { hardcodedSecretFix, withoutSecrets } from "../../src/core/lib/secrets.js";

export default defineRule({
  options: NO_OPTIONS,
  fix: withoutSecrets(hardcodedSecretFix),
});
