/**
 * The `hunkguard` command line: the same engine as the app, run locally.
 *
 *   hunkguard scan [PATH...]        whole files (folders recursively: .py, .pyi)
 *   hunkguard scan --diff FILE|-    only the lines a unified diff adds
 *   hunkguard review [--base REF]   what the bot would post for this branch
 *   hunkguard rules                 the rule catalogue
 *
 * All I/O goes through `CliIO` so tests run `main` in-process; nothing here calls `process.exit`.
 * Exit codes: 0 nothing at or above --fail-on, 1 a finding at or above it, 2 usage or input error
 * (input errors do not stop the run: every other file is still scanned and reported).
 */
import { readFileSync, readdirSync, statSync, lstatSync, existsSync, realpathSync } from "node:fs";
import { join, relative, resolve, isAbsolute, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadRules, RuleLoadError, type Rule, type RuleSet } from "./core/rules/load.js";
import { newReport, analyzeInto, finishReport, notAnalysed, DEFAULT_LIMITS, type Report } from "./core/report.js";
import { AnalysisPool, analyzeMany, defaultWorkerUrl, mergeReports, type PoolFile } from "./core/pool.js";
import { maskStringLiterals, type FilterMode } from "./core/engine.js";
import { parseConfig, ruleFilter, pathSelector, DEFAULT_CONFIG, type RepoConfig } from "./core/config.js";
import { reviewBody } from "./core/render.js";
import { planReview, type ReviewPlan } from "./github/review.js";
import type { FilePatch } from "./core/hunks.js";
import { parse as parseYaml } from "yaml";
import { SEVERITY_RANK, type Finding, type Fix, type Severity } from "./core/finding.js";
import { parseUnifiedDiff, inOneHunk, DiffParseError, type FileDiff } from "./core/hunks.js";
import { toSarif } from "./core/sarif.js";
import { decodePythonSource } from "./core/decode.js";

// ---------------------------------------------------------------------------------------------
// I/O handed in by the caller

export interface CliIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** read only for `scan --diff -` */
  stdin: AsyncIterable<string | Uint8Array>;
  cwd: string;
  /** stdout is a terminal: colours in text output (unless NO_COLOR is set) */
  isTTY: boolean;
  /** stderr is a terminal: progress for long scans (text format, not under CI) */
  stderrIsTTY?: boolean;
  env?: Record<string, string | undefined>;
}

function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

// ---------------------------------------------------------------------------------------------
// Usage

/** Directories never entered when walking a folder (a path given explicitly is always scanned). */
export const SKIPPED_DIRS = new Set([
  ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", "__pypackages__", ".venv", "venv",
  ".tox", ".nox", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".pytype", ".ipynb_checkpoints",
  "site-packages", "dist-packages",
  // vendored code (see VENDORED_PATH in core/config.ts): name the folder to scan it anyway
  "vendor", "vendored", "_vendor", "third_party", "thirdparty", "3rdparty",
]);
export const PYTHON_EXTENSIONS = [".py", ".pyi"];

export const USAGE = `Usage: hunkguard <command> [options]

Commands:
  scan [PATH...]         Scan whole files; folders recursively (.py, .pyi). Default: the current folder.
  scan --diff FILE|-     Scan only the lines a unified diff adds (as \`git diff\` prints it; - reads
                         standard input), reading the new files from the working tree.
  review [--base REF]    Show what the bot would post for this branch: the review and its comments
                         for the lines \`git diff MERGE-BASE\` adds, under .github/hunkguard.yml like
                         the app. REF defaults to the upstream branch, then origin/HEAD,
                         origin/main, main, master.
  rules                  List the rules.

Options:
  --format text|json|sarif        Output format (default text; \`rules\` takes text or json).
  --fail-on high|medium|low|never Exit 1 when a finding at or above this severity is reported
                                  (default high; review: the repo config's fail_on).
  --min-severity high|medium|low  Report only findings at or above this severity (default low).
  --no-fixes                      Do not build suggested fixes.
  --allow-unanalysed              Exit by the findings alone when a file could not be analysed
                                  (by default such a file makes the exit code 2).
  -h, --help                      Show this help.
  --version                       Print the version.

Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 usage or input error (a missing
path, a diff that is not a diff, no base for review), or a file that could not be analysed (not
Python text, over the size limit, a rule that failed on it, code on the scanned lines that does not
parse) unless --allow-unanalysed. Such files are named, and do not stop the scan.
Folders not entered: ${[...SKIPPED_DIRS].join(", ")}.
Suppress a finding with \`# nosec\`, \`# noqa: S301\` or \`# hunkguard: ignore[rule-id]\` on its line.
`;

class UsageError extends Error {}

type Format = "text" | "json" | "sarif";
type FailOn = Severity | "never";

interface Options {
  command: "scan" | "review" | "rules";
  paths: string[];
  format: Format;
  /** unset: the repo config's `fail_on` for review, else high */
  failOn?: FailOn;
  minSeverity?: Severity;
  fixes: boolean;
  diff?: string;
  base?: string;
  /** a file not analysed does not make the exit code 2 */
  allowUnanalysed: boolean;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(", ")} (got "${value}")`);
  }
  return value as T;
}

function parseOptions(argv: string[]): Options | "help" | "version" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string" },
        "fail-on": { type: "string" },
        "min-severity": { type: "string" },
        "no-fixes": { type: "boolean" },
        "allow-unanalysed": { type: "boolean" },
        diff: { type: "string" },
        base: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (values.version) return "version";
  const [command, ...paths] = positionals;
  if (command === undefined) throw new UsageError("missing command: scan, review or rules");
  if (command !== "scan" && command !== "review" && command !== "rules") {
    throw new UsageError(`unknown command "${command}" (expected scan, review or rules)`);
  }
  const opts: Options = {
    command,
    paths,
    format: oneOf("format", values.format, ["text", "json", "sarif"] as const) ?? "text",
    failOn: oneOf("fail-on", values["fail-on"], ["high", "medium", "low", "never"] as const),
    minSeverity: oneOf("min-severity", values["min-severity"], ["high", "medium", "low"] as const),
    fixes: !values["no-fixes"],
    diff: values.diff,
    base: values.base,
    allowUnanalysed: values["allow-unanalysed"] === true,
  };
  if (opts.diff !== undefined && command !== "scan") throw new UsageError("--diff goes with scan");
  if (opts.diff !== undefined && paths.length) throw new UsageError("scan takes either paths or --diff, not both");
  if (opts.base !== undefined && command !== "review") throw new UsageError("--base goes with review");
  if (command !== "scan" && paths.length) throw new UsageError(`${command} takes no paths (got ${paths.join(" ")})`);
  if (command === "rules" && opts.format === "sarif") throw new UsageError("rules prints text or json");
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Package metadata

interface PackageInfo {
  version: string;
  informationUri: string;
}

let packageInfo: PackageInfo | undefined;

/** package.json next to src/ (ts-jest) or dist/src/ (built). */
function readPackageInfo(): PackageInfo {
  if (packageInfo) return packageInfo;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as {
        name?: string;
        version?: string;
        homepage?: string;
        repository?: string | { url?: string };
      };
      if (pkg.name === "hunkguard") {
        const repo = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
        const informationUri =
          pkg.homepage ?? (repo ? repo.replace(/^git\+/, "").replace(/\.git$/, "") : "https://github.com/hunkguard/hunkguard");
        packageInfo = { version: pkg.version ?? "0.0.0", informationUri };
        return packageInfo;
      }
    }
    dir = dirname(dir);
  }
  packageInfo = { version: "0.0.0", informationUri: "https://github.com/hunkguard/hunkguard" };
  return packageInfo;
}

// ---------------------------------------------------------------------------------------------
// Finding the files

export interface FoundFile {
  /** absolute path on disk */
  abs: string;
  /** path as reported: relative to the working directory when inside it, posix separators */
  path: string;
}

function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  const shown = rel === "" || rel.startsWith("..") || isAbsolute(rel) ? abs : rel;
  return shown.split(sep).join("/");
}

function isPythonFile(name: string): boolean {
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
function linkTarget(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Whether `path` is `root` or inside it (both absolute, symlinks resolved). */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

export type DecodedSource = { text: string } | { skip: string };

/** Bytes → text as Python reads them (BOM, PEP 263 coding cookie, else UTF-8), or why the file is skipped. */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  const decoded = decodePythonSource(bytes);
  return "skip" in decoded ? { skip: decoded.skip } : { text: decoded.text };
}

function readSource(abs: string): DecodedSource {
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    return { skip: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  return decodeSource(bytes);
}

// ---------------------------------------------------------------------------------------------
// Running the analysis

interface Run {
  report: Report;
  /** findings dropped by --min-severity */
  belowSeverity: number;
  /** lines of every file with a finding, for the text output */
  fileLines: Map<string, string[]>;
  /** usage/input errors met along the way (already printed): exit 2 */
  inputErrors: number;
}

interface Job {
  path: string;
  abs: string;
  changed?: FileDiff;
}

function splitLines(text: string): string[] {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** How files are analysed: flags for scan; for review, the repo config under the flags. */
interface Settings {
  rules: RuleSet;
  fixes: boolean;
  enabled?: (rule: Rule) => boolean;
  mode: FilterMode;
  minSeverity?: Severity;
  maxFileBytes: number;
}

function settingsOf(opts: Options, rules: RuleSet): Settings {
  return { rules, fixes: opts.fixes, mode: "added", minSeverity: opts.minSeverity, maxFileBytes: DEFAULT_LIMITS.maxFileBytes };
}

/** Files per round on the worker pool: bounds the texts held at once. */
const POOL_CHUNK = 256;

/**
 * Many files use both cores (a worker-thread pool, when the build has one and the scan is big
 * enough to pay for it); the reports come back in the input's order, as on one thread.
 * `HUNKGUARD_THREADS=1` keeps everything on this thread.
 */
function scanPool(jobs: number, env: Record<string, string | undefined>): AnalysisPool | null {
  const cap = Number.parseInt(env.HUNKGUARD_THREADS ?? "", 10);
  if (jobs < 200 || (Number.isFinite(cap) && cap <= 1) || !defaultWorkerUrl()) return null;
  try {
    return new AnalysisPool(Number.isFinite(cap) ? { maxThreads: cap } : {});
  } catch {
    return null;
  }
}

async function analyzeJobs(jobs: Job[], settings: Settings, opts: Options, io: CliIO, run: Run): Promise<void> {
  const memory = new NativeMemoryGuard();
  const env = io.env ?? {};
  const progress = opts.format === "text" && io.stderrIsTTY === true && !env.CI && jobs.length >= 20;
  let lastDraw = 0;
  const { rules, fixes, enabled, mode } = settings;
  const minRank = settings.minSeverity ? SEVERITY_RANK[settings.minSeverity] : 0;
  const enabledRules = enabled ? rules.rules.filter(enabled).map((r) => r.id) : undefined;
  const pool = scanPool(jobs.length, env);
  try {
    for (let from = 0; from < jobs.length; from += POOL_CHUNK) {
      const chunk = jobs.slice(from, from + POOL_CHUNK);
      const files: PoolFile[] = [];
      for (const [k, job] of chunk.entries()) {
        if (progress && Date.now() - lastDraw > 100) {
          lastDraw = Date.now();
          io.stderr.write(`\r\x1b[K[${from + k + 1}/${jobs.length}] ${job.path.slice(-60)}`);
        }
        const source = readSource(job.abs);
        if ("skip" in source) {
          run.report.skipped.push({ path: job.path, reason: source.skip });
          continue;
        }
        files.push({ path: job.path, text: source.text, ...(job.changed ? { patch: job.changed.patch } : {}) });
      }
      const reports = pool
        ? // workers load the rules first (~0.5 s each): only big scans repay that
          await analyzeMany(files, { rules, enabledRules, mode, fixes, maxFileBytes: settings.maxFileBytes, minFiles: 200, minLines: 100_000 }, pool)
        : [];
      for (const [k, file] of files.entries()) {
        let report = reports[k];
        if (!report) {
          await memory.afterFile();
          report = newReport();
          analyzeInto(report, { path: file.path, text: file.text, changed: changedLines(file.patch) }, { rules, fixes, mode, enabled }, { maxFileBytes: settings.maxFileBytes });
        }
        // --min-severity is applied here rather than in the engine so the dropped ones are counted
        const kept = report.findings.filter((f) => SEVERITY_RANK[f.severity] >= minRank);
        run.belowSeverity += report.findings.length - kept.length;
        report.findings = kept;
        mergeReports(run.report, [report]);
        // only the lines the engine hands out with the findings, secrets already masked
        if (kept.length) run.fileLines.set(file.path, excerptLines(report.excerpts[file.path]));
      }
    }
  } finally {
    await pool?.close();
  }
  if (progress) io.stderr.write("\r\x1b[K");
}

/** The engine's excerpt (line → text) as the lines array the text output indexes by line - 1. */
function excerptLines(excerpt: Record<number, string> | undefined): string[] {
  const lines: string[] = [];
  for (const [n, text] of Object.entries(excerpt ?? {})) lines[Number(n) - 1] = text;
  return lines;
}

function changedLines(patch: FilePatch | undefined) {
  return patch ? { added: patch.addedLines, commentable: patch.commentableLines, inOneHunk: (start: number, end: number) => inOneHunk(patch, start, end) } : undefined;
}

/**
 * tree-sitter keeps each tree in native memory V8 does not see, freed by a finaliser after a garbage
 * collection, on a later turn of the event loop. A synchronous loop over many files therefore keeps
 * every tree until it ends (one pass over the Python stdlib, 1,800 files: 3.1 GiB RSS). After each
 * file this collects and yields once the process has grown by `budget` bytes since the last time
 * (same pass: 1 GiB, 3 collections; what remains above the budget is malloc fragmentation).
 * Move to core once the app's pipeline loops over many files the same way.
 */
export class NativeMemoryGuard {
  private baseline = process.memoryUsage.rss();
  releases = 0;
  constructor(private readonly budget = 256 * 1024 * 1024) {}

  async afterFile(): Promise<void> {
    if (process.memoryUsage.rss() - this.baseline < this.budget) return;
    exposedGc()?.();
    await new Promise((resolve) => setImmediate(resolve));
    this.releases++;
    this.baseline = process.memoryUsage.rss();
  }
}

let gcFunction: (() => void) | null | undefined;

/** `global.gc` without `node --expose-gc` on the command line (the flag applies to contexts made after it). */
function exposedGc(): (() => void) | null {
  if (gcFunction === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      gcFunction = runInNewContext("gc") as () => void;
    } catch {
      gcFunction = null;
    }
  }
  return gcFunction;
}

function newRun(): Run {
  return { report: newReport(), belowSeverity: 0, fileLines: new Map(), inputErrors: 0 };
}

function inputError(io: CliIO, run: Run, message: string): void {
  io.stderr.write(`hunkguard: ${message}\n`);
  run.inputErrors++;
}

async function scanPaths(opts: Options, rules: RuleSet, io: CliIO): Promise<Run> {
  const run = newRun();
  const { files, missing, outside } = collectPythonFiles(opts.paths.length ? opts.paths : ["."], io.cwd);
  for (const m of missing) {
    inputError(io, run, `no such file or directory: ${m}`);
    run.report.skipped.push({ path: m, reason: "no such file or directory" });
  }
  // not read, and said so: the file behind the link is not part of what was scanned
  for (const o of outside) run.report.skipped.push(o);
  await analyzeJobs(files, settingsOf(opts, rules), opts, io, run);
  return run;
}

/**
 * The Python files a diff touches on the new side; deleted and binary entries carry nothing to scan.
 * A path that leaves the repository root (`../../x.py`, `/etc/x.py`, or a symbolic link pointing
 * out) is refused with a clear message: a diff must not make the scan read files from elsewhere.
 */
function jobsFromDiff(diffs: FileDiff[], root: string, io: CliIO, run: Run): Job[] {
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
      inputError(io, run, `the diff names ${JSON.stringify(d.newPath)}, a path outside the repository root: refused (not read)`);
      run.report.skipped.push({ path: d.newPath, reason: "a path outside the repository root: not read" });
      continue;
    }
    const target = existsSync(abs) ? linkTarget(abs) : abs;
    if (target !== null && existsSync(abs) && !isInside(realRoot, target)) {
      inputError(io, run, `${d.newPath} is a symbolic link to a file outside the repository root: refused (not read)`);
      run.report.skipped.push({ path: d.newPath, reason: "a symbolic link to a file outside the repository root: not read" });
      continue;
    }
    if (!existsSync(abs)) {
      inputError(io, run, `${d.newPath} is in the diff but not in the working tree (run from the repository root)`);
      run.report.skipped.push({ path: d.newPath, reason: "not in the working tree" });
      continue;
    }
    jobs.push({ path: d.newPath, abs, changed: d });
  }
  return jobs;
}

function parseDiffOrFail(text: string, where: string): FileDiff[] {
  try {
    return parseUnifiedDiff(text);
  } catch (e) {
    if (e instanceof DiffParseError) throw new InputError(`${where} is not a unified diff: ${e.message}`);
    throw e;
  }
}

class InputError extends Error {}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : Buffer.from(c));
  return Buffer.concat(chunks).toString("utf8");
}

async function scanDiff(opts: Options, rules: RuleSet, io: CliIO): Promise<Run> {
  const source = opts.diff!;
  let text: string;
  if (source === "-") {
    text = await readAll(io.stdin);
  } else {
    try {
      // patch text, not code: undecodable bytes only touch content we do not read
      text = readFileSync(resolve(io.cwd, source)).toString("utf8");
    } catch (e) {
      throw new InputError(`cannot read the diff ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const diffs = parseDiffOrFail(text, source === "-" ? "standard input" : source);
  const run = newRun();
  await analyzeJobs(jobsFromDiff(diffs, io.cwd, io, run), settingsOf(opts, rules), opts, io, run);
  return run;
}

// ---------------------------------------------------------------------------------------------
// review: git merge-base, git diff, then what the bot would post

function git(args: string[], cwd: string): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd, encoding: "buffer", maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) throw new InputError(`cannot run git: ${r.error.message}`);
  return { ok: r.status === 0, out: r.stdout.toString("utf8"), err: r.stderr.toString("utf8").trim() };
}

const DEFAULT_BASES = ["@{upstream}", "origin/HEAD", "origin/main", "main", "master"];

interface ReviewContext {
  base: string;
  mergeBase: string;
  untracked: string[];
  /** changed Python files the config's include/exclude leaves out */
  excluded?: number;
}

/**
 * `.github/hunkguard.yml` from the working tree (the app reads the default branch's, usually the
 * same). Invalid keys fall back to their defaults, as in the app.
 */
export function readRepoConfig(root: string): { config: RepoConfig; problems: string[] } {
  const file = join(root, ".github", "hunkguard.yml");
  if (!existsSync(file)) return { config: { ...DEFAULT_CONFIG }, problems: [] };
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    return { config: { ...DEFAULT_CONFIG }, problems: [`not valid YAML: ${(e as Error).message.split("\n")[0]}`] };
  }
  return parseConfig(raw);
}

/** review: the branch's diff, analysed under the repo config as the app would, and the review it would post. */
async function reviewBranch(opts: Options, rules: RuleSet, io: CliIO): Promise<{ run: Run; ctx: ReviewContext; plan: ReviewPlan; config: RepoConfig }> {
  const { diffs, root, ctx } = reviewDiff(opts, io);
  const { config, problems } = readRepoConfig(root);
  for (const problem of problems) io.stderr.write(`hunkguard: .github/hunkguard.yml: ${problem} (the default is used)\n`);
  const selected = pathSelector(config);
  const kept = diffs.filter((d) => d.newPath === null || !isPythonFile(d.newPath) || selected(d.newPath));
  ctx.excluded = diffs.length - kept.length;
  const run = newRun();
  const jobs = jobsFromDiff(kept, root, io, run);
  const settings: Settings = {
    rules,
    fixes: opts.fixes,
    enabled: ruleFilter(config),
    mode: config.filter,
    minSeverity: opts.minSeverity ?? config.min_severity,
    maxFileBytes: config.max_file_bytes,
  };
  await analyzeJobs(jobs, settings, opts, io, run);
  finishReport(run.report);
  const patches = new Map<string, FilePatch>(jobs.map((j) => [j.path, j.changed!.patch]));
  // nothing is posted yet locally: no fingerprint is "already on the pull request"
  const plan = planReview(run.report.findings, patches, new Set(), rules, config.max_inline_comments);
  return { run, ctx, plan, config };
}

function reviewDiff(opts: Options, io: CliIO): { diffs: FileDiff[]; root: string; ctx: ReviewContext } {
  const top = git(["rev-parse", "--show-toplevel"], io.cwd);
  if (!top.ok) throw new InputError(`review needs a git repository: ${top.err || "git rev-parse failed"}`);
  const root = top.out.trim();
  let base = opts.base;
  if (base === undefined) {
    base = DEFAULT_BASES.find((ref) => git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], root).ok);
    if (base === undefined) {
      throw new InputError(`no base to review against: the branch has no upstream and none of ${DEFAULT_BASES.slice(1).join(", ")} exists; pass --base REF`);
    }
  }
  const mb = git(["merge-base", base, "HEAD"], root);
  if (!mb.ok) throw new InputError(`cannot find the merge base of ${base} and HEAD: ${mb.err || "no common ancestor"}`);
  const mergeBase = mb.out.trim();
  const diff = git(
    ["diff", "--unified=3", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/", mergeBase, "--", ...PYTHON_EXTENSIONS.map((e) => `*${e}`)],
    root,
  );
  if (!diff.ok) throw new InputError(`git diff failed: ${diff.err}`);
  const others = git(["ls-files", "--others", "--exclude-standard", "--", ...PYTHON_EXTENSIONS.map((e) => `*${e}`)], root);
  const untracked = others.ok ? others.out.split("\n").filter(Boolean) : [];
  return { diffs: parseDiffOrFail(diff.out, "git diff"), root, ctx: { base, mergeBase, untracked } };
}

// ---------------------------------------------------------------------------------------------
// Output: JSON

/** A fix as documented: replacement for safe/review, example for explain; extra keys only when set. */
function fixJson(fix: Fix | null): Record<string, unknown> | null {
  if (!fix) return null;
  const out: Record<string, unknown> = { safety: fix.safety, startLine: fix.startLine, endLine: fix.endLine };
  if (fix.safety === "explain") out.example = fix.example ?? null;
  else out.replacement = fix.replacement ?? null;
  if (fix.caveat) out.caveat = fix.caveat;
  if (fix.companion) out.companion = fix.companion;
  if (fix.withheld) out.withheld = fix.withheld;
  return out;
}

/** The documented keys, in the documented order; `title` and `source` follow. */
export function findingJson(f: Finding): Record<string, unknown> {
  return {
    rule: f.rule,
    category: f.category,
    severity: f.severity,
    confidence: f.confidence,
    path: f.path,
    line: f.line,
    endLine: f.endLine,
    column: f.column,
    endColumn: f.endColumn,
    message: f.message,
    cwe: f.cwe,
    bandit: f.bandit ?? null,
    ruff: f.ruff ?? null,
    fingerprint: f.fingerprint,
    fix: fixJson(f.fix),
    title: f.title,
    ...(f.source ? { source: f.source } : {}),
  };
}

export function reportJson(run: Run): Record<string, unknown> {
  const r = run.report;
  return {
    version: r.version,
    files: r.files,
    lines: r.lines,
    findings: r.findings.map(findingJson),
    skipped: r.skipped,
    unanalysed: notAnalysed(r),
    tally: { ...r.tally, belowSeverity: run.belowSeverity },
  };
}

// ---------------------------------------------------------------------------------------------
// Output: text for a terminal

interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

function paint(enabled: boolean): Paint {
  const sgr = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

function severityLabel(p: Paint, s: Severity): string {
  const label = s.toUpperCase().padEnd(6);
  return s === "high" ? p.bold(p.red(label)) : s === "medium" ? p.yellow(label) : p.cyan(label);
}

const MAX_CODE_LINES = 8;

function codeBlock(lines: string[], from: number, to: number, mask: boolean, p: Paint): string[] {
  const out: string[] = [];
  const width = String(to).length;
  const last = Math.min(to, from + MAX_CODE_LINES - 1);
  for (let n = from; n <= last; n++) {
    const text = lines[n - 1] ?? "";
    out.push(`  ${p.dim(`${String(n).padStart(width)} |`)} ${mask ? maskStringLiterals(text) : text}`);
  }
  if (last < to) out.push(`  ${p.dim(`${" ".repeat(width)} | … ${to - last} more lines`)}`);
  return out;
}

function diffLines(before: string[], afterText: string, mask: boolean, p: Paint): string[] {
  const after = splitLines(afterText.endsWith("\n") ? afterText.slice(0, -1) : afterText);
  const m = (s: string) => (mask ? maskStringLiterals(s) : s);
  return [...before.map((l) => `  ${p.red(`-${m(l)}`)}`), ...after.map((l) => `  ${p.green(`+${m(l)}`)}`)];
}

function indentBlock(text: string, prefix: string): string[] {
  return splitLines(text.replace(/\n$/, "")).map((l) => `${prefix}${l}`);
}

/** What a person reads for one finding: where, what, the code, and the change to make. */
export function findingText(f: Finding, lines: string[] | undefined, p: Paint): string {
  const mask = f.category === "secrets";
  const out = [`${p.bold(`${f.path}:${f.line}:${f.column}`)}  ${severityLabel(p, f.severity)}  ${f.rule}  ${f.title}`, `  ${f.message}`];
  if (f.source) out.push(`  ${p.dim(`untrusted value from ${f.source}`)}`);
  if (lines) out.push(...codeBlock(lines, Math.min(f.statementLine, f.line), Math.max(f.statementEndLine, f.endLine), mask, p));
  const fix = f.fix;
  if (fix && fix.safety !== "explain" && fix.replacement !== undefined && lines) {
    out.push(`  Suggested change (${fix.safety === "safe" ? "safe" : "review before applying"}):`);
    out.push(...diffLines(lines.slice(fix.startLine - 1, fix.endLine), fix.replacement, mask, p));
    if (fix.companion) {
      out.push(`  With it, at line ${fix.companion.startLine}: ${fix.companion.note}`);
      out.push(...diffLines(lines.slice(fix.companion.startLine - 1, fix.companion.endLine), fix.companion.replacement, mask, p));
    }
    if (fix.caveat) out.push(`  ${p.yellow("Caveat:")} ${fix.caveat}`);
  } else if (fix?.example) {
    out.push(fix.withheld ? `  No one-click fix (${fix.withheld}). Instead:` : "  Instead:");
    out.push(...indentBlock(fix.example, `    `).map((l) => p.green(l)));
  }
  return out.join("\n");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function summaryText(run: Run, p: Paint): string {
  const r = run.report;
  const by = { high: 0, medium: 0, low: 0 };
  for (const f of r.findings) by[f.severity]++;
  const parts = [
    `${plural(r.files, "file")} (${plural(r.lines, "line")})`,
    r.findings.length
      ? `${plural(r.findings.length, "finding")}: ${by.high} high, ${by.medium} medium, ${by.low} low`
      : "no findings",
    `${r.tally.suppressed} suppressed`,
  ];
  if (r.tally.outsideDiff) parts.push(`${r.tally.outsideDiff} outside the diff`);
  if (run.belowSeverity) parts.push(`${run.belowSeverity} below --min-severity`);
  parts.push(`${r.skipped.length} skipped`);
  if (r.tally.partiallyParsed.length) parts.push(`${r.tally.partiallyParsed.length} partially parsed`);
  if (r.tally.ruleFailures.length) parts.push(p.red(plural(r.tally.ruleFailures.length, "rule failure")));
  return `Scanned ${parts.join("; ")}.`;
}

function notesText(run: Run, p: Paint): string[] {
  const r = run.report;
  const out: string[] = [];
  for (const s of r.skipped) out.push(`${p.yellow("skipped")} ${s.path}: ${s.reason}`);
  for (const path of r.tally.partiallyParsed) out.push(`${p.yellow("partially parsed")} ${path}: syntax errors; the rest of the file was analysed`);
  for (const f of r.tally.ruleFailures) out.push(`${p.red("rule failed")} ${f.rule} on ${f.path}: ${f.error}`);
  for (const f of r.tally.incomplete) out.push(`${p.red("not analysed")} ${f.path}: ${f.reason}`);
  const missed = new Set(notAnalysed(r).map((u) => u.path)).size;
  if (missed) out.push(p.red(`${plural(missed, "file")} not analysed (listed above): the exit code is 2 unless --allow-unanalysed.`));
  return out;
}

function reportText(run: Run, p: Paint): string {
  const blocks = run.report.findings.map((f) => findingText(f, run.fileLines.get(f.path), p));
  const notes = notesText(run, p);
  return [...blocks.map((b) => `${b}\n`), ...(notes.length ? [`${notes.join("\n")}\n`] : []), `${summaryText(run, p)}\n`].join("\n");
}

/** The comment bodies exactly as the bot would post them, each suggestion also shown as a diff. */
function reviewText(run: Run, ctx: ReviewContext, plan: ReviewPlan, p: Paint): string {
  const head = [
    `Review against ${ctx.base} (merge base ${ctx.mergeBase.slice(0, 12)}): ${plural(plan.comments.length, "inline comment")}` +
      `${plan.overflow.length ? `, ${plan.overflow.length} more listed in the review body` : ""}.`,
  ];
  if (ctx.excluded) head.push(p.dim(`${plural(ctx.excluded, "changed Python file")} left out by include/exclude in .github/hunkguard.yml.`));
  if (ctx.untracked.length) {
    head.push(p.dim(`${plural(ctx.untracked.length, "untracked Python file")} not in the diff (git add -N to include): ${ctx.untracked.slice(0, 5).join(", ")}${ctx.untracked.length > 5 ? ", …" : ""}`));
  }
  const quote = (body: string) => body.split("\n").map((l) => `  ${p.dim("│")} ${l}`).join("\n");
  // the suggestion each anchored range carries, to show it as a diff too
  const changes = new Map<string, { mask: boolean; replacement: string }>();
  for (const f of plan.inline) {
    const fix = f.fix;
    if (!fix || fix.replacement === undefined || fix.safety === "explain") continue;
    const mask = f.category === "secrets";
    changes.set(`${f.path}:${fix.startLine}-${fix.endLine}`, { mask, replacement: fix.replacement });
    if (fix.companion) changes.set(`${f.path}:${fix.companion.startLine}-${fix.companion.endLine}`, { mask, replacement: fix.companion.replacement });
  }
  const blocks: string[] = [];
  if (plan.comments.length || plan.overflow.length) {
    blocks.push(`${p.bold("Review body:")}\n${quote(reviewBody(plan.inline, plan.overflow))}\n`);
  } else {
    blocks.push("Nothing to post: no finding on the lines this branch adds.\n");
  }
  for (const c of plan.comments) {
    const start = c.start_line ?? c.line;
    const where = start < c.line ? `lines ${start}-${c.line}` : `line ${c.line}`;
    const out = [p.bold(`── comment on ${c.path} ${where} ──`), quote(c.body)];
    const change = changes.get(`${c.path}:${start}-${c.line}`);
    const lines = run.fileLines.get(c.path);
    if (change && lines) out.push("  As a diff:", ...diffLines(lines.slice(start - 1, c.line), change.replacement, change.mask, p));
    blocks.push(`${out.join("\n")}\n`);
  }
  const notes = notesText(run, p);
  return [`${head.join("\n")}\n`, ...blocks, ...(notes.length ? [`${notes.join("\n")}\n`] : []), `${summaryText(run, p)}\n`].join("\n");
}

// ---------------------------------------------------------------------------------------------
// rules

function fixTier(rule: Rule): string {
  return rule.fix ? rule.fix.safety : "none";
}

export function rulesJson(rules: Rule[]): Record<string, unknown> {
  return {
    version: 1,
    rules: rules.map((r) => ({
      id: r.id,
      title: r.title,
      category: r.category,
      severity: r.severity,
      confidence: r.confidence,
      cwe: r.cwe,
      bandit: r.bandit ?? null,
      ruff: r.ruff ?? null,
      fix: fixTier(r),
    })),
  };
}

function rulesText(rules: Rule[], p: Paint): string {
  const rows = rules.map((r) => [r.id, r.severity, r.category, [r.bandit, r.ruff].filter(Boolean).join(" ") || "-", fixTier(r), r.title]);
  const header = ["RULE", "SEVERITY", "CATEGORY", "BANDIT/RUFF", "FIX", "TITLE"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [p.bold(line(header)), ...rows.map(line), "", `${plural(rules.length, "rule")}.`, ""].join("\n");
}

// ---------------------------------------------------------------------------------------------
// main

function exitCodeOf(run: Run, failOn: FailOn, allowUnanalysed: boolean): number {
  if (run.inputErrors) return 2;
  if (!allowUnanalysed && notAnalysed(run.report).length) return 2;
  if (failOn === "never") return 0;
  const rank = SEVERITY_RANK[failOn];
  return run.report.findings.some((f) => SEVERITY_RANK[f.severity] >= rank) ? 1 : 0;
}

function printRun(run: Run, rules: RuleSet, opts: Options, io: CliIO, p: Paint, review?: { ctx: ReviewContext; plan: ReviewPlan }): void {
  finishReport(run.report);
  if (opts.format === "json") io.stdout.write(`${JSON.stringify(reportJson(run), null, 2)}\n`);
  else if (opts.format === "sarif") {
    io.stdout.write(`${JSON.stringify(toSarif(run.report, rules.rules, readPackageInfo()), null, 2)}\n`);
  } else io.stdout.write(review ? reviewText(run, review.ctx, review.plan, p) : reportText(run, p));
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`hunkguard: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === "help") {
    io.stdout.write(USAGE);
    return 0;
  }
  if (opts === "version") {
    io.stdout.write(`hunkguard ${readPackageInfo().version}\n`);
    return 0;
  }
  const env = io.env ?? {};
  const p = paint(opts.format === "text" && io.isTTY && !env.NO_COLOR);
  try {
    const rules = await loadRules();
    if (opts.command === "rules") {
      io.stdout.write(opts.format === "json" ? `${JSON.stringify(rulesJson(rules.rules), null, 2)}\n` : rulesText(rules.rules, p));
      return 0;
    }
    if (opts.command === "review") {
      const { run, ctx, plan, config } = await reviewBranch(opts, rules, io);
      printRun(run, rules, opts, io, p, { ctx, plan });
      return exitCodeOf(run, opts.failOn ?? config.fail_on, opts.allowUnanalysed);
    }
    const run = opts.diff !== undefined ? await scanDiff(opts, rules, io) : await scanPaths(opts, rules, io);
    printRun(run, rules, opts, io, p);
    return exitCodeOf(run, opts.failOn ?? "high", opts.allowUnanalysed);
  } catch (e) {
    if (e instanceof InputError || e instanceof RuleLoadError) {
      io.stderr.write(`hunkguard: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`hunkguard: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
