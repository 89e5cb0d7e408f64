/**
 * Latency end to end: the real app (Probot, webhook verification, queue, pipeline) over loopback
 * against the GitHub stand-in, for pull requests of 1, 10 and 100 changed files cut from the Python
 * standard library (real modules, real sizes) with a few findings injected.
 *
 *   npm run bench:app [-- --runs 20,20,5] [--latency MS] [--stdlib PATH]
 *
 * Then a second push to a 100-file pull request that changes one file, with the app's result cache
 * and without it (same run): its requests, its time, the files it analysed.
 *
 * Prints p50/p95 from the webhook delivery (the POST leaving the sender) to the check run's
 * completion reaching the stand-in, and the requests each analysis made. `--latency` adds a delay to
 * every stand-in answer (GitHub's own latency is excluded by default). One unmeasured run of each
 * size goes first: the JIT, the installation token and the worker pool start there.
 */
import { benchArgs } from "./args.js";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { startHarness } from "../src/demo/harness.js";
import { demoPayload, DEMO } from "../src/demo/pull.js";
import type { StandinFile } from "../src/standin/github-standin.js";
import { AnalysisPool, analyzeFileReport } from "../src/core/pool.js";
import { filePatchFromContents } from "../src/core/hunks.js";
import { loadRules } from "../src/core/rules/load.js";
import { MemoryResultCache } from "../src/core/result-cache.js";

interface Module {
  name: string;
  text: string;
  lines: number;
}

/** Standard-library modules of ordinary size (50–1,500 lines), in a fixed order. */
function stdlibModules(root: string): Module[] {
  const out: Module[] = [];
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        if (depth < 2 && !["test", "tests", "site-packages", "__pycache__", "idlelib", "lib2to3"].includes(name)) walk(p, depth + 1);
      } else if (name.endsWith(".py")) {
        let text: string;
        try {
          text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(p));
        } catch {
          continue;
        }
        const lines = text.split("\n").length;
        if (lines >= 50 && lines <= 1500) out.push({ name: p.slice(root.length + 1), text, lines });
      }
    }
  };
  walk(root, 0);
  return out;
}

/** Findings a reviewer would meet, one per file that gets one. */
const INJECTED = [
  "def _restore(blob):\n    import pickle\n    return pickle.loads(blob)\n",
  "def _run(cmd):\n    import subprocess\n    return subprocess.run(cmd, shell=True)\n",
  "def _parse(raw):\n    return eval(raw)\n",
  "def _fetch(url):\n    import requests\n    return requests.get(url, verify=False)\n",
  "def _config(stream):\n    import yaml\n    return yaml.load(stream, Loader=yaml.Loader)\n",
];

/**
 * One pull request: each file is a module as base and the module with a change as head — a line
 * edited near the top, a helper added at the end, and for the first `findings` files an injected finding.
 */
function pullFiles(modules: Module[], offset: number, n: number, findings: number): StandinFile[] {
  return Array.from({ length: n }, (_, i) => {
    const m = modules[(offset + i) % modules.length];
    const lines = m.text.split("\n");
    const at = Math.min(lines.length - 1, 12);
    const edited = [...lines.slice(0, at), `${lines[at]}  # reviewed`, ...lines.slice(at + 1)].join("\n");
    const extra = `\n\ndef _bench_helper_${i}(values):\n    return [v for v in values if v]\n${i < findings ? `\n\n${INJECTED[i % INJECTED.length]}` : ""}`;
    return { path: `lib/${m.name}`, base: m.text, head: `${edited.replace(/\n*$/, "")}\n${extra}` };
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

async function main(argv: string[]): Promise<number> {
  const { values } = benchArgs({ args: argv, options: { runs: { type: "string" }, latency: { type: "string" }, stdlib: { type: "string" } } }, "usage: npm run bench:app -- [--runs N,N,N] [--latency MS] [--stdlib DIR]");
  const runs = (values.runs ?? "20,20,5").split(",").map(Number);
  if (runs.length !== 3 || runs.some((r) => !Number.isInteger(r) || r < 1)) {
    process.stderr.write("--runs takes three whole numbers ≥ 1 (for 1, 10 and 100 files), e.g. --runs 20,20,5\n");
    return 2;
  }
  const latencyMs = values.latency ? Number(values.latency) : 0;
  const root = values.stdlib ?? execFileSync("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: "utf8" }).trim();
  const modules = stdlibModules(root);
  if (modules.length < 100) {
    process.stderr.write(`only ${modules.length} modules of ordinary size under ${root}; 100 are needed\n`);
    return 2;
  }

  const h = await startHarness({ latencyMs });
  const out: string[] = [];
  out.push(`HunkGuard app latency: webhook delivery → check run completed, real app over loopback against the GitHub stand-in`);
  out.push(`node ${process.version}, stand-in latency ${latencyMs} ms per request, files from ${root}`);
  out.push("");
  out.push(`${"files".padEnd(6)}${"lines¹".padStart(8)}${"findings".padStart(10)}${"runs".padStart(6)}${"p50".padStart(9)}${"p95".padStart(9)}${"max".padStart(9)}   requests per analysis`);
  let number = 100;
  let offset = 0;
  try {
    for (const [k, size] of [1, 10, 100].entries()) {
      const findings = size === 1 ? 1 : size === 10 ? 3 : 12;
      const times: number[] = [];
      let requests = "";
      let lines = 0;
      let found = 0;
      for (let run = -1; run < runs[k]; run++) {
        const files = pullFiles(modules, offset, size, findings);
        offset += size;
        const prLines = files.reduce((s, f) => s + f.head!.split("\n").length, 0);
        const pr = number++;
        const headSha = pr.toString(16).padStart(40, "c");
        h.standin.addPull({ owner: DEMO.owner, repo: DEMO.repo, number: pr, baseSha: "b".repeat(40), headSha, files });
        const payload = demoPayload(undefined, headSha) as { number: number; pull_request: { number: number } };
        payload.number = pr;
        payload.pull_request.number = pr;
        const before = h.standin.requests.length;
        const t0 = Date.now();
        const status = await h.deliver("pull_request", payload);
        if (status !== 200) throw new Error(`the webhook was answered ${status}`);
        await h.queue.idle();
        const sent = h.standin.requests.slice(before);
        const completion = sent.filter((r) => r.method === "PATCH" && (r.body as { status?: string })?.status === "completed").pop();
        const runsNow = h.standin.checkRuns(DEMO.owner, DEMO.repo).filter((r) => r.head_sha === headSha);
        if (!completion || runsNow[0]?.status !== "completed") throw new Error(`PR #${pr}: the check run was not completed`);
        found = runsNow[0].annotations.length;
        if (run < 0) continue; // warm-up
        times.push(completion.at - t0);
        lines += prLines / runs[k];
        requests = describe(sent);
      }
      times.sort((a, b) => a - b);
      const ms = (v: number) => `${v} ms`.padStart(9);
      out.push(`${String(size).padEnd(6)}${Math.round(lines).toLocaleString("en-US").padStart(8)}${String(found).padStart(10)}${String(runs[k]).padStart(6)}${ms(pct(times, 50))}${ms(pct(times, 95))}${ms(times[times.length - 1])}   ${requests}`);
    }
  } finally {
    await h.stop();
  }
  out.push("");
  out.push("Second push to a 100-file pull request that changes one file (the result cache, vs the same app without it, same run):");
  for (const cached of [true, false]) out.push(await secondPush(modules, cached, latencyMs));
  out.push("");
  out.push(await poolSpeedUp(pullFiles(modules, 0, 100, 12)));
  out.push("");
  out.push("¹ changed files' lines per pull request, on average (a different slice of the standard library each run).");
  out.push("The installation token is asked once and cached by Probot (the warm-up run paid for it): a first analysis makes one request more.");
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
}

/**
 * A 100-file pull request, then a push that changes one of its files (a finding added): the second
 * push's requests, its delivery-to-completion time, and how many files it analysed.
 */
async function secondPush(modules: Module[], cached: boolean, latencyMs: number): Promise<string> {
  const cache = cached ? new MemoryResultCache() : null;
  const h = await startHarness({ latencyMs, resultCache: cache });
  try {
    const pr = 9000;
    const first = pullFiles(modules, 300, 100, 12);
    const second = first.map((f, i) => (i === 50 ? { ...f, head: `${f.head}

${INJECTED[2]}` } : f));
    const shaOf = (n: number) => n.toString(16).padStart(40, "d");
    h.standin.addPull({ owner: DEMO.owner, repo: DEMO.repo, number: pr, baseSha: "b".repeat(40), headSha: shaOf(1), files: first });
    const payload = (headSha: string, action: string) => {
      const p = demoPayload(undefined, headSha) as { action: string; number: number; pull_request: { number: number } };
      p.number = pr;
      p.pull_request.number = pr;
      p.action = action;
      return p;
    };
    if ((await h.deliver("pull_request", payload(shaOf(1), "opened"))) !== 200) throw new Error("the webhook was refused");
    await h.queue.idle();
    const storedBefore = cache?.stores ?? 0;
    h.standin.pushHead(DEMO.owner, DEMO.repo, pr, shaOf(2), second);
    const before = h.standin.requests.length;
    const t0 = Date.now();
    if ((await h.deliver("pull_request", payload(shaOf(2), "synchronize"))) !== 200) throw new Error("the webhook was refused");
    await h.queue.idle();
    const sent = h.standin.requests.slice(before);
    const completion = sent.filter((r) => r.method === "PATCH" && (r.body as { status?: string })?.status === "completed").pop();
    if (!completion) throw new Error("the second push's check run was not completed");
    const analysed = cache ? `${cache.stores - storedBefore} file(s) analysed, ${cache.hits} from the cache` : "100 files analysed";
    return `  ${cached ? "with the cache   " : "without the cache"}  ${completion.at - t0} ms, ${analysed}; requests ${describe(sent)}`;
  } finally {
    await h.stop();
  }
}

/**
 * The analysis alone of one 100-file pull request's files (with their diffs), on this thread and on
 * the worker pool the app uses for such pull requests: median of three runs each, warm.
 */
async function poolSpeedUp(files: StandinFile[]): Promise<string> {
  const rules = await loadRules();
  const input = files.map((f) => ({ path: f.path, text: f.head!, patch: filePatchFromContents(f.base ?? "", f.head!) }));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const pool = new AnalysisPool();
  try {
    await pool.warm();
    const one: number[] = [];
    const many: number[] = [];
    let same = true;
    for (let r = 0; r < 4; r++) {
      let t0 = performance.now();
      const a = input.map((f) => analyzeFileReport(f, rules, {}));
      const t1 = performance.now() - t0;
      t0 = performance.now();
      const b = await pool.run(input, {});
      const t2 = performance.now() - t0;
      same &&= JSON.stringify(a) === JSON.stringify(b);
      if (r === 0) continue; // warm-up
      one.push(t1);
      many.push(t2);
    }
    const lines = input.reduce((n, f) => n + f.text.split("\n").length, 0);
    return `Analysis alone of a 100-file pull request (${lines.toLocaleString("en-US")} lines): one thread ${Math.round(median(one))} ms, worker pool (${pool.size} threads) ${Math.round(median(many))} ms — ${(median(one) / median(many)).toFixed(2)}× (same reports, same order: ${same ? "yes" : "NO"})`;
  } finally {
    await pool.close();
  }
}

/** The requests of one analysis, by kind. */
function describe(sent: { method: string; path: string; body: unknown }[]): string {
  const kind = (r: { method: string; path: string; body: unknown }) => {
    if (r.path === "/graphql") {
      const query = String((r.body as { query?: string })?.query);
      return /reviewThreads/.test(query) ? "graphql threads" : /\bcfg: object/.test(query) ? "graphql sizes+config" : "graphql texts";
    }
    if (r.path.endsWith("/access_tokens")) return "token";
    if (r.method === "POST" && r.path.endsWith("/check-runs")) return "checks.create";
    if (r.method === "PATCH" && /\/check-runs\/\d+$/.test(r.path)) return "checks.update";
    if (r.method === "GET" && r.path.endsWith("/check-runs")) return "checks.listForRef (earlier runs)";
    if (r.path.endsWith("/files")) return "pulls.listFiles";
    if (r.method === "POST" && r.path.endsWith("/reviews")) return "pulls.createReview";
    return `${r.method} ${r.path}`;
  };
  const counts = new Map<string, number>();
  for (const r of sent) counts.set(kind(r), (counts.get(kind(r)) ?? 0) + 1);
  return `${sent.length}: ${[...counts].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(", ")}`;
}

process.exitCode = await main(process.argv.slice(2));
