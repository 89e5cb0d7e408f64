/**
 * Engine throughput on a real code base, in one run:
 *
 *   npm run bench -- PATH [--threads N] [--vs-bandit] [--no-fixes]
 *
 * Files are collected like `hunkguard scan PATH` and read first (not timed). Then, in this process,
 * tree-sitter parse-only and the full analysis (rules, scope, suppressions, fixes) run over the same
 * texts: once each to warm up, then `--rounds N` (default 3) rounds alternating the two; the best
 * time of each is reported, so a busy moment on a shared machine does not tilt the ratio. No tree is kept: each is dropped as soon
 * as its file is done, so memory does not grow with the number of files. `--threads N` repeats the
 * full analysis on N worker threads (files balanced by size) and checks the results are the same,
 * in the same order. `--vs-bandit` times Debian's `bandit` on the same files in the same run.
 *
 * Then what users run, end to end: `hunkguard scan PATH` (the built CLI, a child process: start-up,
 * file discovery, reading, analysis, output) on one thread and on the pool without a cache, and on
 * the pool with its disk cache warm, with wall time and peak RSS; the engine's loop with the on-disk
 * result cache cold and warm (`.hunkguard_cache`, in a temporary folder); `--vs-ruff` times `ruff check --select S --no-cache` on the same tree when a
 * `ruff` binary is on PATH.
 */
import { isMainThread, parentPort, workerData, Worker } from "node:worker_threads";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { DiskResultCache } from "../src/core/disk-cache.js";
import { parseArgs } from "node:util";
import Parser from "tree-sitter";
import { PYTHON } from "../src/core/python.js";
import { loadRules } from "../src/core/rules/load.js";
import { newReport, analyzeInto } from "../src/core/report.js";
import { collectPythonFiles, type FoundFile } from "../src/core/walk.js";
import { decodeSource } from "../src/core/decode.js";
import { NativeMemoryGuard } from "../src/core/memory.js";

interface Source {
  path: string;
  text: string;
}

interface Pass {
  seconds: number;
  files: number;
  lines: number;
  findings: number;
  /** fingerprints per file, in file order: the multi-thread run must give the same */
  perFile: string[][];
  skipped: number;
}

function readSources(files: FoundFile[]): { sources: Source[]; skipped: { path: string; reason: string }[] } {
  const sources: Source[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const f of files) {
    const decoded = decodeSource(readFileSync(f.abs));
    if ("skip" in decoded) skipped.push({ path: f.path, reason: decoded.skip });
    else sources.push({ path: f.path, text: decoded.text });
  }
  return { sources, skipped };
}

/** Collections forced to free trees' native memory, per pass (the same guard as the CLI's). */
const releases: Record<string, number> = {};

/** Parse-only: the same parser call the engine makes, the tree dropped at once. */
async function parseOnly(sources: Source[]): Promise<number> {
  const parser = new Parser();
  parser.setLanguage(PYTHON);
  const memory = new NativeMemoryGuard();
  const t0 = process.hrtime.bigint();
  let nodes = 0;
  for (const s of sources) {
    await memory.afterFile();
    const tree = parser.parse(s.text, undefined, { bufferSize: Math.max(32 * 1024, s.text.length + 1) });
    nodes += tree.rootNode.childCount; // touch the tree so the parse cannot be skipped
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (nodes < 0) throw new Error("unreachable");
  releases.parse = memory.releases;
  return seconds;
}

let heapPeak = 0;

async function fullAnalysis(sources: Source[], fixes: boolean): Promise<Pass> {
  const rules = await loadRules();
  const memory = new NativeMemoryGuard();
  const report = newReport();
  const perFile: string[][] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < sources.length; i++) {
    await memory.afterFile();
    const before = report.findings.length;
    analyzeInto(report, sources[i], { rules, fixes, mode: "added" });
    perFile.push(report.findings.slice(before).map((f) => f.fingerprint));
    if (i % 64 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  releases.full = memory.releases;
  return { seconds, files: report.files, lines: report.lines, findings: report.findings.length, perFile, skipped: report.skipped.length };
}

// ---------------------------------------------------------------------------------------------
// Worker threads

interface WorkerInput {
  paths: { path: string; abs: string }[];
  fixes: boolean;
}

type WorkerMessage = { ready: true } | { pass: Pass; order: number[] };

if (!isMainThread) {
  const input = workerData as WorkerInput & { order: number[] };
  const { sources } = readSources(input.paths.map((p) => ({ path: p.path, abs: p.abs })));
  await loadRules();
  parentPort!.postMessage({ ready: true } satisfies WorkerMessage);
  parentPort!.on("message", async () => {
    const pass = await fullAnalysis(sources, input.fixes);
    parentPort!.postMessage({ pass, order: input.order } satisfies WorkerMessage);
  });
}

/** Longest-processing-time-first: each file to the least loaded worker, biggest files first. */
function balance(files: FoundFile[], sizes: number[], n: number): number[][] {
  const order = files.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a]);
  const load = new Array<number>(n).fill(0);
  const parts: number[][] = Array.from({ length: n }, () => []);
  for (const i of order) {
    let best = 0;
    for (let w = 1; w < n; w++) if (load[w] < load[best]) best = w;
    parts[best].push(i);
    load[best] += sizes[i];
  }
  return parts.map((p) => p.sort((a, b) => a - b));
}

async function threaded(files: FoundFile[], sizes: number[], n: number, fixes: boolean): Promise<{ seconds: number; pass: Pass }> {
  const parts = balance(files, sizes, n).filter((p) => p.length);
  const workers = parts.map(
    (order) =>
      new Worker(new URL(import.meta.url), {
        workerData: { paths: order.map((i) => ({ path: files[i].path, abs: files[i].abs })), fixes, order } satisfies WorkerInput & { order: number[] },
      }),
  );
  const next = (w: Worker) =>
    new Promise<WorkerMessage>((resolve, reject) => {
      w.once("message", resolve);
      w.once("error", reject);
    });
  await Promise.all(workers.map(next)); // ready: files read, rules loaded
  let result: { seconds: number; pass: Pass } | undefined;
  for (let round = 0; round < 2; round++) {
    const t0 = process.hrtime.bigint();
    const done = workers.map(next);
    for (const w of workers) w.postMessage("go");
    const passes = (await Promise.all(done)) as { pass: Pass; order: number[] }[];
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    // put each file's findings back at the file's place, as one thread reports them
    const perFile: string[][] = new Array(files.length);
    for (const { pass, order } of passes) order.forEach((fileIndex, k) => (perFile[fileIndex] = pass.perFile[k]));
    const merged: Pass = {
      seconds,
      files: passes.reduce((s, p) => s + p.pass.files, 0),
      lines: passes.reduce((s, p) => s + p.pass.lines, 0),
      findings: passes.reduce((s, p) => s + p.pass.findings, 0),
      skipped: passes.reduce((s, p) => s + p.pass.skipped, 0),
      perFile,
    };
    result = { seconds, pass: merged };
  }
  await Promise.all(workers.map((w) => w.terminate()));
  return result!;
}

// ---------------------------------------------------------------------------------------------
// Bandit

function banditRun(paths: string[]): { seconds: number; loc?: number } | { missing: string } {
  const probe = spawnSync("bandit", ["--version"], { encoding: "utf8" });
  if (probe.error) return { missing: "bandit is not installed; on Debian: apt-get install -y bandit" };
  const t0 = process.hrtime.bigint();
  // the same files HunkGuard read, so both tools see exactly the same code
  const r = spawnSync("bandit", ["-q", "-f", "json", ...paths], { encoding: "utf8", maxBuffer: 1024 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) return { missing: `bandit failed: ${r.error.message}` };
  try {
    const out = JSON.parse(r.stdout) as { metrics?: { _totals?: { loc?: number } } };
    return { seconds, loc: out.metrics?._totals?.loc };
  } catch {
    return { missing: `bandit printed no JSON (exit ${r.status}): ${r.stderr.slice(0, 300)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// The result cache, and the CLI end to end

/** The engine's loop as the CLI runs it with its disk cache: key, look up, analyse the misses, store. */
function cachedPass(sources: Source[], rules: Awaited<ReturnType<typeof loadRules>>, fixes: boolean, cache: DiskResultCache): { seconds: number; hits: number; findings: number } {
  const t0 = process.hrtime.bigint();
  let hits = 0;
  let findings = 0;
  for (const s of sources) {
    const key = cache.key(s, { fixes, mode: "added" });
    let report = cache.getSync(key);
    if (report) hits++;
    else {
      report = newReport();
      analyzeInto(report, s, { rules, fixes, mode: "added" });
      cache.setSync(key, report);
    }
    findings += report.findings.length;
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, hits, findings };
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A command's wall time and peak RSS (GNU time when present), best of `runs`. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, runs = 1): { seconds: number; rssKiB?: number; status: number | null; stdout: string } | { missing: string } {
  const gnuTime = existsSync("/usr/bin/time");
  let best: { seconds: number; rssKiB?: number; status: number | null; stdout: string } | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = gnuTime
      ? spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1024 * 1024 * 1024 })
      : spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1024 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) return { missing: `${cmd}: ${r.error.message}` };
    const rss = gnuTime ? Number(r.stderr.trim().split("\n").pop()) : undefined;
    if (!best || seconds < best.seconds) best = { seconds, rssKiB: Number.isFinite(rss) ? rss : undefined, status: r.status, stdout: r.stdout };
  }
  return best!;
}

function ruffAvailable(): boolean {
  return !spawnSync("ruff", ["--version"], { encoding: "utf8" }).error;
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function benchMain(argv: string[]): Promise<number> {
  const usageText = "usage: npm run bench -- PATH [--threads N] [--rounds N] [--vs-bandit] [--vs-ruff] [--no-fixes] [--no-cli]\n";
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { threads: { type: "string" }, rounds: { type: "string" }, "vs-bandit": { type: "boolean" }, "vs-ruff": { type: "boolean" }, "no-fixes": { type: "boolean" }, "no-cli": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    // an unknown option: one line and the usage, no stack trace
    process.stderr.write(`${(e as Error).message.split("\n")[0]}\n${usageText}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usageText);
    return 0;
  }
  const root = positionals[0];
  if (!root) {
    process.stderr.write(usageText);
    return 2;
  }
  const threads = values.threads ? Number(values.threads) : 0;
  if (values.threads && !(Number.isInteger(threads) && threads >= 1)) {
    process.stderr.write("--threads takes a whole number ≥ 1\n");
    return 2;
  }
  const fixes = !values["no-fixes"];
  const rounds = values.rounds ? Number(values.rounds) : 3;
  if (!(Number.isInteger(rounds) && rounds >= 1)) {
    process.stderr.write("--rounds takes a whole number ≥ 1\n");
    return 2;
  }
  const { files, missing } = collectPythonFiles([root], process.cwd());
  if (missing.length) {
    process.stderr.write(`no such file or directory: ${missing.join(", ")}\n`);
    return 2;
  }

  const { sources, skipped } = readSources(files);
  const readable = new Set(sources.map((s) => s.path));
  const scanned = files.filter((f) => readable.has(f.path));
  const sizes = scanned.map((_, i) => sources[i].text.length);
  const rules = await loadRules();
  const rssAfterRead = process.memoryUsage().rss;

  // a warm-up of each, then rounds alternating the two: the best of each round is compared, so a
  // busy moment on a shared machine slows one round, not one side of the ratio
  await parseOnly(sources);
  await fullAnalysis(sources, fixes);
  let parseSeconds = Infinity;
  let full: Pass | undefined;
  for (let r = 0; r < rounds; r++) {
    parseSeconds = Math.min(parseSeconds, await parseOnly(sources));
    const f = await fullAnalysis(sources, fixes);
    if (!full || f.seconds < full.seconds) full = f;
  }
  const best = full!;
  const lines = best.lines;

  const out: string[] = [];
  const row = (label: string, value: string) => out.push(`${label.padEnd(16)}${value}`);
  out.push(`HunkGuard engine bench: ${root}`);
  row("node", `${process.version}, ${rules.rules.length} rules, fixes ${fixes ? "on" : "off"}`);
  row("files", `${fmt(best.files)}${skipped.length + best.skipped ? ` (${skipped.length + best.skipped} skipped: ${skipped.slice(0, 3).map((s) => `${s.path}: ${s.reason}`).join("; ")})` : ""}`);
  row("lines", fmt(lines));
  row("parse only", `${parseSeconds.toFixed(3)} s  ${fmt(lines / parseSeconds)} lines/s`);
  row("full analysis", `${best.seconds.toFixed(3)} s  ${fmt(lines / best.seconds)} lines/s`);
  row("ratio", `${(best.seconds / parseSeconds).toFixed(2)}× parse-only`);
  row("findings", fmt(best.findings));

  // before the worker threads, which add their own trees to the process
  const singleThreadPeak = process.resourceUsage().maxRSS * 1024;
  let threadedSeconds: number | undefined;
  if (threads >= 1) {
    const t = await threaded(scanned, sizes, threads, fixes);
    threadedSeconds = t.seconds;
    const same = t.pass.lines === best.lines && t.pass.perFile.flat().join() === best.perFile.flat().join();
    row(`${threads} thread${threads === 1 ? "" : "s"}`, `${t.seconds.toFixed(3)} s  ${fmt(lines / t.seconds)} lines/s, ${(best.seconds / t.seconds).toFixed(2)}× one thread; same findings: ${same ? "yes" : "NO"}`);
  }
  const usage = process.resourceUsage();
  row("memory", `engine bench process (parse-only passes keep trees longest): peak RSS ${mib(singleThreadPeak)} one thread, ${mib(usage.maxRSS * 1024)} overall (after reading the files ${mib(rssAfterRead)}; source text ${mib(sizes.reduce((a, b) => a + b, 0) * 2)}), heap peak ${mib(heapPeak)}; ${releases.parse ?? 0}+${releases.full ?? 0} forced collections (parse+full) to free trees`);

  // the result cache (the CLI's disk cache, in a temporary folder): cold fills it, warm reads it
  const cacheHome = mkdtempSync(join(tmpdir(), "hunkguard-bench-"));
  try {
    const cache = DiskResultCache.open({ cwd: cacheHome })!;
    const cold = cachedPass(sources, rules, fixes, cache);
    const warm = cachedPass(sources, rules, fixes, cache);
    const same = warm.findings === best.findings && cold.findings === best.findings;
    row("cache cold", `${cold.seconds.toFixed(3)} s  (analyse and store every file; .hunkguard_cache)`);
    row("cache warm", `${warm.seconds.toFixed(3)} s  ${fmt(lines / warm.seconds)} lines/s, ${warm.hits}/${sources.length} files from the cache, ${(best.seconds / warm.seconds).toFixed(1)}× the full analysis; same findings: ${same ? "yes" : "NO"}`);
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
  }

  // what users run: the built CLI, end to end (start-up, discovery, reading, analysis, output)
  let cliOne: number | undefined;
  let cliDefault: number | undefined;
  if (!values["no-cli"]) {
    const cli = join(repoRoot, "bin", "hunkguard.js");
    const args = [cli, "scan", root, "--format", "json", "--allow-unanalysed", "--fail-on", "never", ...(fixes ? [] : ["--no-fixes"])];
    // cold: no cache; then the default (the pool) filling a cache of its own, and reading it back
    const cliCache = mkdtempSync(join(tmpdir(), "hunkguard-bench-cli-"));
    const one = timed(process.execPath, [...args, "--no-cache"], { HUNKGUARD_THREADS: "1" });
    const pool = timed(process.execPath, [...args, "--no-cache"], {});
    timed(process.execPath, args, { HUNKGUARD_CACHE_DIR: cliCache });
    const warmCli = timed(process.execPath, args, { HUNKGUARD_CACHE_DIR: cliCache });
    rmSync(cliCache, { recursive: true, force: true });
    for (const [label, r] of [["CLI 1 thread", one], ["CLI default", pool], ["CLI warm cache", warmCli]] as const) {
      if ("missing" in r) row(label, r.missing);
      else {
        let findings = "?";
        try {
          findings = fmt((JSON.parse(r.stdout) as { findings: unknown[] }).findings.length);
        } catch {
          /* not JSON */
        }
        row(label, `${r.seconds.toFixed(3)} s  ${fmt(lines / r.seconds)} lines/s, peak RSS ${r.rssKiB !== undefined ? mib(r.rssKiB * 1024) : "?"}, ${findings} findings, exit ${r.status}; ${(r.seconds / best.seconds).toFixed(2)}× the engine's full analysis`);
      }
    }
    if (!("missing" in one)) cliOne = one.seconds;
    if (!("missing" in pool)) cliDefault = pool.seconds;
    const tiny = join(tmpdir(), `hunkguard-bench-one-${process.pid}.py`);
    (await import("node:fs")).writeFileSync(tiny, 'import os\nos.system("ping " + host)\n');
    const start = timed(process.execPath, [cli, "scan", tiny, "--format", "json", "--fail-on", "never"], { HUNKGUARD_THREADS: "1" }, 5);
    rmSync(tiny, { force: true });
    row("CLI one file", "missing" in start ? start.missing : `${start.seconds.toFixed(3)} s (best of 5: start-up), peak RSS ${start.rssKiB !== undefined ? mib(start.rssKiB * 1024) : "?"}`);
  }

  if (values["vs-ruff"]) {
    if (!ruffAvailable()) row("ruff", "no `ruff` on PATH (pip install ruff): not compared");
    else {
      const r = timed("ruff", ["check", "--select", "S", "--no-cache", "--quiet", "--exit-zero", root]);
      const w = timed("ruff", ["check", "--select", "S", "--quiet", "--exit-zero", "--cache-dir", join(tmpdir(), `ruff-bench-${process.pid}`), root]);
      timed("ruff", ["check", "--select", "S", "--quiet", "--exit-zero", "--cache-dir", join(tmpdir(), `ruff-bench-${process.pid}`), root]);
      const w2 = timed("ruff", ["check", "--select", "S", "--quiet", "--exit-zero", "--cache-dir", join(tmpdir(), `ruff-bench-${process.pid}`), root]);
      rmSync(join(tmpdir(), `ruff-bench-${process.pid}`), { recursive: true, force: true });
      if ("missing" in r) row("ruff", r.missing);
      else {
        const vs = [`engine full ${(best.seconds / r.seconds).toFixed(1)}×`];
        if (cliOne) vs.push(`CLI 1 thread ${(cliOne / r.seconds).toFixed(1)}×`);
        if (cliDefault) vs.push(`CLI default ${(cliDefault / r.seconds).toFixed(1)}×`);
        row("ruff --select S", `${r.seconds.toFixed(3)} s no cache${"missing" in w2 ? "" : `, ${w2.seconds.toFixed(3)} s warm cache`}, peak RSS ${r.rssKiB !== undefined ? mib(r.rssKiB * 1024) : "?"}; HunkGuard takes ${vs.join(", ")} Ruff's time`);
        void w;
      }
    }
  }

  if (values["vs-bandit"]) {
    const b = banditRun(scanned.map((f) => f.abs));
    if ("missing" in b) row("bandit", b.missing);
    else {
      const banditRate = lines / b.seconds;
      const vs = [`engine 1 thread ${(banditRate ? lines / best.seconds / banditRate : 0).toFixed(1)}×`];
      if (threadedSeconds) vs.push(`engine ${threads} threads ${(lines / threadedSeconds / banditRate).toFixed(1)}×`);
      if (cliOne) vs.push(`CLI 1 thread ${(b.seconds / cliOne).toFixed(1)}×`);
      if (cliDefault) vs.push(`CLI default ${(b.seconds / cliDefault).toFixed(1)}×`);
      row("bandit", `${b.seconds.toFixed(2)} s  ${fmt(banditRate)} lines/s (bandit counts ${b.loc !== undefined ? fmt(b.loc) : "?"} loc); HunkGuard is faster: ${vs.join(", ")}`);
    }
  }
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
}

if (isMainThread) {
  process.exitCode = await benchMain(process.argv.slice(2));
}
