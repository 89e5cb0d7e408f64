/**
 * `hunkguard rules`: the rule catalogue, as a table or JSON.
 */
import type { Rule } from "../../core/rules/load.js";
import { plural, type Paint } from "../output/text.js";

function fixTier(rule: Rule): string {
  return rule.fix ? rule.fix.safety : "none";
}

export function rulesJson(rules: Rule[]): Record<string, unknown> {
  return {
    version: 1,
    rules: rules.map((r) => ({
      id: r.id,
      title: r.title,
      category: r.category,
      severity: r.severity,
      confidence: r.confidence,
      cwe: r.cwe,
      bandit: r.bandit ?? null,
      ruff: r.ruff ?? null,
      fix: fixTier(r),
    })),
  };
}

export function rulesText(rules: Rule[], p: Paint): string {
  const rows = rules.map((r) => [r.id, r.severity, r.category, [r.bandit, r.ruff].filter(Boolean).join(" ") || "-", fixTier(r), r.title]);
  const header = ["RULE", "SEVERITY", "CATEGORY", "BANDIT/RUFF", "FIX", "TITLE"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [p.bold(line(header)), ...rows.map(line), "", `${plural(rules.length, "rule")}.`, ""].join("\n");
}
