/**
 * A whole analysis (many files) as one report: what the CLI prints and what the app posts.
 * Pure: the caller supplies file texts and, for a diff, the changed lines of each file.
 */
import { analyzeSource, type AnalyzeOptions, type ChangedLines, type FileAnalysis } from "./engine.js";
import { compareFindings, emptyTally, type Finding, type SkippedFile, type Tally } from "./finding.js";

export interface Report {
  version: 1;
  files: number;
  lines: number;
  findings: Finding[];
  skipped: SkippedFile[];
  tally: Tally;
}

export interface SourceFile {
  path: string;
  text: string;
  changed?: ChangedLines;
}

export interface ReportLimits {
  /** files larger than this are skipped and reported (bytes of text) */
  maxFileBytes: number;
}

export const DEFAULT_LIMITS: ReportLimits = { maxFileBytes: 2 * 1024 * 1024 };

export function newReport(): Report {
  return { version: 1, files: 0, lines: 0, findings: [], skipped: [], tally: emptyTally() };
}

/** Fold one file's analysis into the report. */
export function addFileAnalysis(report: Report, a: FileAnalysis): void {
  report.files++;
  report.lines += a.lines;
  report.findings.push(...a.findings);
  report.tally.suppressed += a.suppressed;
  report.tally.outsideDiff += a.outsideDiff;
  if (a.partial) report.tally.partiallyParsed.push(a.path);
  for (const f of a.ruleFailures) report.tally.ruleFailures.push({ rule: f.rule, path: a.path, error: f.error });
  for (const w of a.withheldFixes) report.tally.withheldFixes.push({ rule: w.rule, path: a.path, line: w.line, reason: w.reason });
}

/** Analyse one file, turning a crash or an over-size file into a skipped entry: nothing is lost. */
export function analyzeInto(
  report: Report,
  file: SourceFile,
  opts: Omit<AnalyzeOptions, "changed">,
  limits: ReportLimits = DEFAULT_LIMITS,
): void {
  if (file.text.length > limits.maxFileBytes) {
    report.skipped.push({ path: file.path, reason: `larger than the ${Math.round(limits.maxFileBytes / 1024)} KiB limit` });
    return;
  }
  if (file.text.includes("\u0000")) {
    report.skipped.push({ path: file.path, reason: "binary content (NUL bytes)" });
    return;
  }
  try {
    addFileAnalysis(report, analyzeSource(file.path, file.text, { ...opts, changed: file.changed }));
  } catch (e) {
    report.skipped.push({ path: file.path, reason: `analysis failed: ${(e as Error).message}` });
  }
}

export function finishReport(report: Report): Report {
  report.findings.sort(compareFindings);
  report.skipped.sort((a, b) => a.path.localeCompare(b.path));
  return report;
}
