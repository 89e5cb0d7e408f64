/**
 * The review a set of findings makes: inline comments anchored on new-side lines the diff holds,
 * most severe first, up to a cap; the rest listed in the review body. Pure: the app, the Action
 * and the CLI's `review` preview share it (src/github/review.ts posts it).
 */
import { bySeverityThenPlace, type Finding } from "./finding.js";
import { inOneHunk, type FilePatch } from "./hunks.js";
import { commentBody, companionBody, hasSuggestion } from "./render.js";
import type { RuleSet } from "./rules/load.js";

export interface ReviewComment {
  path: string;
  line: number;
  side: "RIGHT";
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

export interface ReviewPlan {
  comments: ReviewComment[];
  /** for each comment, the finding it is about, as shown (a suggestion it could not offer turned to text) */
  about: Finding[];
  /** findings that get an inline comment now */
  inline: Finding[];
  /** new findings that did not fit (cap) or could not be anchored: listed in the review body */
  overflow: Finding[];
  /** findings whose comment is already on the pull request */
  alreadyPosted: Finding[];
}

function firstCommentable(patch: FilePatch, from: number, to: number, prefer: number): number | null {
  if (patch.commentableLines.has(prefer)) return prefer;
  for (let l = from; l <= to; l++) if (patch.commentableLines.has(l)) return l;
  return null;
}

/** Anchor each new finding, most severe first, up to `max` inline comments. */
export function planReview(findings: Finding[], patches: Map<string, FilePatch>, posted: Set<string>, rules: RuleSet, max: number): ReviewPlan {
  const plan: ReviewPlan = { comments: [], about: [], inline: [], overflow: [], alreadyPosted: [] };
  // GitHub cannot apply two suggestions on the same lines in one batch: the first (most severe) wins
  const suggested = new Map<string, [number, number][]>();
  const overlaps = (path: string, a: number, b: number) => (suggested.get(path) ?? []).some(([s, e]) => a <= e && s <= b);
  for (const f0 of [...findings].sort(bySeverityThenPlace)) {
    let f = f0;
    if (posted.has(f.fingerprint)) {
      plan.alreadyPosted.push(f);
      continue;
    }
    if (f.fix?.replacement !== undefined && f.fix.safety !== "explain" && overlaps(f.path, f.fix.startLine, f.fix.endLine)) {
      f = { ...f, fix: { ...f.fix, replacement: undefined, safety: "explain", withheld: OVERLAP_WITHHELD } };
    }
    const patch = patches.get(f.path);
    const comments: ReviewComment[] = [];
    const rule = rules.byId.get(f.rule);
    const fix = f.fix;
    if (patch && fix?.replacement !== undefined && fix.safety !== "explain" && inOneHunk(patch, fix.startLine, fix.endLine)) {
      const body = commentBody(f, rule);
      comments.push(anchor(f.path, fix.startLine, fix.endLine, body));
      // the import belongs to the suggestion: none when the suggestion was too long to offer
      const c = fix.companion;
      const cBody = hasSuggestion(body) ? companionBody(f) : null;
      if (c && cBody && inOneHunk(patch, c.startLine, c.endLine)) comments.push(anchor(f.path, c.startLine, c.endLine, cBody));
    } else if (patch) {
      // no suggestion to place: one line of the statement, the flagged line when the diff has it
      const shown = fix && fix.replacement !== undefined && fix.safety !== "explain" ? { ...f, fix: { ...fix, replacement: undefined, safety: "explain" as const, withheld: "the lines to change are not all inside one hunk of the diff" } } : f;
      const line = firstCommentable(patch, f.statementLine, f.statementEndLine, f.line);
      if (line !== null) comments.push(anchor(f.path, line, line, commentBody(shown, rule)));
    }
    if (!comments.length || plan.comments.length + comments.length > max) {
      plan.overflow.push(f);
      continue;
    }
    plan.comments.push(...comments);
    for (const c of comments) plan.about.push(hasSuggestion(c.body) ? f : { ...f, fix: f.fix && { ...f.fix, replacement: undefined, companion: undefined, safety: "explain" } });
    plan.inline.push(f0);
    for (const c of comments) {
      if (!hasSuggestion(c.body)) continue;
      const list = suggested.get(c.path) ?? [];
      list.push([c.start_line ?? c.line, c.line]);
      suggested.set(c.path, list);
    }
  }
  return plan;
}

function anchor(path: string, start: number, end: number, body: string): ReviewComment {
  const c: ReviewComment = { path, line: end, side: "RIGHT", body };
  if (start < end) {
    c.start_line = start;
    c.start_side = "RIGHT";
  }
  return c;
}


/** Why a suggestion is shown as text when another one changes the same lines. */
export const OVERLAP_WITHHELD = "another suggestion changes the same lines; accept it first and this one is offered on the next push";

const isSuggestion = (f: Finding) => f.fix?.replacement !== undefined && f.fix.safety !== "explain";

/**
 * Findings as a batch can offer them: when two suggestions change the same lines, the first in
 * review order (most severe first, then by place) keeps its suggestion and the other is shown as
 * text, as `planReview` does for the app. For outputs without a diff to anchor on (`scan`).
 */
export function withholdOverlappingFixes(findings: Finding[]): Finding[] {
  const taken = new Map<string, [number, number][]>();
  const overlaps = (path: string, a: number, b: number) => (taken.get(path) ?? []).some(([s, e]) => a <= e && s <= b);
  const out = new Map<Finding, Finding>();
  for (const f of [...findings].sort(bySeverityThenPlace)) {
    const fix = f.fix;
    if (!fix || !isSuggestion(f)) continue;
    const ranges: [number, number][] = [[fix.startLine, fix.endLine]];
    if (fix.companion) ranges.push([fix.companion.startLine, fix.companion.endLine]);
    if (ranges.some(([s, e]) => overlaps(f.path, s, e))) {
      out.set(f, { ...f, fix: { ...fix, replacement: undefined, companion: undefined, safety: "explain", withheld: OVERLAP_WITHHELD } });
      continue;
    }
    taken.set(f.path, [...(taken.get(f.path) ?? []), ...ranges]);
  }
  return findings.map((f) => out.get(f) ?? f);
}
