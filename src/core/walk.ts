/**
 * Finding Python files on disk: folders walked in name order, symbolic links out of the walked
 * folder not followed. Used by the CLI and the benches (no CLI import needed for either).
 */
import { readdirSync, statSync, lstatSync, realpathSync } from "node:fs";
import { join, relative, resolve, isAbsolute, sep } from "node:path";

/** Directories never entered when walking a folder (a path given explicitly is always scanned). */
export const SKIPPED_DIRS = new Set([
  ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", "__pypackages__", ".venv", "venv",
  ".tox", ".nox", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".pytype", ".ipynb_checkpoints",
  "site-packages", "dist-packages",
  // vendored code (see VENDORED_PATH in core/config.ts): name the folder to scan it anyway
  "vendor", "vendored", "_vendor", "third_party", "thirdparty", "3rdparty",
]);
export const PYTHON_EXTENSIONS = [".py", ".pyi"];

export interface FoundFile {
  /** absolute path on disk */
  abs: string;
  /** path as reported: relative to the working directory when inside it, posix separators */
  path: string;
}

export function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  const shown = rel === "" || rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
  return shown.split(sep).join("/");
}

export function isPythonFile(name: string): boolean {
  return PYTHON_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/**
 * Files to scan under the given paths: folders walked (sorted, symlinked folders not followed,
 * SKIPPED_DIRS not entered), files given explicitly always kept. A symlinked file met while walking
 * is scanned only when it points inside the folder given (a link committed in a tree must not make
 * the scan print a file from elsewhere on the machine); the others are returned apart, with why.
 * Missing paths are returned apart.
 */
export function collectPythonFiles(paths: string[], cwd: string): { files: FoundFile[]; missing: string[]; outside: { path: string; reason: string }[] } {
  const files: FoundFile[] = [];
  const missing: string[] = [];
  const outside: { path: string; reason: string }[] = [];
  const seen = new Set<string>();
  const add = (abs: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    files.push({ abs, path: displayPath(cwd, abs) });
  };
  for (const given of paths) {
    const abs = resolve(cwd, given);
    let st;
    try {
      st = statSync(abs);
    } catch {
      missing.push(given);
      continue;
    }
    if (!st.isDirectory()) {
      add(abs);
      continue;
    }
    let root: string;
    try {
      root = realpathSync(abs);
    } catch {
      root = abs;
    }
    const todo = [abs];
    while (todo.length) {
      const dir = todo.pop()!;
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        continue; // unreadable folder: nothing to list
      }
      const subdirs: string[] = [];
      for (const name of names) {
        const p = join(dir, name);
        let entry;
        try {
          entry = lstatSync(p);
        } catch {
          continue;
        }
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(name)) subdirs.push(p);
        } else if (isPythonFile(name) && entry.isFile()) {
          add(p);
        } else if (isPythonFile(name) && entry.isSymbolicLink()) {
          const target = linkTarget(p);
          if (target !== null && isInside(root, target)) add(p);
          else outside.push({ path: displayPath(cwd, p), reason: target === null ? "a symbolic link that points nowhere: not followed" : "a symbolic link to a file outside the scanned folder: not followed" });
        }
      }
      // depth-first in name order: push in reverse so the first name is walked first
      for (let i = subdirs.length - 1; i >= 0; i--) todo.push(subdirs[i]);
    }
  }
  return { files, missing, outside };
}

/** Where a symbolic link finally points (every link on the way resolved), or null when nowhere. */
export function linkTarget(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Whether `path` is `root` or inside it (both absolute, symlinks resolved). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}
