/** Fix builders for the secrets area. */
import type { FixBuilder } from "./types.js";
import { hardcodedSecretFix, withoutSecrets } from "./secrets-hardcoded.js";
import { secretCompareFix } from "./secrets-compare.js";
import { sqlParametersFix } from "./secrets-sql.js";
import { jwtDropOverride, hashUsedForSecurity, randomSecure, mktempSecure } from "./secrets-misc.js";

const builders: Record<string, FixBuilder> = {
  "hardcoded-secret-env": hardcodedSecretFix,
  "secret-compare-digest": secretCompareFix,
  "sql-parameters": sqlParametersFix,
  "jwt-drop-verify-override": jwtDropOverride,
  "hash-usedforsecurity": hashUsedForSecurity,
  "random-secure": randomSecure,
  "mktemp-secure": mktempSecure,
};

/** Every builder of the area declines when its suggestion would repeat a hard-coded secret. */
export const BUILDERS: Record<string, FixBuilder> = Object.fromEntries(
  Object.entries(builders).map(([name, b]) => [name, withoutSecrets(b)]),
);
