/**
 * Text for a person at a terminal: each finding with its code and the change to make, the files
 * not analysed, a summary line; for `review`, the comments the bot would post.
 */
import { maskStringLiterals } from "../../core/engine.js";
import { notAnalysed } from "../../core/report.js";
import { reviewBody } from "../../core/render.js";
import type { ReviewPlan } from "../../core/review-plan.js";
import type { Finding, Severity } from "../../core/finding.js";
import type { ReviewContext } from "../git.js";
import type { Run } from "../run.js";

export function splitLines(text: string): string[] {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

export function paint(enabled: boolean): Paint {
  const sgr = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

function severityLabel(p: Paint, s: Severity): string {
  const label = s.toUpperCase().padEnd(6);
  return s === "high" ? p.bold(p.red(label)) : s === "medium" ? p.yellow(label) : p.cyan(label);
}

const MAX_CODE_LINES = 8;

function codeBlock(lines: string[], from: number, to: number, mask: boolean, p: Paint): string[] {
  const out: string[] = [];
  const width = String(to).length;
  const last = Math.min(to, from + MAX_CODE_LINES - 1);
  for (let n = from; n <= last; n++) {
    const text = lines[n - 1] ?? "";
    out.push(`  ${p.dim(`${String(n).padStart(width)} |`)} ${mask ? maskStringLiterals(text) : text}`);
  }
  if (last < to) out.push(`  ${p.dim(`${" ".repeat(width)} | … ${to - last} more lines`)}`);
  return out;
}

/**
 * A change as -/+ lines. The old lines of a secrets finding are masked again here (string literals
 * cut to a prefix); the new lines are printed as the engine made them — it already masked every
 * secret of the file in them by value (core/redact.ts), and masking literals again would hide the
 * environment variable's *name* a fix reads (`os.environ["AWS_SECRET_ACCESS_KEY"]`).
 */
function diffLines(before: string[], afterText: string, mask: boolean, p: Paint): string[] {
  const after = splitLines(afterText.endsWith("\n") ? afterText.slice(0, -1) : afterText);
  const m = (s: string) => (mask ? maskStringLiterals(s) : s);
  return [...before.map((l) => `  ${p.red(`-${m(l)}`)}`), ...after.map((l) => `  ${p.green(`+${l}`)}`)];
}

function indentBlock(text: string, prefix: string): string[] {
  return splitLines(text.replace(/\n$/, "")).map((l) => `${prefix}${l}`);
}

/** What a person reads for one finding: where, what, the code, and the change to make. */
export function findingText(f: Finding, lines: string[] | undefined, p: Paint): string {
  const mask = f.category === "secrets";
  const out = [`${p.bold(`${f.path}:${f.line}:${f.column}`)}  ${severityLabel(p, f.severity)}  ${f.rule}  ${f.title}`, `  ${f.message}`];
  if (f.source) out.push(`  ${p.dim(`untrusted value from ${f.source}`)}`);
  if (lines) out.push(...codeBlock(lines, Math.min(f.statementLine, f.line), Math.max(f.statementEndLine, f.endLine), mask, p));
  const fix = f.fix;
  if (fix && fix.safety !== "explain" && fix.replacement !== undefined && lines) {
    out.push(`  Suggested change (${fix.safety === "safe" ? "safe" : "review before applying"}):`);
    out.push(...diffLines(lines.slice(fix.startLine - 1, fix.endLine), fix.replacement, mask, p));
    if (fix.companion) {
      out.push(`  With it, at line ${fix.companion.startLine}: ${fix.companion.note}`);
      out.push(...diffLines(lines.slice(fix.companion.startLine - 1, fix.companion.endLine), fix.companion.replacement, mask, p));
    }
    if (fix.caveat) out.push(`  ${p.yellow("Caveat:")} ${fix.caveat}`);
  } else if (fix?.example) {
    out.push(fix.withheld ? `  No one-click fix (${fix.withheld}). Instead:` : "  Instead:");
    out.push(...indentBlock(fix.example, `    `).map((l) => p.green(l)));
  } else if (fix?.withheld) {
    out.push(`  No one-click fix here: ${fix.withheld}.`);
  }
  return out.join("\n");
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function summaryText(run: Run, p: Paint): string {
  const r = run.report;
  const by = { high: 0, medium: 0, low: 0 };
  for (const f of r.findings) by[f.severity]++;
  const parts = [
    `${plural(r.files, "file")} (${plural(r.lines, "line")})`,
    r.findings.length
      ? `${plural(r.findings.length, "finding")}: ${by.high} high, ${by.medium} medium, ${by.low} low`
      : "no findings",
    `${r.tally.suppressed} suppressed`,
  ];
  if (r.tally.outsideDiff) parts.push(`${r.tally.outsideDiff} outside the diff`);
  if (run.belowSeverity) parts.push(`${run.belowSeverity} below --min-severity`);
  if (run.belowConfidence) parts.push(`${run.belowConfidence} below --min-confidence`);
  if (run.baselined) parts.push(`${run.baselined} in the baseline`);
  parts.push(`${r.skipped.length} skipped`);
  if (r.tally.partiallyParsed.length) parts.push(`${r.tally.partiallyParsed.length} partially parsed`);
  if (r.tally.ruleFailures.length) parts.push(p.red(plural(r.tally.ruleFailures.length, "rule failure")));
  return `Scanned ${parts.join("; ")}.`;
}

function notesText(run: Run, p: Paint): string[] {
  const r = run.report;
  const out: string[] = [];
  for (const s of r.skipped) out.push(`${p.yellow("skipped")} ${s.path}: ${s.reason}`);
  for (const path of r.tally.partiallyParsed) out.push(`${p.yellow("partially parsed")} ${path}: syntax errors; the rest of the file was analysed`);
  for (const f of r.tally.ruleFailures) out.push(`${p.red("rule failed")} ${f.rule} on ${f.path}: ${f.error}`);
  for (const f of r.tally.incomplete) out.push(`${p.red("not analysed")} ${f.path}: ${f.reason}`);
  const missed = new Set(notAnalysed(r).map((u) => u.path)).size;
  if (missed) out.push(p.red(`${plural(missed, "file")} not analysed (listed above): the exit code is 2 unless --allow-unanalysed.`));
  return out;
}

/** `quiet`: the findings and the files not analysed only, no summary line (nothing at all when clean). */
export function reportText(run: Run, p: Paint, quiet = false): string {
  const blocks = run.report.findings.map((f) => findingText(f, run.fileLines.get(f.path), p));
  const notes = notesText(run, p);
  return [...blocks.map((b) => `${b}\n`), ...(notes.length ? [`${notes.join("\n")}\n`] : []), ...(quiet ? [] : [`${summaryText(run, p)}\n`])].join("\n");
}

/** The replacement a finding's suggestion puts on lines start..end (its fix, or its import companion). */
function suggestionAt(f: Finding | undefined, start: number, end: number): string | undefined {
  const fix = f?.fix;
  if (!fix || fix.replacement === undefined || fix.safety === "explain") return undefined;
  if (fix.startLine === start && fix.endLine === end) return fix.replacement;
  if (fix.companion && fix.companion.startLine === start && fix.companion.endLine === end) return fix.companion.replacement;
  return undefined;
}

/** The comment bodies exactly as the bot would post them, each suggestion also shown as a diff. */
export function reviewText(run: Run, ctx: ReviewContext, plan: ReviewPlan, p: Paint): string {
  const head = [
    `Review against ${ctx.base} (merge base ${ctx.mergeBase.slice(0, 12)}): ${plural(plan.comments.length, "inline comment")}` +
      `${plan.overflow.length ? `, ${plan.overflow.length} more listed in the review body` : ""}.`,
  ];
  if (ctx.excluded) head.push(p.dim(`${plural(ctx.excluded, "changed Python file")} left out by include/exclude in .github/hunkguard.yml.`));
  if (ctx.untracked.length) {
    head.push(p.dim(`${plural(ctx.untracked.length, "untracked Python file")} not in the diff (git add -N to include): ${ctx.untracked.slice(0, 5).join(", ")}${ctx.untracked.length > 5 ? ", …" : ""}`));
  }
  const quote = (body: string) => body.split("\n").map((l) => `  ${p.dim("│")} ${l}`).join("\n");
  const blocks: string[] = [];
  if (plan.comments.length || plan.overflow.length) {
    blocks.push(`${p.bold("Review body:")}\n${quote(reviewBody(plan.inline, plan.overflow))}\n`);
  } else {
    blocks.push("Nothing to post: no finding on the lines this branch adds.\n");
  }
  for (const [i, c] of plan.comments.entries()) {
    const start = c.start_line ?? c.line;
    const where = start < c.line ? `lines ${start}-${c.line}` : `line ${c.line}`;
    const out = [p.bold(`── comment on ${c.path} ${where} ──`), quote(c.body)];
    // the suggestion of this comment's own finding (two findings may share the lines)
    const change = suggestionAt(plan.about[i], start, c.line);
    const lines = run.fileLines.get(c.path);
    if (change !== undefined && lines) out.push("  As a diff:", ...diffLines(lines.slice(start - 1, c.line), change, plan.about[i].category === "secrets", p));
    blocks.push(`${out.join("\n")}\n`);
  }
  const notes = notesText(run, p);
  return [`${head.join("\n")}\n`, ...blocks, ...(notes.length ? [`${notes.join("\n")}\n`] : []), `${summaryText(run, p)}\n`].join("\n");
}

