/**
 * Comment bodies, the review body and the check-run output, rendered from the finding and its
 * rule's docs (never written twice). Every inline comment carries a hidden fingerprint marker.
 */
import type { Finding, Severity, SkippedFile, Tally } from "./finding.js";
import { SEVERITY_RANK } from "./finding.js";
import type { Rule } from "./rules/load.js";
import { ruleUrl } from "./links.js";

export const MARKER_PREFIX = "<!-- hunkguard:";
export const BODY_LIMIT = 65536;
export const CHECK_TEXT_LIMIT = 65535;

const SEVERITY_LABEL: Record<Severity, string> = { high: "🔴 High", medium: "🟠 Medium", low: "🟡 Low" };

/** A code fence longer than any backtick run inside the content. */
export function fence(content: string, info = ""): string {
  let longest = 0;
  for (const m of content.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const ticks = "`".repeat(Math.max(3, longest + 1));
  // nothing between the fences: a suggestion that deletes the lines (one empty line would replace them)
  const body = content === "" || content.endsWith("\n") ? content : `${content}\n`;
  return `${ticks}${info}\n${body}${ticks}`;
}

export function fingerprintMarker(fp: string): string {
  return `${MARKER_PREFIX}fp=${fp} -->`;
}

/** Fingerprints found in a comment body (our own markers only). */
export function markersIn(body: string): string[] {
  return [...body.matchAll(/<!-- hunkguard:fp=([A-Za-z0-9_-]+) -->/g)].map((m) => m[1]);
}

function suppressHint(f: Finding): string {
  const forms = [`\`# hunkguard: ignore[${f.rule}]\``];
  if (f.bandit) forms.push(`\`# nosec ${f.bandit}\``);
  if (f.ruff) forms.push(`\`# noqa: ${f.ruff}\``);
  return `silence with ${forms.join(" or ")} on the flagged line`;
}

function refs(f: Finding): string {
  return [`[\`${f.rule}\`](${ruleUrl(f.rule)})`, ...f.cwe, f.bandit ? `Bandit ${f.bandit}` : "", f.ruff ? `Ruff ${f.ruff}` : ""].filter(Boolean).join(" · ");
}

const noCR = (s: string) => s.replace(/\r\n/g, "\n").replace(/\r/g, "\n");

/** The inline review comment for a finding. */
export function commentBody(f: Finding, rule: Rule | undefined): string {
  const parts: string[] = [];
  parts.push(`**${SEVERITY_LABEL[f.severity]} · ${f.title}**`);
  parts.push(f.message + (f.source ? ` The value comes from ${f.source}.` : ""));
  if (rule) parts.push(`**Why it matters:** ${rule.docs.why.trim()}`);
  const fix = f.fix;
  if (fix && fix.replacement !== undefined && fix.safety !== "explain") {
    parts.push(fix.safety === "safe" ? "**Suggested fix:**" : "**Suggested fix** (review before accepting):");
    parts.push(fence(noCR(fix.replacement), "suggestion"));
    if (fix.safety === "review" && fix.caveat) parts.push(`> ⚠️ ${fix.caveat}`);
    if (fix.companion) parts.push(`> ➕ ${fix.companion.note} (see the suggestion on line ${fix.companion.startLine}).`);
  } else {
    if (rule) parts.push(`**Instead:** ${rule.docs.instead.trim()}`);
    if (fix?.example) parts.push(fence(noCR(fix.example), "python"));
    if (fix?.withheld) parts.push(`_No one-click fix: ${fix.withheld}._`);
  }
  parts.push(`<sub>${refs(f)} · ${suppressHint(f)}</sub>`);
  parts.push(fingerprintMarker(f.fingerprint));
  return clamp(parts.join("\n\n"), f.fingerprint);
}

/** The companion comment that adds an import a fix needs (applied in one batch with the fix). */
export function companionBody(f: Finding): string | null {
  const c = f.fix?.companion;
  if (!c) return null;
  return [
    `**Import for the fix on line ${f.fix!.startLine}** (\`${f.rule}\`)`,
    `${c.note}.`,
    fence(noCR(c.replacement), "suggestion"),
    fingerprintMarker(`${f.fingerprint}-import`),
  ].join("\n\n");
}

function clamp(body: string, fp: string): string {
  if (body.length <= BODY_LIMIT) return body;
  const marker = fingerprintMarker(fp);
  return `${body.slice(0, BODY_LIMIT - marker.length - 40)}\n\n…(truncated)\n\n${marker}`;
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

function countsText(findings: Finding[]): string {
  const c = countBySeverity(findings);
  const parts = (["high", "medium", "low"] as Severity[]).filter((s) => c[s]).map((s) => `${c[s]} ${s}`);
  return parts.length ? parts.join(", ") : "none";
}

/** The short review body: counts, and the findings that did not fit as inline comments. */
export function reviewBody(posted: Finding[], overflow: Finding[], checkUrl?: string): string {
  const lines = [`**HunkGuard** found ${posted.length + overflow.length} security issue(s) in the lines this pull request changes (${countsText([...posted, ...overflow])}).`];
  if (overflow.length) {
    lines.push("", `${overflow.length} more did not fit as inline comments:`, "");
    for (const f of overflow.slice(0, 200)) lines.push(`- \`${f.path}:${f.line}\` ${SEVERITY_LABEL[f.severity]} ${f.title} (\`${f.rule}\`)`);
    if (overflow.length > 200) lines.push(`- …and ${overflow.length - 200} more`);
  }
  if (checkUrl) lines.push("", `Details: [HunkGuard check](${checkUrl})`);
  lines.push("", `${MARKER_PREFIX}review -->`);
  // the listed findings are posted too: their markers keep the next push from listing them again
  if (overflow.length) lines.push(overflow.map((f) => fingerprintMarker(f.fingerprint)).join(""));
  return clampPlain(lines.join("\n"), BODY_LIMIT);
}

function clampPlain(s: string, limit: number): string {
  return s.length <= limit ? s : `${s.slice(0, limit - 20)}\n…(truncated)`;
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "failure" | "warning" | "notice";
  message: string;
  title: string;
  raw_details?: string;
}

const LEVEL: Record<Severity, CheckAnnotation["annotation_level"]> = { high: "failure", medium: "warning", low: "notice" };

export function annotationFor(f: Finding): CheckAnnotation {
  const a: CheckAnnotation = {
    path: f.path,
    start_line: f.line,
    end_line: f.endLine,
    annotation_level: LEVEL[f.severity],
    message: clampPlain(f.message + (f.source ? ` The value comes from ${f.source}.` : "") + `\n\nRule: ${ruleUrl(f.rule)}`, 64000),
    title: clampPlain(`${f.title} (${f.rule})`, 255),
  };
  // GitHub accepts columns only when the annotation starts and ends on the same line
  if (f.line === f.endLine) {
    a.start_column = f.column;
    a.end_column = Math.max(f.column, f.endColumn - 1);
  }
  if (f.fix?.replacement !== undefined && f.fix.safety !== "explain") a.raw_details = clampPlain(`Suggested fix for lines ${f.fix.startLine}-${f.fix.endLine}:\n${noCR(f.fix.replacement)}`, 64000);
  return a;
}

export interface CheckSummaryInput {
  findings: Finding[];
  skipped: SkippedFile[];
  tally: Tally;
  files: number;
  lines: number;
  inlinePosted: number;
  inlineAlreadyThere: number;
  configProblems: string[];
  notes: string[];
}

export function checkTitle(findings: Finding[]): string {
  if (!findings.length) return "No security issues in the changed lines";
  return `${findings.length} security issue(s): ${countsText(findings)}`;
}

/** The check run's markdown summary: nothing dropped silently. */
export function checkSummary(s: CheckSummaryInput): string {
  const out: string[] = [];
  out.push(`HunkGuard analysed ${s.files} changed Python file(s), ${s.lines} line(s).`);
  if (s.configProblems.length) {
    out.push("", "### ⚠️ Problems in `.github/hunkguard.yml` (defaults used for these keys)", "");
    for (const p of s.configProblems) out.push(`- ${p}`);
  }
  if (s.findings.length) {
    out.push("", "### Findings on changed lines", "", "| Severity | Rule | Count |", "| --- | --- | --- |");
    const byRule = new Map<string, { sev: Severity; n: number; title: string }>();
    for (const f of s.findings) {
      const e = byRule.get(f.rule) ?? { sev: f.severity, n: 0, title: f.title };
      e.n++;
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[e.sev]) e.sev = f.severity;
      byRule.set(f.rule, e);
    }
    const rows = [...byRule.entries()].sort((a, b) => SEVERITY_RANK[b[1].sev] - SEVERITY_RANK[a[1].sev] || a[0].localeCompare(b[0]));
    for (const [rule, e] of rows) out.push(`| ${SEVERITY_LABEL[e.sev]} | \`${rule}\` ${e.title} | ${e.n} |`);
    out.push("", `Inline comments: ${s.inlinePosted} posted now, ${s.inlineAlreadyThere} already on the pull request.`);
  }
  const t = s.tally;
  const counted: string[] = [];
  if (t.suppressed) counted.push(`${t.suppressed} suppressed by comments`);
  if (t.outsideDiff) counted.push(`${t.outsideDiff} on lines this pull request did not change`);
  if (counted.length) out.push("", `Not reported: ${counted.join("; ")}.`);
  if (s.skipped.length) {
    out.push("", "### Files not analysed", "");
    for (const k of s.skipped.slice(0, 100)) out.push(`- \`${k.path}\`: ${k.reason}`);
    if (s.skipped.length > 100) out.push(`- …and ${s.skipped.length - 100} more`);
  }
  if (t.partiallyParsed.length) {
    out.push("", "### Partially parsed (syntax errors; the rest was analysed)", "");
    for (const p of t.partiallyParsed.slice(0, 50)) out.push(`- \`${p}\``);
  }
  if (t.withheldFixes.length) {
    out.push("", "### One-click fixes withheld (shown as text instead)", "");
    for (const w of t.withheldFixes.slice(0, 100)) out.push(`- \`${w.path}:${w.line}\` \`${w.rule}\`: ${w.reason}`);
  }
  if (t.ruleFailures.length) {
    out.push("", "### Rule failures (the run went on)", "");
    for (const r of t.ruleFailures.slice(0, 50)) out.push(`- \`${r.rule}\` on \`${r.path}\`: ${r.error}`);
  }
  for (const n of s.notes) out.push("", n);
  return clampPlain(out.join("\n"), CHECK_TEXT_LIMIT);
}
