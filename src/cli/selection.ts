/**
 * Which rules run and which findings are reported: --select/--ignore by HunkGuard rule id, Bandit
 * id (B301) or Ruff id (S301), on top of the repo config's disable_rules/enable_rules/
 * disable_categories; --exclude globs on top of the config's include/exclude; --min-confidence.
 */
import { compileGlob, pathSelector, ruleFilter, type RepoConfig } from "../core/config.js";
import type { Rule } from "../core/rules/load.js";
import type { Finding } from "../core/finding.js";
import { UsageError } from "./io.js";

/** Whether `id` names the rule: its id, its Bandit id or its Ruff id (those two in any case). */
export function namesRule(rule: Rule, id: string): boolean {
  const upper = id.toUpperCase();
  return rule.id === id || rule.bandit?.toUpperCase() === upper || rule.ruff?.toUpperCase() === upper;
}

/**
 * The rules that run: the config's choice, narrowed by --select (when given) and --ignore. An id
 * that names no rule is a usage error (a typo must not silently select nothing).
 */
export function ruleSelection(rules: Rule[], config: RepoConfig, select: string[], ignore: string[]): (rule: Rule) => boolean {
  for (const id of [...select, ...ignore]) {
    if (!rules.some((r) => namesRule(r, id))) throw new UsageError(`no rule has the id "${id}" (see hunkguard rules)`);
  }
  const byConfig = ruleFilter(config);
  return (rule) =>
    byConfig(rule) && (select.length === 0 || select.some((id) => namesRule(rule, id))) && !ignore.some((id) => namesRule(rule, id));
}

/** Whether a path (relative to the repository root, `/` separators) is scanned: the config's globs and --exclude. */
export function pathFilter(config: RepoConfig, exclude: string[]): (repoPath: string) => boolean {
  const byConfig = pathSelector(config);
  const extra = exclude.map((g) => compileGlob(g.replace(/^\.\//, "").replace(/\/$/, "/**")));
  return (path) => byConfig(path) && !extra.some((g) => g.test(path));
}

const CONFIDENCE_RANK = { low: 1, medium: 2, high: 3 } as const;

/** Findings at or above the confidence; the others counted. */
export function byConfidence(findings: Finding[], min: keyof typeof CONFIDENCE_RANK | undefined): { kept: Finding[]; dropped: number } {
  if (!min) return { kept: findings, dropped: 0 };
  const kept = findings.filter((f) => (CONFIDENCE_RANK[f.confidence as keyof typeof CONFIDENCE_RANK] ?? 3) >= CONFIDENCE_RANK[min]);
  return { kept, dropped: findings.length - kept.length };
}
