/**
 * `npm run load`: the real app and the GitHub stand-in on loopback, a bounded burst of signed
 * deliveries, and the figures that say whether HunkGuard held up:
 *
 *   node dist/bench/load.js [--deliveries 200] [--pulls 50] [--concurrency 16] [--installations 5] [--seed 1] [--json]
 *
 * The stand-in gets `--pulls` pull requests spread over `--installations` repositories (one
 * installation each), with realistic Python built from the rules' own examples and the demo pull
 * request — some files with findings, some clean. Every pull request is opened; the rest of the
 * `--deliveries` budget goes to synchronize pushes with new heads, redeliveries of the same
 * delivery id, rapid pushes to one pull request, and older heads delivered after newer ones. Each
 * pull request's script runs in order, all of them at once, with at most `--concurrency`
 * deliveries in flight. `updated_at` has whole seconds, as GitHub sends it.
 *
 * When the queue is idle it reports: deliveries sent and accepted (HTTP 200); analyses run (check
 * runs created); check runs completed and left in progress; duplicate comments (one fingerprint
 * marker twice on one pull request); final heads without a completed check run; lost findings (what
 * the engine itself reports on each final head's added lines, computed from the files and GitHub's
 * patches, minus the annotations of that head's last completed check run); p50/p95 from a head's
 * first delivery to its completed check; peak RSS. It exits 1 when any must-be-zero figure is not
 * zero (or a delivery was refused), 2 on a crash. Only loopback traffic; it stops by itself.
 */
import { benchArgs } from "./args.js";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { startHarness, type Harness } from "../src/demo/harness.js";
import { demoPayload, examplesDir } from "../src/demo/pull.js";
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";
import { parsePython } from "../src/core/python.js";
import { inOneHunk, parseFilePatch } from "../src/core/hunks.js";
import { markersIn } from "../src/core/render.js";
import type { StandinFile } from "../src/standin/github-standin.js";

// ---------------------------------------------------------------------------------------------
// Options and randomness

interface Options {
  deliveries: number;
  pulls: number;
  concurrency: number;
  installations: number;
  seed: number;
  json: boolean;
}

function options(argv: string[]): Options {
  const { values } = benchArgs({
    args: argv,
    options: {
      deliveries: { type: "string", default: "200" },
      pulls: { type: "string", default: "50" },
      concurrency: { type: "string", default: "16" },
      installations: { type: "string", default: "5" },
      seed: { type: "string", default: "1" },
      json: { type: "boolean", default: false },
    },
  }, "usage: npm run load -- [--deliveries N] [--pulls N] [--concurrency N] [--installations N] [--seed N] [--json]");
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${v}`);
    return n;
  };
  const pulls = int("pulls", values.pulls, 1, 1000);
  return {
    pulls,
    deliveries: int("deliveries", values.deliveries, pulls, 20_000),
    concurrency: int("concurrency", values.concurrency, 1, 256),
    installations: Math.min(pulls, int("installations", values.installations, 1, 100)),
    seed: int("seed", values.seed, 0, 2 ** 31),
    json: values.json === true,
  };
}

/** mulberry32: small, seeded, good enough to vary the scenario. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Content: Python files built from snippets (rule examples and the demo pull request)

interface Snippets {
  bad: string[];
  good: string[];
}

async function snippets(): Promise<Snippets> {
  const rules = await loadRules();
  const ok = (code: string) => !parsePython(code).partial && !code.includes("\u0000");
  const bad = new Set<string>();
  const good = new Set<string>();
  for (const rule of rules.rules) {
    for (const b of rule.examples.bad) if (ok(b.code)) bad.add(b.code.trimEnd());
    for (const g of rule.examples.good) if (ok(g)) good.add(g.trimEnd());
  }
  const demo = join(examplesDir(), "base", "app");
  for (const name of readdirSync(demo)) good.add(readFileSync(join(demo, name), "utf8").trimEnd());
  return { bad: [...bad], good: [...good] };
}

/** A file is a list of snippet texts, joined like top-level code. */
type FileModel = { path: string; base: string[] | null; head: string[] };
const text = (parts: string[]): string => `${parts.join("\n\n\n")}\n`;

interface Head {
  sha: string;
  files: FileModel[];
}

let shaCounter = 0;
function newSha(rand: () => number): string {
  shaCounter++;
  let s = shaCounter.toString(16);
  while (s.length < 40) s += Math.floor(rand() * 16).toString(16);
  return s.slice(0, 40);
}

function firstHead(rand: () => number, pool: Snippets, index: number): Head {
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)];
  if (index % 10 === 0) {
    // the demo pull request itself
    const dir = examplesDir();
    const read = (side: string, name: string) => readFileSync(join(dir, side, "app", name), "utf8").trimEnd();
    return {
      sha: newSha(rand),
      files: [
        { path: "app/config.py", base: [read("base", "config.py")], head: [read("head", "config.py")] },
        { path: "app/reports.py", base: [read("base", "reports.py")], head: [read("head", "reports.py")] },
        { path: "app/tasks.py", base: null, head: [read("head", "tasks.py")] },
      ],
    };
  }
  const files: FileModel[] = [];
  const count = 1 + Math.floor(rand() * 3);
  const clean = index % 4 === 3; // a quarter of the pull requests bring no finding
  for (let f = 0; f < count; f++) {
    const isNew = rand() < 0.3;
    const base = isNew ? null : Array.from({ length: 2 + Math.floor(rand() * 3) }, () => pick(pool.good));
    const head = [...(base ?? [])];
    const additions = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < additions; k++) head.splice(Math.floor(rand() * (head.length + 1)), 0, pick(clean ? pool.good : pool.bad));
    files.push({ path: `pkg${index}/module_${f}.py`, base, head });
  }
  return { sha: newSha(rand), files };
}

/** The next push: add a flagged snippet, fix one (replace it with clean code), add clean code, or a new file. */
function nextHead(rand: () => number, pool: Snippets, previous: Head, index: number): Head {
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)];
  const files = previous.files.map((f) => ({ ...f, head: [...f.head] }));
  const r = rand();
  if (r < 0.15) {
    files.push({ path: `pkg${index}/added_${files.length}.py`, base: null, head: [pick(pool.good), pick(pool.bad)] });
  } else {
    const file = files[Math.floor(rand() * files.length)];
    const at = Math.floor(rand() * (file.head.length + 1));
    if (r < 0.55) file.head.splice(at, 0, pick(pool.bad));
    else if (r < 0.8 && file.head.length) file.head[at % file.head.length] = pick(pool.good);
    else file.head.splice(at, 0, pick(pool.good));
  }
  return { sha: newSha(rand), files };
}

const standinFiles = (h: Head): StandinFile[] =>
  h.files.map((f) => ({ path: f.path, base: f.base === null ? null : text(f.base), head: text(f.head) }));

// ---------------------------------------------------------------------------------------------
// The scenario: one script of steps per pull request

interface PullRef {
  owner: string;
  repo: string;
  number: number;
  installationId: number;
  index: number;
}

type Step =
  | { kind: "push"; head: Head }
  | { kind: "deliver"; deliveries: Delivery[] } // sent together (a rapid burst)
  | { kind: "pause"; ms: number };

interface Delivery {
  id: string;
  action: "opened" | "synchronize";
  head: Head;
  before?: string;
  /** what this delivery exercises */
  why: "open" | "push" | "redelivery" | "rapid" | "late-old-head";
  /** set when the head is pushed: GitHub's updated_at, whole seconds */
  updatedAt?: string;
}

interface Script {
  pull: PullRef;
  baseSha: string;
  steps: Step[];
  heads: Head[];
}

function buildScripts(opts: Options, rand: () => number, pool: Snippets): Script[] {
  const scripts: Script[] = [];
  for (let i = 0; i < opts.pulls; i++) {
    const inst = i % opts.installations;
    const pull: PullRef = { owner: `org-${inst}`, repo: `service-${inst}`, number: 100 + i, installationId: 7000 + inst, index: i };
    const head = firstHead(rand, pool, i);
    const open: Delivery = { id: `open-${i}`, action: "opened", head, why: "open" };
    scripts.push({ pull, baseSha: newSha(rand), steps: [{ kind: "deliver", deliveries: [open] }], heads: [head] });
  }
  let budget = opts.deliveries - opts.pulls;
  let serial = 0;
  const lastDelivery = new Map<Script, Delivery>(scripts.map((s) => [s, (s.steps[0] as { deliveries: Delivery[] }).deliveries[0]]));
  while (budget > 0) {
    const s = scripts[Math.floor(rand() * scripts.length)];
    const r = rand();
    const push = (): Delivery => {
      const prev = s.heads[s.heads.length - 1];
      const head = nextHead(rand, pool, prev, s.pull.index);
      s.heads.push(head);
      s.steps.push({ kind: "push", head });
      return { id: `sync-${s.pull.index}-${serial++}`, action: "synchronize", head, before: prev.sha, why: "push" };
    };
    if (s.steps.length > 1 || r > 0.5) s.steps.push({ kind: "pause", ms: Math.floor(rand() * 40) });
    if (r < 0.4 || budget === 1) {
      const d = push();
      s.steps.push({ kind: "deliver", deliveries: [d] });
      lastDelivery.set(s, d);
      budget -= 1;
    } else if (r < 0.6) {
      // GitHub redelivers the very same delivery (same id, same payload)
      s.steps.push({ kind: "deliver", deliveries: [{ ...lastDelivery.get(s)!, why: "redelivery" }] });
      budget -= 1;
    } else if (r < 0.8) {
      // two pushes in a row, both deliveries in flight at once
      const a = push();
      const b = push();
      s.steps.push({ kind: "deliver", deliveries: [{ ...a, why: "rapid" }, { ...b, why: "rapid" }] });
      lastDelivery.set(s, b);
      budget -= 2;
    } else {
      // two pushes; the newer head's delivery arrives first, the older one after it
      const a = push();
      const b = push();
      s.steps.push({ kind: "deliver", deliveries: [b] });
      s.steps.push({ kind: "deliver", deliveries: [{ ...a, why: "late-old-head" }] });
      lastDelivery.set(s, b);
      budget -= 2;
    }
  }
  return scripts;
}

// ---------------------------------------------------------------------------------------------
// Running it

const wholeSeconds = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function payloadFor(template: Record<string, any>, s: Script, d: Delivery): Record<string, unknown> {
  const p = structuredClone(template);
  p.action = d.action;
  p.number = s.pull.number;
  p.installation = { id: s.pull.installationId, node_id: `INST_${s.pull.installationId}` };
  p.repository.name = s.pull.repo;
  p.repository.full_name = `${s.pull.owner}/${s.pull.repo}`;
  p.repository.owner.login = s.pull.owner;
  const pr = p.pull_request;
  pr.number = s.pull.number;
  pr.head.sha = d.head.sha;
  pr.head.ref = `pr-${s.pull.number}`;
  pr.base.sha = s.baseSha;
  pr.updated_at = d.updatedAt;
  pr.draft = false;
  pr.state = "open";
  if (d.action === "synchronize") {
    p.before = d.before;
    p.after = d.head.sha;
  }
  return p;
}

class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

interface Sent {
  status: number;
  why: Delivery["why"];
}

async function runScripts(h: Harness, scripts: Script[], concurrency: number): Promise<{ sent: Sent[]; firstDelivery: Map<string, number> }> {
  const template = demoPayload();
  const gate = new Semaphore(concurrency);
  const sent: Sent[] = [];
  const firstDelivery = new Map<string, number>();
  // GitHub's updated_at of the pull request when the head was pushed (opened: now)
  const pushedAt = new Map<string, string>(scripts.map((s) => [s.heads[0].sha, wholeSeconds()]));

  await Promise.all(
    scripts.map(async (s) => {
      for (const step of s.steps) {
        if (step.kind === "pause") await new Promise((r) => setTimeout(r, step.ms));
        else if (step.kind === "push") {
          h.standin.pushHead(s.pull.owner, s.pull.repo, s.pull.number, step.head.sha, standinFiles(step.head));
          pushedAt.set(step.head.sha, wholeSeconds());
        } else {
          await Promise.all(
            step.deliveries.map((d) =>
              gate.run(async () => {
                const payload = payloadFor(template, s, { ...d, updatedAt: d.updatedAt ?? pushedAt.get(d.head.sha) });
                if (!firstDelivery.has(d.head.sha)) firstDelivery.set(d.head.sha, performance.timeOrigin + performance.now());
                let status: number;
                try {
                  status = await h.deliver("pull_request", payload, d.id);
                } catch {
                  status = 0;
                }
                sent.push({ status, why: d.why });
              }),
            ),
          );
        }
      }
    }),
  );
  return { sent, firstDelivery };
}

// ---------------------------------------------------------------------------------------------
// Figures

interface Figures {
  pulls: number;
  installations: number;
  heads: number;
  deliveries: { sent: number; accepted: number; refused: number; byKind: Record<string, number> };
  analyses: number;
  checkRuns: { completed: number; inProgress: number; superseded: number; conclusions: Record<string, number> };
  finalHeadsWithoutCompletedCheck: number;
  duplicateComments: number;
  expectedFindings: number;
  lostFindings: number;
  lost: string[];
  reviewComments: number;
  latencyMs: { finalHeads: { p50: number; p95: number; max: number; n: number }; allHeads: { p50: number; p95: number; max: number; n: number } };
  peakRssMiB: number;
  seconds: number;
}

const percentile = (xs: number[], p: number): number => {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
};
const stats = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), max: xs.length ? Math.round(Math.max(...xs)) : NaN, n: xs.length });

async function listFiles(baseUrl: string, token: string, p: PullRef): Promise<{ filename: string; status: string; patch?: string }[]> {
  const out: { filename: string; status: string; patch?: string }[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${baseUrl}/repos/${p.owner}/${p.repo}/pulls/${p.number}/files?per_page=100&page=${page}`, { headers: { authorization: `token ${token}` } });
    const data = (await res.json()) as { filename: string; status: string; patch?: string }[];
    out.push(...data);
    if (data.length < 100) return out;
  }
}

const annotationKey = (path: string, line: number, endLine: number, rule: string) => `${path}:${line}-${endLine}:${rule}`;

async function measure(h: Harness, scripts: Script[], sent: Sent[], firstDelivery: Map<string, number>, opts: Options, peakRss: number, started: number): Promise<Figures> {
  const rules = await loadRules();
  const baseUrl = await h.standin.start();
  // the stand-in answers only tokens it issued, like GitHub
  const token = h.standin.issueToken(1);
  const repos = [...new Map(scripts.map((s) => [`${s.pull.owner}/${s.pull.repo}`, s.pull])).values()];
  const runs = repos.flatMap((r) => h.standin.checkRuns(r.owner, r.repo));
  const completedAt = new Map<number, number>();
  for (const req of h.standin.requests) {
    const m = /\/check-runs\/(\d+)$/.exec(req.path);
    if (m && req.method === "PATCH" && (req.body as { status?: string })?.status === "completed" && !completedAt.has(Number(m[1]))) {
      completedAt.set(Number(m[1]), req.at);
    }
  }
  const conclusions: Record<string, number> = {};
  for (const r of runs) if (r.status === "completed") conclusions[r.conclusion] = (conclusions[r.conclusion] ?? 0) + 1;

  // latency per head: first delivery → first completed check run for that head
  const doneByHead = new Map<string, number>();
  for (const r of runs) {
    const at = completedAt.get(r.id);
    if (at !== undefined && (!doneByHead.has(r.head_sha) || at < doneByHead.get(r.head_sha)!)) doneByHead.set(r.head_sha, at);
  }
  const latency = (shas: string[]) =>
    shas.flatMap((sha) => (doneByHead.has(sha) && firstDelivery.has(sha) ? [doneByHead.get(sha)! - firstDelivery.get(sha)!] : []));

  let duplicateComments = 0;
  let reviewComments = 0;
  let expectedFindings = 0;
  let finalWithout = 0;
  const lost: string[] = [];
  for (const s of scripts) {
    const { owner, repo, number } = s.pull;
    const comments = h.standin.reviewComments(owner, repo, number).filter((c) => c.user?.type === "Bot");
    reviewComments += comments.length;
    const seen = new Map<string, number>();
    for (const c of comments) for (const fp of markersIn(String(c.body ?? ""))) seen.set(fp, (seen.get(fp) ?? 0) + 1);
    for (const n of seen.values()) if (n > 1) duplicateComments += n - 1;

    // what the engine finds on the final head's added lines, from the files and GitHub's patches
    const final = s.heads[s.heads.length - 1];
    const texts = new Map(final.files.map((f) => [f.path, text(f.head)]));
    const expected = new Map<string, number>();
    for (const f of await listFiles(baseUrl, token, s.pull)) {
      if (f.status === "removed" || !f.filename.endsWith(".py")) continue;
      const patch = parseFilePatch(f.patch);
      const a = analyzeSource(f.filename, texts.get(f.filename)!, {
        rules,
        changed: { added: patch.addedLines, commentable: patch.commentableLines, inOneHunk: (x, y) => inOneHunk(patch, x, y) },
      });
      for (const finding of a.findings) {
        const key = annotationKey(finding.path, finding.line, finding.endLine, finding.rule);
        expected.set(key, (expected.get(key) ?? 0) + 1);
        expectedFindings++;
      }
    }
    const last = runs.filter((r) => r.head_sha === final.sha && r.status === "completed").sort((a, b) => b.id - a.id)[0];
    if (!last) finalWithout++;
    const annotated = new Map<string, number>();
    for (const a of last?.annotations ?? []) {
      const rule = /\(([a-z0-9-]+)\)$/.exec(String(a.title ?? ""))?.[1] ?? "?";
      const key = annotationKey(a.path, a.start_line, a.end_line, rule);
      annotated.set(key, (annotated.get(key) ?? 0) + 1);
    }
    for (const [key, n] of expected) {
      const missing = n - (annotated.get(key) ?? 0);
      for (let k = 0; k < missing; k++) lost.push(`${owner}/${repo}#${number}@${final.sha.slice(0, 7)} ${key}${last ? "" : " (no completed check run)"}`);
    }
  }

  const byKind: Record<string, number> = {};
  for (const d of sent) byKind[d.why] = (byKind[d.why] ?? 0) + 1;
  const finals = scripts.map((s) => s.heads[s.heads.length - 1].sha);
  return {
    pulls: scripts.length,
    installations: opts.installations,
    heads: scripts.reduce((n, s) => n + s.heads.length, 0),
    deliveries: { sent: sent.length, accepted: sent.filter((d) => d.status === 200).length, refused: sent.filter((d) => d.status !== 200).length, byKind },
    analyses: runs.length,
    checkRuns: {
      completed: runs.filter((r) => r.status === "completed").length,
      inProgress: runs.filter((r) => r.status !== "completed").length,
      superseded: runs.filter((r) => /^Superseded/.test(String(r.output?.title ?? ""))).length,
      conclusions,
    },
    finalHeadsWithoutCompletedCheck: finalWithout,
    duplicateComments,
    expectedFindings,
    lostFindings: lost.length,
    lost,
    reviewComments,
    latencyMs: { finalHeads: stats(latency(finals)), allHeads: stats(latency([...firstDelivery.keys()])) },
    peakRssMiB: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1024 / 1024),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

function print(f: Figures, opts: Options): void {
  const must = (n: number) => (n === 0 ? "0  ✓" : `${n}  ✗ (must be 0)`);
  const lines = [
    `HunkGuard load run: ${f.pulls} pull requests over ${f.installations} installations, ${f.heads} heads, concurrency ${opts.concurrency}, seed ${opts.seed}`,
    "",
    `deliveries sent                    ${f.deliveries.sent}  (${Object.entries(f.deliveries.byKind).map(([k, n]) => `${k} ${n}`).join(", ")})`,
    `deliveries accepted (HTTP 200)     ${f.deliveries.accepted}${f.deliveries.refused ? `  ✗ ${f.deliveries.refused} refused` : ""}`,
    `analyses run (check runs created)  ${f.analyses}`,
    `check runs completed               ${f.checkRuns.completed}  (${Object.entries(f.checkRuns.conclusions).map(([k, n]) => `${k} ${n}`).join(", ")}; superseded ${f.checkRuns.superseded})`,
    `check runs left in progress        ${must(f.checkRuns.inProgress)}`,
    `final heads without a completed check  ${must(f.finalHeadsWithoutCompletedCheck)}`,
    `duplicate comments                 ${must(f.duplicateComments)}  (of ${f.reviewComments} review comments)`,
    `lost findings                      ${must(f.lostFindings)}  (of ${f.expectedFindings} on the final heads' added lines)`,
    `delivery → completed check, final heads  p50 ${f.latencyMs.finalHeads.p50} ms, p95 ${f.latencyMs.finalHeads.p95} ms, max ${f.latencyMs.finalHeads.max} ms (n=${f.latencyMs.finalHeads.n})`,
    `delivery → completed check, all heads    p50 ${f.latencyMs.allHeads.p50} ms, p95 ${f.latencyMs.allHeads.p95} ms, max ${f.latencyMs.allHeads.max} ms (n=${f.latencyMs.allHeads.n})`,
    `peak RSS                           ${f.peakRssMiB} MiB (app, stand-in and load generator in one process)`,
    `wall time                          ${f.seconds} s`,
  ];
  if (f.lost.length) lines.push("", "lost findings:", ...f.lost.slice(0, 20).map((l) => `  ${l}`), ...(f.lost.length > 20 ? [`  … ${f.lost.length - 20} more`] : []));
  process.stdout.write(`${lines.join("\n")}\n`);
}

export async function runLoad(opts: Options): Promise<{ figures: Figures; ok: boolean }> {
  const started = performance.now();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 25);
  const rand = prng(opts.seed);
  const pool = await snippets();
  const scripts = buildScripts(opts, rand, pool);
  const h = await startHarness();
  try {
    for (const s of scripts) {
      const first = s.heads[0];
      h.standin.addPull({ owner: s.pull.owner, repo: s.pull.repo, number: s.pull.number, baseSha: s.baseSha, headSha: first.sha, headRef: `pr-${s.pull.number}`, files: standinFiles(first) });
    }
    const { sent, firstDelivery } = await runScripts(h, scripts, opts.concurrency);
    do await h.queue.idle();
    while (h.queue.size > 0);
    const figures = await measure(h, scripts, sent, firstDelivery, opts, peakRss, started);
    const ok =
      figures.deliveries.refused === 0 &&
      figures.checkRuns.inProgress === 0 &&
      figures.finalHeadsWithoutCompletedCheck === 0 &&
      figures.duplicateComments === 0 &&
      figures.lostFindings === 0;
    return { figures, ok };
  } finally {
    clearInterval(sampler);
    await h.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes("--replicas")) {
  // `npm run load -- --replicas N`: 1 receiver + N worker processes on a real Redis
  const { main } = await import("./load-replicas.js");
  process.exit(await main(process.argv.slice(2)));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  let opts: Options;
  try {
    opts = options(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`load: ${(e as Error).message}\n`);
    process.exit(2);
  }
  runLoad(opts).then(
    ({ figures, ok }) => {
      if (opts.json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
      else print(figures, opts);
      process.exit(ok ? 0 : 1);
    },
    (e) => {
      process.stderr.write(`load failed: ${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
