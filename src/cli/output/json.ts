/**
 * `--format json`: one object, the contract documented in README.md ("JSON output"). Keys are only
 * ever added, never renamed or removed, while `version` stays 1.
 */
import { notAnalysed } from "../../core/report.js";
import type { Finding, Fix } from "../../core/finding.js";
import type { Run } from "../run.js";

/** A fix as documented: replacement for safe/review, example for explain; extra keys only when set. */
function fixJson(fix: Fix | null): Record<string, unknown> | null {
  if (!fix) return null;
  const out: Record<string, unknown> = { safety: fix.safety, startLine: fix.startLine, endLine: fix.endLine };
  if (fix.safety === "explain") out.example = fix.example ?? null;
  else out.replacement = fix.replacement ?? null;
  if (fix.caveat) out.caveat = fix.caveat;
  if (fix.companion) out.companion = fix.companion;
  if (fix.withheld) out.withheld = fix.withheld;
  return out;
}

/** The documented keys, in the documented order; `title` and `source` follow. */
export function findingJson(f: Finding): Record<string, unknown> {
  return {
    rule: f.rule,
    category: f.category,
    severity: f.severity,
    confidence: f.confidence,
    path: f.path,
    line: f.line,
    endLine: f.endLine,
    column: f.column,
    endColumn: f.endColumn,
    message: f.message,
    cwe: f.cwe,
    bandit: f.bandit ?? null,
    ruff: f.ruff ?? null,
    fingerprint: f.fingerprint,
    fix: fixJson(f.fix),
    title: f.title,
    ...(f.source ? { source: f.source } : {}),
  };
}

export function reportJson(run: Run): Record<string, unknown> {
  const r = run.report;
  return {
    version: r.version,
    files: r.files,
    lines: r.lines,
    findings: r.findings.map(findingJson),
    skipped: r.skipped,
    unanalysed: notAnalysed(r),
    tally: { ...r.tally, belowSeverity: run.belowSeverity, belowConfidence: run.belowConfidence, baselined: run.baselined },
  };
}
