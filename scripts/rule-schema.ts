/**
 * Writes rules/rule.schema.json and config.schema.json from the zod schemas (the one source of truth),
 * for editors: `# yaml-language-server: $schema=../rule.schema.json` at the top of a rule file.
 * `--check` exits 1 when the files on disk are out of date.
 */
import { writeFileSync, readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { RuleFile } from "../src/core/rules/schema.js";
import { CONFIG_KEYS } from "../src/core/config-schema.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const repoRoot = existsSync(join(root, "package.json")) ? root : join(root, "..");

export function schemas(): Record<string, string> {
  const rule = z.toJSONSchema(RuleFile, { unrepresentable: "any", io: "input" });
  const config = z.toJSONSchema(z.object(CONFIG_KEYS).partial().strict(), { unrepresentable: "any", io: "input" });
  return {
    "rules/rule.schema.json": JSON.stringify({ title: "HunkGuard rule file", ...rule }, null, 2) + "\n",
    "docs/hunkguard.schema.json": JSON.stringify({ title: ".github/hunkguard.yml", ...config }, null, 2) + "\n",
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes("--check");
  let stale = false;
  for (const [file, text] of Object.entries(schemas())) {
    const path = join(repoRoot, file);
    if (check) {
      if (!existsSync(path) || readFileSync(path, "utf8") !== text) {
        console.error(`${file} is out of date: run npm run schema`);
        stale = true;
      }
    } else writeFileSync(path, text);
  }
  process.exit(stale ? 1 : 0);
}
