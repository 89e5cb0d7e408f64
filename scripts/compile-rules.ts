/**
 * Part of `npm run build`: the rule and model files parsed and validated once, written to
 * dist/rules/compiled.json, so a run loads them without YAML parsing or schema checks (start-up).
 * A file edited after the build is parsed at load time as before (each entry carries its text's hash).
 */
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { writeCompiledRules } from "../src/core/rules/load.js";
import { writeRuleBundle } from "../src/core/rules/bundle.js";

const n = await writeCompiledRules();
// dist/scripts/compile-rules.js → dist/rules
const bundled = writeRuleBundle(join(dirname(fileURLToPath(import.meta.url)), "..", "rules"));
if (process.argv.includes("--verbose")) console.log(`compiled ${n} rule and model files; bundled ${bundled} rule code modules`);
