/**
 * The analysis of a list of files, one function for every command: read each file, hand the texts
 * (and for a diff, the patches) to core's `analyzeChange`, fold the results into one `Run`.
 */
import { analyzeChange } from "../core/change.js";
import { AnalysisPool, defaultWorkerUrl, mergeReports, type PoolFile } from "../core/pool.js";
import { newReport, finishReport, DEFAULT_LIMITS, type Report } from "../core/report.js";
import { NativeMemoryGuard } from "../core/memory.js";
import type { FilterMode } from "../core/engine.js";
import type { Rule, RuleSet } from "../core/rules/load.js";
import type { Severity } from "../core/finding.js";
import type { TestsPolicy } from "../core/config.js";
import { DiskResultCache } from "../core/disk-cache.js";
import { readSource, type Job } from "./files.js";
import { decodeSource } from "../core/decode.js";
import type { CliIO } from "./io.js";
import type { Options } from "./args.js";
import { byConfidence } from "./selection.js";
import { applyBaseline, baselineOf, readBaseline, writeBaseline } from "./baseline.js";
import { withholdOverlappingFixes } from "../core/review-plan.js";
import { resolve } from "node:path";

export interface Run {
  report: Report;
  /** findings dropped by --min-severity */
  belowSeverity: number;
  /** lines of every file with a finding, for the text output */
  fileLines: Map<string, string[]>;
  /** findings dropped by --min-confidence */
  belowConfidence: number;
  /** findings hidden by --baseline */
  baselined: number;
  /** usage/input errors met along the way (already printed): exit 2 */
  inputErrors: number;
  /** reported path → path relative to the repository root (for baselines), when they differ */
  repoPaths: Map<string, string>;
}

/** How files are analysed: flags for scan; for review, the repo config under the flags. */
export interface Settings {
  rules: RuleSet;
  fixes: boolean;
  enabled?: (rule: Rule) => boolean;
  mode: FilterMode;
  minSeverity?: Severity;
  maxFileBytes: number;
  /** test code: see the repo config's `tests` */
  tests?: TestsPolicy;
  /** read and write the on-disk result cache (.hunkguard_cache/; --no-cache turns it off) */
  cache?: boolean;
  /** draw a progress line on stderr */
  progress?: boolean;
}

export function defaultSettings(rules: RuleSet, fixes: boolean, minSeverity?: Severity): Settings {
  return { rules, fixes, mode: "added", minSeverity, maxFileBytes: DEFAULT_LIMITS.maxFileBytes };
}

export function newRun(): Run {
  return { report: newReport(), belowSeverity: 0, belowConfidence: 0, baselined: 0, fileLines: new Map(), inputErrors: 0, repoPaths: new Map() };
}

/** A usage or input error met along the way: printed now, exit 2 at the end, the run goes on. */
export function inputError(io: CliIO, run: Run, message: string): void {
  io.stderr.write(`hunkguard: ${message}\n`);
  run.inputErrors++;
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

/** Analyse the files (read from disk, or given as text) into `run`; the report is sorted at the end. */
export async function analyzeFiles(jobs: Job[], settings: Settings, io: CliIO, run: Run): Promise<void> {
  const memory = new NativeMemoryGuard();
  const env = io.env ?? {};
  const progress = settings.progress === true && io.stderrIsTTY === true && !env.CI && jobs.length >= 20;
  let lastDraw = 0;
  const { rules, fixes, enabled, mode } = settings;
  const enabledRules = enabled ? rules.rules.filter(enabled).map((r) => r.id) : undefined;
  const pool = scanPool(jobs.length, env);
  // the workers load the rules while this thread reads the first files
  pool?.warm().catch(() => {});
  // unchanged files of an earlier scan are read back, not analysed (keyed by content, rules, options)
  const cache = settings.cache ? DiskResultCache.open({ cwd: io.cwd, env }) : null;
  // on the pool, the next chunk is read while the workers analyse the one before: at most two in flight
  const inFlight: Promise<Awaited<ReturnType<typeof analyzeChange>>>[] = [];
  const take = async () => {
    const { report, belowSeverity } = await inFlight.shift()!;
    run.belowSeverity += belowSeverity;
    mergeReports(run.report, [report]);
  };
  try {
    for (let from = 0; from < jobs.length; from += POOL_CHUNK) {
      const chunk = jobs.slice(from, from + POOL_CHUNK);
      const files: PoolFile[] = [];
      const skipped: Report["skipped"] = [];
      for (const [k, job] of chunk.entries()) {
        // a worker that finished its file waits for this thread to hand it the next: let the pool's
        // messages through while a chunk is read
        if (pool && k % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
        if (progress && Date.now() - lastDraw > 100) {
          lastDraw = Date.now();
          io.stderr.write(`\r\x1b[K[${from + k + 1}/${jobs.length}] ${job.path.slice(-60)}`);
        }
        const source = job.bytes ? decodeSource(job.bytes) : readSource(job.abs);
        if ("skip" in source) {
          skipped.push({ path: job.path, reason: source.skip });
          continue;
        }
        const patch = job.changed?.patch;
        files.push({ path: job.path, text: source.text, ...(patch ? { patch } : {}) });
      }
      inFlight.push(
        analyzeChange(
          files,
          // the pool was chosen once for the whole scan (see scanPool): every chunk goes to it
          { rules, enabledRules, mode, fixes, minSeverity: settings.minSeverity, maxFileBytes: settings.maxFileBytes, minFiles: 0, minLines: 0, skipped, ...(pool ? {} : { afterFile: () => memory.afterFile() }), unsorted: true, tests: settings.tests, cache },
          pool,
        ),
      );
      if (!pool || inFlight.length >= 2) await take();
    }
    while (inFlight.length) await take();
  } finally {
    await pool?.close();
  }
  if (progress) io.stderr.write("\r\x1b[K");
  finishReport(run.report);
  // only the lines the engine hands out with the findings, secrets already masked
  for (const f of run.report.findings) if (!run.fileLines.has(f.path)) run.fileLines.set(f.path, excerptLines(run.report.excerpts[f.path]));
}

/** The engine's excerpt (line → text) as the lines array the text output indexes by line - 1. */
function excerptLines(excerpt: Record<number, string> | undefined): string[] {
  const lines: string[] = [];
  for (const [n, text] of Object.entries(excerpt ?? {})) lines[Number(n) - 1] = text;
  return lines;
}

/**
 * After the analysis, before any output: --min-confidence, then the baseline (hide the findings it
 * records, or record them with --write-baseline), then — for outputs with no diff to anchor on —
 * one suggestion per set of lines (as the app's review offers them).
 */
export function narrowRun(run: Run, opts: Pick<Options, "minConfidence" | "baseline" | "writeBaseline">, cwd: string, withhold: boolean): void {
  const repoPath = (reported: string) => run.repoPaths.get(reported) ?? reported;
  const { kept, dropped } = byConfidence(run.report.findings, opts.minConfidence);
  run.belowConfidence += dropped;
  run.report.findings = kept;
  if (opts.writeBaseline !== undefined) writeBaseline(resolve(cwd, opts.writeBaseline), baselineOf(kept, repoPath));
  if (opts.baseline !== undefined) {
    const { kept: shown, hidden } = applyBaseline(run.report.findings, readBaseline(resolve(cwd, opts.baseline)), repoPath);
    run.baselined += hidden;
    run.report.findings = shown;
  }
  if (withhold) run.report.findings = withholdOverlappingFixes(run.report.findings);
}
