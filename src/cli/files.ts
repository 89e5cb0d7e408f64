/**
 * Which files a command reads, and reading them: folders walked (core/walk.ts), a diff's new-side
 * files checked to lie inside the repository, bytes decoded as Python decodes them.
 */
import { readFileSync, existsSync, realpathSync } from "node:fs";
import { resolve, isAbsolute } from "node:path";
import { decodeSource, type DecodedSource } from "../core/decode.js";
import { isInside, isPythonFile, linkTarget } from "../core/walk.js";
import type { FileDiff } from "../core/hunks.js";

export { collectPythonFiles, SKIPPED_DIRS, PYTHON_EXTENSIONS, isPythonFile, type FoundFile } from "../core/walk.js";

/** One file to analyse: where it is read from, how it is reported, and (for a diff) what changed. */
export interface Job {
  path: string;
  abs: string;
  changed?: FileDiff;
  /** the file's bytes when they do not come from `abs` (standard input, the git index) */
  bytes?: Uint8Array;
}

export function readSource(abs: string): DecodedSource {
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    return { skip: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return decodeSource(bytes);
}

/**
 * The Python files a diff touches on the new side; deleted and binary entries carry nothing to scan.
 * A path that leaves the repository root (`../../x.py`, `/etc/x.py`, or a symbolic link pointing
 * out) is refused with a clear message: a diff must not make the scan read files from elsewhere.
 */
export function jobsFromDiff(diffs: FileDiff[], root: string, refuse: (message: string, path: string, reason: string) => void): Job[] {
  const jobs: Job[] = [];
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = root;
  }
  for (const d of diffs) {
    if (d.status === "removed" || d.binary || d.newPath === null || !isPythonFile(d.newPath)) continue;
    const abs = resolve(root, d.newPath);
    if (isAbsolute(d.newPath) || !isInside(root, abs)) {
      refuse(`the diff names ${JSON.stringify(d.newPath)}, a path outside the repository root: refused (not read)`, d.newPath, "a path outside the repository root: not read");
      continue;
    }
    const target = existsSync(abs) ? linkTarget(abs) : abs;
    if (target !== null && existsSync(abs) && !isInside(realRoot, target)) {
      refuse(`${d.newPath} is a symbolic link to a file outside the repository root: refused (not read)`, d.newPath, "a symbolic link to a file outside the repository root: not read");
      continue;
    }
    if (!existsSync(abs)) {
      refuse(`${d.newPath} is in the diff but not in the working tree (run from the repository root)`, d.newPath, "not in the working tree");
      continue;
    }
    jobs.push({ path: d.newPath, abs, changed: d });
  }
  return jobs;
}

