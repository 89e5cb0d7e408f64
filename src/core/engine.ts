/**
 * One file through the pure pipeline: parse → scope → match → suppress → diff filter → fix →
 * fingerprint. No I/O here: the CLI and the app hand in text and the changed lines.
 */
import { parsePython, statementLines, lineText, textOf, type ParsedPython } from "./python.js";
import { FileModel } from "./scope.js";
import { matchRules, type RawMatch } from "./match.js";
import { suppressedBy } from "./suppress.js";
import { fingerprint, normalizeSnippet } from "./fingerprint.js";
import { maskStringLiterals } from "./mask.js";

export { maskStringLiterals };
import { buildFix, FixValidator, type HunkCheck } from "./fix.js";
import { taintIndex } from "./taint.js";
import type { Rule, RuleSet } from "./rules/load.js";
import { compareFindings, SEVERITY_RANK, type Finding, type Severity } from "./finding.js";

export interface ChangedLines {
  /** new-side lines the diff adds */
  added: Set<number>;
  /** new-side lines inside a hunk (added or context): where GitHub accepts comments */
  commentable: Set<number>;
  /** whether new-side lines start..end lie inside one hunk */
  inOneHunk: HunkCheck;
}

export type FilterMode = "added" | "diff_context";

export interface AnalyzeOptions {
  rules: RuleSet;
  /** the lines a diff changed; omit to analyse the whole file */
  changed?: ChangedLines;
  /** `added`: a finding counts when a line of its statement was added; `diff_context`: when one is inside a hunk */
  mode?: FilterMode;
  /** build and validate fixes (default true) */
  fixes?: boolean;
  /** which rules run (default all) */
  enabled?: (rule: Rule) => boolean;
  /** findings below this severity are dropped and counted */
  minSeverity?: Severity;
}

export interface FileAnalysis {
  path: string;
  lines: number;
  findings: Finding[];
  partial: boolean;
  suppressed: number;
  outsideDiff: number;
  belowSeverity: number;
  ruleFailures: { rule: string; error: string }[];
  withheldFixes: { rule: string; line: number; reason: string }[];
}

function snippetFor(parsed: ParsedPython, m: RawMatch): string {
  const st = statementLines(m.node);
  const text = st.node.type.endsWith("statement") || st.node.type === "decorated_definition" || st.node.type.endsWith("definition")
    ? textOf(parsed.source, m.node)
    : textOf(parsed.source, st.node);
  return m.rule.category === "secrets" ? maskStringLiterals(text) : text;
}

/** Categories where an untrusted value makes the finding certain. */
const SINK_CATEGORIES = new Set(["code-exec", "command-injection", "sqli", "deserialization", "yaml", "path-traversal", "ssrf", "xss-template", "xml"]);

/** Raise findings whose call receives request data / input() / sys.argv to high confidence, naming the source. */
function markTainted(model: FileModel, matches: RawMatch[], rules: RuleSet): void {
  for (const m of matches) {
    if (!m.call || m.source || !SINK_CATEGORIES.has(m.rule.category)) continue;
    const t = taintIndex(model, rules.taintSources).callTaint(m.call);
    if (t) {
      m.confidence = "high";
      m.source = t.description;
    }
  }
}

export function analyzeSource(path: string, source: string, opts: AnalyzeOptions): FileAnalysis {
  const parsed = parsePython(source);
  const model = new FileModel(parsed);
  const { matches, failures } = matchRules(model, opts.rules, opts.enabled);
  matches.sort((a, b) => a.node.startIndex - b.node.startIndex || a.rule.id.localeCompare(b.rule.id));
  markTainted(model, matches, opts.rules);

  const result: FileAnalysis = {
    path,
    lines: parsed.lineStarts.length,
    findings: [],
    partial: parsed.partial,
    suppressed: 0,
    outsideDiff: 0,
    belowSeverity: 0,
    ruleFailures: failures,
    withheldFixes: [],
  };

  // occurrences are counted over every match in the file, so fingerprints do not depend on the diff
  const seen = new Map<string, number>();
  const mode = opts.mode ?? "added";
  const minRank = opts.minSeverity ? SEVERITY_RANK[opts.minSeverity] : 0;
  // one validator per file: each fix is parsed incrementally from the fix checked before
  let validator: FixValidator | undefined;
  const fileValidator = () => (validator ??= new FixValidator(parsed, matches, opts.rules, opts.changed?.inOneHunk, opts.enabled));
  for (const m of matches) {
    const snippet = snippetFor(parsed, m);
    // counted on the text the fingerprint hashes, so two findings never share one
    const key = `${m.rule.id}\0${normalizeSnippet(snippet)}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);

    const st = statementLines(m.node);
    const line = m.node.startPosition.row + 1;
    // a value written in an earlier statement (see RawMatch.origin): the finding starts there
    const origin = m.origin && m.origin.startIndex < m.node.startIndex ? m.origin : undefined;
    const ost = origin ? statementLines(origin) : undefined;
    if (
      suppressedBy(lineText(parsed, line), m.rule) ||
      (st.start !== line && suppressedBy(lineText(parsed, st.start), m.rule)) ||
      (ost && suppressedBy(lineText(parsed, ost.start), m.rule))
    ) {
      result.suppressed++;
      continue;
    }
    if (opts.changed) {
      const lines = mode === "added" ? opts.changed.added : opts.changed.commentable;
      let touched = false;
      for (let l = st.start; l <= st.end && !touched; l++) touched = lines.has(l);
      for (let l = ost?.start ?? 1; ost && l <= ost.end && !touched; l++) touched = lines.has(l);
      if (!touched) {
        result.outsideDiff++;
        continue;
      }
    }
    if (SEVERITY_RANK[m.severity] < minRank) {
      result.belowSeverity++;
      continue;
    }
    let fix: Finding["fix"] = null;
    if (opts.fixes !== false) {
      const outcome = buildFix({ parsed, model, match: m, before: matches, rules: opts.rules, inHunk: opts.changed?.inOneHunk, enabled: opts.enabled, validator: fileValidator });
      fix = outcome.fix;
      if (outcome.withheld) result.withheldFixes.push({ rule: m.rule.id, line, reason: outcome.withheld });
    }
    result.findings.push({
      rule: m.rule.id,
      title: m.rule.title,
      category: m.rule.category,
      severity: m.severity,
      confidence: m.confidence,
      path,
      line: origin ? origin.startPosition.row + 1 : line,
      endLine: m.node.endPosition.row + 1,
      column: (origin ?? m.node).startPosition.column + 1,
      endColumn: m.node.endPosition.column + 1,
      statementLine: ost ? Math.min(ost.start, st.start) : st.start,
      statementEndLine: st.end,
      message: m.message,
      cwe: m.rule.cwe,
      ...(m.rule.bandit ? { bandit: m.rule.bandit } : {}),
      ...(m.rule.ruff ? { ruff: m.rule.ruff } : {}),
      fingerprint: fingerprint(m.rule.id, path, snippet, occurrence),
      fix,
      ...(m.source ? { source: m.source } : {}),
    });
  }
  result.findings.sort(compareFindings);
  return result;
}
