/**
 * The load run of the Redis-backed mode: a burst of signed deliveries (many pull requests,
 * redeliveries, rapid pushes, events arriving out of order) into one receiver, analysed by N worker
 * processes (`node dist/src/worker.js`) that share a real `redis-server` on loopback, against the
 * local GitHub stand-in. It stops by itself and prints:
 *
 *   deliveries accepted, what the receiver made of them, analyses run, check runs completed,
 *   throughput, p50/p95 time from a head's first delivery to its completed check, duplicate
 *   comments (must be 0), lost findings (must be 0), check runs left in progress (must be 0),
 *   peak memory.
 *
 *   npm run build && node dist/bench/load-replicas.js --replicas 2
 *     [--deliveries 200] [--pulls 50] [--installations 10] [--concurrency 4] [--latency 10] [--seed 8]
 *
 * The exit code is 1 when a duplicate, a lost finding or a stuck check run is found.
 */
import { benchArgs } from "./args.js";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Probot, ProbotOctokit, createNodeMiddleware } from "probot";
import { hunkGuard } from "../src/app.js";
import { analyzeSource } from "../src/core/engine.js";
import { ruleFilter } from "../src/core/config.js";
import { parseConfig } from "../src/core/config-schema.js";
import { markersIn } from "../src/core/render.js";
import { buildRuleSet, loadRules, type RuleSet } from "../src/core/rules/load.js";
import type { Scheduled, Scheduler, ScheduleRequest } from "../src/github/queue.js";
import { DEFAULT_QUEUE_SETTINGS, RedisScheduler, type QueueSettings } from "../src/github/redis-queue.js";
import { startLocalRedis, startWorkerProcess, type WorkerProcess } from "../src/redis/local-server.js";
import { GitHubStandin, type StandinFile } from "../src/standin/github-standin.js";

export interface LoadOptions {
  replicas: number;
  deliveries: number;
  pulls: number;
  installations: number;
  /** analyses one worker runs at once */
  concurrency: number;
  /** added to every stand-in answer */
  latencyMs: number;
  seed: number;
  /** deliveries in flight at once */
  inFlight: number;
  timeoutMs: number;
}

const DEFAULTS: LoadOptions = { replicas: 1, deliveries: 200, pulls: 50, installations: 10, concurrency: 4, latencyMs: 10, seed: 8, inFlight: 16, timeoutMs: 300_000 };
const SECRET = "whsec-load-replicas";
const REPO = "service";
const BASE_SHA = "b".repeat(40);

// ---------------------------------------------------------------------------------------------
// The burst: pull requests with findings, and a plan of deliveries over them.

/** mulberry32: a small seeded generator, so a run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS: { imports: string; body: (n: number) => string }[] = [
  { imports: "import pickle", body: (n) => `def load_${n}(blob):\n    return pickle.loads(blob)\n` },
  { imports: "", body: (n) => `def calc_${n}(expr):\n    return eval(expr)\n` },
  { imports: "import subprocess", body: (n) => `def run_${n}(cmd):\n    return subprocess.call(cmd, shell=True)\n` },
  { imports: "import yaml", body: (n) => `def parse_${n}(stream):\n    return yaml.load(stream)\n` },
  { imports: "import hashlib", body: (n) => `def digest_${n}(data):\n    return hashlib.md5(data).hexdigest()\n` },
  { imports: "import requests", body: (n) => `def fetch_${n}(url):\n    return requests.get(url, verify=False, timeout=5)\n` },
  { imports: "import tempfile", body: (n) => `def scratch_${n}():\n    return tempfile.mktemp()\n` },
  { imports: "", body: (n) => `def scale_${n}(x):\n    return x * ${n}\n` },
];

interface Pull {
  owner: string;
  number: number;
  installation: number;
  heads: string[];
  /** the files at the newest head */
  files: StandinFile[];
  version: number;
}

/** New files (the whole file is added), two to four snippets each; `version` changes one of them. */
function pullFiles(rand: () => number, pull: number, version: number): StandinFile[] {
  return Array.from({ length: 3 }, (_, f) => {
    const picks = Array.from({ length: 2 + Math.floor(rand() * 3) }, () => SNIPPETS[Math.floor(rand() * SNIPPETS.length)]);
    if (f === 0 && version > 0) picks.push(SNIPPETS[version % SNIPPETS.length]);
    const imports = [...new Set(picks.map((s) => s.imports).filter(Boolean))].sort().join("\n");
    const bodies = picks.map((s, i) => s.body(pull * 100 + f * 10 + i + (f === 0 ? version * 1000 : 0))).join("\n\n");
    return { path: `app/mod_${pull}_${f}.py`, base: null, head: `${imports}\n\n\n${bodies}` };
  });
}

const headSha = (pull: number, version: number) => `${pull.toString(16).padStart(4, "0")}${version.toString(16).padStart(4, "0")}`.padEnd(40, "e");

type Step =
  | { kind: "open" | "push" | "again" | "late"; pull: Pull; head: string; delivery: string; updatedAt: number; files?: StandinFile[] }
  | { kind: "redeliver"; pull: Pull; of: number };

/**
 * Every pull request opens; then, at random: rapid pushes (a new head and its `synchronize`), the
 * same delivery sent again, another event for the current head (a new delivery id), and the event
 * of an older head arriving late (older `updated_at`).
 */
function plan(opts: LoadOptions, rand: () => number, standin: GitHubStandin): { pulls: Pull[]; steps: Step[] } {
  const pulls: Pull[] = Array.from({ length: opts.pulls }, (_, i) => {
    const installation = 1000 + (i % opts.installations);
    const pull: Pull = { owner: `org-${installation}`, number: i + 1, installation, heads: [headSha(i + 1, 0)], files: pullFiles(rand, i + 1, 0), version: 0 };
    standin.addPull({ owner: pull.owner, repo: REPO, number: pull.number, baseSha: BASE_SHA, headSha: pull.heads[0], files: pull.files });
    return pull;
  });
  let clock = Date.UTC(2024, 4, 1);
  const headTimes = new Map<string, number>();
  const steps: Step[] = pulls.map((pull) => {
    headTimes.set(pull.heads[0], (clock += 1000));
    return { kind: "open", pull, head: pull.heads[0], delivery: randomUUID(), updatedAt: clock };
  });
  while (steps.length < opts.deliveries) {
    const pull = pulls[Math.floor(rand() * pulls.length)];
    const r = rand();
    if (r < 0.3) {
      pull.version++;
      const head = headSha(pull.number, pull.version);
      pull.heads.push(head);
      headTimes.set(head, (clock += 1000));
      pull.files = pullFiles(rand, pull.number, pull.version);
      steps.push({ kind: "push", pull, head, delivery: randomUUID(), updatedAt: clock, files: pull.files });
    } else if (r < 0.55) {
      steps.push({ kind: "redeliver", pull, of: Math.floor(rand() * steps.length) });
    } else if (r < 0.8) {
      const head = pull.heads.at(-1)!;
      steps.push({ kind: "again", pull, head, delivery: randomUUID(), updatedAt: headTimes.get(head)! });
    } else if (pull.heads.length > 1) {
      const head = pull.heads[Math.floor(rand() * (pull.heads.length - 1))];
      steps.push({ kind: "late", pull, head, delivery: randomUUID(), updatedAt: headTimes.get(head)! });
    }
  }
  return { pulls, steps };
}

function pullRequestEvent(pull: Pull, head: string, action: string, updatedAt: number) {
  return {
    action,
    number: pull.number,
    pull_request: { number: pull.number, state: "open", draft: false, head: { sha: head, ref: `pr-${pull.number}` }, base: { sha: BASE_SHA, ref: "main" }, updated_at: new Date(updatedAt).toISOString() },
    repository: { name: REPO, full_name: `${pull.owner}/${REPO}`, owner: { login: pull.owner } },
    installation: { id: pull.installation },
    sender: { login: "octocat", type: "User" },
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/** The receiver's scheduler, counting what it made of each delivery. */
class CountingScheduler implements Scheduler {
  readonly counts: Record<Scheduled | "duplicate delivery", number> = { queued: 0, "already queued": 0, dropped: 0, "duplicate delivery": 0 };
  constructor(readonly inner: RedisScheduler) {}
  async isDuplicate(id: string | undefined) {
    const dup = await this.inner.isDuplicate(id);
    if (dup) this.counts["duplicate delivery"]++;
    return dup;
  }
  async schedule(request: ScheduleRequest) {
    const result = await this.inner.schedule(request);
    this.counts[result]++;
    return result;
  }
  idle() {
    return this.inner.idle();
  }
  close() {
    return this.inner.close();
  }
}

const percentile = (values: number[], p: number) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

function peakMemoryMb(pid: number): number {
  try {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return NaN;
  }
}

export interface LoadReport {
  replicas: number;
  deliveries: number;
  accepted: number;
  receiver: CountingScheduler["counts"];
  receiverP50Ms: number;
  receiverP95Ms: number;
  analyses: number;
  superseded: number;
  checkRuns: number;
  completed: number;
  stuck: number;
  duplicates: number;
  lostFindings: number;
  expectedFindings: number;
  seconds: number;
  analysesPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  /** jobs a worker dropped because a newer head of their pull request had been queued */
  droppedByWorkers: number;
  workerPeakMb: number[];
  receiverPeakMb: number;
}

export async function runLoad(partial: Partial<LoadOptions> = {}, say: (line: string) => void = console.log): Promise<LoadReport> {
  const opts = { ...DEFAULTS, ...partial };
  const rand = random(opts.seed);
  const rules = await loadRules();
  const redis = await startLocalRedis();
  const standin = new GitHubStandin({ latencyMs: opts.latencyMs });
  const baseUrl = await standin.start();
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  const settings: QueueSettings = { ...DEFAULT_QUEUE_SETTINGS, redisUrl: redis.url, queueName: "load", concurrency: opts.concurrency, busyRetryMs: 1_000 };
  const scheduler = new CountingScheduler(new RedisScheduler(settings));
  const workers: WorkerProcess[] = [];
  let server: Server | undefined;
  try {
    // 1. the receiver, in this process
    const probot = new Probot({
      appId: 1,
      privateKey,
      secret: SECRET,
      baseUrl,
      logLevel: "fatal",
      Octokit: ProbotOctokit.defaults((o: Record<string, any>) => ({ ...o, throttle: { ...o.throttle, enabled: false } })),
    });
    const middleware = await createNodeMiddleware(hunkGuard({ scheduler, rules: buildRuleSet([]) }), { probot });
    server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;

    // 2. N workers (Probot's pacing off: the stand-in has no secondary limits)
    const script = fileURLToPath(new URL("../src/worker.js", import.meta.url));
    for (let i = 0; i < opts.replicas; i++) {
      workers.push(
        startWorkerProcess(
          {
            REDIS_URL: redis.url,
            HUNKGUARD_QUEUE: settings.queueName,
            HUNKGUARD_WORKER_CONCURRENCY: String(opts.concurrency),
            HUNKGUARD_BUSY_RETRY_MS: String(settings.busyRetryMs),
            APP_ID: "1",
            PRIVATE_KEY: privateKey,
            HUNKGUARD_GITHUB_URL: baseUrl,
            HUNKGUARD_THROTTLE: "off",
            LOG_LEVEL: "info",
          },
          script,
        ),
      );
    }
    await Promise.all(workers.map((w) => w.waitFor((e) => e.msg === "worker ready", 60_000)));

    // 3. the burst
    const { pulls, steps } = plan(opts, rand, standin);
    const firstSent = new Map<string, number>();
    const answerMs: number[] = [];
    let accepted = 0;
    const send = async (event: unknown, delivery: string) => {
      const body = JSON.stringify(event);
      const t = Date.now();
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": delivery, "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}` },
        body,
      });
      await res.arrayBuffer();
      answerMs.push(Date.now() - t);
      if (res.ok) accepted++;
    };
    const sent: { event: unknown; delivery: string }[] = [];
    const started = Date.now();
    let next = 0;
    const sender = async () => {
      while (next < steps.length) {
        const step = steps[next++];
        let event: unknown;
        let delivery: string;
        if (step.kind === "redeliver") {
          // the same delivery again (an earlier one, or this pull request's first when none was sent yet)
          const earlier = sent[Math.min(step.of, sent.length - 1)] ?? sent[0];
          if (!earlier) continue;
          ({ event, delivery } = earlier);
        } else {
          if (step.kind === "push") standin.pushHead(step.pull.owner, REPO, step.pull.number, step.head, step.files!);
          const action = step.kind === "open" ? "opened" : "synchronize";
          event = pullRequestEvent(step.pull, step.head, action, step.updatedAt);
          delivery = step.delivery;
          if (!firstSent.has(step.head)) firstSent.set(step.head, Date.now());
          sent.push({ event, delivery });
        }
        await send(event, delivery);
      }
    };
    await Promise.all(Array.from({ length: opts.inFlight }, sender));
    say(`sent ${steps.length} deliveries in ${Date.now() - started} ms; waiting for the workers…`);

    // 4. done when every pull request's newest head has its completed check, and nothing is queued
    // head shas are unique per pull request (several share a repository)
    const runsOf = (p: Pull) => standin.checkRuns(p.owner, REPO).filter((r) => p.heads.includes(r.head_sha));
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const counts = await scheduler.inner.queue.getJobCounts("waiting", "delayed", "active", "prioritized");
      const pending = Object.values(counts).reduce((a, b) => a + b, 0);
      const settled = pulls.every((p) => runsOf(p).some((r) => r.head_sha === p.heads.at(-1) && r.status === "completed"));
      const inProgress = pulls.some((p) => runsOf(p).some((r) => r.status !== "completed"));
      if (settled && pending === 0 && !inProgress) break;
      if (Date.now() > deadline) {
        say(`timed out: ${pending} job(s) pending`);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    // 5. the figures
    const config = parseConfig(null).config;
    const enabled = ruleFilter(config);
    let expectedFindings = 0;
    let lostFindings = 0;
    let duplicates = 0;
    const latencies: number[] = [];
    let checkRuns = 0;
    let completed = 0;
    let superseded = 0;
    let lastCompletion = started;
    const completions = new Map<number, number>();
    for (const r of standin.requests) {
      if (r.method === "PATCH" && (r.body as { status?: string })?.status === "completed") completions.set(Number(r.path.split("/").pop()), r.at);
    }
    for (const p of pulls) {
      const runs = runsOf(p);
      checkRuns += runs.length;
      completed += runs.filter((r) => r.status === "completed").length;
      for (const run of runs.filter((r) => r.status === "completed")) {
        const at = completions.get(run.id) ?? Date.now();
        lastCompletion = Math.max(lastCompletion, at);
        if (run.output?.title === "Superseded by a newer push") superseded++;
        else latencies.push(at - (firstSent.get(run.head_sha) ?? started));
      }
      // duplicates: a fingerprint on two inline comments of one pull request
      const markers = standin.reviewComments(p.owner, REPO, p.number).flatMap((c) => markersIn(String(c.body)));
      duplicates += markers.length - new Set(markers).size;
      // lost: a finding of the newest head missing from its newest completed check run
      const head = p.heads.at(-1)!;
      const final = runs.filter((r) => r.head_sha === head && r.status === "completed").sort((a, b) => b.id - a.id)[0];
      const annotated = final ? await annotationsOf(baseUrl, standin.issueToken(1), p.owner, final.id) : [];
      const have = new Map<string, number>();
      for (const a of annotated) have.set(`${a.path}:${a.start_line}`, (have.get(`${a.path}:${a.start_line}`) ?? 0) + 1);
      for (const f of p.files) {
        for (const finding of analyzeSource(f.path, f.head!, { rules, enabled, mode: config.filter, minSeverity: config.min_severity, fixes: false }).findings) {
          expectedFindings++;
          const key = `${f.path}:${finding.line}`;
          const left = have.get(key) ?? 0;
          if (left > 0) have.set(key, left - 1);
          else lostFindings++;
        }
      }
    }
    const seconds = (lastCompletion - started) / 1000;
    const analyses = completed - superseded;
    const report: LoadReport = {
      replicas: opts.replicas,
      deliveries: steps.length,
      accepted,
      receiver: scheduler.counts,
      receiverP50Ms: percentile(answerMs, 50),
      receiverP95Ms: percentile(answerMs, 95),
      analyses,
      superseded,
      checkRuns,
      completed,
      stuck: checkRuns - completed,
      duplicates,
      lostFindings,
      expectedFindings,
      seconds,
      analysesPerSecond: analyses / seconds,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      droppedByWorkers: workers.flatMap((w) => w.entries()).filter((e) => String(e.msg).startsWith("dropped:")).length,
      workerPeakMb: workers.map((w) => peakMemoryMb(w.pid)),
      receiverPeakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    return report;
  } finally {
    await Promise.all(workers.map((w) => w.stop(10_000)));
    if (server) {
      const s = server;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    }
    await scheduler.close();
    await standin.stop();
    await redis.stop();
  }
}

async function annotationsOf(baseUrl: string, token: string, owner: string, id: number): Promise<{ path: string; start_line: number }[]> {
  const out: { path: string; start_line: number }[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${baseUrl}/repos/${owner}/${REPO}/check-runs/${id}/annotations?per_page=100&page=${page}`, { headers: { authorization: `token ${token}` } });
    const batch = (await res.json()) as { path: string; start_line: number }[];
    out.push(...batch);
    if (batch.length < 100) return out;
  }
}

export function formatReport(r: LoadReport): string {
  const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : "n/a");
  return [
    `HunkGuard load run, Redis-backed mode: 1 receiver + ${r.replicas} worker process(es)`,
    `  deliveries            ${r.deliveries} sent, ${r.accepted} accepted (answered in p50 ${ms(r.receiverP50Ms)}, p95 ${ms(r.receiverP95Ms)})`,
    `  receiver              ${r.receiver.queued} queued, ${r.receiver["already queued"]} already queued, ${r.receiver.dropped} dropped (older head), ${r.receiver["duplicate delivery"]} duplicate deliveries`,
    `  analyses              ${r.analyses} completed with the findings' conclusion, ${r.superseded} superseded by a newer push while running, ${r.droppedByWorkers} dropped by a worker (newer head queued)`,
    `  check runs            ${r.completed}/${r.checkRuns} completed, ${r.stuck} left in progress`,
    `  throughput            ${r.analysesPerSecond.toFixed(2)} analyses/s over ${r.seconds.toFixed(1)} s`,
    `  delivery → check      p50 ${ms(r.p50Ms)}, p95 ${ms(r.p95Ms)}`,
    `  duplicate comments    ${r.duplicates}`,
    `  lost findings         ${r.lostFindings} of ${r.expectedFindings}`,
    `  peak memory           workers ${r.workerPeakMb.map((m) => `${m} MB`).join(", ")}; receiver (with the stand-in) ${r.receiverPeakMb} MB`,
  ].join("\n");
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  const { values } = benchArgs({
    args: argv,
    options: {
      replicas: { type: "string" },
      deliveries: { type: "string" },
      pulls: { type: "string" },
      installations: { type: "string" },
      concurrency: { type: "string" },
      latency: { type: "string" },
      seed: { type: "string" },
    },
    allowPositionals: false,
  }, "usage: node dist/bench/load-replicas.js [--replicas N] [--deliveries N] [--pulls N] [--installations N] [--concurrency N] [--latency MS] [--seed N]");
  const int = (v: string | undefined, name: string, fallback: number) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number, not ${JSON.stringify(v)}`);
    return n;
  };
  const report = await runLoad({
    replicas: Math.max(1, int(values.replicas, "replicas", DEFAULTS.replicas)),
    deliveries: int(values.deliveries, "deliveries", DEFAULTS.deliveries),
    pulls: Math.max(1, int(values.pulls, "pulls", DEFAULTS.pulls)),
    installations: Math.max(1, int(values.installations, "installations", DEFAULTS.installations)),
    concurrency: Math.max(1, int(values.concurrency, "concurrency", DEFAULTS.concurrency)),
    latencyMs: int(values.latency, "latency", DEFAULTS.latencyMs),
    seed: int(values.seed, "seed", DEFAULTS.seed),
  });
  console.log(formatReport(report));
  return report.duplicates || report.lostFindings || report.stuck ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error((e as Error).stack ?? String(e));
      process.exit(2);
    },
  );
}
