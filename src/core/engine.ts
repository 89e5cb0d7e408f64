/**
 * One file through the pure pipeline: parse → scope → match → suppress → diff filter → fix →
 * fingerprint. No I/O here: the CLI and the app hand in text and the changed lines.
 */
import { parsePython, statementLines, lineText, textOf, startOf, syntaxErrorLines, type Node, type ParsedPython } from "./python.js";
import { FileModel } from "./scope.js";
import { matchRules, type RawMatch } from "./match.js";
import { suppressedBy, commentsByLine } from "./suppress.js";
import { fingerprint, normalizeSnippet } from "./fingerprint.js";
import { maskStringLiterals } from "./mask.js";

export { maskStringLiterals };
import { FixValidator, prepareFix, isPendingFix, type FixOutcome, type HunkCheck, type PendingFix } from "./fix.js";
import { redactorFor, type Redactor } from "./redact.js";
import { AnalysisStopped } from "./stopped.js";
import { taintIndex } from "./taint.js";
import type { Rule, RuleSet } from "./rules/load.js";
import { compareFindings, SEVERITY_RANK, type Finding, type Fix, type Severity } from "./finding.js";
import { isTestPath, type TestsPolicy } from "./config.js";

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
  /**
   * Test code (see `isTestPath`): `quiet` (the default) leaves out the rules marked `tests: quiet`
   * there, as if disabled; `report` runs every rule as elsewhere.
   */
  tests?: TestsPolicy;
  /**
   * Called at safe points (between rules, between fix checks): throws `AnalysisStopped` to stop the
   * analysis of this file, e.g. past a time limit. The caller owns the clock; the engine has none.
   */
  checkpoint?: () => void;
}

export { AnalysisStopped };

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
  /** why parts of the file were not analysed (syntax errors on the lines that count); rule failures are listed apart */
  incomplete: string[];
  /** the lines outputs may print with the findings (statement, suggestion lines), secrets masked: line → text */
  excerpt: Record<number, string>;
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

/**
 * Where code that counts (the lines the diff changed, or any line of a whole file) was not parsed:
 * rules never saw it, so the file cannot pass as analysed. Null when every such line parsed.
 */
function unparsedOnLines(parsed: ParsedPython, lines: Set<number> | null): string | null {
  for (const { first, last } of syntaxErrorLines(parsed.tree)) {
    let hit = lines === null;
    if (!hit) {
      if (last - first < lines!.size) for (let l = first; l <= last && !hit; l++) hit = lines!.has(l);
      else for (const l of lines!) if (l >= first && l <= last) hit = true;
    }
    if (hit) return `syntax errors ${first === last ? `on line ${first}` : `on lines ${first}-${last}`}: that code was not analysed`;
  }
  return null;
}

/** A match that is reported, on its way to a finding. */
interface Reported {
  match: RawMatch;
  line: number;
  st: { start: number; end: number };
  /** where the value was built, in an earlier statement (the finding starts there), and that statement's lines */
  origin?: Node;
  ost?: { start: number; end: number };
  fingerprint: string;
  /** a fix built and waiting for the file's validation */
  pending?: PendingFix;
  outcome: FixOutcome;
}

/**
 * One companion suggestion per import line per file: GitHub refuses a review with two suggestions
 * on the same line, and applied one after the other they would import twice. The fix that comes
 * first in review order (most severe, then by place) carries one companion with every import the
 * file's fixes need there; the others say where their import comes from and are offered for review.
 */
function shareCompanions(reported: Reported[]): void {
  const withCompanion = reported.filter((r) => r.outcome.fix?.companion && r.outcome.fix.replacement !== undefined);
  const byLine = new Map<string, Reported[]>();
  for (const r of withCompanion) {
    const c = r.outcome.fix!.companion!;
    const key = `${c.startLine}-${c.endLine}`;
    byLine.set(key, [...(byLine.get(key) ?? []), r]);
  }
  for (const group of byLine.values()) {
    if (group.length < 2) continue;
    group.sort((a, b) => SEVERITY_RANK[b.match.severity] - SEVERITY_RANK[a.match.severity] || a.line - b.line);
    const [carrier, ...others] = group;
    const cfix = carrier.outcome.fix!;
    const companion = cfix.companion!;
    // every import line any of them adds, once, in order of first use
    const head = companion.replacement.split(/(?<=\n)/)[0];
    const imports: string[] = [];
    for (const r of group) for (const l of r.outcome.fix!.companion!.replacement.split(/(?<=\n)/).slice(1)) if (!imports.includes(l)) imports.push(l);
    const names = imports.map((l) => l.trim()).join("; ");
    carrier.outcome = {
      ...carrier.outcome,
      fix: { ...cfix, companion: { ...companion, replacement: head + imports.join(""), note: `needs \`${names}\` (for the fixes on lines ${group.map((r) => r.outcome.fix!.startLine).join(", ")}): apply both suggestions together (add them to one batch)` } },
    };
    for (const r of others) {
      const { companion: own, ...fix } = r.outcome.fix!;
      const needs = `needs \`${own!.replacement.split(/(?<=\n)/).slice(1).map((l) => l.trim()).join("; ")}\`, which the import suggestion on line ${companion.startLine} adds (it comes with the fix on line ${cfix.startLine}): accept that one too`;
      r.outcome = { ...r.outcome, fix: { ...fix, safety: "review", caveat: fix.caveat ? `${fix.caveat} It ${needs}.` : `It ${needs}.` } };
    }
  }
}

/** String index ranges of the string literals the secrets rules flagged: hard-coded values to keep out of every output. */
function secretLiterals(matches: RawMatch[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of matches) {
    if (m.rule.category !== "secrets") continue;
    if (m.node.type === "string" || m.node.type === "concatenated_string") out.push({ start: startOf(m.node), end: m.node.endIndex });
  }
  return out;
}

/** A fix with every secret masked; a suggestion that would repeat one becomes text (counted as withheld). */
function redactOutcome(redactor: Redactor, outcome: FixOutcome): FixOutcome {
  const fix = outcome.fix;
  if (!fix || redactor.empty) return outcome;
  const masked: Fix = {
    ...fix,
    ...(fix.caveat !== undefined ? { caveat: redactor.mask(fix.caveat) } : {}),
    ...(fix.example !== undefined ? { example: redactor.mask(fix.example) } : {}),
    ...(fix.withheld !== undefined ? { withheld: redactor.mask(fix.withheld) } : {}),
  };
  const suggestion = fix.safety !== "explain" && fix.replacement !== undefined;
  if (suggestion && (redactor.holds(fix.replacement!) || (fix.companion && redactor.holds(fix.companion.replacement)))) {
    const reason = "the suggestion would repeat a secret that is in this file (shown as text, masked)";
    return {
      fix: { safety: "explain", startLine: fix.startLine, endLine: fix.endLine, example: redactor.mask(fix.replacement!), withheld: reason },
      withheld: reason,
    };
  }
  if (masked.companion) masked.companion = { ...masked.companion, note: redactor.mask(masked.companion.note) };
  return { ...outcome, fix: masked, ...(outcome.withheld ? { withheld: redactor.mask(outcome.withheld) } : {}) };
}

/** Lines an output may print with each finding (its statement, its suggestions), secrets masked. */
const EXCERPT_STATEMENT_LINES = 8;
function excerptOf(parsed: ParsedPython, findings: Finding[], redactor: Redactor | null): Record<number, string> {
  const out: Record<number, string> = {};
  const take = (from: number, to: number) => {
    for (let l = from; l <= to; l++) if (out[l] === undefined) out[l] = redactor ? redactor.mask(lineText(parsed, l)) : lineText(parsed, l);
  };
  for (const f of findings) {
    take(f.statementLine, Math.min(Math.max(f.statementEndLine, f.endLine), f.statementLine + EXCERPT_STATEMENT_LINES - 1));
    if (f.fix) take(f.fix.startLine, f.fix.endLine);
    if (f.fix?.companion) take(f.fix.companion.startLine, f.fix.companion.endLine);
  }
  return out;
}

/** The rules that run on `path`: `opts.enabled`, less the rules quiet in test code when the policy is quiet. */
function enabledOn(path: string, opts: AnalyzeOptions): ((rule: Rule) => boolean) | undefined {
  if (opts.tests === "report" || !isTestPath(path)) return opts.enabled;
  const base = opts.enabled;
  return (rule) => rule.tests !== "quiet" && (!base || base(rule));
}

export function analyzeSource(path: string, source: string, options: AnalyzeOptions): FileAnalysis {
  const opts: AnalyzeOptions = { ...options, enabled: enabledOn(path, options) };
  const checkpoint = opts.checkpoint ?? (() => {});
  const parsed = parsePython(source);
  checkpoint();
  const model = new FileModel(parsed);
  checkpoint();
  const { matches, failures } = matchRules(model, opts.rules, opts.enabled, checkpoint);
  checkpoint();
  matches.sort((a, b) => a.node.startIndex - b.node.startIndex || a.rule.id.localeCompare(b.rule.id));
  markTainted(model, matches, opts.rules);

  const result: FileAnalysis = {
    path,
    // as an editor counts them: an empty file has none, a final line break does not start one
    lines: source === "" ? 0 : parsed.lineStarts.length - (source.endsWith("\n") ? 1 : 0),
    findings: [],
    partial: parsed.partial,
    suppressed: 0,
    outsideDiff: 0,
    belowSeverity: 0,
    ruleFailures: failures,
    withheldFixes: [],
    incomplete: [],
    excerpt: {},
  };
  const mode = opts.mode ?? "added";
  if (parsed.partial) {
    const gap = unparsedOnLines(parsed, opts.changed ? (mode === "added" ? opts.changed.added : opts.changed.commentable) : null);
    if (gap) result.incomplete.push(gap);
  }

  // occurrences are counted over every match in the file, so fingerprints do not depend on the diff
  const seen = new Map<string, number>();
  // suppressions are read from comment nodes only, never from a string that looks like one
  const comments = commentsByLine(parsed, model);
  const minRank = opts.minSeverity ? SEVERITY_RANK[opts.minSeverity] : 0;
  const reported: Reported[] = [];
  for (const [k, m] of matches.entries()) {
    if ((k & 63) === 0) checkpoint();
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
      suppressedBy(comments(line), m.rule) ||
      (st.start !== line && suppressedBy(comments(st.start), m.rule)) ||
      (ost && suppressedBy(comments(ost.start), m.rule))
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
    const entry: Reported = { match: m, line, st, origin, ost, fingerprint: fingerprint(m.rule.id, path, snippet, occurrence), outcome: { fix: null } };
    if (opts.fixes !== false) {
      const prepared = prepareFix({ parsed, model, match: m, before: matches, rules: opts.rules, inHunk: opts.changed?.inOneHunk, enabled: opts.enabled });
      if (isPendingFix(prepared)) entry.pending = prepared;
      else entry.outcome = prepared;
    }
    reported.push(entry);
  }

  // the file's fixes are checked together: one by one when few, in batches when many (linear)
  const pending = reported.filter((r) => r.pending);
  if (pending.length) {
    const validator = new FixValidator(parsed, matches, opts.rules, opts.changed?.inOneHunk, opts.enabled);
    const reasons = validator.validateMany(
      pending.map((r) => ({ match: r.match, suggestions: r.pending!.suggestions })),
      { checkpoint },
    );
    pending.forEach((r, k) => (r.outcome = reasons[k] ? r.pending!.explain(reasons[k]!) : { fix: r.pending!.fix }));
  }
  // no output repeats a secret of the file, whichever rule made it (before companions are shared:
  // a suggestion withheld here must not be the one that carries another fix's import)
  const redactor = reported.length || failures.length ? redactorFor(source, secretLiterals(matches)) : null;
  if (redactor) for (const r of reported) r.outcome = redactOutcome(redactor, r.outcome);
  shareCompanions(reported);

  for (const r of reported) {
    const m = r.match;
    const outcome = r.outcome;
    if (outcome.withheld) result.withheldFixes.push({ rule: m.rule.id, line: r.line, reason: outcome.withheld });
    result.findings.push({
      rule: m.rule.id,
      title: m.rule.title,
      category: m.rule.category,
      severity: m.severity,
      confidence: m.confidence,
      path,
      line: r.origin ? r.origin.startPosition.row + 1 : r.line,
      endLine: m.node.endPosition.row + 1,
      column: (r.origin ?? m.node).startPosition.column + 1,
      endColumn: m.node.endPosition.column + 1,
      statementLine: r.ost ? Math.min(r.ost.start, r.st.start) : r.st.start,
      statementEndLine: r.st.end,
      message: redactor ? redactor.mask(m.message) : m.message,
      cwe: m.rule.cwe,
      ...(m.rule.bandit ? { bandit: m.rule.bandit } : {}),
      ...(m.rule.ruff ? { ruff: m.rule.ruff } : {}),
      fingerprint: r.fingerprint,
      fix: outcome.fix,
      ...(m.source ? { source: redactor ? redactor.mask(m.source) : m.source } : {}),
    });
  }
  if (redactor) for (const f of result.ruleFailures) f.error = redactor.mask(f.error);
  result.excerpt = excerptOf(parsed, result.findings, redactor);
  result.findings.sort(compareFindings);
  return result;
}
