/**
 * The one record that travels through every stage: match → suppress → filter → fix → render → post.
 * Lines and columns are 1-based; columns count UTF-16 code units like JavaScript strings.
 */
export type Severity = "high" | "medium" | "low";
export type Confidence = "high" | "medium" | "low";
export type FixSafety = "safe" | "review" | "explain";

export const SEVERITY_RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

/** A byte-range edit on the original text (offsets are JavaScript string indices). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  safety: FixSafety;
  /** Lines the suggestion replaces (inclusive). For `explain` the flagged statement. */
  startLine: number;
  endLine: number;
  /** Full text of lines startLine..endLine after the fix — exactly the suggestion block. */
  replacement?: string;
  /** One-line caveat shown with a `review` suggestion. */
  caveat?: string;
  /** The secure pattern as plain code (explain tier, or a withheld fix shown as text). */
  example?: string;
  /** An extra suggestion on other lines that belongs with this one (an import the fix needs). */
  companion?: { startLine: number; endLine: number; replacement: string; note: string };
  /** Why a one-click fix was not offered although the rule has one (validation failed, …). */
  withheld?: string;
}

export interface Finding {
  rule: string;
  title: string;
  category: string;
  severity: Severity;
  confidence: Confidence;
  path: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  /** First and last line of the statement holding the finding (compound statements: up to the finding). */
  statementLine: number;
  statementEndLine: number;
  message: string;
  cwe: string[];
  bandit?: string;
  ruff?: string;
  fingerprint: string;
  fix: Fix | null;
  /** Where an untrusted value came from, when taint tracking raised the confidence. */
  source?: string;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

/** Summary counts that must never be lost between stages (shown in the check summary). */
export interface Tally {
  suppressed: number;
  outsideDiff: number;
  partiallyParsed: string[];
  ruleFailures: { rule: string; path: string; error: string }[];
  withheldFixes: { rule: string; path: string; line: number; reason: string }[];
  /** files analysed only in part (code on the lines that count did not parse); see `notAnalysed` in report.ts */
  incomplete: { path: string; reason: string }[];
}

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
