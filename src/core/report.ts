/**
 * A whole analysis (many files) as one report: what the CLI prints and what the app posts.
 * Pure: the caller supplies file texts and, for a diff, the changed lines of each file.
 */
import { analyzeSource, AnalysisStopped, type AnalyzeOptions, type ChangedLines, type FileAnalysis } from "./engine.js";
import { compareFindings, emptyTally, type Finding, type SkippedFile, type Tally } from "./finding.js";

export interface Report {
  version: 1;
  files: number;
  lines: number;
  findings: Finding[];
  skipped: SkippedFile[];
  tally: Tally;
  /** per file, the lines outputs may print with its findings, secrets masked (line → text); not part of the JSON output */
  excerpts: Record<string, Record<number, string>>;
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
  return { version: 1, files: 0, lines: 0, findings: [], skipped: [], tally: emptyTally(), excerpts: {} };
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
  for (const reason of a.incomplete) report.tally.incomplete.push({ path: a.path, reason });
  if (Object.keys(a.excerpt).length) report.excerpts[a.path] = a.excerpt;
}

/**
 * Every file the report did not fully judge, with why: skipped (over the size limit, not Python
 * text, unreadable, a crash, over the time limit), a rule that failed on it, or code on the lines
 * that count that did not parse. Whatever is listed here, the check cannot be `success` and the
 * CLI does not exit 0.
 */
export function notAnalysed(report: Pick<Report, "skipped" | "tally">): { path: string; reason: string }[] {
  return [
    ...report.skipped,
    ...report.tally.ruleFailures.map((f) => ({ path: f.path, reason: `the rule \`${f.rule}\` failed on it (${f.error})` })),
    ...(report.tally.incomplete ?? []),
  ];
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
    report.skipped.push({ path: file.path, reason: e instanceof AnalysisStopped ? e.message : `analysis failed: ${(e as Error).message}` });
  }
}

export function finishReport(report: Report): Report {
  report.findings.sort(compareFindings);
  report.skipped.sort((a, b) => a.path.localeCompare(b.path));
  return report;
}

/** Text as one Markdown code span: a fence longer than any backtick run, no line breaks, no live HTML comment. */
export function codeSpan(text: string): string {
  const flat = text.replace(/[\r\n\u2028\u2029]+/g, " ").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").replace(/<!--/g, "<\u200b!--");
  let longest = 0;
  for (const m of flat.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const ticks = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || flat.startsWith(" ") ? " " : "";
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** The check's title suffix for files not analysed. */
export function unanalysedTitle(list: { path: string }[], truncated: boolean): string {
  const files = new Set(list.map((u) => u.path)).size;
  const parts = [];
  if (files) parts.push(`${files} file${files === 1 ? "" : "s"} not analysed`);
  if (truncated) parts.push("files past GitHub's 3,000-file list not analysed");
  return parts.join("; ");
}

/** The check summary's paragraph naming every file not analysed (up to `limit`), and why the conclusion is not `success`. */
export function unanalysedNote(list: { path: string; reason: string }[], truncated: boolean, conclusion: "neutral" | "failure", limit = 50): string {
  const byPath = new Map<string, string[]>();
  for (const u of list) byPath.set(u.path, [...(byPath.get(u.path) ?? []), u.reason]);
  const lines = [
    `### ⚠️ Not analysed: the check is \`${conclusion}\`, not \`success\``,
    "",
    `HunkGuard did not judge all of the code below, so it cannot pass it (\`unanalysed: ${conclusion === "neutral" ? "failure" : "neutral"}\` in \`.github/hunkguard.yml\` makes this \`${conclusion === "neutral" ? "failure" : "neutral"}\`).`,
    "",
  ];
  let shown = 0;
  for (const [path, reasons] of byPath) {
    if (shown++ >= limit) break;
    const why = [...new Set(reasons)].slice(0, 3).map((r) => r.replace(/[\r\n]+/g, " ").slice(0, 300)).join("; ");
    lines.push(`- ${codeSpan(path)}: ${why}`);
  }
  if (byPath.size > limit) lines.push(`- …and ${byPath.size - limit} more file(s)`);
  if (truncated) lines.push("- GitHub lists at most 3,000 changed files: the files past that were not analysed (and cannot be named).");
  return lines.join("\n");
}
