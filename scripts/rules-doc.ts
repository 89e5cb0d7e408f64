/**
 * Writes docs/rules.md — every rule's reference page section — from the rule files, and rewrites the
 * rules table in README.md between `<!-- rules:start -->` and `<!-- rules:end -->` (when the markers
 * are there). The rule files are the one source: nothing here is written by hand.
 *
 *   npm run docs            regenerate (prints nothing)
 *   npm run docs -- --check exit 1 when a generated file is out of date
 */
import { writeFileSync, readFileSync, existsSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { loadRules, type Rule } from "../src/core/rules/load.js";
import { fence } from "../src/core/render.js";

const here = dirname(fileURLToPath(import.meta.url));
/** scripts/ under ts-jest, dist/scripts/ when built */
export const REPO_ROOT = existsSync(join(here, "..", "package.json")) ? join(here, "..") : join(here, "..", "..");

export const RULES_DOC = "docs/rules.md";
export const README = "README.md";
export const START_MARKER = "<!-- rules:start -->";
export const END_MARKER = "<!-- rules:end -->";

const FIX_TIERS: Record<string, string> = {
  safe: "safe — a one-click suggestion that keeps behaviour",
  review: "review — a one-click suggestion with a caveat to check",
  explain: "explain — no one-click change; the secure pattern is shown",
};

/** A table cell: no line breaks, `|` escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

function cweLink(cwe: string): string {
  return `[${cwe}](https://cwe.mitre.org/data/definitions/${cwe.slice(4)}.html)`;
}

function fixTier(rule: Rule): string {
  return rule.fix?.safety ?? "none";
}

function crossRefs(rule: Rule): string {
  return [rule.bandit ? `Bandit ${rule.bandit}` : "", rule.ruff ? `Ruff ${rule.ruff}` : ""].filter(Boolean).join(", ") || "—";
}

function ruleSection(rule: Rule): string {
  const out: string[] = [];
  out.push(`### \`${rule.id}\``, "", `**${rule.title}**`, "");
  out.push("| Category | Severity | Confidence | CWE | Bandit | Ruff | Fix |", "| --- | --- | --- | --- | --- | --- | --- |");
  out.push(
    `| ${rule.category} | ${rule.severity} | ${rule.confidence} | ${rule.cwe.map(cweLink).join(", ")} | ${rule.bandit ?? "—"} | ${rule.ruff ?? "—"} | ${fixTier(rule)} |`,
    "",
  );
  out.push(`**What it finds.** ${rule.docs.what.trim()}`, "");
  out.push(`**Why it is dangerous.** ${rule.docs.why.trim()}`, "");
  out.push(`**Instead.** ${rule.docs.instead.trim()}`, "");
  if (rule.docs.noise) out.push(`**Kept quiet on purpose.** ${rule.docs.noise.trim()}`, "");
  if (rule.fix) {
    out.push(`**Fix: ${FIX_TIERS[rule.fix.safety]}.**${rule.fix.caveat ? ` ${rule.fix.caveat.trim()}` : ""}`, "");
    if (rule.fix.example) out.push(rule.fix.safety === "explain" ? "The secure pattern:" : "The secure pattern, when no one-click fix applies:", "", fence(rule.fix.example, "python"), "");
  } else {
    out.push("**Fix:** none offered; the comment explains what to do instead.", "");
  }
  const bad = rule.examples.bad.find((b) => b.fixed !== undefined) ?? rule.examples.bad[0];
  const lines = bad.lines.length === 1 ? `line ${bad.lines[0]}` : `lines ${bad.lines.join(", ")}`;
  out.push(`Flagged (${lines}):`, "", fence(bad.code, "python"), "");
  if (bad.fixed !== undefined) out.push("After the suggested fix:", "", fence(bad.fixed, "python"), "");
  out.push("Not flagged:", "", fence(rule.examples.good[0], "python"), "");
  if (rule.docs.references.length) {
    out.push("References:", "", ...rule.docs.references.map((r) => `- <${r}>`), "");
  }
  return out.join("\n");
}

/** docs/rules.md: an index table, then one section per rule grouped by category. */
export function renderRulesDoc(rules: Rule[]): string {
  const out: string[] = [
    "# HunkGuard rules",
    "",
    "<!-- Generated from rules/**/*.yml by `npm run docs`: edit the rule files, not this page. -->",
    "",
    `${rules.length} rules. **Severity** is the harm when a finding is real; **confidence** is how sure`,
    "the match is. **Fix** is the tier of the change offered: `safe` (one-click suggestion), `review`",
    "(one-click suggestion with a caveat), `explain` (the secure pattern, shown as text).",
    "Suppress a finding with `# hunkguard: ignore[rule-id]`, `# nosec BXXX` or `# noqa: SXXX` on its line.",
    "",
    renderRulesTable(rules, ""),
    "",
  ];
  const categories = [...new Set(rules.map((r) => r.category))];
  for (const category of categories) {
    out.push(`## ${category}`, "");
    for (const rule of rules.filter((r) => r.category === category)) out.push(ruleSection(rule));
  }
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

/** The rules table (README and the top of docs/rules.md); ids link to `${linkBase}#id`. */
export function renderRulesTable(rules: Rule[], linkBase = RULES_DOC): string {
  const rows = rules.map(
    (r) => `| [\`${r.id}\`](${linkBase}#${r.id}) | ${r.severity} | ${r.category} | ${crossRefs(r)} | ${fixTier(r)} | ${cell(r.title)} |`,
  );
  return ["| Rule | Severity | Category | Bandit / Ruff | Fix | What it finds |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** README text with the block between the markers replaced, or null when the markers are missing. */
export function replaceRulesBlock(readme: string, table: string): string | null {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start === -1 || end === -1 || end < start) return null;
  return `${readme.slice(0, start + START_MARKER.length)}\n${table}\n${readme.slice(end)}`;
}

/** Every generated file with the text it should hold (README only when it has the markers). */
export async function generatedFiles(root: string = REPO_ROOT): Promise<Record<string, string>> {
  const rules = (await loadRules()).rules;
  const files: Record<string, string> = { [RULES_DOC]: renderRulesDoc(rules) };
  const readmePath = join(root, README);
  if (existsSync(readmePath)) {
    const updated = replaceRulesBlock(readFileSync(readmePath, "utf8"), renderRulesTable(rules));
    if (updated !== null) files[README] = updated;
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes("--check");
  let stale = false;
  for (const [file, text] of Object.entries(await generatedFiles())) {
    const path = join(REPO_ROOT, file);
    const current = existsSync(path) ? readFileSync(path, "utf8") : null;
    if (current === text) continue;
    if (check) {
      process.stderr.write(`${file} is out of date: run npm run docs\n`);
      stale = true;
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  process.exitCode = stale ? 1 : 0;
}
