/**
 * A worker of the Redis-backed mode: takes analysis jobs from the BullMQ queue and runs the same
 * pipeline the embedded mode runs, with an installation client from Probot's auth.
 *
 * Per job: 1. hold the installation (one running job per installation across all workers, see
 * redis-lock.ts); 2. drop it if a newer head of the pull request was queued; 3. analyse, with a
 * GitHub client that stops the job at GitHub's first secondary rate limit; 4. a stopped job goes back
 * to the queue (the installation paused for `retry-after`), and its next attempt adopts the check
 * run it left in progress. A job whose worker died is taken over by another worker the same way.
 */
import { DelayedError, Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { ProbotOctokit, type Logger, type Probot } from "probot";
import { analyzePullRequest } from "./pipeline.js";
import { RedisResultCache } from "./redis-result-cache.js";
import { CheckRun, findCheckRun } from "./check.js";
import { describeError, secondaryLimitWaitMs, type GitHub } from "./octokit.js";
import { inlineMarkdown } from "../core/render.js";
import { InstallationLocks } from "./redis-lock.js";
import { connectionErrors, jobIdFor, newestHead, queueKeys, redisConnection, type AnalysisJobData, type QueueKeys, type QueueSettings } from "./redis-queue.js";
import { pullKey } from "./queue.js";
import type { RuleSet } from "../core/rules/load.js";
import type { AnalysisPool } from "../core/pool.js";

/** a stalled job (its worker died) may come back this often before BullMQ fails it */
const MAX_STALLED = 3;

export interface JobSummary {
  result: "analysed" | "dropped" | "already done";
  conclusion?: string;
  findings?: number;
  superseded?: boolean;
}

/** Why a job stopped half-way: GitHub's secondary rate limit, or the worker shutting down. */
export interface Stop {
  reason: "secondary rate limit" | "shutdown";
  waitMs: number;
}

export class JobStopped extends Error {
  constructor(readonly stop: Stop) {
    super(
      stop.reason === "shutdown"
        ? "the worker is shutting down; the analysis goes back to the queue"
        : `GitHub's secondary rate limit: the installation pauses ${Math.ceil(stop.waitMs / 1000)} s and the analysis goes back to the queue`,
    );
  }
}

/**
 * A job's GitHub client, which can be stopped: after GitHub answers with a secondary rate limit, or
 * when the worker shuts down, every further request of the job fails at once without reaching
 * GitHub, so the pipeline winds down without mutating anything (its check run stays in progress,
 * for the next attempt to adopt).
 */
export class StoppableGitHub {
  stopped: Stop | null = null;

  constructor(readonly gh: GitHub) {
    gh.hook.wrap("request", async (request, options) => {
      if (this.stopped) throw new JobStopped(this.stopped);
      try {
        return await request(options);
      } catch (e) {
        const waitMs = secondaryLimitWaitMs(e);
        if (waitMs === null) throw e;
        this.stop({ reason: "secondary rate limit", waitMs });
        throw new JobStopped(this.stopped!);
      }
    });
  }

  stop(stop: Stop): void {
    if (!this.stopped || (stop.reason === this.stopped.reason && stop.waitMs > this.stopped.waitMs)) this.stopped = stop;
  }
}

export interface WorkerDeps {
  settings: QueueSettings;
  /** authenticates as the app; `auth(installationId)` gives the installation client */
  probot: Pick<Probot, "auth">;
  rules: RuleSet;
  log: Logger;
  /** worker threads for this process's analyses (`poolFromEnv`); null: the main thread */
  pool: AnalysisPool | null;
  /** a file taking longer than this on the pool is not analysed (default 60 s) */
  fileTimeoutMs?: number;
}

const jitter = () => Math.floor(Math.random() * 100);

/**
 * Probot options a worker takes from the environment beyond Probot's own (APP_ID, PRIVATE_KEY,
 * GHE_HOST, LOG_LEVEL, REDIS_URL for the shared throttle…): HUNKGUARD_GITHUB_URL, the API's base
 * URL, wins over GHE_HOST; HUNKGUARD_THROTTLE=off turns Probot's request pacing off (only for a
 * GitHub stand-in or a server without rate limits).
 */
export function probotOverridesFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  if (env.HUNKGUARD_GITHUB_URL) overrides.baseUrl = env.HUNKGUARD_GITHUB_URL.replace(/\/+$/, "");
  if (env.HUNKGUARD_THROTTLE === "off") {
    // the function form: Probot replaces a plain `throttle` object with its own
    overrides.Octokit = ProbotOctokit.defaults((options: Record<string, any>) => ({ ...options, throttle: { ...options.throttle, enabled: false } }));
    overrides.redisConfig = undefined;
  } else if (env.HUNKGUARD_THROTTLE && env.HUNKGUARD_THROTTLE !== "on") {
    throw new Error(`HUNKGUARD_THROTTLE is "on" (the default) or "off", not ${JSON.stringify(env.HUNKGUARD_THROTTLE)}`);
  }
  return overrides;
}

export class AnalysisWorker {
  private readonly keys: QueueKeys;
  private readonly redis: Redis;
  private readonly queue: Queue<AnalysisJobData>;
  private readonly locks: InstallationLocks;
  private readonly worker: Worker<AnalysisJobData, JobSummary>;
  private readonly running = new Set<StoppableGitHub>();
  /** per-file analyses shared by every worker of this queue (bounded, with a TTL) */
  private readonly resultCache: RedisResultCache;
  private closing: Promise<void> | null = null;

  constructor(private readonly deps: WorkerDeps) {
    const { settings } = deps;
    this.keys = queueKeys(settings.queueName);
    const onError = connectionErrors("hunkguard worker", (message) => deps.log.error({}, message));
    this.redis = redisConnection(settings, "hunkguard-worker", onError);
    this.queue = new Queue<AnalysisJobData>(settings.queueName, { connection: this.redis });
    this.queue.on("error", onError);
    this.locks = new InstallationLocks(this.redis, this.keys, settings.jobLockMs);
    this.resultCache = new RedisResultCache(this.redis, { prefix: `${settings.queueName}:results:` });
    this.worker = new Worker<AnalysisJobData, JobSummary>(settings.queueName, (job, token) => this.process(job, token), {
      connection: redisConnection(settings, "hunkguard-worker-jobs", onError),
      concurrency: settings.concurrency,
      lockDuration: settings.jobLockMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: MAX_STALLED,
      autorun: false,
    });
    this.worker.on("failed", (job, err) => void this.failed(job, err));
    this.worker.on("stalled", (jobId) => deps.log.warn({ job: jobId }, "a worker stopped renewing this job; it goes back to the queue"));
    this.worker.on("error", onError);
  }

  /** Start taking jobs; resolves once connected. */
  async start(): Promise<void> {
    void this.worker.run();
    await this.worker.waitUntilReady();
    await this.queue.waitUntilReady();
  }

  /**
   * Stop taking jobs and let the running ones finish; what is still running after the grace period
   * stops at its next GitHub request and goes back to the queue.
   */
  shutdown(graceMs = this.deps.settings.shutdownGraceMs): Promise<void> {
    this.closing ??= (async () => {
      const timer = setTimeout(() => this.returnRunningJobs(), graceMs);
      try {
        await this.worker.close();
      } finally {
        clearTimeout(timer);
      }
      await this.queue.close();
      await this.redis.quit().catch(() => this.redis.disconnect());
    })();
    return this.closing;
  }

  /** Stop the running analyses at their next GitHub request; they go back to the queue at once. */
  returnRunningJobs(): void {
    for (const job of this.running) job.stop({ reason: "shutdown", waitMs: 0 });
  }

  private async process(job: Job<AnalysisJobData, JobSummary>, token: string | undefined): Promise<JobSummary> {
    const { target } = job.data;
    const jobId = job.id ?? jobIdFor(target);
    // 1. one running job per installation: a busy or paused installation sends the job back to wait
    const admission = await this.locks.acquire(target.installationId, jobId);
    if (admission.state !== "acquired") {
      const waitMs = admission.state === "paused" ? admission.waitMs : Math.min(Math.max(admission.waitMs, 50), this.deps.settings.busyRetryMs);
      return this.postpone(job, token, waitMs + jitter());
    }
    const heartbeat = setInterval(() => {
      this.locks.extend(target.installationId, jobId).then(
        (held) => held || this.deps.log.error({ job: jobId }, "lost the installation lock while analysing (the worker was blocked longer than HUNKGUARD_JOB_LOCK_MS)"),
        (e) => this.deps.log.warn({ job: jobId, err: describeError(e) }, "could not extend the installation lock"),
      );
    }, Math.max(100, Math.floor(this.deps.settings.jobLockMs / 3)));
    try {
      return await this.analyse(job, token, jobId);
    } finally {
      clearInterval(heartbeat);
      await this.handOver(target.installationId, jobId);
    }
  }

  private async analyse(job: Job<AnalysisJobData, JobSummary>, token: string | undefined, jobId: string): Promise<JobSummary> {
    const data = job.data;
    const { target } = data;
    const log = this.deps.log.child({ job: jobId, delivery: data.delivery });
    const client = async () => (await this.deps.probot.auth(target.installationId)) as unknown as GitHub;
    // 2. a newer head of this pull request was queued: drop this one (completing a run an earlier attempt left)
    if (await this.superseded(data)) {
      if (data.began) await this.retire(await client(), data, "Superseded by a newer push", "A newer commit of this pull request was queued; that commit gets its own check.");
      log.info({ pull: pullKey(target), sha: target.headSha }, "dropped: a newer head of this pull request was queued");
      return { result: "dropped" };
    }
    const retry = data.began === true;
    const gh = new StoppableGitHub(await client());
    this.running.add(gh);
    try {
      // 3. an earlier attempt that finished the analysis but died before the queue heard of it
      if (retry && (await findCheckRun(gh.gh, target.repo, target.headSha, data.runKey))?.status === "completed") {
        log.info({}, "an earlier attempt already completed this analysis");
        return { result: "already done" };
      }
      if (!retry) await job.updateData({ ...data, began: true });
      // 4. the analysis; a retry adopts the check run an earlier attempt left in progress
      log.info({ pull: pullKey(target), sha: target.headSha, attempt: job.attemptsStarted, retry }, "analysing");
      const outcome = await analyzePullRequest(
        {
          gh: gh.gh,
          rules: this.deps.rules,
          log,
          timeoutMs: this.deps.settings.analysisTimeoutMs,
          pool: this.deps.pool,
          fileTimeoutMs: this.deps.fileTimeoutMs,
          // every attempt of this job shares one run: a retry adopts the one an earlier attempt left in progress
          checkRunIdentity: { externalId: data.runKey, adopt: retry },
          resultCache: this.resultCache,
        },
        target,
      );
      if (!gh.stopped) {
        log.info({ conclusion: outcome.conclusion, findings: outcome.findings.length, superseded: outcome.superseded, ms: Date.now() - data.acceptedAt }, "analysis finished");
        return { result: "analysed", conclusion: outcome.conclusion, findings: outcome.findings.length, superseded: outcome.superseded };
      }
    } catch (e) {
      if (!(e instanceof JobStopped)) throw e;
    } finally {
      this.running.delete(gh);
    }
    // 5. stopped half-way: back to the queue (the installation paused for GitHub's retry-after)
    const stop = gh.stopped!;
    if (stop.reason === "secondary rate limit") await this.locks.pause(target.installationId, stop.waitMs);
    log.warn({ reason: stop.reason, waitMs: stop.waitMs }, "analysis stopped; back to the queue");
    return this.postpone(job, token, stop.waitMs + jitter());
  }

  /** Back to the queue as a delayed job; does not count as an attempt. */
  private async postpone(job: Job<AnalysisJobData, JobSummary>, token: string | undefined, waitMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  }

  private async superseded(data: AnalysisJobData): Promise<boolean> {
    if (data.target.updatedAt === undefined) return false;
    const newest = await newestHead(this.redis, this.keys, pullKey(data.target));
    return newest !== null && newest.sha !== data.target.headSha;
  }

  /** Release the installation and wake its oldest waiting job (delayed jobs only; others are on their way). */
  private async handOver(installationId: number, jobId: string): Promise<void> {
    try {
      for (const id of await this.locks.release(installationId, jobId)) {
        const next = id === jobId ? undefined : await this.queue.getJob(id);
        const state = next ? await next.getState() : "unknown";
        if (state === "delayed") {
          await next!.promote().catch(() => {});
          return;
        }
        if (state === "waiting" || state === "active" || state === "prioritized" || state === "waiting-children") return;
        await this.locks.forgetWaiter(installationId, id);
      }
    } catch (e) {
      this.deps.log.warn({ job: jobId, err: describeError(e) }, "could not hand the installation over");
    }
  }

  /** Complete a check run an earlier attempt left in progress (the job ends without analysing). */
  private async retire(gh: GitHub, data: AnalysisJobData, title: string, summary: string): Promise<void> {
    const run = new CheckRun({ gh, repo: data.target.repo, headSha: data.target.headSha, identity: { externalId: data.runKey, adopt: true } });
    try {
      if (await run.adoptInProgress()) await run.complete("neutral", { title, summary });
    } catch (e) {
      this.deps.log.error({ job: jobIdFor(data.target), err: describeError(e) }, "could not complete the check run an earlier attempt left in progress");
    }
  }

  /** A job that failed for good (or was failed by the queue) leaves no check run in progress. */
  private async failed(job: Job<AnalysisJobData, JobSummary> | undefined, err: Error): Promise<void> {
    if (!job || err instanceof DelayedError || err.name === "DelayedError") return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than allowable limit/.test(err.message);
    this.deps.log.error({ job: job.id, err: describeError(err), attemptsMade: job.attemptsMade, final }, final ? "analysis job failed for good" : "analysis job failed; it will be retried");
    if (!final || !job.data?.began) return;
    try {
      const gh = (await this.deps.probot.auth(job.data.target.installationId)) as unknown as GitHub;
      await this.retire(gh, job.data, "HunkGuard could not finish", `The analysis failed: ${inlineMarkdown(describeError(err), 500)}. Re-run the check to try again.`);
    } catch (e) {
      this.deps.log.error({ job: job.id, err: describeError(e) }, "could not reach GitHub to complete the check run");
    }
  }
}
