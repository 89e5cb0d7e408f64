/**
 * What GitHub computes from the base and head blobs of one file: hunks with three lines of context,
 * the `patch` text `pulls.listFiles` returns (no file headers, git's default funcname after `@@`),
 * positions, and the `diff_hunk` a review comment carries. Blob ids are git's.
 */
import { createHash } from "node:crypto";
import { diffArrays, structuredPatch } from "diff";
import type { StandinFile } from "./model.js";

/** git's object id of a blob: sha1("blob <byte length>\0<content>"). */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** GitHub wraps base64 content at 60 columns, with a trailing newline. */
export function base64Wrapped(content: string): string {
  const b64 = Buffer.from(content, "utf8").toString("base64");
  return (b64.match(/.{1,60}/g) ?? [""]).join("\n") + "\n";
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

export interface PatchLine {
  /** 1-based position in the patch as GitHub counts it (line after the first @@ is 1). */
  position: number;
  hunk: number;
  kind: " " | "+" | "-" | "\\" | "@";
  oldLine?: number;
  newLine?: number;
}

export interface FileDiff {
  file: StandinFile;
  status: "added" | "removed" | "modified" | "renamed";
  sha: string;
  additions: number;
  deletions: number;
  hunks: Hunk[];
  /** The patch text as GitHub returns it; undefined when omitted or when nothing changed. */
  patch?: string;
  patchLines: PatchLine[];
}

function range(start: number, lines: number): string {
  if (lines === 1) return String(start);
  return `${lines === 0 ? start - 1 : start},${lines}`;
}

/** git's default funcname: the nearest line above the hunk that starts with a letter, `_` or `$`. */
function funcname(oldText: string, oldStart: number): string {
  const lines = oldText.split("\n");
  for (let i = oldStart - 2; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (/^[A-Za-z_$]/.test(line)) return line.replace(/\s+$/, "").slice(0, 80);
  }
  return "";
}

export function diffFile(file: StandinFile): FileDiff {
  const oldText = file.base ?? "";
  const newText = file.head ?? "";
  const status =
    file.base === null ? "added" : file.head === null ? "removed" : file.previousPath ? "renamed" : "modified";
  const hunks: Hunk[] = structuredPatch("a", "b", oldText, newText, "", "", { context: 3 }).hunks;
  const text: string[] = [];
  const patchLines: PatchLine[] = [];
  let additions = 0;
  let deletions = 0;
  let position = 0;
  hunks.forEach((h, index) => {
    const context = file.base === null ? "" : funcname(oldText, h.oldStart);
    text.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@${context ? ` ${context}` : ""}`);
    if (index > 0) patchLines.push({ position: ++position, hunk: index, kind: "@" });
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    for (const line of h.lines) {
      text.push(line);
      const kind = line[0] as PatchLine["kind"];
      const entry: PatchLine = { position: ++position, hunk: index, kind };
      if (kind === " ") Object.assign(entry, { oldLine: oldLine++, newLine: newLine++ });
      else if (kind === "-") Object.assign(entry, { oldLine: oldLine++ }), deletions++;
      else if (kind === "+") Object.assign(entry, { newLine: newLine++ }), additions++;
      patchLines.push(entry);
    }
  });
  // GitHub sends no patch for a binary file (which has no lines to comment on either), nor for a
  // very large diff — whose lines stay commentable: the pull request's diff still holds them
  const binary = (file.base ?? "").includes("\u0000") || (file.head ?? "").includes("\u0000");
  const omitted = file.omitPatch === true || binary || hunks.length === 0;
  return {
    file,
    status,
    sha: gitBlobSha(file.head ?? file.base ?? ""),
    additions,
    deletions,
    hunks,
    patch: omitted ? undefined : text.join("\n"),
    patchLines: binary ? [] : patchLines,
  };
}

export function findLine(diff: FileDiff, side: "RIGHT" | "LEFT", line: number): PatchLine | undefined {
  return diff.patchLines.find((l) =>
    side === "RIGHT" ? l.newLine === line && l.kind !== "-" : l.oldLine === line && l.kind !== "+",
  );
}

/** GitHub's `diff_hunk`: the hunk header and the hunk's lines up to the commented one. */
export function diffHunk(diff: FileDiff, at: PatchLine): string {
  const all = (diff.patch ?? "").split("\n");
  const headerIndexes = all.flatMap((l, i) => (l.startsWith("@@") ? [i] : []));
  const start = headerIndexes[at.hunk] ?? 0;
  // Position p is line p of the patch when the first header is line 0.
  return all.slice(start, at.position + 1).join("\n");
}

/**
 * Where each line of `before` that `after` keeps unchanged is now (1-based old line → new line), by
 * the same line diff git computes: lines added or removed above a line shift it; a changed or
 * removed line has no entry.
 */
export function unchangedLines(before: string, after: string): Map<number, number> {
  const map = new Map<number, number>();
  let oldLine = 1;
  let newLine = 1;
  for (const part of diffArrays(before.split("\n"), after.split("\n"))) {
    const n = part.count ?? part.value.length;
    if (part.added) newLine += n;
    else if (part.removed) oldLine += n;
    else for (let i = 0; i < n; i++) map.set(oldLine++, newLine++);
  }
  return map;
}
