/**
 * Many files at once: a pool of worker threads (`node:worker_threads`), each loading the rules once
 * and running the same per-file analysis as one thread. Results come back per file, in the input's
 * order, so merging them gives exactly the single-threaded report. Small inputs stay on this thread,
 * where starting workers and copying texts would cost more than it saves.
 *
 * What crosses to a worker is data only: the rules folder's path, the enabled rule ids, option
 * values, and each file's text and patch (Sets survive the structured clone; functions would not).
 * A worker that dies (out of memory, a native abort caught by Node, a file over its time limit)
 * costs one file — listed as skipped with the reason — and is replaced; the run goes on.
 */
import type { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { changedLinesOf, type FilePatch } from "./hunks.js";
import { analyzeInto, newReport, type Report } from "./report.js";
import { defaultRulesDir, type RuleSet } from "./rules/load.js";
import type { FilterMode } from "./engine.js";
import { AnalysisStopped } from "./stopped.js";
import type { Severity } from "./finding.js";
import type { TestsPolicy } from "./config.js";

export interface PoolFile {
  path: string;
  text: string;
  /** the diff's hunks on this file; omit to analyse the whole file */
  patch?: FilePatch;
}

/** How files are analysed: values only, so they can be sent to a worker. */
export interface PoolRunOptions {
  /** ids of the rules that run (default: all) */
  enabledRules?: string[];
  mode?: FilterMode;
  /** build and validate fixes (default true) */
  fixes?: boolean;
  minSeverity?: Severity;
  /** test code: `quiet` (default) leaves out the rules marked `tests: quiet` there; `report` runs them */
  tests?: TestsPolicy;
  /** larger files are skipped (default: the report's limit) */
  maxFileBytes?: number;
  /** on the pool: a file taking longer than this is given up (its worker replaced) and listed as skipped (default: the pool's) */
  fileTimeoutMs?: number;
}

export interface AnalyzeManyOptions extends PoolRunOptions {
  /** the rule set for the in-thread path (workers load theirs from the pool's rules folder) */
  rules: RuleSet;
  /** stay on this thread below this many files (default 20) … */
  minFiles?: number;
  /** … or below this many lines in all (default 20,000) */
  minLines?: number;
}

/**
 * A checkpoint that stops the analysis past `ms` from now (the engine calls it at safe points): a
 * file over its time limit stops itself and is listed as not analysed, so its worker thread never
 * has to be terminated in the middle of native code (which can abort the whole process).
 */
export function timeLimit(ms: number | undefined): (() => void) | undefined {
  if (!ms) return undefined;
  const deadline = Date.now() + ms;
  return () => {
    if (Date.now() > deadline) throw new AnalysisStopped(`the analysis took longer than ${ms} ms`);
  };
}

/** One file through the same path as `analyzeInto`: a one-file report (a crash or an over-size file is a skipped entry). */
export function analyzeFileReport(file: PoolFile, rules: RuleSet, opts: PoolRunOptions): Report {
  const report = newReport();
  const patch = file.patch;
  const enabled = opts.enabledRules ? enabledBy(opts.enabledRules) : undefined;
  analyzeInto(
    report,
    {
      path: file.path,
      text: file.text,
      ...(patch ? { changed: changedLinesOf(patch) } : {}),
    },
    { rules, enabled, mode: opts.mode, fixes: opts.fixes, minSeverity: opts.minSeverity, tests: opts.tests, checkpoint: timeLimit(opts.fileTimeoutMs) },
    ...(opts.maxFileBytes !== undefined ? [{ maxFileBytes: opts.maxFileBytes }] : []),
  );
  return report;
}

function enabledBy(ids: string[]): (rule: { id: string }) => boolean {
  const on = new Set(ids);
  return (rule) => on.has(rule.id);
}

/** Fold per-file reports into one, in order (then `finishReport` sorts as usual). */
export function mergeReports(into: Report, parts: Report[]): Report {
  for (const p of parts) {
    into.files += p.files;
    into.lines += p.lines;
    into.findings.push(...p.findings);
    into.skipped.push(...p.skipped);
    into.tally.suppressed += p.tally.suppressed;
    into.tally.outsideDiff += p.tally.outsideDiff;
    into.tally.partiallyParsed.push(...p.tally.partiallyParsed);
    into.tally.ruleFailures.push(...p.tally.ruleFailures);
    into.tally.withheldFixes.push(...p.tally.withheldFixes);
    into.tally.incomplete.push(...(p.tally.incomplete ?? []));
    Object.assign((into.excerpts ??= {}), p.excerpts ?? {});
  }
  return into;
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Analyse many files: on the pool when one is given and the input is large enough to pay for it
 * (`minFiles: 0` puts any input on the pool: the app keeps its event loop free that way), else on
 * this thread. One report per file, in the input's order, the same either way.
 */
export async function analyzeMany(files: PoolFile[], opts: AnalyzeManyOptions, pool?: AnalysisPool | null): Promise<Report[]> {
  const small = files.length < (opts.minFiles ?? 20) || (opts.minLines !== 0 && files.reduce((n, f) => n + countLines(f.text), 0) < (opts.minLines ?? 20_000));
  const here = () => files.map((f) => analyzeFileReport(f, opts.rules, opts));
  if (!pool || small) return here();
  try {
    return await pool.run(files, opts);
  } catch {
    // no worker could start (a broken build, no memory for a thread): this thread still can
    return here();
  }
}

// ---------------------------------------------------------------------------------------------
// The pool

export interface PoolOptions {
  /** threads at most (default: the cores there are) */
  maxThreads?: number;
  /** the rules folder the workers load (default: the one shipped with the package) */
  rulesDir?: string;
  /** the worker script (default: `pool-worker.js` next to this module, i.e. the build) */
  workerUrl?: URL;
  /** a file taking longer than this is given up (its worker replaced) and listed as skipped */
  fileTimeoutMs?: number;
  /** heap limit per worker: a file that blows it costs that file, not the process (default 2048) */
  maxHeapMb?: number;
  /** more `workerData` for a custom worker script */
  workerData?: Record<string, unknown>;
}

/** Messages between the pool and its workers. */
export interface WorkerTask {
  id: number;
  file: PoolFile;
  opts: PoolRunOptions;
}
export type WorkerReply = { ready: true; rules: number } | { id: number; report: Report };

interface Task {
  id: number;
  index: number;
  file: PoolFile;
  opts: PoolRunOptions;
  settle: (report: Report) => void;
}

interface Slot {
  worker: Worker;
  /** tasks sent, oldest first: the worker answers in that order */
  inFlight: Task[];
  timer?: NodeJS.Timeout;
  dead: boolean;
  /** the rules are loaded: the time limit counts from here */
  ready: boolean;
  whenReady: Promise<void>;
}

/** The worker script next to this module, when running from the build (`.js`); null under ts-jest. */
export function defaultWorkerUrl(): URL | null {
  if (!import.meta.url.endsWith(".js")) return null;
  const url = new URL("./pool-worker.js", import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * One file at a time per worker: a worker that dies is then known to have died on that file (a
 * second file sent ahead could lose an answer already posted). The round trip costs far less than a file.
 */
const IN_FLIGHT = 1;

export class AnalysisPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly workerUrl: URL;
  private readonly rulesDir: string;
  /** workers replaced after a crash or a time-out, for the curious */
  replaced = 0;
  /** set when a worker died before it was ready: the pool refuses work from then on */
  private broken: Error | null = null;
  private readonly failRuns = new Set<(e: Error) => void>();
  /** workers given up on (a file past its time limit), left to finish: terminated when they answer, or on close */
  private readonly abandoned = new Set<Worker>();

  constructor(private readonly options: PoolOptions = {}) {
    const url = options.workerUrl ?? defaultWorkerUrl();
    if (!url) throw new Error("no worker script: build first (npm run build) or pass workerUrl");
    this.workerUrl = url;
    this.rulesDir = options.rulesDir ?? defaultRulesDir();
    this.size = Math.max(1, Math.min(options.maxThreads ?? Infinity, availableParallelism()));
  }

  /** Start the workers now (they load the rules); resolves when every one is ready. */
  async warm(): Promise<void> {
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    await Promise.all(this.slots.map((s) => s.whenReady));
  }

  /** One report per file, in the input's order. */
  run(files: PoolFile[], opts: PoolRunOptions): Promise<Report[]> {
    if (this.closed) return Promise.reject(new Error("the analysis pool is closed"));
    if (this.broken) return Promise.reject(this.broken);
    while (this.slots.length < this.size) this.slots.push(this.spawn());
    const results = new Array<Report>(files.length);
    const runOpts: PoolRunOptions = {
      ...(opts.enabledRules ? { enabledRules: opts.enabledRules } : {}),
      ...(opts.mode ? { mode: opts.mode } : {}),
      ...(opts.fixes !== undefined ? { fixes: opts.fixes } : {}),
      ...(opts.minSeverity ? { minSeverity: opts.minSeverity } : {}),
      ...(opts.tests ? { tests: opts.tests } : {}),
      ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}),
      // the worker stops a file over the limit itself (see `timeLimit`)
      ...((opts.fileTimeoutMs ?? this.options.fileTimeoutMs) !== undefined ? { fileTimeoutMs: opts.fileTimeoutMs ?? this.options.fileTimeoutMs } : {}),
    };
    return new Promise((resolve, reject) => {
      let left = files.length;
      if (!left) return resolve(results);
      this.failRuns.add(reject);
      // biggest first: the last file to finish is a small one, so the threads end together
      const order = files.map((_, i) => i).sort((a, b) => files[b].text.length - files[a].text.length || a - b);
      for (const index of order) {
        this.queue.push({
          id: this.nextId++,
          index,
          file: files[index],
          opts: runOpts,
          settle: (report) => {
            results[index] = report;
            if (--left === 0) {
              this.failRuns.delete(reject);
              resolve(results);
            }
          },
        });
      }
      this.pump();
    });
  }

  /** Stop the workers; files still queued are listed as skipped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.settle(skippedReport(t.file.path, "the analysis was stopped"));
    await Promise.all(
      this.slots.splice(0).map(async (s) => {
        s.dead = true;
        if (s.timer) clearTimeout(s.timer);
        for (const t of s.inFlight.splice(0)) t.settle(skippedReport(t.file.path, "the analysis was stopped"));
        await s.worker.terminate();
      }),
    );
    await Promise.all([...this.abandoned].map((w) => w.terminate()));
  }

  private spawn(): Slot {
    // node:worker_threads loaded when the first worker starts (a one-file run starts none)
    const { Worker } = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
    const worker = new Worker(this.workerUrl, {
      workerData: { ...this.options.workerData, rulesDir: this.rulesDir },
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb ?? 2048 },
    });
    // an idle pool does not keep the process alive (the CLI exits when its scan is done)
    worker.unref();
    let ready = () => {};
    const slot: Slot = { worker, inFlight: [], dead: false, ready: false, whenReady: new Promise<void>((resolve) => (ready = resolve)) };
    worker.on("message", (m: WorkerReply) => {
      if ("ready" in m) {
        slot.ready = true;
        ready();
        this.pump();
        return;
      }
      this.answered(slot, m);
    });
    worker.once("error", (e) => {
      ready();
      this.lost(slot, `the analysis crashed its worker thread (${e.message})`);
    });
    worker.once("exit", (code) => {
      ready();
      this.lost(slot, `the analysis stopped its worker thread (exit code ${code})`);
    });
    return slot;
  }

  private answered(slot: Slot, m: { id: number; report: Report }): void {
    const i = slot.inFlight.findIndex((t) => t.id === m.id);
    if (i < 0) return;
    const [task] = slot.inFlight.splice(i, 1);
    this.arm(slot);
    if (!slot.inFlight.length) slot.worker.unref();
    task.settle(m.report);
    this.pump();
  }

  /** The worker is gone: its current file is skipped with the reason, the files behind it go back in the queue. */
  private lost(slot: Slot, reason: string): void {
    if (slot.dead) return;
    slot.dead = true;
    if (slot.timer) clearTimeout(slot.timer);
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    if (!slot.ready && !this.closed) {
      // it never got to a file: the script or the rules cannot load, and a new worker would fail the same way
      this.broken = new Error(`the analysis pool's worker could not start: ${reason}`);
      this.queue.splice(0);
      for (const fail of this.failRuns) fail(this.broken);
      this.failRuns.clear();
      void this.close();
      return;
    }
    const [current, ...rest] = slot.inFlight.splice(0);
    if (current) current.settle(skippedReport(current.file.path, reason));
    this.queue.unshift(...rest);
    if (this.closed) return;
    this.replaced++;
    if (this.queue.length || this.slots.length === 0) this.slots.push(this.spawn());
    this.pump();
  }

  /**
   * The time limit runs for the oldest file in flight (its run's limit, else the pool's). The worker
   * stops a file over its limit itself (the engine's checkpoints) and answers; this timer is the
   * backstop for a file stuck between checkpoints, a little later. Such a worker is abandoned, not
   * terminated: terminating a thread in the middle of tree-sitter's native code can abort the whole
   * process. It is replaced at once, and terminated when it answers (idle, then) or, still stuck,
   * after a long grace.
   */
  private arm(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    const ms = slot.inFlight[0]?.opts.fileTimeoutMs ?? this.options.fileTimeoutMs;
    if (!ms || !slot.ready || !slot.inFlight.length) return;
    slot.timer = setTimeout(() => this.abandon(slot, `the analysis took longer than ${ms} ms`, ms), ms + Math.min(ms, 2_000));
    slot.timer.unref?.();
  }

  /** Give up on a worker stuck on a file: the file is skipped with the reason, the worker replaced and left to finish. */
  private abandon(slot: Slot, reason: string, ms: number): void {
    // recorded first: the answer or the exit that may follow finds the slot already dead
    this.lost(slot, reason);
    const worker = slot.worker;
    this.abandoned.add(worker);
    worker.removeAllListeners("message");
    worker.on("message", () => void worker.terminate());
    const last = setTimeout(() => void worker.terminate(), Math.max(60_000, 20 * ms));
    last.unref?.();
    worker.once("exit", () => {
      clearTimeout(last);
      this.abandoned.delete(worker);
    });
    worker.unref();
  }

  private pump(): void {
    for (const slot of this.slots) {
      // only to a worker whose rules are loaded: one that dies before is broken, not felled by a file
      while (slot.ready && !slot.dead && slot.inFlight.length < IN_FLIGHT && this.queue.length) {
        const task = this.queue.shift()!;
        const wasIdle = slot.inFlight.length === 0;
        // a worker with work keeps the process alive until it answers; an idle one does not
        if (wasIdle) slot.worker.ref();
        slot.inFlight.push(task);
        slot.worker.postMessage({ id: task.id, file: task.file, opts: task.opts } satisfies WorkerTask);
        if (wasIdle) this.arm(slot);
      }
    }
  }
}

function skippedReport(path: string, reason: string): Report {
  const r = newReport();
  r.skipped.push({ path, reason });
  return r;
}
