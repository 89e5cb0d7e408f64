/** Named matchers for the secrets area: hard-coded secrets, secret comparison, SQL, hashes, random, temp files. */
import type { Matcher } from "./types.js";
import { hardcodedSecret, hardcodedToken } from "./secrets-hardcoded.js";
import { secretCompare } from "./secrets-compare.js";
import { sqlBuilt } from "./secrets-sql.js";
import { weakHash } from "./secrets-hash.js";
import { randomSecret } from "./secrets-random.js";
import { hardcodedTmp } from "./secrets-tempfile.js";

export const MATCHERS: Record<string, Matcher> = {
  "hardcoded-secret": hardcodedSecret,
  "hardcoded-token": hardcodedToken,
  "secret-compare": secretCompare,
  "sql-built": sqlBuilt,
  "weak-hash": weakHash,
  "random-secret": randomSecret,
  "hardcoded-tmp": hardcodedTmp,
};
