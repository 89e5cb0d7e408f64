/**
 * The Redis-backed mode (REDIS_URL set): receivers verify, deduplicate and enqueue; workers on any
 * machine (src/worker.ts, src/github/redis-worker.ts) take the jobs and run the same pipeline.
 *
 * - one job per `owner/repo#pr@head_sha` (the BullMQ job id): a redelivery or a re-run while it is
 *   queued adds nothing; finished jobs are removed at once, so a later re-run analyses again;
 * - the same X-GitHub-Delivery twice is seen by every receiver (a key per delivery, a day long);
 * - for one pull request the newest head wins: a newer head withdraws the older queued job, and an
 *   event older than one already seen is dropped (ordered by the event's `updated_at`, as in process).
 */
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { PullTarget } from "./pipeline.js";
import { pullKey, type Scheduled, type Scheduler, type ScheduleRequest } from "./queue.js";

export const JOB_NAME = "analyse";
const DELIVERY_MEMORY_S = 24 * 60 * 60;
const NEWEST_MEMORY_S = 7 * 24 * 60 * 60;
/** GitHub waits 10 s for an answer: a Redis that does not take the job within this is an error (500) */
const ENQUEUE_TIMEOUT_MS = 5_000;
/** attempts for a job whose worker failed outright (a stall, a deferral or a busy installation is not counted) */
const JOB_ATTEMPTS = 3;

export interface QueueSettings {
  redisUrl: string;
  /** BullMQ queue name; also names HunkGuard's own keys, so several deployments can share a Redis */
  queueName: string;
  /** analyses one worker process runs at once (at most one per installation across all workers) */
  concurrency: number;
  /** how long a job (and its installation) stays claimed by a worker that stops renewing the claim */
  jobLockMs: number;
  /** how often workers look for jobs whose worker died */
  stalledIntervalMs: number;
  /** how soon a job that found its installation busy looks again (a release hands over sooner) */
  busyRetryMs: number;
  /** on SIGTERM, how long the running analyses may take before they go back to the queue */
  shutdownGraceMs: number;
  /** the pipeline's time budget for one analysis */
  analysisTimeoutMs?: number;
}

export const DEFAULT_QUEUE_SETTINGS: Omit<QueueSettings, "redisUrl"> = {
  queueName: "hunkguard",
  concurrency: 4,
  jobLockMs: 30_000,
  stalledIntervalMs: 30_000,
  busyRetryMs: 2_000,
  shutdownGraceMs: 25_000,
};

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, not ${JSON.stringify(raw)}`);
  return n;
}

/** The queue's settings from the environment (README, "Deployment"). */
export function queueSettingsFromEnv(env: NodeJS.ProcessEnv): QueueSettings {
  const redisUrl = env.REDIS_URL;
  if (!redisUrl) throw new Error("REDIS_URL is not set: the Redis-backed queue needs it");
  const d = DEFAULT_QUEUE_SETTINGS;
  const queueName = env.HUNKGUARD_QUEUE || d.queueName;
  if (!/^[A-Za-z0-9_.-]+$/.test(queueName)) throw new Error(`HUNKGUARD_QUEUE may hold letters, digits, "_", "." and "-" only, not ${JSON.stringify(queueName)}`);
  const timeout = env.HUNKGUARD_ANALYSIS_TIMEOUT_MS ? positiveInt(env, "HUNKGUARD_ANALYSIS_TIMEOUT_MS", 0) : undefined;
  return {
    redisUrl,
    queueName,
    concurrency: positiveInt(env, "HUNKGUARD_WORKER_CONCURRENCY", d.concurrency),
    jobLockMs: positiveInt(env, "HUNKGUARD_JOB_LOCK_MS", d.jobLockMs),
    stalledIntervalMs: positiveInt(env, "HUNKGUARD_STALLED_INTERVAL_MS", d.stalledIntervalMs),
    busyRetryMs: positiveInt(env, "HUNKGUARD_BUSY_RETRY_MS", d.busyRetryMs),
    shutdownGraceMs: positiveInt(env, "HUNKGUARD_SHUTDOWN_GRACE_MS", d.shutdownGraceMs),
    ...(timeout ? { analysisTimeoutMs: timeout } : {}),
  };
}

/** What a job carries: everything a worker needs, nothing secret. */
export interface AnalysisJobData {
  target: PullTarget & { updatedAt?: number };
  /** the delivery that asked for it */
  delivery: string;
  /** when a receiver accepted it (ms since the epoch) */
  acceptedAt: number;
  /** the external id of this job's check run, the same for every attempt */
  runKey: string;
  /** an attempt got as far as the analysis: later attempts adopt the check run it may have left */
  began?: boolean;
}

export const jobIdFor = (target: PullTarget) => `${pullKey(target)}@${target.headSha}`;

/** HunkGuard's own keys next to BullMQ's. An installation's keys share a hash slot (one Lua script uses them). */
export function queueKeys(queueName: string) {
  const base = `hunkguard:${queueName}`;
  return {
    delivery: (id: string) => `${base}:delivery:${id}`,
    newest: (pull: string) => `${base}:newest:${pull}`,
    installationLock: (id: number) => `${base}:{installation-${id}}:lock`,
    installationPaused: (id: number) => `${base}:{installation-${id}}:paused`,
    installationWaiting: (id: number) => `${base}:{installation-${id}}:waiting`,
  };
}

export type QueueKeys = ReturnType<typeof queueKeys>;

/** Reports a connection's errors, once per message every half minute (ioredis retries every few ms). */
export function connectionErrors(name: string, report: (message: string) => void = (m) => console.error(m)): (e: Error) => void {
  const last = new Map<string, number>();
  return (e: Error) => {
    const now = Date.now();
    if (now - (last.get(e.message) ?? 0) < 30_000) return;
    last.set(e.message, now);
    report(`${name}: Redis: ${e.message}`);
  };
}

/** A connection as BullMQ wants it (commands wait for a reconnect instead of failing). */
export function redisConnection(settings: Pick<QueueSettings, "redisUrl">, name: string, onError = connectionErrors(name)): Redis {
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null, connectionName: name });
  redis.on("error", onError);
  return redis;
}

/** A Lua script called with ioredis' EVALSHA-with-fallback. */
export function defineScript(redis: Redis, name: string, keys: number, lua: string) {
  redis.defineCommand(name, { numberOfKeys: keys, lua });
  return (...args: (string | number)[]) => (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[name](...args);
}

/**
 * Record `sha` as the pull request's newest head unless a later event named another head
 * (same rule as AnalysisQueue.enqueue). Returns [1 = accepted | 0 = older, the previous head or ""].
 */
const CLAIM_NEWEST = `
local cur = redis.call('GET', KEYS[1])
local prev = ''
if cur then
  local sep = string.find(cur, ' ')
  local at = tonumber(string.sub(cur, 1, sep - 1))
  prev = string.sub(cur, sep + 1)
  if at > tonumber(ARGV[2]) and prev ~= ARGV[1] then return {0, prev} end
end
redis.call('SET', KEYS[1], ARGV[2] .. ' ' .. ARGV[1], 'EX', ARGV[3])
return {1, prev}
`;

/** The newest head seen for a pull request, as CLAIM_NEWEST stored it. */
export async function newestHead(redis: Redis, keys: QueueKeys, pull: string): Promise<{ sha: string; at: number } | null> {
  const cur = await redis.get(keys.newest(pull));
  if (!cur) return null;
  const sep = cur.indexOf(" ");
  return { at: Number(cur.slice(0, sep)), sha: cur.slice(sep + 1) };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export class RedisScheduler implements Scheduler {
  static fromEnv(env: NodeJS.ProcessEnv): RedisScheduler {
    return new RedisScheduler(queueSettingsFromEnv(env));
  }

  private conn: { redis: Redis; queue: Queue<AnalysisJobData>; claimNewest: ReturnType<typeof defineScript> } | null = null;
  readonly keys: QueueKeys;

  constructor(readonly settings: QueueSettings) {
    this.keys = queueKeys(settings.queueName);
  }

  /** Connects on first use, so importing the app opens nothing. */
  private connect() {
    if (!this.conn) {
      const onError = connectionErrors("hunkguard receiver");
      const redis = redisConnection(this.settings, "hunkguard-receiver", onError);
      const queue = new Queue<AnalysisJobData>(this.settings.queueName, { connection: redis });
      queue.on("error", onError);
      this.conn = { redis, queue, claimNewest: defineScript(redis, "hunkguardClaimNewest", 1, CLAIM_NEWEST) };
    }
    return this.conn;
  }

  async isDuplicate(deliveryId: string | undefined): Promise<boolean> {
    if (!deliveryId) return false;
    const set = await withTimeout(this.connect().redis.set(this.keys.delivery(deliveryId), "1", "EX", DELIVERY_MEMORY_S, "NX"), ENQUEUE_TIMEOUT_MS, "remembering the delivery");
    return set === null;
  }

  async schedule({ target, delivery, log }: ScheduleRequest): Promise<Scheduled> {
    try {
      const result = await withTimeout(this.enqueue(target, delivery), ENQUEUE_TIMEOUT_MS, "enqueueing the analysis");
      log.info({ delivery, job: jobIdFor(target), result }, "analysis queued");
      return result;
    } catch (e) {
      // not queued: GitHub gets an error, and a redelivery of this delivery must not count as a
      // duplicate (not awaited: with Redis away, the command waits for its return)
      void this.connect().redis.del(this.keys.delivery(delivery)).catch(() => {});
      throw e;
    }
  }

  private async enqueue(target: PullTarget & { updatedAt?: number }, delivery: string): Promise<Scheduled> {
    const { queue, claimNewest } = this.connect();
    const pull = pullKey(target);
    let replaced: string | null = null;
    if (target.updatedAt !== undefined) {
      const [accepted, previous] = (await claimNewest(this.keys.newest(pull), target.headSha, target.updatedAt, NEWEST_MEMORY_S)) as [number, string];
      if (!accepted) return "dropped";
      if (previous && previous !== target.headSha) replaced = jobIdFor({ ...target, headSha: previous });
    }
    const jobId = jobIdFor(target);
    const existing = await queue.getJob(jobId);
    const data: AnalysisJobData = { target, delivery, acceptedAt: Date.now(), runKey: `hunkguard-${randomUUID()}` };
    // an id that is taken (waiting, delayed or running) makes this a no-op
    await queue.add(JOB_NAME, data, { jobId, removeOnComplete: true, removeOnFail: true, attempts: JOB_ATTEMPTS, backoff: { type: "exponential", delay: 5_000 } });
    if (replaced) await this.withdraw(replaced);
    return existing ? "already queued" : "queued";
  }

  /**
   * Take an older head's job out of the queue. A job that is running, or that an earlier attempt
   * began (its check run may be in progress), stays: its worker sees the newer head, drops it and
   * completes that run.
   */
  private async withdraw(jobId: string): Promise<void> {
    const job = await this.connect().queue.getJob(jobId);
    if (!job || job.data.began) return;
    await job.remove().catch(() => {});
  }

  async idle(): Promise<void> {
    // nothing runs in a receiver
  }

  /** The BullMQ queue (tests and the load run inspect it). */
  get queue(): Queue<AnalysisJobData> {
    return this.connect().queue;
  }

  async close(): Promise<void> {
    if (!this.conn) return;
    const { queue, redis } = this.conn;
    this.conn = null;
    await queue.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}
