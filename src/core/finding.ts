/**
 * The one record that travels through every stage: match → suppress → filter → fix → render → post.
 * Lines and columns are 1-based; columns count UTF-16 code units like JavaScript strings.
 */
import type { Severity, Finding, Tally } from "./types.js";

export type { Severity, Confidence, FixSafety, Edit, Fix, Finding, SkippedFile, Tally } from "./types.js";

export const SEVERITY_RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

export function emptyTally(): Tally {
  return { suppressed: 0, outsideDiff: 0, partiallyParsed: [], ruleFailures: [], withheldFixes: [], incomplete: [] };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.path.localeCompare(b.path) ||
    a.line - b.line ||
    a.column - b.column ||
    a.rule.localeCompare(b.rule)
  );
}

export function bySeverityThenPlace(a: Finding, b: Finding): number {
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || compareFindings(a, b);
}
