/**
 * The worker pool (issue 7, item 2): the same reports, in the same order, as one thread; small inputs
 * stay on this thread; a worker that dies or hangs costs one file, listed as skipped, and the run goes on.
 *
 * Worker threads run JavaScript, not the TypeScript ts-jest compiles in memory: the worker is compiled
 * once per run (test/support/pool-worker.ts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { AnalysisPool, analyzeFileReport, analyzeMany, mergeReports, type PoolFile } from "../src/core/pool.js";
import { filePatchFromContents } from "../src/core/hunks.js";
import { analyzeInto, finishReport, newReport } from "../src/core/report.js";
import { loadRules } from "../src/core/rules/load.js";
import { compilePoolWorker } from "./support/pool-worker.js";

const ROOT = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..");
const RULES = await loadRules();

let worker: ReturnType<typeof compilePoolWorker>;
beforeAll(() => {
  worker = compilePoolWorker("hunkguard-pool-test");
}, 180_000);
afterAll(() => worker.remove());
const workerUrl = () => worker.url;


/** Every rule's own examples, plus a slice of the Python standard library (real code, real sizes). */
function corpus(): PoolFile[] {
  const files: PoolFile[] = [];
  for (const rule of RULES.rules) {
    rule.examples.bad.forEach((b, i) => files.push({ path: `examples/${rule.id}/bad${i}.py`, text: b.code }));
    rule.examples.good.forEach((g, i) => files.push({ path: `examples/${rule.id}/good${i}.py`, text: g }));
  }
  const stdlib = execFileSync("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: "utf8" }).trim();
  const names = readdirSync(stdlib).filter((n) => n.endsWith(".py") && statSync(join(stdlib, n)).size < 200_000).sort().slice(0, 60);
  for (const n of names) files.push({ path: `stdlib/${n}`, text: readFileSync(join(stdlib, n), "utf8") });
  // a diff on some: only added lines report, fixes checked against the hunks (Sets cross the thread boundary)
  return files.map((f, i) => (i % 3 === 0 ? { ...f, patch: filePatchFromContents(f.text.split("\n").slice(0, 5).join("\n"), f.text) } : f));
}

describe("the same results as one thread", () => {
  let pool: AnalysisPool;
  beforeAll(() => {
    pool = new AnalysisPool({ workerUrl: workerUrl(), maxThreads: 2 });
  });
  afterAll(() => pool.close());

  test("every file's report, in the input's order, for rule examples and standard-library modules", async () => {
    const files = corpus();
    const one = files.map((f) => analyzeFileReport(f, RULES, {}));
    const many = await analyzeMany(files, { rules: RULES, minFiles: 0, minLines: 0 }, pool);
    expect(many).toHaveLength(files.length);
    expect(many.map((r) => r.findings.map((f) => f.path)[0] ?? r.skipped[0]?.path ?? null)).toStrictEqual(one.map((r) => r.findings.map((f) => f.path)[0] ?? r.skipped[0]?.path ?? null));
    expect(many).toStrictEqual(one);
    // the corpus is not trivially empty: findings, fixes and suppressions all came back
    const findings = many.flatMap((r) => r.findings);
    expect(findings.length).toBeGreaterThan(100);
    expect(findings.some((f) => f.fix?.replacement !== undefined)).toBe(true);
  });

  test("merged, the report is the one analyzeInto builds file by file (options cross as values)", async () => {
    const files = corpus();
    const enabledRules = RULES.rules.filter((r) => r.category !== "secrets").map((r) => r.id);
    const opts = { enabledRules, mode: "diff_context" as const, minSeverity: "medium" as const, maxFileBytes: 60_000 };
    const sequential = newReport();
    const on = new Set(enabledRules);
    for (const f of files) {
      const patch = f.patch;
      analyzeInto(
        sequential,
        { path: f.path, text: f.text, ...(patch ? { changed: { added: patch.addedLines, commentable: patch.commentableLines, inOneHunk: (s: number, e: number) => patch.hunks.some((h) => h.newRange !== null && h.newRange[0] <= s && e <= h.newRange[1]) } } : {}) },
        { rules: RULES, enabled: (r) => on.has(r.id), mode: opts.mode, minSeverity: opts.minSeverity },
        { maxFileBytes: opts.maxFileBytes },
      );
    }
    const merged = mergeReports(newReport(), await analyzeMany(files, { rules: RULES, ...opts, minFiles: 0, minLines: 0 }, pool));
    expect(finishReport(merged)).toStrictEqual(finishReport(sequential));
    expect(merged.skipped.some((s) => s.reason.includes("limit"))).toBe(true);
    expect(merged.findings.every((f) => f.category !== "secrets" && f.severity !== "low")).toBe(true);
  });
});

test("small inputs stay on this thread (the pool is not asked)", async () => {
  const refusing = { run: () => Promise.reject(new Error("the pool was used")) } as unknown as AnalysisPool;
  const files = corpus().slice(0, 10);
  expect(await analyzeMany(files, { rules: RULES }, refusing)).toStrictEqual(files.map((f) => analyzeFileReport(f, RULES, {})));
  // many files but few lines: still one thread
  const tiny = Array.from({ length: 40 }, (_, i) => ({ path: `t${i}.py`, text: "import pickle\npickle.loads(x)\n" }));
  expect(await analyzeMany(tiny, { rules: RULES }, refusing)).toHaveLength(40);
});

test("a worker that dies costs its file only (skipped, with the reason); one that hangs is stopped at the time limit", async () => {
  const pool = new AnalysisPool({
    workerUrl: pathToFileURL(join(ROOT, "test", "fixtures", "pool-faulty-worker.mjs")),
    workerData: { realWorker: workerUrl().href },
    maxThreads: 2,
    fileTimeoutMs: 3000,
  });
  try {
    const good = (i: number) => ({ path: `app/m${i}.py`, text: `import pickle\n\n\ndef f${i}(b):\n    return pickle.loads(b)\n` });
    const files = [good(0), { path: "app/crash.py", text: "x = 1\n" }, good(1), good(2), { path: "app/hang.py", text: "y = 2\n" }, good(3), good(4)];
    const reports = await pool.run(files, {});
    expect(reports.map((r) => r.skipped.map((s) => `${s.path}: ${s.reason}`))).toStrictEqual([
      [],
      ["app/crash.py: the analysis stopped its worker thread (exit code 70)"],
      [],
      [],
      ["app/hang.py: the analysis took longer than 3000 ms"],
      [],
      [],
    ]);
    expect(reports.map((r) => r.findings.map((f) => `${f.path}:${f.line}`))).toStrictEqual([["app/m0.py:5"], [], ["app/m1.py:5"], ["app/m2.py:5"], [], ["app/m3.py:5"], ["app/m4.py:5"]]);
    expect(pool.replaced).toBe(2);
    // the pool still works after both
    expect((await pool.run([good(5)], {}))[0].findings).toHaveLength(1);
  } finally {
    await pool.close();
  }
}, 30_000);

test("a worker that cannot start (a broken build): the pool refuses, and analyzeMany does the work on this thread", async () => {
  const pool = new AnalysisPool({ workerUrl: new URL("data:text/javascript,throw new Error('broken build')"), maxThreads: 1 });
  try {
    const files = corpus().slice(0, 25);
    await expect(pool.run(files, {})).rejects.toThrow(/could not start: the analysis crashed its worker thread \(broken build\)/);
    expect(await analyzeMany(files, { rules: RULES, minFiles: 0, minLines: 0 }, pool)).toStrictEqual(files.map((f) => analyzeFileReport(f, RULES, {})));
  } finally {
    await pool.close();
  }
});
