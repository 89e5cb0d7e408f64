/**
 * The Redis-backed mode (issue 8) end to end: a real `redis-server` on a free loopback port, worker
 * processes (`node dist/src/worker.js`, built first), the local GitHub stand-in, and a receiver in
 * this process (Probot's Node middleware, signed deliveries over HTTP). Every process is stopped
 * after its test; nothing leaves loopback.
 */
import { spawn } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { Probot, ProbotOctokit, createNodeMiddleware } from "probot";
import { hunkGuard } from "../src/app.js";
import { buildRuleSet } from "../src/core/rules/load.js";
import { markersIn } from "../src/core/render.js";
import { DEFAULT_QUEUE_SETTINGS, RedisScheduler, jobIdFor, type QueueSettings } from "../src/github/redis-queue.js";
import { GitHubStandin, type StandinFile, type RecordedRequest } from "../src/standin/github-standin.js";
import { OPENAPI_CHECKS } from "./support/openapi.js";
import { startLocalRedis, startWorkerProcess, type LocalRedis, type WorkerProcess } from "../src/redis/local-server.js";

const OWNER = "acme";
const REPO = "payments";
const SECRET = "whsec-redis-tests";
const WORKER = "dist/src/worker.js";
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** A 40-hex sha that reads as its purpose: sha("c") = "cccc…". */
const sha = (seed: string) => Buffer.from(seed).toString("hex").repeat(40).slice(0, 40);

/** Two findings per file (pickle.loads, eval), different text per pull request and head. */
function vulnerable(tag: string, files = 1): StandinFile[] {
  return Array.from({ length: files }, (_, i) => ({
    path: `svc/${tag.replace(/\W/g, "_")}_${i}.py`,
    base: "import pickle\n",
    head: `import pickle\n\n\ndef load_${i}(blob, expr):\n    data = pickle.loads(blob)  # ${tag}\n    return eval(expr), data\n`,
  }));
}

let redis: LocalRedis;

/** The newest modification time of the TypeScript the worker is built from. */
function newestSource(dir = "src"): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, e) => {
    const path = join(dir, e.name);
    return Math.max(newest, e.isDirectory() ? newestSource(path) : e.name.endsWith(".ts") ? statSync(path).mtimeMs : 0);
  }, 0);
}

beforeAll(async () => {
  // the workers run the built app: build it unless dist/ is newer than every source file
  // (a type error elsewhere in the project still emits; the worker must exist)
  if (!existsSync(WORKER) || statSync(WORKER).mtimeMs < Math.max(newestSource(), statSync("package-lock.json").mtimeMs)) {
    const started = Date.now();
    const out: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const tsc = spawn("npx", ["tsc", "-p", "tsconfig.json"], { stdio: ["ignore", "pipe", "pipe"] });
      tsc.stdout.on("data", (c) => out.push(String(c)));
      tsc.stderr.on("data", (c) => out.push(String(c)));
      tsc.on("exit", resolve);
    });
    if (!existsSync(WORKER) || statSync(WORKER).mtimeMs < started - 1000) throw new Error(`the build did not produce ${WORKER}:\n${out.join("")}`);
    if (code !== 0) console.warn(`tsc reported errors (the worker was built anyway):\n${out.join("").slice(0, 2000)}`);
  }
  redis = await startLocalRedis();
}, 180_000);

afterAll(async () => {
  await redis?.stop();
});

interface Cluster {
  standin: GitHubStandin;
  scheduler: RedisScheduler;
  settings: QueueSettings;
  workers: WorkerProcess[];
  startWorkers(n: number, env?: Record<string, string>): Promise<WorkerProcess[]>;
  /** POST a signed delivery to the receiver; resolves with the HTTP status */
  deliver(event: string, payload: unknown, delivery?: string): Promise<number>;
  /** jobs waiting, delayed or running */
  pending(): Promise<string[]>;
  stop(): Promise<void>;
}

const clusters: Cluster[] = [];
afterEach(async () => {
  while (clusters.length) await clusters.pop()!.stop();
});

async function cluster(opts: { latencyMs?: number; settings?: Partial<QueueSettings> } = {}): Promise<Cluster> {
  const standin = new GitHubStandin({ ...OPENAPI_CHECKS, latencyMs: opts.latencyMs ?? 0 });
  const baseUrl = await standin.start();
  const settings: QueueSettings = {
    ...DEFAULT_QUEUE_SETTINGS,
    redisUrl: redis.url,
    queueName: `t-${randomUUID().slice(0, 8)}`,
    jobLockMs: 3_000,
    stalledIntervalMs: 1_000,
    busyRetryMs: 500,
    ...opts.settings,
  };
  const scheduler = new RedisScheduler(settings);
  // the receiver: verifies, deduplicates, enqueues (it analyses nothing, so it needs no rules)
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: SECRET,
    baseUrl,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((options: Record<string, any>) => ({ ...options, throttle: { ...options.throttle, enabled: false } })),
  });
  const middleware = await createNodeMiddleware(hunkGuard({ scheduler, rules: buildRuleSet([]) }), { probot });
  const server: Server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  const workers: WorkerProcess[] = [];
  const c: Cluster = {
    standin,
    scheduler,
    settings,
    workers,
    async startWorkers(n, env = {}) {
      const started = Array.from({ length: n }, () =>
        startWorkerProcess(
          {
            REDIS_URL: redis.url,
            HUNKGUARD_QUEUE: settings.queueName,
            APP_ID: "1",
            PRIVATE_KEY: privateKey,
            HUNKGUARD_GITHUB_URL: baseUrl,
            HUNKGUARD_THROTTLE: "off",
            HUNKGUARD_JOB_LOCK_MS: String(settings.jobLockMs),
            HUNKGUARD_STALLED_INTERVAL_MS: String(settings.stalledIntervalMs),
            HUNKGUARD_BUSY_RETRY_MS: String(settings.busyRetryMs),
            HUNKGUARD_WORKER_CONCURRENCY: "2",
            LOG_LEVEL: "info",
            ...env,
          },
          WORKER,
        ),
      );
      workers.push(...started);
      await Promise.all(started.map((w) => w.waitFor((e) => e.msg === "worker ready", 30_000)));
      return started;
    },
    async deliver(event, payload, delivery = randomUUID()) {
      const body = JSON.stringify(payload);
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": delivery,
          "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
        },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    },
    async pending() {
      const jobs = await scheduler.queue.getJobs(["waiting", "delayed", "active", "prioritized"]);
      return jobs.map((j) => j.id!).sort();
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop(5_000)));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await scheduler.queue.obliterate({ force: true }).catch(() => {});
      await scheduler.close();
      await standin.stop();
      // the workers kept GitHub's contract (OpenAPI description, GraphQL schema)
      expect(standin.violations).toStrictEqual([]);
    },
  };
  clusters.push(c);
  return c;
}

let pullNumber = 0;
function addPull(c: Cluster, opts: { files?: StandinFile[]; headSha?: string } = {}) {
  const number = ++pullNumber;
  const headSha = opts.headSha ?? sha(`head ${number}`);
  const files = opts.files ?? vulnerable(`pr${number}`);
  c.standin.addPull({ owner: OWNER, repo: REPO, number, baseSha: sha("base"), headSha, files });
  return { number, headSha, files };
}

/** The fields of a `pull_request` delivery HunkGuard reads. */
function pullRequestEvent(number: number, headSha: string, opts: { action?: string; updatedAt?: string; installation?: number } = {}) {
  return {
    action: opts.action ?? "opened",
    number,
    pull_request: {
      number,
      state: "open",
      draft: false,
      head: { sha: headSha, ref: `pr-${number}` },
      base: { sha: sha("base"), ref: "main" },
      updated_at: opts.updatedAt ?? new Date().toISOString(),
    },
    repository: { name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER } },
    installation: { id: opts.installation ?? 4242 },
    sender: { login: "octocat", type: "User" },
  };
}

async function eventually<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const runsFor = (c: Cluster, head: string) => c.standin.checkRuns(OWNER, REPO).filter((r) => r.head_sha === head);
const completedRun = (c: Cluster, head: string) => runsFor(c, head).find((r) => r.status === "completed");
const isCheckCreate = (head: string) => (r: RecordedRequest) => r.method === "POST" && /\/check-runs$/.test(r.path) && (r.body as { head_sha?: string })?.head_sha === head;

/** Run `fn` the moment the stand-in receives a matching request (before it answers). */
function onRequest(c: Cluster, match: (r: RecordedRequest) => boolean, fn: () => void): void {
  const requests = c.standin.requests;
  const push = requests.push.bind(requests);
  let fired = false;
  requests.push = (...items: RecordedRequest[]) => {
    const n = push(...items);
    if (!fired && items.some(match)) {
      fired = true;
      fn();
    }
    return n;
  };
}

/** Every fingerprint marker the bot posted on a pull request (inline comments and review bodies). */
function postedFingerprints(c: Cluster, number: number): string[] {
  return [...c.standin.reviewComments(OWNER, REPO, number).map((x) => x.body as string), ...c.standin.reviews(OWNER, REPO, number).map((r) => r.body as string)].flatMap(markersIn);
}

test("dedupe: the same delivery twice and a redelivery while queued make one job; a re-run after it finished analyses again", async () => {
  const c = await cluster();
  const pr = addPull(c);
  const event = pullRequestEvent(pr.number, pr.headSha);

  // no worker yet: everything stays queued
  expect(await c.deliver("pull_request", event, "delivery-1")).toBe(200);
  expect(await c.deliver("pull_request", event, "delivery-1")).toBe(200);
  expect(await c.deliver("pull_request", event, "delivery-2")).toBe(200);
  expect(await c.pending()).toStrictEqual([jobIdFor({ repo: { owner: OWNER, repo: REPO }, number: pr.number, headSha: pr.headSha } as never)]);

  await c.startWorkers(2);
  const first = await eventually("the first check run", () => completedRun(c, pr.headSha));
  expect(first.conclusion).toBe("failure");
  expect(c.standin.reviews(OWNER, REPO, pr.number)).toHaveLength(1);

  // the job was removed when it finished: a re-run of the check analyses again
  const rerun = {
    action: "rerequested",
    check_run: { id: first.id, name: "HunkGuard", head_sha: pr.headSha, pull_requests: [{ number: pr.number }] },
    repository: { name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER } },
    installation: { id: 4242 },
  };
  expect(await c.deliver("check_run", rerun)).toBe(200);
  await eventually("the second check run", () => runsFor(c, pr.headSha).filter((r) => r.status === "completed").length === 2);
  expect(runsFor(c, pr.headSha)).toHaveLength(2);
  // nothing posted twice: the second analysis found its fingerprints on the pull request
  const fingerprints = postedFingerprints(c, pr.number);
  expect(fingerprints.length).toBeGreaterThanOrEqual(2);
  expect(new Set(fingerprints).size).toBe(fingerprints.length);
  expect(c.standin.reviews(OWNER, REPO, pr.number)).toHaveLength(1);
  await eventually("an empty queue", async () => (await c.pending()).length === 0);
}, 60_000);

test("newest head wins: rapid pushes leave only the newest head's job queued; an older event arriving late is dropped (Probot's throttle on, sharing the Redis)", async () => {
  const c = await cluster();
  const [a, b, newest] = [sha("push a"), sha("push b"), sha("push c")];
  const pr = addPull(c, { headSha: a });
  const at = (second: number) => `2024-05-01T10:00:0${second}Z`;

  await c.deliver("pull_request", pullRequestEvent(pr.number, a, { updatedAt: at(1) }));
  c.standin.pushHead(OWNER, REPO, pr.number, b, vulnerable("push b"));
  await c.deliver("pull_request", pullRequestEvent(pr.number, b, { action: "synchronize", updatedAt: at(2) }));
  c.standin.pushHead(OWNER, REPO, pr.number, newest, vulnerable("push c"));
  await c.deliver("pull_request", pullRequestEvent(pr.number, newest, { action: "synchronize", updatedAt: at(3) }));
  // out of order: the event of an older head arrives last
  expect(await c.deliver("pull_request", pullRequestEvent(pr.number, a, { action: "synchronize", updatedAt: at(0) }))).toBe(200);

  const job = (head: string) => jobIdFor({ repo: { owner: OWNER, repo: REPO }, number: pr.number, headSha: head } as never);
  expect(await c.pending()).toStrictEqual([job(newest)]);

  // as in production: Probot's throttle spaces each installation's mutations, its state in the same Redis
  await c.startWorkers(2, { HUNKGUARD_THROTTLE: "on" });
  await eventually("the newest head's check run", () => completedRun(c, newest), 30_000);
  await eventually("an empty queue", async () => (await c.pending()).length === 0);
  expect(c.standin.checkRuns(OWNER, REPO).map((r) => r.head_sha)).toStrictEqual([newest]);
  expect(c.standin.reviews(OWNER, REPO, pr.number).map((r) => r.commit_id)).toStrictEqual([newest]);
  const probe = new Redis(redis.url);
  try {
    expect(await probe.keys("b_octokit-write-4242_*")).toContain("b_octokit-write-4242_settings");
  } finally {
    probe.disconnect();
  }
}, 60_000);

test("one running job per installation: two pull requests of one installation never overlap, across two workers", async () => {
  const c = await cluster({ latencyMs: 25 });
  const p1 = addPull(c);
  const p2 = addPull(c);
  const other = addPull(c);
  await c.startWorkers(2);

  await Promise.all([
    c.deliver("pull_request", pullRequestEvent(p1.number, p1.headSha, { installation: 7 })),
    c.deliver("pull_request", pullRequestEvent(p2.number, p2.headSha, { installation: 7 })),
    c.deliver("pull_request", pullRequestEvent(other.number, other.headSha, { installation: 8 })),
  ]);
  await eventually("three completed check runs", () => [p1, p2, other].every((p) => completedRun(c, p.headSha)), 30_000);

  // an analysis's mutations lie between creating its check run and completing it
  const requests = c.standin.requests;
  const window = (head: string) => {
    const id = runsFor(c, head)[0].id;
    const start = requests.findIndex(isCheckCreate(head));
    const end = requests.findIndex((r) => r.method === "PATCH" && r.path.endsWith(`/check-runs/${id}`) && (r.body as { status?: string })?.status === "completed");
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    return { start, end };
  };
  const [w1, w2] = [window(p1.headSha), window(p2.headSha)];
  expect(w1.end < w2.start || w2.end < w1.start).toBe(true);
  for (const p of [p1, p2, other]) {
    expect(runsFor(c, p.headSha)).toHaveLength(1);
    expect(c.standin.reviews(OWNER, REPO, p.number)).toHaveLength(1);
  }
}, 60_000);

test("a worker killed mid-job (SIGKILL): another worker takes the job over — one review, no comment twice, one completed check run", async () => {
  const c = await cluster({ latencyMs: 150 });
  const pr = addPull(c, { files: vulnerable("killed", 2) });
  const workers = await c.startWorkers(2);

  const isReview = (r: RecordedRequest) => r.method === "POST" && r.path.endsWith(`/pulls/${pr.number}/reviews`);
  let holder: WorkerProcess | undefined;
  // killed while GitHub creates the review: the worker never hears that it did
  onRequest(c, isReview, () => holder?.child.kill("SIGKILL"));
  await c.deliver("pull_request", pullRequestEvent(pr.number, pr.headSha));
  holder = await Promise.any(workers.map((w) => w.waitFor((e) => e.msg === "analysing").then(() => w)));
  expect(await holder.exited).toBeNull();
  expect(c.standin.requests.filter(isReview)).toHaveLength(1);
  expect(completedRun(c, pr.headSha)).toBeUndefined();

  const survivor = workers.find((w) => w !== holder)!;
  await survivor.waitFor((e) => e.msg === "analysing" && e.retry === true, 20_000);
  await survivor.waitFor((e) => e.msg === "analysis finished", 20_000);
  await eventually("an empty queue", async () => (await c.pending()).length === 0);

  const runs = runsFor(c, pr.headSha);
  expect(runs.map((r) => r.status)).toStrictEqual(["completed"]);
  expect(runs[0].conclusion).toBe("failure");
  expect(runs[0].output.annotations_count).toBe(4);
  expect(c.standin.reviews(OWNER, REPO, pr.number)).toHaveLength(1);
  const fingerprints = postedFingerprints(c, pr.number);
  expect(fingerprints.length).toBeGreaterThanOrEqual(4);
  expect(new Set(fingerprints).size).toBe(fingerprints.length);
}, 60_000);

test("a secondary rate limit sends the job back to the queue and pauses its installation for retry-after; the job completes later", async () => {
  const c = await cluster({ latencyMs: 20 });
  const p1 = addPull(c);
  const p2 = addPull(c);
  c.standin.failNext("POST", /\/pulls\/\d+\/reviews$/, 403, { headers: { "retry-after": "1" } });
  const workers = await c.startWorkers(2);

  await c.deliver("pull_request", pullRequestEvent(p1.number, p1.headSha, { installation: 9 }));
  await eventually("the first check run", () => c.standin.requests.some(isCheckCreate(p1.headSha)));
  await c.deliver("pull_request", pullRequestEvent(p2.number, p2.headSha, { installation: 9 }));
  await eventually("both check runs completed", () => completedRun(c, p1.headSha) && completedRun(c, p2.headSha), 30_000);

  const reviewPosts = c.standin.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/pulls/${p1.number}/reviews`));
  expect(reviewPosts).toHaveLength(2);
  const limited = reviewPosts[0].at;
  // the job waited out retry-after in the queue, and so did the installation's other job
  expect(reviewPosts[1].at - limited).toBeGreaterThanOrEqual(1000);
  expect(c.standin.requests.find(isCheckCreate(p2.headSha))!.at - limited).toBeGreaterThanOrEqual(1000);
  await Promise.any(workers.map((w) => w.waitFor((e) => e.msg === "analysis stopped; back to the queue", 5_000)));
  const stopped = workers.flatMap((w) => w.entries()).filter((e) => e.msg === "analysis stopped; back to the queue");
  expect(stopped.map((e) => [e.reason, e.waitMs])).toStrictEqual([["secondary rate limit", 1000]]);
  // the second attempt adopted the check run the first one left in progress
  for (const p of [p1, p2]) {
    expect(runsFor(c, p.headSha).map((r) => r.status)).toStrictEqual(["completed"]);
    expect(c.standin.reviews(OWNER, REPO, p.number)).toHaveLength(1);
  }
  expect(completedRun(c, p1.headSha)!.output.annotations_count).toBe(2);
}, 60_000);

test("a job sent back to the queue whose pull request moved on meanwhile is dropped, and the check run it left in progress is completed", async () => {
  const c = await cluster({ latencyMs: 20 });
  const [older, newer] = [sha("deferred"), sha("newer")];
  const pr = addPull(c, { headSha: older });
  c.standin.failNext("POST", /\/pulls\/\d+\/reviews$/, 429, { headers: { "retry-after": "2" } });
  const workers = await c.startWorkers(2);

  await c.deliver("pull_request", pullRequestEvent(pr.number, older, { updatedAt: "2024-05-01T10:00:01Z" }));
  await Promise.any(workers.map((w) => w.waitFor((e) => e.msg === "analysis stopped; back to the queue")));
  c.standin.pushHead(OWNER, REPO, pr.number, newer, vulnerable("newer"));
  await c.deliver("pull_request", pullRequestEvent(pr.number, newer, { action: "synchronize", updatedAt: "2024-05-01T10:00:02Z" }));

  await eventually("both heads' check runs completed", () => completedRun(c, older) && completedRun(c, newer), 30_000);
  await eventually("an empty queue", async () => (await c.pending()).length === 0);
  expect(runsFor(c, older).map((r) => [r.status, r.conclusion, r.output.title])).toStrictEqual([["completed", "neutral", "Superseded by a newer push"]]);
  expect(runsFor(c, newer).map((r) => [r.status, r.conclusion])).toStrictEqual([["completed", "failure"]]);
  expect(c.standin.reviews(OWNER, REPO, pr.number).map((r) => r.commit_id)).toStrictEqual([newer]);
  await Promise.any(workers.map((w) => w.waitFor((e) => e.msg === "dropped: a newer head of this pull request was queued", 5_000)));
}, 60_000);

test("SIGTERM: a worker finishes its running analysis, then exits; past the grace period the analysis goes back to the queue and another worker completes it", async () => {
  const [patient, hurried] = await Promise.all([cluster({ latencyMs: 150 }), cluster({ latencyMs: 150 })]);
  const [p1, p2] = [addPull(patient), addPull(hurried)];
  const [[finisher], [leaver]] = await Promise.all([patient.startWorkers(1), hurried.startWorkers(1, { HUNKGUARD_SHUTDOWN_GRACE_MS: "100" })]);
  await patient.deliver("pull_request", pullRequestEvent(p1.number, p1.headSha));
  await hurried.deliver("pull_request", pullRequestEvent(p2.number, p2.headSha));

  await finisher.waitFor((e) => e.msg === "analysing");
  finisher.child.kill("SIGTERM");
  await eventually("the check run", () => hurried.standin.requests.some(isCheckCreate(p2.headSha)));
  leaver.child.kill("SIGTERM");

  // the grace period was long enough: finished, then exited
  expect(await finisher.exited).toBe(0);
  expect(completedRun(patient, p1.headSha)).toBeDefined();
  expect(patient.standin.reviews(OWNER, REPO, p1.number)).toHaveLength(1);
  // it was not: the job went back to the queue, its check run left in progress for the next attempt
  expect(await leaver.exited).toBe(0);
  expect(runsFor(hurried, p2.headSha).map((r) => r.status)).toStrictEqual(["in_progress"]);
  expect(await hurried.pending()).toHaveLength(1);

  await hurried.startWorkers(1);
  await eventually("the check run completed", () => completedRun(hurried, p2.headSha));
  expect(runsFor(hurried, p2.headSha)).toHaveLength(1);
  expect(hurried.standin.reviews(OWNER, REPO, p2.number)).toHaveLength(1);
}, 60_000);
