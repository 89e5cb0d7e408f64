/**
 * git, run as a program: the repository root, the branch's base and its diff.
 */
import type { SpawnSyncReturns } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, lstatSync, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseUnifiedDiff, DiffParseError, type FileDiff } from "../core/hunks.js";
import { PYTHON_EXTENSIONS } from "../core/walk.js";
import { InputError } from "./io.js";

/** node:child_process, loaded the first time git runs (a scan of named files outside a hook need not). */
let childProcess: typeof import("node:child_process") | null = null;
function spawnSync(command: string, args: string[], options: { cwd: string; encoding?: "buffer"; maxBuffer: number }): SpawnSyncReturns<Buffer> {
  childProcess ??= createRequire(import.meta.url)("node:child_process") as typeof import("node:child_process");
  return childProcess.spawnSync(command, args, options);
}

export function git(args: string[], cwd: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd, encoding: "buffer", maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) throw new InputError(`cannot run git: ${r.error.message}`);
  return { ok: r.status === 0, out: r.stdout.toString("utf8"), err: r.stderr.toString("utf8").trim() };
}

/** A file's bytes as staged (`git show :PATH`), or null when the index has none. */
export function indexBlob(path: string, root: string): Buffer | null {
  const r = spawnSync("git", ["show", `:${path}`], { cwd: root, maxBuffer: 1024 * 1024 * 1024 });
  return r.status === 0 && Buffer.isBuffer(r.stdout) ? r.stdout : null;
}

/** The top of the work tree `cwd` is in, or null outside a repository. */
export function gitRoot(cwd: string): string | null {
  const onDisk = gitRootOnDisk(cwd);
  if (onDisk !== undefined) return onDisk;
  const top = git(["rev-parse", "--show-toplevel"], cwd);
  return top.ok ? top.out.trim() : null;
}

/** Environment that changes how git finds the repository: then git is asked. */
const DISCOVERY_ENV = /^GIT_(?:DIR|WORK_TREE|COMMON_DIR|CEILING_DIRECTORIES|DISCOVERY_ACROSS_FILESYSTEM|CONFIG\w*)$/;

/**
 * What `git rev-parse --show-toplevel` answers, found on disk without starting git (start-up): the
 * nearest folder above the real `cwd` holding a `.git` folder (with a HEAD) or a `.git` file
 * (`gitdir: …`, a worktree or submodule), or null when there is none up to the file system's root.
 * undefined when only git can tell: discovery set by the environment, a `.git` owned by another user
 * (safe.directory), a bare repository or a git folder on the way, `core.worktree` or `core.bare` in
 * the config, Windows (git prints `/` separators).
 */
function gitRootOnDisk(cwd: string): string | null | undefined {
  if (process.platform === "win32" || Object.keys(process.env).some((k) => DISCOVERY_ENV.test(k))) return undefined;
  let dir: string;
  try {
    dir = realpathSync(cwd);
  } catch {
    return undefined;
  }
  const uid = process.getuid?.();
  for (;;) {
    if (basename(dir) === ".git" || existsSync(join(dir, "HEAD"))) return undefined;
    const dotGit = join(dir, ".git");
    let st: Stats | undefined;
    try {
      st = lstatSync(dotGit);
    } catch {
      st = undefined;
    }
    if (st) {
      if (uid !== undefined && (st.uid !== uid || statSync(dir).uid !== uid)) return undefined;
      try {
        if (st.isFile()) return readFileSync(dotGit, "utf8").startsWith("gitdir: ") ? dir : undefined;
        if (!st.isDirectory() || !existsSync(join(dotGit, "HEAD"))) return undefined;
        const config = readFileSync(join(dotGit, "config"), "utf8");
        return /^\s*(?:worktree|bare\s*=\s*true)\b/im.test(config) ? undefined : dir;
      } catch {
        return undefined;
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

export const DEFAULT_BASES = ["@{upstream}", "origin/HEAD", "origin/main", "main", "master"];

export interface ReviewContext {
  base: string;
  mergeBase: string;
  untracked: string[];
  /** changed Python files the config's include/exclude leaves out */
  excluded?: number;
}

export function parseDiffOrFail(text: string, where: string): FileDiff[] {
  try {
    return parseUnifiedDiff(text);
  } catch (e) {
    if (e instanceof DiffParseError) throw new InputError(`${where} is not a unified diff: ${e.message}`);
    throw e;
  }
}

const pythonSpecs = () => PYTHON_EXTENSIONS.map((e) => `*${e}`);

/** The branch's diff against the merge base with `base` (default: the first of DEFAULT_BASES that exists). */
export function branchDiff(baseGiven: string | undefined, cwd: string): { diffs: FileDiff[]; root: string; ctx: ReviewContext } {
  const top = git(["rev-parse", "--show-toplevel"], cwd);
  if (!top.ok) throw new InputError(`review needs a git repository: ${top.err || "git rev-parse failed"}`);
  const root = top.out.trim();
  let base = baseGiven;
  if (base === undefined) {
    base = DEFAULT_BASES.find((ref) => git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], root).ok);
    if (base === undefined) {
      throw new InputError(`no base to review against: the branch has no upstream and none of ${DEFAULT_BASES.slice(1).join(", ")} exists; pass --base REF`);
    }
  }
  const mb = git(["merge-base", base, "HEAD"], root);
  if (!mb.ok) throw new InputError(`cannot find the merge base of ${base} and HEAD: ${mb.err || "no common ancestor"}`);
  const mergeBase = mb.out.trim();
  const diff = git(["diff", "--unified=3", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/", mergeBase, "--", ...pythonSpecs()], root);
  if (!diff.ok) throw new InputError(`git diff failed: ${diff.err}`);
  const others = git(["ls-files", "--others", "--exclude-standard", "--", ...pythonSpecs()], root);
  const untracked = others.ok ? others.out.split("\n").filter(Boolean) : [];
  return { diffs: parseDiffOrFail(diff.out, "git diff"), root, ctx: { base, mergeBase, untracked } };
}
