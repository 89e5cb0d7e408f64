/**
 * Part of `npm run build`: the rule and model files parsed and validated once, written to
 * dist/rules/compiled.json, so a run loads them without YAML parsing or schema checks (start-up).
 * A file edited after the build is parsed at load time as before (each entry carries its text's hash).
 */
import { writeCompiledRules } from "../src/core/rules/load.js";

const n = await writeCompiledRules();
if (process.argv.includes("--verbose")) console.log(`compiled ${n} rule and model files`);
