/**
 * Comment bodies, the review body and the check-run output, rendered from the finding and its
 * rule's docs (never written twice). Every inline comment carries a hidden fingerprint marker.
 */
import type { Finding, Severity, SkippedFile, Tally } from "./finding.js";
import { SEVERITY_RANK } from "./finding.js";
import type { Rule } from "./rules/load.js";
import { ruleUrl } from "./links.js";

export const MARKER_PREFIX = "<!-- hunkguard:";
/** review and comment bodies: GitHub counts characters (JavaScript's UTF-16 length is never less) */
export const BODY_LIMIT = 65536;
/** check-run `summary` and `text`: GitHub counts UTF-8 bytes ("exceeds a maximum bytesize") */
export const CHECK_TEXT_LIMIT = 65535;
/** annotation `message` and `raw_details`: "64 KB" in GitHub's docs, counted in UTF-8 bytes */
export const ANNOTATION_TEXT_LIMIT = 64000;
/** annotation and output `title` (characters) */
export const TITLE_LIMIT = 255;
/** an echoed message, reason or error: one line of at most this many characters */
const ECHO_LIMIT = 2000;

const SEVERITY_LABEL: Record<Severity, string> = { high: "🔴 High", medium: "🟠 Medium", low: "🟡 Low" };

// ---------------------------------------------------------------------------------------------
// Limits: by UTF-8 bytes where GitHub counts bytes, never splitting a character.

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

const encoder = new TextEncoder();

/** `s` cut to at most `maxBytes` UTF-8 bytes (the tail included), at a character boundary. */
export function clampBytes(s: string, maxBytes: number, tail = "\n…(truncated)"): string {
  if (s.length <= maxBytes / 3 || utf8Length(s) <= maxBytes) return s;
  const room = Math.max(0, maxBytes - utf8Length(tail));
  // encodeInto writes whole characters only and says how many UTF-16 units it consumed
  const { read } = encoder.encodeInto(s, new Uint8Array(room));
  return s.slice(0, read) + tail;
}

/** `s` cut to at most `max` UTF-16 units without splitting a surrogate pair. */
export function clampChars(s: string, max: number, tail = "…"): string {
  if (s.length <= max) return s;
  let cut = Math.max(0, max - tail.length);
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return s.slice(0, cut) + tail;
}

/** One line of text: line breaks become spaces, other control characters U+FFFD; at most `max` characters. */
export function oneLine(s: string, max = ECHO_LIMIT): string {
  // cut first: a message can be megabytes long
  const head = clampChars(s, max);
  return head.replace(/\r\n|[\r\n\u2028\u2029]/g, " ").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "\uFFFD");
}

// ---------------------------------------------------------------------------------------------
// Markdown: code, paths and messages can never produce markup, mentions, links or markers.

/** A code fence longer than any backtick run inside the content. */
export function fence(content: string, info = ""): string {
  const ticks = "`".repeat(Math.max(3, longestBacktickRun(content) + 1));
  // nothing between the fences: a suggestion that deletes the lines (one empty line would replace them)
  const body = content === "" || content.endsWith("\n") ? content : `${content}\n`;
  return `${ticks}${info}\n${body}${ticks}`;
}

function longestBacktickRun(s: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 96) longest = Math.max(longest, ++run);
    else run = 0;
  }
  return longest;
}

/**
 * Text shown as inline code, whatever it holds: delimited by a backtick run longer than any inside,
 * padded with a space when it starts or ends with a backtick or a space (CommonMark strips one), on
 * one line. A path or a piece of code can never end the span early.
 */
export function codeSpan(text: string): string {
  const t = noComment(oneLine(text, 1000));
  if (!t) return "` `";
  const ticks = "`".repeat(longestBacktickRun(t) + 1);
  const pad = /^[` ]|[` ]$/.test(t) ? " " : "";
  return `${ticks}${pad}${t}${pad}${ticks}`;
}

/** A word joiner: invisible, but it keeps GitHub from reading `@name` as a mention or `#12` as a reference. */
const WJ = "\u2060";

/** In code we show (never in a suggestion, which must be exact): `<!--` never appears as such in a body of ours but in its marker. */
const noComment = (code: string) => code.replace(/<!--/g, `<${WJ}!--`);
const TEXT_ESCAPES: Record<string, string> = { "\\": "\\\\", "`": "\\`", "[": "\\[", "]": "\\]", "!": "\\!", "<": "&lt;", ">": "&gt;", "&": "&amp;" };

/** Outside code spans: no HTML (and so no `<!--` marker), no link or image, no mention, reference or autolink. */
function neutralizeText(t: string): string {
  return t
    .replace(/[\\`[\]!<>&]/g, (c) => TEXT_ESCAPES[c])
    .replace(/@(?=[\w-])/g, `@${WJ}`)
    .replace(/#(?=\d)/g, `#${WJ}`)
    .replace(/\b(GH-)(?=\d)/gi, `$1${WJ}`)
    .replace(/:\/\//g, `:${WJ}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${WJ}.`);
}

/**
 * One line of Markdown from text we do not control (a message that quotes code, an error, a reason):
 * split into code spans and text exactly as CommonMark would (a backslash-escaped backtick never
 * opens a span; a span closes at the next backtick run of the same length), code spans kept as
 * they are — GitHub shows them literally — and the text between neutralized. However the input
 * places its backticks, no part of it renders as anything but text and code.
 */
export function inlineMarkdown(text: string, max = ECHO_LIMIT): string {
  const s = oneLine(text, max).trim();
  let out = "";
  let plain = "";
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === "\\" && i + 1 < s.length && /[!-/:-@[-`{-~]/.test(s[i + 1])) {
      plain += s.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c !== "`") {
      plain += c;
      i++;
      continue;
    }
    let n = 0;
    while (s[i + n] === "`") n++;
    const close = closingRun(s, i + n, n);
    if (close === -1) {
      plain += s.slice(i, i + n);
      i += n;
      continue;
    }
    out += neutralizeText(plain) + noComment(s.slice(i, close + n));
    plain = "";
    i = close + n;
  }
  out += neutralizeText(plain);
  // nothing at the start of a line may open a block (heading, list, quote, setext, table)
  return out.replace(/^([#+\-=|~*_]|\d+[.)])/, (m) => `\\${m}`.replace(/^\\(\d+)([.)])$/, "$1\\$2"));
}

/** Start of the next run of exactly `n` backticks at or after `from`, or -1. */
function closingRun(s: string, from: number, n: number): number {
  let i = from;
  while (i < s.length) {
    if (s[i] !== "`") {
      i++;
      continue;
    }
    let m = 0;
    while (s[i + m] === "`") m++;
    if (m === n) return i;
    i += m;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Markers: written on the last line of a body, read from there only (and only from our own bodies).

const FP = "[0-9a-f]{20}(?:-import)?";
const MARKER_LINE = new RegExp(`^<!-- hunkguard:fp=(${FP}(?:,${FP})*) -->$`);
/** review bodies of earlier versions: one `<!-- hunkguard:fp=… -->` after another */
const LEGACY_MARKER_LINE = new RegExp(`^(?:<!-- hunkguard:fp=${FP} -->)+$`);

export function fingerprintMarker(fp: string): string {
  return `${MARKER_PREFIX}fp=${fp} -->`;
}

/** The marker line for many fingerprints: `<!-- hunkguard:fp=a,b,c -->` (21 characters a fingerprint). */
export function markerLine(fps: string[]): string {
  return `${MARKER_PREFIX}fp=${fps.join(",")} -->`;
}

/**
 * Fingerprints a body of ours carries: read from its last line only, which is where we write the
 * marker — everything above it (suggestions, messages, paths) is content and never counts.
 */
export function markersIn(body: string): string[] {
  const s = body.trimEnd();
  const last = s.slice(Math.max(s.lastIndexOf("\n"), s.lastIndexOf("\r")) + 1);
  const m = MARKER_LINE.exec(last);
  if (m) return m[1].split(",");
  if (LEGACY_MARKER_LINE.test(last)) return [...last.matchAll(new RegExp(`fp=(${FP}) -->`, "g"))].map((x) => x[1]);
  return [];
}

// ---------------------------------------------------------------------------------------------
// Comments.

function suppressHint(f: Finding): string {
  const forms = [codeSpan(`# hunkguard: ignore[${f.rule}]`)];
  if (f.bandit) forms.push(codeSpan(`# nosec ${f.bandit}`));
  if (f.ruff) forms.push(codeSpan(`# noqa: ${f.ruff}`));
  return `silence with ${forms.join(" or ")} on the flagged line`;
}

function refs(f: Finding): string {
  return [`[${codeSpan(f.rule)}](${ruleUrl(f.rule)})`, ...f.cwe.map((c) => inlineMarkdown(c, 40)), f.bandit ? `Bandit ${inlineMarkdown(f.bandit, 20)}` : "", f.ruff ? `Ruff ${inlineMarkdown(f.ruff, 20)}` : ""].filter(Boolean).join(" · ");
}

/** the annotation's last line: the rule's entry in the reference */
const ruleLink = (rule: string) => `\n\nRule: ${ruleUrl(rule)}`;

const noCR = (s: string) => s.replace(/\r\n/g, "\n").replace(/\r/g, "\n");

function messageOf(f: Finding): string {
  return inlineMarkdown(f.message) + (f.source ? ` The value comes from ${inlineMarkdown(f.source, 500)}.` : "");
}

/** Why a suggestion that does not fit in a comment is not offered. */
export const TOO_LONG_FOR_A_COMMENT = "the change is too long for a review comment; the check run's annotation shows it";

function renderComment(f: Finding, rule: Rule | undefined, show: { example: boolean }): string {
  const parts: string[] = [];
  parts.push(`**${SEVERITY_LABEL[f.severity]} · ${inlineMarkdown(f.title, 200)}**`);
  parts.push(messageOf(f));
  if (rule) parts.push(`**Why it matters:** ${rule.docs.why.trim()}`);
  const fix = f.fix;
  if (fix && fix.replacement !== undefined && fix.safety !== "explain") {
    parts.push(fix.safety === "safe" ? "**Suggested fix:**" : "**Suggested fix** (review before accepting):");
    parts.push(fence(noCR(fix.replacement), "suggestion"));
    if (fix.safety === "review" && fix.caveat) parts.push(`> ⚠️ ${inlineMarkdown(fix.caveat)}`);
    if (fix.companion) parts.push(`> ➕ ${inlineMarkdown(fix.companion.note)} (see the suggestion on line ${fix.companion.startLine}).`);
  } else {
    if (rule) parts.push(`**Instead:** ${rule.docs.instead.trim()}`);
    if (fix?.example && show.example) parts.push(fence(noCR(fix.example), "python"));
    if (fix?.withheld) parts.push(`_No one-click fix: ${inlineMarkdown(fix.withheld)}._`);
  }
  parts.push(`<sub>${refs(f)} · ${suppressHint(f)}</sub>`);
  parts.push(fingerprintMarker(f.fingerprint));
  return parts.join("\n\n");
}

/**
 * The inline review comment for a finding, its marker on the last line. A comment over GitHub's
 * limit is never cut (a cut suggestion would be an unclosed fence whose applied code does not
 * parse): the suggestion, then the example, give way to a sentence saying so.
 */
export function commentBody(f: Finding, rule: Rule | undefined): string {
  const body = renderComment(f, rule, { example: true });
  if (body.length <= BODY_LIMIT) return body;
  const offered = f.fix && f.fix.replacement !== undefined && f.fix.safety !== "explain";
  const shown: Finding = f.fix ? { ...f, fix: { ...f.fix, replacement: undefined, safety: "explain", withheld: offered ? TOO_LONG_FOR_A_COMMENT : f.fix.withheld } } : f;
  const without = renderComment(shown, rule, { example: true });
  if (without.length <= BODY_LIMIT) return without;
  // the example is too long as well (the rest is bounded: one-line messages, the rule's docs)
  return renderComment(shown, rule, { example: false });
}

/** Whether a comment body carries a one-click suggestion. */
export function hasSuggestion(body: string): boolean {
  return /^`{3,}suggestion$/m.test(body);
}

/** The companion comment that adds an import a fix needs (applied in one batch with the fix). */
export function companionBody(f: Finding): string | null {
  const c = f.fix?.companion;
  if (!c) return null;
  const body = [
    `**Import for the fix on line ${f.fix!.startLine}** (${codeSpan(f.rule)})`,
    `${inlineMarkdown(c.note)}.`,
    fence(noCR(c.replacement), "suggestion"),
    fingerprintMarker(`${f.fingerprint}-import`),
  ].join("\n\n");
  return body.length <= BODY_LIMIT ? body : null;
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

/** Overflow findings listed line by line in a review body; the rest are counted (the check run lists all). */
const LISTED_IN_REVIEW = 100;

/**
 * The short review body: counts, and the findings that did not fit as inline comments. The last
 * line carries the markers of those findings, so the next push does not list them again. The body
 * is built to fit GitHub's limit — never cut afterwards, which would lose the marker line: as many
 * markers as fit (21 characters each, about 3,000), the others come back on the next push.
 */
export function reviewBody(posted: Finding[], overflow: Finding[], checkUrl?: string): string {
  const lines = [`**HunkGuard** found ${posted.length + overflow.length} security issue(s) in the lines this pull request changes (${countsText([...posted, ...overflow])}).`];
  if (overflow.length) {
    lines.push("", `${overflow.length} more did not fit as inline comments:`, "");
    for (const f of overflow.slice(0, LISTED_IN_REVIEW)) lines.push(`- ${codeSpan(`${clampChars(f.path, 150)}:${f.line}`)} ${SEVERITY_LABEL[f.severity]} ${inlineMarkdown(f.title, 200)} (${codeSpan(f.rule)})`);
    if (overflow.length > LISTED_IN_REVIEW) lines.push(`- …and ${overflow.length - LISTED_IN_REVIEW} more (every finding is in the check run)`);
  }
  if (checkUrl) lines.push("", `Details: [HunkGuard check](${checkUrl})`);
  lines.push("", `${MARKER_PREFIX}review -->`);
  if (!overflow.length) return lines.join("\n");
  const text = lines.join("\n");
  const room = BODY_LIMIT - text.length - 1 - markerLine([]).length;
  const fps = overflow.map((f) => f.fingerprint).slice(0, Math.max(0, Math.floor((room + 1) / 21)));
  return fps.length ? `${text}\n${markerLine(fps)}` : text;
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

/** The annotation for a finding: plain text (GitHub shows it as such), each field within GitHub's limits. */
export function annotationFor(f: Finding): CheckAnnotation {
  const a: CheckAnnotation = {
    path: f.path,
    start_line: f.line,
    end_line: f.endLine,
    annotation_level: LEVEL[f.severity],
    message: clampBytes(f.message + (f.source ? ` The value comes from ${f.source}.` : ""), ANNOTATION_TEXT_LIMIT - utf8Length(ruleLink(f.rule))) + ruleLink(f.rule),
    title: clampChars(`${f.title} (${f.rule})`, TITLE_LIMIT),
  };
  // GitHub accepts columns only when the annotation starts and ends on the same line
  if (f.line === f.endLine) {
    a.start_column = f.column;
    a.end_column = Math.max(f.column, f.endColumn - 1);
  }
  if (f.fix?.replacement !== undefined && f.fix.safety !== "explain") a.raw_details = clampBytes(`Suggested fix for lines ${f.fix.startLine}-${f.fix.endLine}:\n${noCR(f.fix.replacement)}`, ANNOTATION_TEXT_LIMIT);
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
  /** findings under the config's `min_severity`: not reported, counted */
  belowSeverity?: { count: number; minSeverity: Severity };
}

export function checkTitle(findings: Finding[]): string {
  if (!findings.length) return "No security issues in the changed lines";
  return `${findings.length} security issue(s): ${countsText(findings)}`;
}

/** The check run's markdown summary: nothing dropped silently; nothing echoed can become markup; within GitHub's byte limit. */
export function checkSummary(s: CheckSummaryInput): string {
  const out: string[] = [];
  out.push(`HunkGuard analysed ${s.files} changed Python file(s), ${s.lines} line(s).`);
  if (s.configProblems.length) {
    out.push("", "### ⚠️ Problems in `.github/hunkguard.yml` (defaults used for these keys)", "");
    for (const p of s.configProblems.slice(0, 50)) out.push(`- ${inlineMarkdown(p, 500)}`);
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
    for (const [rule, e] of rows) out.push(`| ${SEVERITY_LABEL[e.sev]} | ${codeSpan(rule)} ${inlineMarkdown(e.title, 200).replace(/\|/g, "\\|")} | ${e.n} |`);
    out.push("", `Inline comments: ${s.inlinePosted} posted now, ${s.inlineAlreadyThere} already on the pull request.`);
  }
  const t = s.tally;
  const counted: string[] = [];
  if (t.suppressed) counted.push(`${t.suppressed} suppressed by comments`);
  if (t.outsideDiff) counted.push(`${t.outsideDiff} on lines this pull request did not change`);
  if (s.belowSeverity?.count) counted.push(`${s.belowSeverity.count} below \`min_severity: ${s.belowSeverity.minSeverity}\``);
  if (counted.length) out.push("", `Not reported: ${counted.join("; ")}.`);
  if (s.skipped.length) {
    out.push("", "### Files not analysed", "");
    for (const k of s.skipped.slice(0, 100)) out.push(`- ${codeSpan(k.path)}: ${inlineMarkdown(k.reason, 300)}`);
    if (s.skipped.length > 100) out.push(`- …and ${s.skipped.length - 100} more`);
  }
  if (t.partiallyParsed.length) {
    out.push("", "### Partially parsed (syntax errors; the rest was analysed)", "");
    for (const p of t.partiallyParsed.slice(0, 50)) out.push(`- ${codeSpan(p)}`);
  }
  if (t.withheldFixes.length) {
    out.push("", "### One-click fixes withheld (shown as text instead)", "");
    for (const w of t.withheldFixes.slice(0, 100)) out.push(`- ${codeSpan(`${w.path}:${w.line}`)} ${codeSpan(w.rule)}: ${inlineMarkdown(w.reason, 300)}`);
  }
  if (t.ruleFailures.length) {
    out.push("", "### Rule failures (the run went on)", "");
    for (const r of t.ruleFailures.slice(0, 50)) out.push(`- ${codeSpan(r.rule)} on ${codeSpan(r.path)}: ${inlineMarkdown(r.error, 300)}`);
  }
  for (const n of s.notes) out.push("", inlineMarkdown(n, 1000));
  return clampBytes(out.join("\n"), CHECK_TEXT_LIMIT);
}
