/**
 * Patch → hunks → added lines and commentable lines, always on the new side (the head commit).
 *
 * "Commentable lines": GitHub accepts a pull-request review comment (`line`, `side: RIGHT`) only on
 * a new-side line that lies inside some hunk of the file's diff — an added line or a context line
 * shown around it. Any other line makes the whole review fail with 422, so anchors are checked
 * against `commentableLines` (and multi-line comments against `inOneHunk`) before posting.
 * Findings are *reported* only on `addedLines`; context lines are commentable but not new.
 *
 * Pure: no network, no fs, no clock. Patches are split on "\n" only (like git), never on
 * U+2028 or a lone "\r"; a trailing "\r" on a diff line is dropped (CRLF files or CRLF patches).
 */
import type { ChangedLines } from "./engine.js";
import { createRequire } from "node:module";

/**
 * jsdiff, loaded the first time two texts are diffed (its CommonJS build: one synchronous require
 * when needed, where the ES build is ~20 modules every start-up would load).
 */
let jsdiff: typeof import("diff") | null = null;
const diffLib = (): typeof import("diff") => (jsdiff ??= createRequire(import.meta.url)("diff") as typeof import("diff"));

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** new-side line numbers (1-based) of lines this hunk adds ('+' lines) */
  added: number[];
  /** first and last new-side line inside this hunk (context + added); [newStart, newStart+newLines-1]; for newLines=0 there are none */
  newRange: [number, number] | null;
}

export interface FilePatch {
  hunks: Hunk[];
  /** union of hunk.added */
  addedLines: Set<number>;
  /** every new-side line inside some hunk (context or added) – GitHub only accepts review comments there */
  commentableLines: Set<number>;
  /**
   * Set only by `filePatchFromContents` when the texts differ too much to diff within
   * `maxEditLength`: the patch then replaces the whole file (every new line counts as added),
   * which over-reports rather than misses, and may not match the hunks GitHub shows.
   */
  approximate?: true;
}

export interface FileDiff {
  oldPath: string | null;
  newPath: string | null;
  status: "added" | "removed" | "modified" | "renamed";
  binary: boolean;
  patch: FilePatch;
}

/** The text is not a (well-formed) unified diff. `line` is 1-based within the parsed text. */
export class DiffParseError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "DiffParseError";
    this.line = line;
  }
}

/** Parse GitHub's per-file `patch` field from pulls.listFiles (starts directly with "@@ ..."; no ---/+++ headers). Empty string / undefined → no hunks. */
export function parseFilePatch(patch: string | undefined | null): FilePatch {
  const lines = splitDiffLines(patch ?? "");
  const hunks: Hunk[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!lines[i].startsWith("@@")) {
      const what = hunks.length === 0 ? "a GitHub file patch must start with a hunk header" : "unexpected line after a hunk";
      throw new DiffParseError(i + 1, `${what}, expected "@@ -a,b +c,d @@", got ${preview(lines[i])}`);
    }
    const parsed = parseHunk(lines, i);
    hunks.push(parsed.hunk);
    i = parsed.next;
  }
  return filePatchOf(hunks);
}

/**
 * Default bound on inserted+deleted lines for `filePatchFromContents`. jsdiff's Myers costs about
 * D² here: a full rewrite took ~1.7 s to give up at 5,000 and ~70 s to finish at 20,000 lines.
 */
export const DEFAULT_MAX_EDIT_LENGTH = 5000;

/**
 * Compute hunks when GitHub omitted the patch (large files): diff base text vs head text (either
 * may be "" for added/removed files), 3 lines of context like git. Uses the `diff` package.
 * Beyond `maxEditLength` changed lines it returns one whole-file hunk marked `approximate`.
 */
export function filePatchFromContents(
  oldText: string,
  newText: string,
  options: { maxEditLength?: number } = {},
): FilePatch {
  const maxEditLength = options.maxEditLength ?? DEFAULT_MAX_EDIT_LENGTH;
  const structured = diffLib().structuredPatch("a", "b", oldText, newText, undefined, undefined, { context: 3, maxEditLength });
  if (structured === undefined) return wholeFileReplaced(oldText, newText);
  const hunks = structured.hunks.map((h) => {
    // jsdiff numbers an empty side from the line it would start at; git (and GitHub) from the line before it.
    const header = {
      oldStart: h.oldLines === 0 ? h.oldStart - 1 : h.oldStart,
      oldLines: h.oldLines,
      newStart: h.newLines === 0 ? h.newStart - 1 : h.newStart,
      newLines: h.newLines,
    };
    return walkHunkBody(header, h.lines, 0, 0).hunk;
  });
  return filePatchOf(hunks);
}

/** true when new-side lines start..end (inclusive) all lie inside ONE hunk's newRange */
export function inOneHunk(fp: FilePatch, start: number, end: number): boolean {
  if (start > end) return false;
  const hunk = hunkAt(fp, start);
  return hunk !== undefined && hunk.newRange !== null && end <= hunk.newRange[1];
}

/** the hunk containing new-side line n, or undefined */
export function hunkAt(fp: FilePatch, n: number): Hunk | undefined {
  return fp.hunks.find((h) => h.newRange !== null && h.newRange[0] <= n && n <= h.newRange[1]);
}

/**
 * Parse a multi-file unified diff as `git diff` prints it (also plain `diff -u` output, and
 * `git format-patch` mail with its message and signature around the diffs). Lines outside any file
 * header or hunk are ignored, like `git apply` does. Copies (`copy from/to`, only with `git diff -C`)
 * come back as "added" with `oldPath` set to the copy source; their hunks are relative to it.
 */
export function parseUnifiedDiff(text: string): FileDiff[] {
  const lines = splitDiffLines(text);
  const files: FileBuilder[] = [];
  let current: FileBuilder | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.startsWith("diff --git ")) {
      current = gitFileHeader(line);
      files.push(current);
      i++;
      continue;
    }
    if (current?.inExtendedHeader && applyExtendedHeader(current, line)) {
      i++;
      continue;
    }
    if (line.startsWith("--- ") && i + 1 < lines.length && lines[i + 1].startsWith("+++ ")) {
      // In a git block the ---/+++ pair belongs to it; otherwise it starts a plain `diff -u` file.
      if (!current?.inExtendedHeader) {
        current = emptyBuilder(false);
        files.push(current);
      }
      current.inExtendedHeader = false;
      applyFileNames(current, lines[i].slice(4), lines[i + 1].slice(4));
      i += 2;
      continue;
    }
    if (line.startsWith("@@")) {
      if (current === undefined) {
        throw new DiffParseError(i + 1, `hunk header before any file header ("diff --git" or "---"/"+++"): ${preview(line)}`);
      }
      current.inExtendedHeader = false;
      const parsed = parseHunk(lines, i);
      current.hunks.push(parsed.hunk);
      i = parsed.next;
      continue;
    }
    i++; // commit message, diffstat, "Index:", signature, base85 of a GIT binary patch, …
  }
  if (files.length === 0) {
    const first = lines.findIndex((l) => l.trim() !== "");
    if (first !== -1) {
      throw new DiffParseError(
        first + 1,
        `not a unified diff: no "diff --git", "---"/"+++" or "@@" header found (first line: ${preview(lines[first])})`,
      );
    }
  }
  return files.map(finishFile);
}

// ---------------------------------------------------------------------------------------------
// Hunks

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

interface HunkHeader {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
}

/** Parse the hunk whose header is lines[at]; returns it and the index of the first line after it. */
function parseHunk(lines: string[], at: number): { hunk: Hunk; next: number } {
  const header = parseHunkHeader(lines[at], at + 1);
  return walkHunkBody(header, lines, at + 1, at + 1);
}

function parseHunkHeader(line: string, lineNo: number): HunkHeader {
  if (line.startsWith("@@@")) {
    throw new DiffParseError(lineNo, `combined (merge) diffs are not supported: ${preview(line)}`);
  }
  const m = HUNK_HEADER.exec(line);
  if (m === null) {
    throw new DiffParseError(lineNo, `malformed hunk header, expected "@@ -a,b +c,d @@": ${preview(line)}`);
  }
  // "@@ -5 +5 @@" omits a count of 1.
  const [oldStart, oldLines, newStart, newLines] = [m[1], m[2] ?? "1", m[3], m[4] ?? "1"].map(Number);
  // The ends too: past 2^53 `n++` stops moving, and walking the range would never finish.
  const numbers = [oldStart, oldLines, newStart, newLines, oldStart + oldLines, newStart + newLines];
  if (!numbers.every(Number.isSafeInteger) || (oldStart === 0 && oldLines > 0) || (newStart === 0 && newLines > 0)) {
    throw new DiffParseError(lineNo, `malformed hunk header, impossible line numbers: ${preview(line)}`);
  }
  return { oldStart, oldLines, newStart, newLines };
}

/**
 * Walk a hunk body starting at lines[from], driven by the header's counts — which is what keeps a
 * removed line "--- a" or an added line "+++ b" from being read as a file header.
 * `headerLineNo` is the 1-based line of the header, for error messages (0 = not from a text).
 */
function walkHunkBody(header: HunkHeader, lines: string[], from: number, headerLineNo: number): { hunk: Hunk; next: number } {
  let oldLeft = header.oldLines;
  let newLeft = header.newLines;
  let newLine = header.newStart;
  const added: number[] = [];
  let i = from;
  const fail = (why: string): never => {
    throw new DiffParseError(
      i + 1,
      `${why} in the hunk starting at line ${headerLineNo} (still expected ${oldLeft} old-side and ${newLeft} new-side lines)`,
    );
  };
  while (oldLeft > 0 || newLeft > 0) {
    if (i >= lines.length) fail("the diff ends early");
    const line = lines[i];
    const kind = line === "" ? " " : line[0]; // a context line whose trailing space was stripped
    if (kind === " ") {
      if (oldLeft === 0 || newLeft === 0) fail(`unexpected context line ${preview(line)}`);
      oldLeft--;
      newLeft--;
      newLine++;
    } else if (kind === "-") {
      if (oldLeft === 0) fail(`more removed lines than the header counts: ${preview(line)}`);
      oldLeft--;
    } else if (kind === "+") {
      if (newLeft === 0) fail(`more added lines than the header counts: ${preview(line)}`);
      added.push(newLine);
      newLeft--;
      newLine++;
    } else if (kind !== "\\") {
      // "\ No newline at end of file" is not a line on either side; anything else is a broken hunk.
      fail(`unexpected line ${preview(line)}`);
    }
    i++;
  }
  while (i < lines.length && lines[i].startsWith("\\")) i++;
  const newRange: [number, number] | null =
    header.newLines > 0 ? [header.newStart, header.newStart + header.newLines - 1] : null;
  return { hunk: { ...header, added, newRange }, next: i };
}

function filePatchOf(hunks: Hunk[]): FilePatch {
  const addedLines = new Set<number>();
  const commentableLines = new Set<number>();
  for (const hunk of hunks) {
    for (const n of hunk.added) addedLines.add(n);
    if (hunk.newRange === null) continue;
    for (let n = hunk.newRange[0]; n <= hunk.newRange[1]; n++) commentableLines.add(n);
  }
  return { hunks, addedLines, commentableLines };
}

function wholeFileReplaced(oldText: string, newText: string): FilePatch {
  const oldLines = countLines(oldText);
  const newLines = countLines(newText);
  const added = Array.from({ length: newLines }, (_, k) => k + 1);
  const hunk: Hunk = {
    oldStart: oldLines > 0 ? 1 : 0,
    oldLines,
    newStart: newLines > 0 ? 1 : 0,
    newLines,
    added,
    newRange: newLines > 0 ? [1, newLines] : null,
  };
  return { ...filePatchOf([hunk]), approximate: true };
}

/** Lines as git counts them: split on "\n"; a final line without "\n" still counts. */
function countLines(text: string): number {
  if (text === "") return 0;
  let count = 0;
  for (let k = text.indexOf("\n"); k !== -1; k = text.indexOf("\n", k + 1)) count++;
  return text.endsWith("\n") ? count : count + 1;
}

/** Split a diff into lines on "\n" only; drop the trailing "\r" of CRLF and the empty tail after a final newline. */
function splitDiffLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

function preview(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}

// ---------------------------------------------------------------------------------------------
// File headers of a multi-file diff

interface FileBuilder {
  git: boolean;
  /** between "diff --git" and the first ---/+++ or @@ */
  inExtendedHeader: boolean;
  oldPath: string | null;
  newPath: string | null;
  created: boolean;
  deleted: boolean;
  renamed: boolean;
  copied: boolean;
  binary: boolean;
  hunks: Hunk[];
}

function emptyBuilder(git: boolean): FileBuilder {
  return {
    git,
    inExtendedHeader: git,
    oldPath: null,
    newPath: null,
    created: false,
    deleted: false,
    renamed: false,
    copied: false,
    binary: false,
    hunks: [],
  };
}

/** "diff --git a/x b/y": provisional names; rename/copy lines and ---/+++ override them. */
function gitFileHeader(line: string): FileBuilder {
  const file = emptyBuilder(true);
  const names = splitGitHeaderNames(line.slice("diff --git ".length));
  if (names !== undefined) {
    file.oldPath = stripPrefix(names[0], "a/");
    file.newPath = stripPrefix(names[1], "b/");
  }
  return file;
}

const RENAME_OR_COPY = /^(rename|copy) (from|to) (.*)$/;
const OTHER_EXTENDED_HEADER = /^(old mode|new mode|index|similarity index|dissimilarity index) /;

/** Returns false when the line is not an extended header line (so the main loop looks at it). */
function applyExtendedHeader(file: FileBuilder, line: string): boolean {
  const renameOrCopy = RENAME_OR_COPY.exec(line);
  if (renameOrCopy !== null) {
    const [, kind, side, name] = renameOrCopy;
    if (kind === "rename") file.renamed = true;
    else file.copied = true;
    if (side === "from") file.oldPath = unquotePath(name);
    else file.newPath = unquotePath(name);
    return true;
  }
  if (line.startsWith("new file mode ")) file.created = true;
  else if (line.startsWith("deleted file mode ")) file.deleted = true;
  else if (line.startsWith("Binary files ") && line.endsWith(" differ")) {
    file.binary = true;
    if (line.startsWith("Binary files /dev/null and ")) file.created = true;
    if (line.endsWith(" and /dev/null differ")) file.deleted = true;
  } else if (line === "GIT binary patch") file.binary = true;
  else return OTHER_EXTENDED_HEADER.test(line);
  return true;
}

function applyFileNames(file: FileBuilder, oldField: string, newField: string): void {
  const oldName = fileNameOfHeader(oldField);
  const newName = fileNameOfHeader(newField);
  if (oldName === null) {
    file.created = true;
    file.oldPath = null;
  } else if (!file.renamed && !file.copied) {
    file.oldPath = stripPrefix(oldName, "a/");
  }
  if (newName === null) {
    file.deleted = true;
    file.newPath = null;
  } else if (!file.renamed && !file.copied) {
    file.newPath = stripPrefix(newName, "b/");
  }
}

/**
 * The name in a "--- name" / "+++ name" line, or null for a missing side: "/dev/null", or (GNU
 * `diff -N`) any name stamped with the Unix epoch. Names are C-quoted, or raw up to a tab: git adds
 * one after names containing spaces, `diff -u` puts the timestamp there.
 */
function fileNameOfHeader(field: string): string | null {
  let name: string;
  let rest: string;
  const quoted = field.startsWith('"') ? readQuoted(field, 0) : undefined;
  if (quoted !== undefined) {
    name = quoted.value;
    rest = field.slice(quoted.end);
  } else {
    const tab = field.indexOf("\t");
    name = tab === -1 ? field : field.slice(0, tab);
    rest = tab === -1 ? "" : field.slice(tab);
  }
  if (name === "/dev/null" || isEpoch(rest.trim())) return null;
  return name;
}

const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d+)? ([+-])(\d\d)(\d\d)$/;

function isEpoch(timestamp: string): boolean {
  const m = TIMESTAMP.exec(timestamp);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offsetMinutes = (m[7] === "-" ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000 === 0;
}

function finishFile(file: FileBuilder): FileDiff {
  const patch = filePatchOf(file.hunks);
  if (file.created && !file.copied) {
    return { oldPath: null, newPath: file.newPath, status: "added", binary: file.binary, patch };
  }
  if (file.deleted) return { oldPath: file.oldPath, newPath: null, status: "removed", binary: file.binary, patch };
  const status = file.renamed ? "renamed" : file.copied ? "added" : "modified";
  return { oldPath: file.oldPath, newPath: file.newPath, status, binary: file.binary, patch };
}

function stripPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/**
 * Split the names of "diff --git A B". Either may be C-quoted. Unquoted names may contain spaces,
 * so when neither is quoted we rely on both being the same path (true unless renamed/copied, and
 * then the rename/copy lines give the names).
 */
function splitGitHeaderNames(rest: string): [string, string] | undefined {
  if (rest.startsWith('"')) {
    const first = readQuoted(rest, 0);
    if (first === undefined || rest[first.end] !== " ") return undefined;
    const second = rest.slice(first.end + 1);
    return [first.value, second.startsWith('"') ? (readQuoted(second, 0)?.value ?? second) : second];
  }
  if (rest.endsWith('"')) {
    for (let k = rest.indexOf(' "'); k !== -1; k = rest.indexOf(' "', k + 1)) {
      const second = readQuoted(rest, k + 1);
      if (second !== undefined && second.end === rest.length) return [rest.slice(0, k), second.value];
    }
  }
  if (rest.length % 2 === 1) {
    const half = (rest.length - 1) / 2;
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (rest[half] === " " && stripPrefix(a, "a/") === stripPrefix(b, "b/")) return [a, b];
  }
  const split = rest.indexOf(" b/");
  return split === -1 ? undefined : [rest.slice(0, split), rest.slice(split + 1)];
}

/** "rename from NAME" and friends: C-quoted or raw, without a/ b/ prefix. */
function unquotePath(field: string): string {
  if (field.startsWith('"')) {
    const quoted = readQuoted(field, 0);
    if (quoted !== undefined && quoted.end === field.length) return quoted.value;
  }
  return field;
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/**
 * Read a git C-quoted string starting at text[at] === '"'. Git escapes bytes (not characters):
 * "caf\303\251.py" is the UTF-8 of "café.py", so collect bytes and decode once.
 */
function readQuoted(text: string, at: number): { value: string; end: number } | undefined {
  if (text[at] !== '"') return undefined;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let i = at + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const value = new TextDecoder("utf-8").decode(new Uint8Array(bytes));
      return { value, end: i + 1 };
    }
    if (ch === "\\") {
      const next = text[i + 1] ?? "";
      const octal = /^[0-3][0-7]{2}/.exec(text.slice(i + 1, i + 4));
      if (octal !== null) {
        bytes.push(parseInt(octal[0], 8));
        i += 4;
      } else if (next in C_ESCAPES) {
        bytes.push(C_ESCAPES[next]);
        i += 2;
      } else {
        return undefined;
      }
      continue;
    }
    const codePoint = text.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(codePoint);
    bytes.push(...encoder.encode(char));
    i += char.length;
  }
  return undefined;
}

/** The one FilePatch → ChangedLines adapter (what the engine needs to know of a diff). */
export function changedLinesOf(patch: FilePatch): ChangedLines;
export function changedLinesOf(patch: FilePatch | undefined): ChangedLines | undefined;
export function changedLinesOf(patch: FilePatch | undefined): ChangedLines | undefined {
  return patch ? { added: patch.addedLines, commentable: patch.commentableLines, inOneHunk: (s: number, e: number) => inOneHunk(patch, s, e) } : undefined;
}
