/**
 * `hunkguard scan [PATH...]` (whole files), `scan -` (standard input), `scan --diff FILE|-` (the
 * lines a diff adds) and `scan --staged` (the lines the index adds, as staged).
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { RuleSet } from "../../core/rules/load.js";
import type { Options } from "../args.js";
import type { Scope } from "../config.js";
import { collectPythonFiles, jobsFromDiff, PYTHON_EXTENSIONS, type Job } from "../files.js";
import { git, indexBlob, parseDiffOrFail } from "../git.js";
import { InputError, readAll, type CliIO } from "../io.js";
import { analyzeFiles, inputError, newRun, type Run, type Settings } from "../run.js";
import { pathFilter, ruleSelection } from "../selection.js";

/** How files are analysed under the repo config and the flags (flags win). */
export function settingsOf(opts: Options, rules: RuleSet, scope: Scope): Settings {
  const { config } = scope;
  return {
    rules,
    fixes: opts.fixes,
    enabled: ruleSelection(rules.rules, config, opts.select, opts.ignore),
    mode: config.filter,
    minSeverity: opts.minSeverity ?? config.min_severity,
    maxFileBytes: config.max_file_bytes,
    tests: opts.tests ?? config.tests,
    cache: !opts.noCache,
    progress: opts.format === "text" && !opts.quiet,
  };
}

export async function scan(opts: Options, rules: RuleSet, io: CliIO, scope: Scope): Promise<Run> {
  const settings = settingsOf(opts, rules, scope);
  if (opts.stdin) return scanStdin(opts, io, scope, settings);
  if (opts.diff !== undefined || opts.staged) return scanDiff(opts, io, scope, settings);
  return scanPaths(opts, io, scope, settings);
}

const posix = (p: string) => p.split(sep).join("/");

/** Files git would track in the repository (tracked, or untracked and not ignored), relative to the root. */
function gitVisible(root: string): Set<string> | null {
  const r = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ...PYTHON_EXTENSIONS.map((e) => `*${e}`)], root);
  return r.ok ? new Set(r.out.split("\0").filter(Boolean)) : null;
}

async function scanPaths(opts: Options, io: CliIO, scope: Scope, settings: Settings): Promise<Run> {
  const run = newRun();
  const given = opts.paths.length ? opts.paths : ["."];
  const { files, missing, outside } = collectPythonFiles(given, io.cwd);
  for (const m of missing) {
    inputError(io, run, `no such file or directory: ${m}`);
    run.report.skipped.push({ path: m, reason: "no such file or directory" });
  }
  // not read, and said so: the file behind the link is not part of what was scanned
  for (const o of outside) run.report.skipped.push(o);
  // a file named on the command line is always scanned; files found by walking a folder follow
  // .gitignore (in a repository), the config's include/exclude and --exclude
  const named = new Set(
    given.map((g) => resolve(io.cwd, g)).filter((abs) => {
      try {
        return statSync(abs).isFile();
      } catch {
        return false;
      }
    }),
  );
  // asked of git the first time a walked file needs it: a scan of named files runs no git ls-files
  let visible: Set<string> | null | undefined;
  const visibleFiles = () => (visible === undefined ? (visible = scope.inRepo ? gitVisible(scope.root) : null) : visible);
  // vendored folders are left out by name while walking (SKIPPED_DIRS), so a vendored folder named
  // on the command line is scanned
  const selected = pathFilter({ ...scope.config, vendored: "report" }, opts.exclude);
  const realDirs = new Map<string, string>();
  const repoPath = (abs: string) => {
    const dir = dirname(abs);
    let real = realDirs.get(dir);
    if (real === undefined) {
      try {
        real = realpathSync(dir);
      } catch {
        real = dir;
      }
      realDirs.set(dir, real);
    }
    const rel = relative(scope.root, join(real, basename(abs)));
    return rel.startsWith("..") ? null : posix(rel);
  };
  const jobs: Job[] = [];
  for (const f of files) {
    const rel = repoPath(f.abs);
    if (rel !== null && rel !== f.path) run.repoPaths.set(f.path, rel);
    if (!named.has(f.abs)) {
      const seen = rel !== null ? visibleFiles() : null;
      if (seen && rel !== null && !seen.has(rel)) continue;
      if (!selected(rel ?? f.path)) continue;
    }
    jobs.push(f);
  }
  await analyzeFiles(jobs, settings, io, run);
  return run;
}

async function scanStdin(opts: Options, io: CliIO, scope: Scope, settings: Settings): Promise<Run> {
  const run = newRun();
  const path = opts.stdinFilename ?? "stdin.py";
  const abs = resolve(io.cwd, path);
  const rel = relative(scope.root, abs);
  if (!rel.startsWith("..")) run.repoPaths.set(path, posix(rel));
  // a diff's filter needs a diff: standard input is analysed as a whole file
  await analyzeFiles([{ path, abs, bytes: await readAll(io.stdin) }], { ...settings, mode: "added" }, io, run);
  return run;
}

async function scanDiff(opts: Options, io: CliIO, scope: Scope, settings: Settings): Promise<Run> {
  let text: string;
  let where: string;
  if (opts.staged) {
    if (!scope.inRepo) throw new InputError("--staged needs a git repository");
    const r = git(["diff", "--cached", "--unified=3", "--no-color", "--no-ext-diff", "--no-renames", "--src-prefix=a/", "--dst-prefix=b/", "--", ...PYTHON_EXTENSIONS.map((e) => `*${e}`)], scope.root);
    if (!r.ok) throw new InputError(`git diff --cached failed: ${r.err}`);
    text = r.out;
    where = "git diff --cached";
  } else if (opts.diff === "-") {
    text = (await readAll(io.stdin)).toString("utf8");
    where = "standard input";
  } else {
    try {
      // patch text, not code: undecodable bytes only touch content we do not read
      text = readFileSync(resolve(io.cwd, opts.diff!)).toString("utf8");
    } catch (e) {
      throw new InputError(`cannot read the diff ${opts.diff}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    where = opts.diff!;
  }
  const diffs = parseDiffOrFail(text, where);
  const run = newRun();
  // a diff names paths from the repository root, wherever in it the command runs
  const selected = pathFilter(scope.config, opts.exclude);
  const kept = diffs.filter((d) => d.newPath === null || selected(d.newPath));
  const jobs = jobsFromDiff(kept, scope.root, (message, path, reason) => {
    inputError(io, run, message);
    run.report.skipped.push({ path, reason });
  });
  if (opts.staged) {
    // as staged: the index's text, not the working tree's (pre-commit may have unstaged edits)
    for (const job of jobs) job.bytes = indexBlob(job.path, scope.root) ?? undefined;
  }
  await analyzeFiles(jobs, settings, io, run);
  return run;
}
