/**
 * Fuzzing with fast-check, fixed seed, bounded runs:
 *
 * - patches into `parseFilePatch` and unified diffs into `parseUnifiedDiff`: well-formed ones
 *   (generated with a model of what they must give), mutated ones and random text. Either a
 *   result whose added lines lie inside hunk ranges and are commentable, or a `DiffParseError`:
 *   never another exception, never a hang;
 * - Python mutated from every rule's `bad`/`good`/`fixed` examples and the demo pull request into
 *   `analyzeSource` (whole file, and against the diff from the example to the mutant): no
 *   exception escapes, findings stay on added lines, and every offered suggestion, applied as
 *   GitHub applies it, leaves text that changed, still parses (when the input did), no longer holds
 *   the finding, lies inside one hunk — and compiles with CPython when the input did.
 *
 * Each property runs HUNKGUARD_FUZZ_RUNS times (default 200); the run count is asserted, so a
 * property that stops early fails. A longer run on demand, with another seed:
 *
 *   HUNKGUARD_FUZZ_RUNS=5000 HUNKGUARD_FUZZ_SEED=7 npm test -- test/fuzz.test.ts
 */
import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource, type ChangedLines } from "../src/core/engine.js";
import { applySuggestion, type Suggestion } from "../src/core/fix.js";
import { parsePython } from "../src/core/python.js";
import {
  DiffParseError,
  filePatchFromContents,
  inOneHunk,
  parseFilePatch,
  parseUnifiedDiff,
  type FilePatch,
} from "../src/core/hunks.js";
import { pyCompileAll } from "./support/python.js";

const RUNS = Number(process.env.HUNKGUARD_FUZZ_RUNS ?? 200);
const SEED = Number(process.env.HUNKGUARD_FUZZ_SEED ?? 0x48554e4b);
const SLOW = Math.max(60_000, RUNS * 600);

const rules = await loadRules();

/** Run a property exactly RUNS times, and prove it did. */
function check<T>(arb: fc.Arbitrary<T>, body: (value: T) => void, seedOffset: number): void {
  let runs = 0;
  fc.assert(
    fc.property(arb, (value) => {
      runs++;
      body(value);
    }),
    { seed: SEED + seedOffset, numRuns: RUNS },
  );
  expect(runs).toBe(RUNS);
}

// ---------------------------------------------------------------------------------------------
// Patches

/** Everything a parsed patch must satisfy, whatever the input was. */
function expectConsistent(fp: FilePatch): void {
  const added = new Set<number>();
  const commentable = new Set<number>();
  for (const h of fp.hunks) {
    for (const n of [h.oldStart, h.oldLines, h.newStart, h.newLines]) expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
    expect(h.added.length).toBeLessThanOrEqual(h.newLines);
    if (h.newLines === 0) {
      expect(h.newRange).toBeNull();
      expect(h.added).toEqual([]);
      continue;
    }
    expect(h.newRange).toEqual([h.newStart, h.newStart + h.newLines - 1]);
    for (let k = 0; k < h.added.length; k++) {
      const n = h.added[k];
      expect(n >= h.newRange![0] && n <= h.newRange![1]).toBe(true);
      if (k > 0) expect(n).toBeGreaterThan(h.added[k - 1]);
      added.add(n);
    }
    for (let n = h.newRange![0]; n <= h.newRange![1]; n++) commentable.add(n);
  }
  expect(fp.addedLines).toEqual(added);
  expect(fp.commentableLines).toEqual(commentable);
  for (const n of fp.addedLines) expect(fp.commentableLines.has(n)).toBe(true);
}

/** Parse, accepting only a consistent result or a DiffParseError. */
function parseOrReject<T>(parse: () => T, consistent: (r: T) => void): "parsed" | "rejected" {
  let result: T;
  try {
    result = parse();
  } catch (e) {
    if (e instanceof DiffParseError) {
      expect(e.line).toBeGreaterThanOrEqual(1);
      return "rejected";
    }
    throw e;
  }
  consistent(result);
  return "parsed";
}

const lineText = fc.string({
  unit: fc.constantFrom("a", "x", " ", "\t", "@", "+", "-", "\\", "#", "(", ")", '"', "'", "é", "日", "🐍", "\r", "\u2028", "\u0085"),
  maxLength: 12,
});

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const hunkSpec = fc.record({
  gapOld: fc.nat({ max: 4 }),
  gapNew: fc.nat({ max: 4 }),
  lines: fc.array(fc.record({ kind: fc.constantFrom(" ", "-", "+"), text: lineText, stripped: fc.boolean() }), { maxLength: 10 }),
  noNewlineAt: fc.option(fc.nat({ max: 10 })),
  shortCounts: fc.boolean(),
  section: fc.option(fc.constantFrom("def f(x):", "class A:", "@@ not a header", "日本")),
});

interface ModelPatch {
  text: string;
  hunks: { oldStart: number; oldLines: number; newStart: number; newLines: number; added: number[] }[];
}

/** A well-formed patch and what parsing it must give. */
function renderPatch(specs: ValueOf<typeof hunkSpec>[]): ModelPatch {
  const out: string[] = [];
  const hunks: ModelPatch["hunks"] = [];
  let oldCursor = 1;
  let newCursor = 1;
  for (const spec of specs) {
    oldCursor += spec.gapOld;
    newCursor += spec.gapNew;
    const oldLines = spec.lines.filter((l) => l.kind !== "+").length;
    const newLines = spec.lines.filter((l) => l.kind !== "-").length;
    // git numbers an empty side from the line before it
    const oldStart = oldLines === 0 ? oldCursor - 1 : oldCursor;
    const newStart = newLines === 0 ? newCursor - 1 : newCursor;
    const range = (start: number, count: number) => (spec.shortCounts && count === 1 ? `${start}` : `${start},${count}`);
    out.push(`@@ -${range(oldStart, oldLines)} +${range(newStart, newLines)} @@${spec.section ? ` ${spec.section}` : ""}`);
    const added: number[] = [];
    let n = newCursor;
    spec.lines.forEach((l, k) => {
      // a context line whose only character, the space, was stripped by an editor
      out.push(l.kind === " " && l.text === "" && l.stripped ? "" : `${l.kind}${l.text}`);
      if (spec.noNewlineAt === k) out.push("\\ No newline at end of file");
      if (l.kind === "+") added.push(n);
      if (l.kind !== "-") n++;
    });
    hunks.push({ oldStart, oldLines, newStart, newLines, added });
    oldCursor += oldLines;
    newCursor += newLines;
  }
  // GitHub's patch has no final newline; a stripped context line at the very end needs one to exist
  return { text: out.join("\n") + (out.length && out[out.length - 1] === "" ? "\n" : ""), hunks };
}

const wellFormedPatch = fc.array(hunkSpec, { maxLength: 5 }).map(renderPatch);

const DIFF_TOKENS = [
  "@@ -1,2 +1,3 @@", "@@ -0,0 +1 @@", "@@ -1 +1 @@", "@@@ -1 +1 @@@", "@@ -", " +", ",", "@@", "0", "1", "7",
  "99999999999999999999", "9007199254740991", "\n", "\r\n", "\r", "+", "-", " ", "\\ No newline at end of file",
  "a", "é", "diff --git a/x.py b/x.py", "--- a/x.py", "+++ b/x.py", "--- /dev/null", "+++ /dev/null",
  "rename from x.py", "rename to y.py", "copy from x.py", "new file mode 100644", "deleted file mode 100644",
  "similarity index 90%", "index 1234567..89abcde 100644", "Binary files a/x and b/x differ", "GIT binary patch",
  '"a/caf\\303\\251.py"', '"b/\\x"', "\t1970-01-01 00:00:00 +0000", "\t2024-05-01 10:00:00.123 +0200",
];
const randomDiffText = fc.array(fc.constantFrom(...DIFF_TOKENS), { maxLength: 40 }).map((t) => t.join(""));

const fixture = (name: string) => readFileSync(new URL(`./fixtures/patches/${name}`, import.meta.url), "utf8");
const FIXTURES = readdirSync(new URL("./fixtures/patches/", import.meta.url)).filter((n) => /\.(patch|diff|mbox)$/.test(n));

/** Line-level and character-level damage, applied in sequence. */
const textMutation = fc.oneof(
  fc.record({ op: fc.constant("delete-line" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate-line" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap-lines" as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant("insert-line" as const), at: fc.nat(), text: fc.constantFrom(...DIFF_TOKENS) }),
  fc.record({ op: fc.constant("replace-char" as const), at: fc.nat(), text: fc.constantFrom("+", "-", " ", "@", "\\", "9", ",", "\n", "\r", "") }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("renumber" as const), at: fc.nat(), text: fc.constantFrom("0", "2", "13", "1000000", "9007199254740991", "99999999999999999999") }),
  fc.constant({ op: "crlf" as const }),
  fc.constant({ op: "drop-final-newline" as const }),
);
type TextMutation = ValueOf<typeof textMutation>;

function mutateText(text: string, m: TextMutation): string {
  const lines = text.split("\n");
  const pick = (n: number) => (lines.length ? n % lines.length : 0);
  switch (m.op) {
    case "delete-line":
      lines.splice(pick(m.at), 1);
      return lines.join("\n");
    case "duplicate-line":
      lines.splice(pick(m.at), 0, lines[pick(m.at)] ?? "");
      return lines.join("\n");
    case "swap-lines": {
      const [a, b] = [pick(m.at), pick(m.to)];
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join("\n");
    }
    case "insert-line":
      lines.splice(pick(m.at), 0, m.text);
      return lines.join("\n");
    case "replace-char": {
      if (!text.length) return m.text;
      const at = m.at % text.length;
      return text.slice(0, at) + m.text + text.slice(at + 1);
    }
    case "truncate":
      return text.slice(0, text.length ? m.at % (text.length + 1) : 0);
    case "renumber": {
      const numbers = [...text.matchAll(/\d+/g)];
      if (!numbers.length) return text;
      const hit = numbers[m.at % numbers.length];
      return text.slice(0, hit.index) + m.text + text.slice(hit.index + hit[0].length);
    }
    case "crlf":
      return text.replace(/\r?\n/g, "\r\n");
    case "drop-final-newline":
      return text.replace(/\r?\n$/, "");
  }
}

const mutations = fc.array(textMutation, { minLength: 1, maxLength: 4 });

describe("parseFilePatch", () => {
  test("well-formed patches give exactly the model's hunks, added and commentable lines", () => {
    check(wellFormedPatch, (model) => {
      const fp = parseFilePatch(model.text);
      expectConsistent(fp);
      expect(fp.hunks.map(({ oldStart, oldLines, newStart, newLines, added }) => ({ oldStart, oldLines, newStart, newLines, added }))).toEqual(model.hunks);
      // the same patch with CRLF separators (a CRLF file) and a final newline parses the same
      if (model.text) expect(parseFilePatch(`${model.text.replace(/\n$/, "").replace(/\n/g, "\r\n")}\r\n`)).toEqual(fp);
    }, 1);
  });

  test("mutated patches: a consistent result or a DiffParseError, nothing else", () => {
    const seeds = fc.oneof(wellFormedPatch.map((m) => m.text), fc.constantFrom(...FIXTURES.filter((n) => n.endsWith(".patch")).map(fixture)));
    const outcomes = { parsed: 0, rejected: 0 };
    check(fc.tuple(seeds, mutations), ([text, ms]) => {
      const mutated = ms.reduce(mutateText, text);
      outcomes[parseOrReject(() => parseFilePatch(mutated), expectConsistent)]++;
    }, 2);
    // both outcomes happen: the fuzzing reaches past the first line
    expect(outcomes.parsed).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });

  test("random text: a consistent result or a DiffParseError", () => {
    check(randomDiffText, (text) => {
      parseOrReject(() => parseFilePatch(text), expectConsistent);
    }, 3);
  });
});

// ---------------------------------------------------------------------------------------------
// Multi-file diffs

const pathName = fc.constantFrom("app/x.py", "a b/c.py", "café/日本.py", "tab\there.py", 'quo"te.py', "b/a/b.py", "x");

/** C-quote a path the way git does when it holds special or non-ASCII bytes. */
function gitQuote(path: string): string {
  if (!/[^\x21-\x7e]|["\\]/.test(path) || path.includes(" ") && !/[^\x20-\x7e]|["\\\t]/.test(path)) return path;
  let out = '"';
  for (const byte of new TextEncoder().encode(path)) {
    const c = String.fromCharCode(byte);
    if (c === '"' || c === "\\") out += `\\${c}`;
    else if (c === "\t") out += "\\t";
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString(8).padStart(3, "0")}`;
    else out += c;
  }
  return `${out}"`;
}

const fileSpec = fc.record({
  path: pathName,
  renamedFrom: fc.option(pathName),
  kind: fc.constantFrom("modified", "added", "removed"),
  hunks: fc.array(hunkSpec, { maxLength: 3 }),
  index: fc.boolean(),
});

interface ModelDiff {
  text: string;
  files: { newPath: string | null; oldPath: string | null; status: string; added: number[] }[];
}

function renderDiff(files: ValueOf<typeof fileSpec>[], preamble: string): ModelDiff {
  const out: string[] = preamble ? [preamble] : [];
  const model: ModelDiff["files"] = [];
  for (const f of files) {
    const renamed = f.kind === "modified" && f.renamedFrom !== null && f.renamedFrom !== f.path ? f.renamedFrom : null;
    const from = renamed ?? f.path;
    // an added file's hunks only add; a removed file's only remove
    const hunks = f.hunks.map((h) => ({
      ...h,
      lines: f.kind === "added" ? h.lines.map((l) => ({ ...l, kind: "+" as const })) : f.kind === "removed" ? h.lines.map((l) => ({ ...l, kind: "-" as const })) : h.lines,
    }));
    const patch = f.kind === "modified" ? renderPatch(hunks) : renderPatch(hunks.length ? [{ ...hunks[0], gapOld: 0, gapNew: 0 }] : []);
    out.push(`diff --git ${gitQuote(`a/${from}`)} ${gitQuote(`b/${f.path}`)}`);
    if (f.kind === "added") out.push("new file mode 100644");
    if (f.kind === "removed") out.push("deleted file mode 100644");
    if (renamed) out.push("similarity index 80%", `rename from ${gitQuote(renamed)}`, `rename to ${gitQuote(f.path)}`);
    if (f.index) out.push("index 1234567..89abcde 100644");
    if (patch.hunks.length) {
      out.push(`--- ${f.kind === "added" ? "/dev/null" : gitQuote(`a/${from}`)}`, `+++ ${f.kind === "removed" ? "/dev/null" : gitQuote(`b/${f.path}`)}`);
      out.push(patch.text);
    }
    model.push({
      oldPath: f.kind === "added" ? null : from,
      newPath: f.kind === "removed" ? null : f.path,
      status: f.kind === "modified" ? (renamed ? "renamed" : "modified") : f.kind,
      added: patch.hunks.flatMap((h) => h.added),
    });
  }
  return { text: `${out.join("\n")}\n`, files: model };
}

const wellFormedDiff = fc
  .tuple(fc.array(fileSpec, { minLength: 1, maxLength: 4 }), fc.constantFrom("", "From 1234 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n---\n x.py | 2 +-\n"))
  .map(([files, preamble]) => renderDiff(files, preamble));

function expectConsistentDiff(files: ReturnType<typeof parseUnifiedDiff>): void {
  for (const f of files) {
    expect(["added", "removed", "modified", "renamed"]).toContain(f.status);
    expect(f.oldPath === null || typeof f.oldPath === "string").toBe(true);
    expect(f.newPath === null || typeof f.newPath === "string").toBe(true);
    expectConsistent(f.patch);
  }
}

describe("parseUnifiedDiff", () => {
  test("well-formed git diffs (quoted, non-ASCII, renamed, added, removed) give the model's files and lines", () => {
    check(wellFormedDiff, (model) => {
      const files = parseUnifiedDiff(model.text);
      expectConsistentDiff(files);
      expect(files.map((f) => ({ oldPath: f.oldPath, newPath: f.newPath, status: f.status, added: [...f.patch.addedLines].sort((a, b) => a - b) }))).toEqual(
        model.files.map((f) => ({ ...f, added: [...new Set(f.added)].sort((a, b) => a - b) })),
      );
    }, 4);
  });

  test("mutated diffs and fixtures: consistent files or a DiffParseError, nothing else", () => {
    const seeds = fc.oneof(wellFormedDiff.map((m) => m.text), fc.constantFrom(...FIXTURES.map(fixture)));
    check(fc.tuple(seeds, mutations), ([text, ms]) => {
      parseOrReject(() => parseUnifiedDiff(ms.reduce(mutateText, text)), expectConsistentDiff);
    }, 5);
  });

  test("random text: consistent files or a DiffParseError", () => {
    check(randomDiffText, (text) => {
      parseOrReject(() => parseUnifiedDiff(text), expectConsistentDiff);
    }, 6);
  });
});

// ---------------------------------------------------------------------------------------------
// Python into the engine and the fix engine

function exampleCorpus(): string[] {
  const out = new Set<string>();
  for (const rule of rules.rules) {
    for (const bad of rule.examples.bad) {
      out.add(bad.code);
      if (bad.fixed !== undefined) out.add(bad.fixed);
    }
    for (const good of rule.examples.good) out.add(good);
  }
  for (const side of ["base", "head"]) {
    const dir = new URL(`../examples/demo-pr/${side}/app/`, import.meta.url);
    for (const name of readdirSync(dir)) out.add(readFileSync(new URL(name, dir), "utf8"));
  }
  return [...out];
}

const CORPUS = exampleCorpus();

const pyMutation = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("swap" as const), at: fc.nat(), to: fc.nat() }),
  fc.record({
    op: fc.constant("insert-chars" as const),
    at: fc.nat(),
    text: fc.string({ unit: fc.constantFrom("(", ")", "[", "]", "{", "}", ":", ",", "=", ".", "'", '"', "\\", "#", " ", "\t", "\n", "\r\n", "x", "1", "é", "f'", "\u202e", "lambda ", "if ", "await "), maxLength: 6 }),
  }),
  fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("indent" as const), at: fc.nat(), by: fc.constantFrom("    ", "\t", " ", "dedent") }),
  fc.constant({ op: "crlf" as const }),
  fc.record({ op: fc.constant("splice" as const), other: fc.nat(), at: fc.nat() }),
);
type PyMutation = ValueOf<typeof pyMutation>;

function mutatePython(text: string, m: PyMutation): string {
  const lines = text.split("\n");
  const pick = (n: number) => n % Math.max(1, lines.length);
  switch (m.op) {
    case "delete":
      lines.splice(pick(m.at), 1);
      return lines.join("\n");
    case "duplicate":
      lines.splice(pick(m.at), 0, lines[pick(m.at)] ?? "");
      return lines.join("\n");
    case "swap": {
      const [a, b] = [pick(m.at), pick(m.to)];
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join("\n");
    }
    case "insert-chars": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case "truncate":
      return text.slice(0, m.at % (text.length + 1));
    case "indent": {
      const k = pick(m.at);
      lines[k] = m.by === "dedent" ? (lines[k] ?? "").replace(/^( {1,4}|\t)/, "") : m.by + (lines[k] ?? "");
      return lines.join("\n");
    }
    case "crlf":
      return text.replace(/\r?\n/g, "\r\n");
    case "splice": {
      const other = CORPUS[m.other % CORPUS.length].split("\n");
      lines.splice(pick(m.at), 0, ...other);
      return lines.join("\n");
    }
  }
}

const pythonInput = fc
  .tuple(fc.nat({ max: CORPUS.length - 1 }), fc.array(pyMutation, { minLength: 0, maxLength: 4 }))
  .map(([i, ms]) => ({ base: CORPUS[i], text: ms.reduce(mutatePython, CORPUS[i]), mutations: ms }));

function changedFrom(patch: FilePatch): ChangedLines {
  return { added: patch.addedLines, commentable: patch.commentableLines, inOneHunk: (s, e) => inOneHunk(patch, s, e) };
}

function offeredSuggestions(f: ReturnType<typeof analyzeSource>["findings"][number]): Suggestion[] {
  if (!f.fix || f.fix.safety === "explain" || f.fix.replacement === undefined) return [];
  const main = { startLine: f.fix.startLine, endLine: f.fix.endLine, replacement: f.fix.replacement };
  return f.fix.companion ? [main, f.fix.companion] : [main];
}

function applyTogether(text: string, suggestions: Suggestion[]): string {
  let out = text;
  for (const s of [...suggestions].sort((a, b) => b.startLine - a.startLine)) out = applySuggestion(out, s);
  return out;
}

describe("analyzeSource on mutated rule examples", () => {
  test("no exception escapes; findings on added lines; every offered suggestion is right", () => {
    expect(CORPUS.length).toBeGreaterThan(100);
    const compiled: { name: string; code: string }[] = [];
    let offered = 0;
    check(pythonInput, ({ base, text }) => {
      const inputParses = !parsePython(text).partial;
      const lines = text.split("\n").length;

      // 1. the whole file (the CLI's `scan`)
      const whole = analyzeSource("fuzz.py", text, { rules });
      expect(whole.ruleFailures).toEqual([]);
      for (const f of whole.findings) {
        expect(f.line >= 1 && f.endLine >= f.line && f.endLine <= lines).toBe(true);
        expect(f.statementLine <= f.line && f.statementEndLine >= f.line).toBe(true);
      }

      // 2. against the diff from the example to the mutant (the app: only added lines count)
      const patch = filePatchFromContents(base, text);
      const diffed = analyzeSource("fuzz.py", text, { rules, changed: changedFrom(patch) });
      expect(diffed.ruleFailures).toEqual([]);
      for (const f of diffed.findings) {
        let touched = false;
        for (let l = f.statementLine; l <= f.statementEndLine; l++) touched ||= patch.addedLines.has(l);
        expect(touched).toBe(true);
        for (const s of offeredSuggestions(f)) expect(inOneHunk(patch, s.startLine, s.endLine)).toBe(true);
      }

      // 3. every suggestion: changes the text, parses, removes the finding; compiled below
      for (const f of whole.findings) {
        const suggestions = offeredSuggestions(f);
        if (!suggestions.length) continue;
        offered++;
        expect(inputParses).toBe(true); // no one-click fix is offered on a file that does not parse
        const alone = applySuggestion(text, suggestions[0]);
        expect(alone).not.toBe(text);
        expect(parsePython(alone).partial).toBe(false);
        const after = applyTogether(text, suggestions);
        expect(parsePython(after).partial).toBe(false);
        const before = whole.findings.filter((g) => g.rule === f.rule).length;
        const remaining = analyzeSource("fuzz.py", after, { rules, fixes: false }).findings.filter((g) => g.rule === f.rule).length;
        expect(remaining).toBeLessThan(before);
        if (compiled.length < Math.max(400, RUNS)) {
          const k = compiled.length / 2;
          compiled.push({ name: `in-${k}-${f.rule}`, code: text }, { name: `out-${k}-${f.rule}`, code: after });
        }
      }
    }, 7);
    expect(offered).toBeGreaterThan(RUNS / 20); // the mutants reach the fix engine often

    // CPython has the last word: an input that compiles must still compile after its fix
    const failed = new Set(pyCompileAll(compiled).map((e) => e.slice(0, e.indexOf(": "))));
    const broken = compiled.filter((c, i) => i % 2 === 1 && failed.has(c.name) && !failed.has(compiled[i - 1].name));
    expect(broken).toEqual([]);
  }, SLOW);
});
