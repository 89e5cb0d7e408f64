/**
 * From a rule's fix to a suggestion that is right, or to none. A fix is a set of edits on the
 * original text; the suggestion is the whole lines they touch with the edits applied — exactly
 * what GitHub writes back. Before anything is offered it is applied as GitHub would and checked:
 * the text changed, the file still parses, the finding is gone, no other finding appears on the
 * changed lines, and the lines lie in one hunk of the diff.
 */
import type { Edit, Fix, FixSafety, FixDecline, FixProposal, RawMatch, Rule, RuleSet } from "./types.js";
import { firstNotBefore } from "./sorted.js";
import { parsePython, computeLineStarts, statementLines, pathTo, type Node, type ParsedPython, type Tree } from "./python.js";
import { FileModel } from "./scope.js";
import { matchRules } from "./match.js";
import { declarativeFix } from "./fix-edits.js";

export interface Suggestion {
  startLine: number;
  endLine: number;
  replacement: string;
}

const TIER_RANK: Record<FixSafety, number> = { safe: 2, review: 1, explain: 0 };

/** Line number (1-based) of string index `i`. */
export function lineOf(lineStarts: number[], i: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function lineEnd(source: string, lineStarts: number[], line: number): number {
  const next = lineStarts[line];
  return next === undefined ? source.length : next;
}

/** Apply non-overlapping edits (any order) to a string. */
export function applyEdits(text: string, edits: Edit[], offset = 0): string {
  // front to back into pieces: re-slicing the whole text per edit is quadratic in the edits
  // two insertions at one place: the later one in the list comes first (as applying them back to front did)
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || b.i - a.i).map((x) => x.e);
  const pieces: string[] = [];
  let at = 0;
  for (const e of sorted) {
    const start = e.start - offset;
    if (start < at) throw new Error("overlapping edits");
    pieces.push(text.slice(at, start), e.text);
    at = e.end - offset;
  }
  pieces.push(text.slice(at));
  return pieces.join("");
}

/** The whole lines the edits touch, with the edits applied. */
export function suggestionFromEdits(source: string, lineStarts: number[], edits: Edit[]): Suggestion {
  const first = Math.min(...edits.map((e) => e.start));
  const last = Math.max(...edits.map((e) => Math.max(e.start, e.end - 1)));
  const startLine = lineOf(lineStarts, first);
  const endLine = Math.max(startLine, lineOf(lineStarts, last));
  const from = lineStarts[startLine - 1];
  const to = lineEnd(source, lineStarts, endLine);
  return { startLine, endLine, replacement: applyEdits(source.slice(from, to), edits, from) };
}

/** Replace lines startLine..endLine with `replacement`, as accepting the suggestion on GitHub does. */
export function applySuggestion(source: string, s: Suggestion, lineStarts = computeLineStarts(source)): string {
  const from = lineStarts[s.startLine - 1];
  const to = lineEnd(source, lineStarts, s.endLine);
  return source.slice(0, from) + s.replacement + source.slice(to);
}

/** Lines a suggestion may touch: one hunk's commentable new-side lines (omitted for whole-file scans). */
export type HunkCheck = (startLine: number, endLine: number) => boolean;

export interface FixOutcome {
  fix: Fix | null;
  withheld?: string;
}

/** Where a match sits, by line: what the validation counts. */
interface MatchLines {
  rule: string;
  line: number;
  statementStart: number;
  statementEnd: number;
}

function matchLines(matches: RawMatch[]): MatchLines[] {
  return matches.map((m) => {
    const st = statementLines(m.node);
    // a finding that starts where its value was written (RawMatch.origin) sits on those lines too
    const line = m.origin && m.origin.startIndex < m.node.startIndex ? m.origin.startPosition.row + 1 : m.node.startPosition.row + 1;
    return { rule: m.rule.id, line, statementStart: Math.min(st.start, line), statementEnd: st.end };
  });
}

function countByRule(matches: MatchLines[], from: number, to: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of matches) {
    if (m.statementEnd < from || Math.min(m.line, m.statementStart) > to) continue;
    out.set(m.rule, (out.get(m.rule) ?? 0) + 1);
  }
  return out;
}

/**
 * Fixes × lines of the file up to which each fix is checked on its own; beyond, in batches (one
 * parse, model and match of the whole file per batch rather than per fix). At 10,000 a scan of the
 * stdlib and its tests (919 findings) spends half the time on checks (1.2 s instead of 2.2 s) with
 * the same verdicts (`scripts/compare-reports.sh`).
 */
export const EXACT_VALIDATION_COST = 10_000;
/** Parses a file's fix checks may cost at most (one by one: two per fix; in batches: one per batch or half-batch). */
export const MAX_VALIDATION_PARSES = 400;

/**
 * Per range (disjoint, any order), the matches counted on it by rule — as `countByRule` counts: a
 * match counts when its statement reaches into the range. Matches are sorted once and each range
 * is found by binary search, so many ranges cost O((matches + ranges) log ranges).
 */
function countPerRange(matches: MatchLines[], ranges: { start: number; end: number }[]): Map<string, number>[] {
  const out = ranges.map(() => new Map<string, number>());
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a].start - ranges[b].start);
  const starts = order.map((i) => ranges[i].start);
  for (const m of matches) {
    const lo = Math.min(m.line, m.statementStart);
    const hi = m.statementEnd;
    // the first range that starts after `hi`, then back over those that still reach `lo`
    let a = 0;
    let b = starts.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (starts[mid] <= hi) a = mid + 1;
      else b = mid;
    }
    for (let k = a - 1; k >= 0; k--) {
      const r = ranges[order[k]];
      if (r.end < lo) {
        // ranges are disjoint: an earlier one ends before this one starts, so it cannot reach `lo` either
        break;
      }
      const counts = out[order[k]];
      counts.set(m.rule, (counts.get(m.rule) ?? 0) + 1);
    }
  }
  return out;
}

/**
 * Companion suggestions that add imports after the same line, merged into one: the line once, then
 * each import line once. Companions on different lines stay apart.
 */
export function mergeCompanions(companions: Suggestion[], parsed: ParsedPython): Suggestion[] {
  const byLine = new Map<number, { suggestion: Suggestion; added: string[] }>();
  for (const c of companions) {
    const original = parsed.source.slice(parsed.lineStarts[c.startLine - 1], lineEnd(parsed.source, parsed.lineStarts, c.endLine));
    const eol = original.endsWith("\r\n") ? "\r\n" : "\n";
    const head = original.endsWith("\n") ? original : original + eol;
    const added = c.startLine === c.endLine && c.replacement.startsWith(head) ? c.replacement.slice(head.length).split(/(?<=\n)/).filter(Boolean) : null;
    const known = byLine.get(c.startLine);
    if (!added || (known && known.suggestion.endLine !== c.endLine)) {
      if (!known) byLine.set(c.startLine, { suggestion: c, added: [] });
      continue;
    }
    if (!known) byLine.set(c.startLine, { suggestion: { ...c, replacement: head }, added: [...added] });
    else for (const line of added) if (!known.added.includes(line)) known.added.push(line);
  }
  return [...byLine.values()].map(({ suggestion, added }) => (added.length ? { ...suggestion, replacement: suggestion.replacement + added.join("") } : suggestion));
}

/**
 * The original lines a fix is judged on: its main suggestion's, and for a fix made where the value
 * was written (RawMatch.origin), down to the end of the statement that uses it.
 */
function checkedSpan(item: { match: RawMatch; suggestions: Suggestion[] }): { start: number; end: number } {
  const main = item.suggestions[0];
  const useEnd = item.match.origin ? statementLines(item.match.node).end : 0;
  return { start: main.startLine, end: Math.max(main.endLine, useEnd) };
}

/**
 * Checks suggestions against one file. The fixed text is parsed incrementally from the tree of the
 * text checked before: only what the edit touched is parsed again. The file's own tree is left as
 * it is: the validator edits copies of it that no node was ever read from (node-tree-sitter updates
 * every node it handed out on each edit).
 */
export class FixValidator {
  private readonly before: MatchLines[];
  /** the tree the next edit starts from: of the file with `applied`, once parsed */
  private last: Tree;
  /** line starts of the text `last` is of */
  private lineStarts: number[];
  private applied: Suggestion[] = [];
  private lastText: string;

  constructor(
    private readonly parsed: ParsedPython,
    before: RawMatch[],
    private readonly rules: RuleSet,
    private readonly inHunk?: HunkCheck,
    private readonly enabled?: (rule: Rule) => boolean,
  ) {
    this.before = matchLines(before);
    this.last = parsed.tree;
    this.lastText = parsed.source;
    this.lineStarts = parsed.lineStarts;
  }

  /** The checks that need no parse: the text changes, and inside one hunk. */
  private precheck(suggestions: Suggestion[]): string | null {
    const { parsed, inHunk } = this;
    const lines = parsed.lineStarts;
    for (const s of suggestions) {
      const original = parsed.source.slice(lines[s.startLine - 1], lineEnd(parsed.source, lines, s.endLine));
      if (original === s.replacement) return "the fix changes nothing";
      if (inHunk && !inHunk(s.startLine, s.endLine)) return "the lines to change are not all inside one hunk of the diff";
    }
    return null;
  }

  /**
   * Check many fixes of the file (each a set of suggestions applied together: a fix and the import it
   * needs): the reason to withhold each, or null when it is right. Few fixes in a small file are
   * checked one by one (`validate`). Past `exactCost` (fixes × lines of the file) they are checked in
   * batches: every fix whose lines do not overlap another's is applied at once, the result parsed and
   * matched once, and each fix judged on its own lines (the finding gone, nothing new); a batch that
   * does not parse is split in halves until the fixes that break it are found. That keeps a file with
   * thousands of fixes linear. At most `maxParses` parses are spent on a file: fixes left unchecked
   * are withheld with that reason (shown as text, counted), never dropped.
   */
  validateMany(items: { match: RawMatch; suggestions: Suggestion[] }[], opts: { exactCost?: number; maxParses?: number; checkpoint?: () => void } = {}): (string | null)[] {
    const checkpoint = opts.checkpoint ?? (() => {});
    const reasons: (string | null | undefined)[] = items.map((it) => this.precheck(it.suggestions) ?? undefined);
    const todo = reasons.flatMap((r, i) => (r === undefined ? [i] : []));
    const exactCost = opts.exactCost ?? EXACT_VALIDATION_COST;
    let parses = opts.maxParses ?? MAX_VALIDATION_PARSES;
    const spent = `HunkGuard's budget for checking fixes in this file is spent (${items.length} fixes); this one was not checked`;
    if (todo.length * this.parsed.lineStarts.length <= exactCost && todo.length * 2 <= parses) {
      for (const i of todo) {
        checkpoint();
        reasons[i] = this.validate(items[i].match, items[i].suggestions);
      }
      return reasons as (string | null)[];
    }
    for (const batch of this.batches(items, todo)) {
      const queue: number[][] = [batch];
      while (queue.length) {
        const group = queue.shift()!;
        checkpoint();
        if (parses-- <= 0) {
          for (const i of group) reasons[i] = spent;
          continue;
        }
        const verdict = this.validateBatch(items, group);
        if (verdict === "unparsable") {
          if (group.length === 1) reasons[group[0]] = "the fixed code would not parse";
          else queue.push(group.slice(0, group.length >> 1), group.slice(group.length >> 1));
          continue;
        }
        group.forEach((i, k) => (reasons[i] = verdict[k]));
      }
    }
    return reasons.map((r) => (r === undefined ? spent : r));
  }

  /**
   * Fixes that can be applied together: their suggestions' lines do not overlap. The companion
   * suggestions (an import next to the import block) all go on one line and are merged, so they
   * never keep two fixes apart.
   */
  private batches(items: { match: RawMatch; suggestions: Suggestion[] }[], todo: number[]): number[][] {
    // a batch's main suggestions are added in line order and never overlap: sorted by start and by end
    type Batch = { members: number[]; mains: [number, number][]; companions: [number, number][] };
    const batches: Batch[] = [];
    const hitsMain = (mains: [number, number][], s: number, e: number) => {
      // the last main starting at or before `e` is the only one that can reach `s`
      let lo = 0;
      let hi = mains.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (mains[mid][0] <= e) lo = mid + 1;
        else hi = mid;
      }
      return lo > 0 && mains[lo - 1][1] >= s;
    };
    const hitsAny = (list: [number, number][], s: number, e: number) => list.some(([ts, te]) => s <= te && ts <= e);
    const order = [...todo].sort((a, b) => items[a].suggestions[0].startLine - items[b].suggestions[0].startLine);
    for (const i of order) {
      const [main, ...companions] = items[i].suggestions;
      // a fix is judged on its lines and, when made where the value was written, down to the use
      const span = checkedSpan(items[i]);
      const free = (b: Batch) =>
        !hitsMain(b.mains, span.start, span.end) &&
        !hitsAny(b.companions, main.startLine, main.endLine) &&
        companions.every((c) => !hitsMain(b.mains, c.startLine, c.endLine));
      // the last batch first: with the fixes in line order, it is the one most likely to be free
      let target = batches.length && free(batches[batches.length - 1]) ? batches[batches.length - 1] : batches.find(free);
      if (!target) batches.push((target = { members: [], mains: [], companions: [] }));
      target.members.push(i);
      target.mains.push([span.start, span.end]);
      for (const c of companions) if (!hitsAny(target.companions, c.startLine, c.endLine)) target.companions.push([c.startLine, c.endLine]);
    }
    return batches.map((b) => b.members);
  }

  /** Apply a group of fixes at once and judge each on its own lines; "unparsable" when the result does not parse. */
  private validateBatch(items: { match: RawMatch; suggestions: Suggestion[] }[], group: number[]): (string | null)[] | "unparsable" {
    const { parsed } = this;
    const mains = group.map((i) => items[i].suggestions[0]);
    const companions = mergeCompanions(group.flatMap((i) => items[i].suggestions.slice(1)), parsed);
    const all = [...mains, ...companions].sort((a, b) => a.startLine - b.startLine);
    // one pass front to back: the text, and where each main suggestion's lines end up
    const pieces: string[] = [];
    const placed = new Map<Suggestion, { start: number; end: number }>();
    let at = 0;
    let shift = 0;
    for (const sug of all) {
      const from = parsed.lineStarts[sug.startLine - 1];
      pieces.push(parsed.source.slice(at, from), sug.replacement);
      at = lineEnd(parsed.source, parsed.lineStarts, sug.endLine);
      const start = sug.startLine + shift;
      const count = lineCount(sug.replacement);
      placed.set(sug, { start, end: start + count - 1 });
      shift += count - (sug.endLine - sug.startLine + 1);
    }
    pieces.push(parsed.source.slice(at));
    const after = parsePython(pieces.join(""));
    if (after.partial) return "unparsable";
    const outcome = matchRules(new FileModel(after), this.rules, this.enabled);
    if (outcome.failures.length) {
      const reason = `the fix could not be checked (the rule \`${outcome.failures[0].rule}\` failed on the fixed code)`;
      return group.map(() => reason);
    }
    // where a line of the file ends up once every suggestion of the batch above it is applied
    // (suggestions by last line, with the running sum of lines they add: a binary search per line)
    const byEnd = [...all].sort((x, y) => x.endLine - y.endLine);
    const grown: number[] = [];
    for (const sug of byEnd) grown.push((grown[grown.length - 1] ?? 0) + lineCount(sug.replacement) - (sug.endLine - sug.startLine + 1));
    const moved = (line: number) => {
      const lo = firstNotBefore(byEnd.length, (k) => byEnd[k].endLine < line);
      return line + (lo ? grown[lo - 1] : 0);
    };
    const spans = group.map((i) => checkedSpan(items[i]));
    const now = countPerRange(
      matchLines(outcome.matches),
      mains.map((m, k) => {
        const at = placed.get(m)!;
        return spans[k].end > m.endLine ? { start: at.start, end: Math.max(at.end, moved(spans[k].end)) } : at;
      }),
    );
    const was = countPerRange(this.before, spans);
    return group.map((i, k) => {
      const id = items[i].match.rule.id;
      if ((now[k].get(id) ?? 0) >= (was[k].get(id) ?? 0)) return "the finding is still there after the fix";
      for (const [rule, n] of now[k]) if (rule !== id && n > (was[k].get(rule) ?? 0)) return `the fix would raise another finding (${rule})`;
      return null;
    });
  }

  /** Check a set of suggestions applied together (a fix and the import it needs): the reason to withhold it, or null. */
  validate(match: RawMatch, suggestions: Suggestion[]): string | null {
    const { parsed } = this;
    const lines = parsed.lineStarts;
    const pre = this.precheck(suggestions);
    if (pre) return pre;
    // apply bottom-up: the lines above each suggestion still start where they did in the file
    let text = parsed.source;
    let shift = 0;
    const ordered = [...suggestions].sort((a, b) => b.startLine - a.startLine);
    for (const s of ordered) text = applySuggestion(text, s, lines);
    const after = this.reparse(text, suggestions);
    if (after.partial) return "the fixed code would not parse";
    const main = suggestions[0];
    for (const s of suggestions) if (s !== main && s.startLine < main.startLine) shift += lineCount(s.replacement) - (s.endLine - s.startLine + 1);
    const newStart = main.startLine + shift;
    let newEnd = newStart + lineCount(main.replacement) - 1;
    // a fix made where the value was written (RawMatch.origin) must be checked up to the statement that uses it
    let oldEnd = main.endLine;
    if (match.origin) {
      const useEnd = statementLines(match.node).end;
      if (useEnd > oldEnd) {
        let below = 0;
        for (const s of suggestions) if (s.endLine < useEnd) below += lineCount(s.replacement) - (s.endLine - s.startLine + 1);
        newEnd = Math.max(newEnd, useEnd + below);
        oldEnd = useEnd;
      }
    }
    // the same rules as the analysis: a disabled rule must not veto a fix
    const focus = focusOnLines(after, newStart, newEnd);
    const outcome = matchRules(new FileModel(after, focus), this.rules, this.enabled);
    // a rule that fails on the fixed code cannot say the finding is gone
    if (outcome.failures.length) return `the fix could not be checked (the rule \`${outcome.failures[0].rule}\` failed on the fixed code)`;
    const afterMatches = matchLines(outcome.matches);
    const was = countByRule(this.before, main.startLine, oldEnd);
    const now = countByRule(afterMatches, newStart, newEnd);
    if ((now.get(match.rule.id) ?? 0) >= (was.get(match.rule.id) ?? 0)) return "the finding is still there after the fix";
    for (const [rule, n] of now) {
      if (rule !== match.rule.id && n > (was.get(rule) ?? 0)) return `the fix would raise another finding (${rule})`;
    }
    return null;
  }

  /**
   * Parse `text` (the file with `next` applied), reusing the tree of the text parsed last (the file
   * with `this.applied`): the tree is told about each run of lines either set of suggestions touched.
   */
  private reparse(text: string, next: Suggestion[]): ParsedPython {
    const { source, lineStarts } = this.parsed;
    const newLineStarts = computeLineStarts(text);
    const from = (line: number) => lineStarts[line - 1];
    const to = (line: number) => lineEnd(source, lineStarts, line);
    const delta = (s: Suggestion) => s.replacement.length - (to(s.endLine) - from(s.startLine));
    // runs of original lines that differ between the two texts, bottom-up
    const touched = [...this.applied, ...next].sort((a, b) => a.startLine - b.startLine);
    const runs: { first: number; last: number }[] = [];
    for (const s of touched) {
      const run = runs[runs.length - 1];
      if (run && s.startLine <= run.last) run.last = Math.max(run.last, s.endLine);
      else runs.push({ first: s.startLine, last: s.endLine });
    }
    // parsing the same text again from its tree costs next to nothing and gives a tree without nodes to update
    const tree = parsePython(this.lastText, this.last, this.lineStarts).tree;
    for (let r = runs.length - 1; r >= 0; r--) {
      const { first, last } = runs[r];
      let oldShift = 0;
      let oldGrowth = 0;
      for (const s of this.applied) {
        if (s.endLine < first) oldShift += delta(s);
        else if (s.startLine <= last) oldGrowth += delta(s);
      }
      let newShift = 0;
      let newGrowth = 0;
      for (const s of next) {
        if (s.endLine < first) newShift += delta(s);
        else if (s.startLine <= last) newGrowth += delta(s);
      }
      const span = to(last) - from(first);
      const start = from(first) + oldShift;
      const inserted = text.slice(from(first) + newShift, from(first) + newShift + span + newGrowth);
      const startPosition = pointAt(this.lineStarts, start);
      tree.edit({
        startIndex: start,
        oldEndIndex: start + span + oldGrowth,
        newEndIndex: start + inserted.length,
        startPosition,
        oldEndPosition: pointAt(this.lineStarts, start + span + oldGrowth),
        newEndPosition: pointAfter(startPosition, inserted),
      });
    }
    const after = parsePython(text, tree, newLineStarts);
    this.last = after.tree;
    this.lastText = text;
    this.lineStarts = newLineStarts;
    this.applied = next;
    return after;
  }
}

/** Where a point ends up after `text` is inserted at it. */
function pointAfter(at: { row: number; column: number }, text: string): { row: number; column: number } {
  const lastBreak = text.lastIndexOf("\n");
  if (lastBreak < 0) return { row: at.row, column: at.column + text.length };
  let rows = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) rows++;
  return { row: at.row + rows, column: text.length - lastBreak - 1 };
}

/**
 * The string indices where a match counted on lines from..to can be (see `FileModel.inFocus`):
 * a match counts when its statement reaches into those lines. Such a statement is on those lines,
 * or it spans the first (last) token of them and so encloses it: then the match is in that
 * statement but not in the statements beside the enclosing ones, at any level.
 */
export function focusOnLines(p: ParsedPython, from: number, to: number): ((at: number) => boolean) | undefined {
  const { source, lineStarts } = p;
  const windowStart = lineStarts[from - 1];
  const windowEnd = lineEnd(source, lineStarts, to);
  if (windowStart === undefined) return undefined;
  let first = windowStart;
  while (first < windowEnd && /\s/.test(source[first])) first++;
  let last = windowEnd - 1;
  while (last >= windowStart && /\s/.test(source[last])) last--;
  if (first >= windowEnd || last < windowStart) return undefined;
  const around = [enclosing(p.tree.rootNode, first), enclosing(p.tree.rootNode, last)];
  return (at) => (at >= windowStart && at < windowEnd) || around.some((inside) => inside(at));
}

/** Inside the statements that enclose `anchor`, and not inside their sibling statements. */
function enclosing(root: Node, anchor: number): (at: number) => boolean {
  // [from, to) ranges of sibling statements, around each enclosing statement, at every level
  const beside: number[] = [];
  let outer: { start: number; end: number } | null = null;
  // down from the root with a cursor: climbing `parent` costs O(depth) per step in tree-sitter
  for (const { parentType, parentStart, parentEnd, start, end } of pathTo(root, anchor)) {
    if (parentType !== "module" && parentType !== "block") continue;
    beside.push(parentStart, start, end, parentEnd);
    outer ??= { start, end };
  }
  return (at) => {
    if (!outer || at < outer.start || at >= outer.end) return false;
    for (let i = 0; i < beside.length; i += 2) if (at >= beside[i] && at < beside[i + 1]) return false;
    return true;
  };
}

/** Row and column (0-based, in UTF-16 code units) of string index `i`. */
function pointAt(lineStarts: number[], i: number): { row: number; column: number } {
  const row = lineOf(lineStarts, i) - 1;
  return { row, column: i - lineStarts[row] };
}

/**
 * Check a set of suggestions applied together (a fix and the import it needs).
 * Returns the reason it must be withheld, or null when it is right.
 */
export function validateSuggestions(
  parsed: ParsedPython,
  before: RawMatch[],
  match: RawMatch,
  suggestions: Suggestion[],
  rules: RuleSet,
  inHunk?: HunkCheck,
  enabled?: (rule: Rule) => boolean,
): string | null {
  return new FixValidator(parsed, before, rules, inHunk, enabled).validate(match, suggestions);
}

function lineCount(text: string): number {
  if (!text) return 0;
  const n = text.split("\n").length;
  return text.endsWith("\n") ? n - 1 : n;
}

/** Indentation of a line. */
function indentOf(parsed: ParsedPython, line: number): string {
  const start = parsed.lineStarts[line - 1];
  const m = /^[ \t]*/.exec(parsed.source.slice(start, start + 200));
  return m ? m[0] : "";
}

/** The last line of the file's top-level import block (0 when there is none). */
export function importBlockEnd(model: FileModel): number {
  let last = 0;
  for (const imp of model.imports) {
    if (imp.scope !== model.module || imp.node.parent?.type !== "module") continue;
    last = Math.max(last, imp.node.endPosition.row + 1);
  }
  return last;
}

/**
 * Turn a builder's proposal into suggestions, placing any import the file lacks:
 * next to the import block when that is in the same diff (a companion suggestion), else just
 * above the statement when the builder allows a local import, else not at all (explain).
 */
function placeImports(
  parsed: ParsedPython,
  model: FileModel,
  match: RawMatch,
  proposal: FixProposal,
  inHunk?: HunkCheck,
): { suggestions: Suggestion[]; note?: string } | { decline: string } {
  const main = suggestionFromEdits(parsed.source, parsed.lineStarts, proposal.edits);
  const imports = proposal.imports ?? [];
  if (!imports.length) return { suggestions: [main] };
  const eol = parsed.source.includes("\r\n") ? "\r\n" : "\n";
  const blockEnd = importBlockEnd(model);
  if (blockEnd > 0 && blockEnd < main.startLine && (!inHunk || inHunk(blockEnd, blockEnd))) {
    const from = parsed.lineStarts[blockEnd - 1];
    const to = lineEnd(parsed.source, parsed.lineStarts, blockEnd);
    let lineText = parsed.source.slice(from, to);
    if (!lineText.endsWith("\n")) lineText += eol;
    const companion = { startLine: blockEnd, endLine: blockEnd, replacement: lineText + imports.map((i) => i + eol).join("") };
    return { suggestions: [main, companion], note: `needs \`${imports.join("; ")}\`: apply both suggestions together (add them to one batch)` };
  }
  if (proposal.localImportOk) {
    const st = statementLines(match.node);
    if (st.start === main.startLine) {
      const indent = indentOf(parsed, st.start);
      const head = imports.map((i) => `${indent}${i}${eol}`).join("");
      return { suggestions: [{ ...main, replacement: head + main.replacement }] };
    }
  }
  return { decline: `the fix needs \`${imports.join("; ")}\`, which the file does not import` };
}

export interface FixRequest {
  parsed: ParsedPython;
  model: FileModel;
  match: RawMatch;
  /** all matches in the file before the fix (to tell new findings from old ones) */
  before: RawMatch[];
  rules: RuleSet;
  inHunk?: HunkCheck;
  enabled?: (rule: Rule) => boolean;
  /** the file's validator, shared by its findings (made when the first fix needs it) */
  validator?: () => FixValidator;
}

/** A fix built and placed, waiting for its suggestions to be checked. */
export interface PendingFix {
  pending: true;
  match: RawMatch;
  suggestions: Suggestion[];
  /** the fix to offer when the suggestions are right */
  fix: Fix;
  /** the outcome when they are not (with the reason filled in) */
  explain: (reason: string) => FixOutcome;
}

/**
 * The edits a match's fix makes, or why there are none: the rule's code builds it from the match's
 * own data; otherwise the declarative edits of the pattern that matched, or of the rule.
 */
function proposeFix(model: FileModel, match: RawMatch, spec: NonNullable<Rule["fix"]>): FixProposal | FixDecline {
  const plan = match.fix;
  if (plan?.kind === "code") return plan.build(model);
  if (plan?.kind === "data") return declarativeFix(model, match, plan.spec);
  if (match.rule.code?.fix) return match.rule.code.fix(model, match);
  return declarativeFix(model, match, { edits: spec.edits, requires: spec.requires });
}

/** Build and place the fix for one finding: the outcome when it is already decided, else the suggestions left to check. */
export function prepareFix(req: FixRequest): FixOutcome | PendingFix {
  const { parsed, model, match, inHunk } = req;
  const spec = match.rule.fix;
  if (!spec) return { fix: null };
  const st = statementLines(match.node);
  // `counted`: a fix that failed is counted as withheld in the check summary; a shape that simply
  // has no mechanical fix (a decline by design) still shows its reason but is not counted
  const explain = (example: string | undefined, withheld?: string, counted = true): FixOutcome => ({
    fix: { safety: "explain", startLine: st.start, endLine: st.end, example: example ?? spec.example, ...(withheld ? { withheld } : {}) },
    ...(counted && withheld ? { withheld } : {}),
  });
  if (spec.safety === "explain") return explain(spec.example);
  if (parsed.partial) return explain(spec.example, "the file does not parse completely");

  let built: FixProposal | FixDecline;
  try {
    built = proposeFix(model, match, spec);
  } catch (e) {
    return explain(spec.example, `the fix builder failed: ${(e as Error).message}`);
  }
  // a decline by design (this code shape has no mechanical fix) is not a withheld fix
  if ("decline" in built) return explain(built.example ?? spec.example, built.decline, !built.byDesign);
  const proposal: FixProposal = built;
  // two findings of one rule on the same lines would each get a suggestion for those lines: offer neither
  const [row0, row1] = [match.node.startPosition.row, match.node.endPosition.row];
  if (req.before.some((o) => o !== match && o.rule === match.rule && o.node.id !== match.node.id && o.node.startPosition.row <= row1 && o.node.endPosition.row >= row0)) {
    return explain(spec.example, spec.overlap ?? `another \`${match.rule.id}\` finding on the same lines needs the same fix: change them together`);
  }
  if (!proposal.edits.length) return explain(spec.example, "no edit applies to this call");

  let safety: FixSafety = spec.safety;
  if (proposal.safety && TIER_RANK[proposal.safety] < TIER_RANK[safety]) safety = proposal.safety;
  if (safety === "explain") return explain(spec.example);

  const placed = placeImports(parsed, model, match, proposal, inHunk);
  if ("decline" in placed) return explain(spec.example, placed.decline);
  // a suggestion holds whole lines: one that would repeat a secret of the file is withheld by the
  // engine's redaction pass (redact.ts), whichever rule flagged the secret

  const [main, companion] = placed.suggestions;
  const fix: Fix = { safety, startLine: main.startLine, endLine: main.endLine, replacement: main.replacement };
  const caveat = proposal.caveat ?? spec.caveat;
  if (safety === "review" && caveat) fix.caveat = caveat;
  if (companion && placed.note) fix.companion = { ...companion, note: placed.note };
  return { pending: true, match, suggestions: placed.suggestions, fix, explain: (reason) => explain(spec.example, reason) };
}

/** The outcome of a prepared fix once its suggestions are checked. */
export function checkFix(validator: FixValidator, p: PendingFix): FixOutcome {
  const reason = validator.validate(p.match, p.suggestions);
  return reason ? p.explain(reason) : { fix: p.fix };
}

export function isPendingFix(o: FixOutcome | PendingFix): o is PendingFix {
  return "pending" in o;
}

/** Build, place and validate the fix for one finding. */
export function buildFix(req: FixRequest): FixOutcome {
  const prepared = prepareFix(req);
  if (!isPendingFix(prepared)) return prepared;
  const validator = req.validator?.() ?? new FixValidator(req.parsed, req.before, req.rules, req.inHunk, req.enabled);
  return checkFix(validator, prepared);
}
