/**
 * HunkGuard, the GitHub App. The handlers read like a table of contents: turn the event into what
 * to analyse, schedule it (deduplicated, serialized per installation, newest head wins), answer
 * GitHub at once; the pipeline in src/github/pipeline.ts does the rest — in this process, or, with
 * REDIS_URL set, in a worker (src/worker.ts) that takes the job from the Redis-backed queue.
 */
import type { Context, Probot } from "probot";
import { loadRules, type RuleSet } from "./core/rules/load.js";
import { AnalysisQueue, HeadMemory, InProcessScheduler, type Scheduler } from "./github/queue.js";
import { RedisScheduler } from "./github/redis-queue.js";
import { analyzePullRequest, fileTimeoutFromEnv, poolFromEnv, type PullTarget } from "./github/pipeline.js";
import type { AnalysisPool } from "./core/pool.js";
import { MemoryResultCache, type ResultCache } from "./core/result-cache.js";
import { targetFromPullRequest, targetsFromRerun } from "./github/events.js";
import { CHECK_NAME } from "./github/check.js";
import { DEFAULT_LIMIT_POLICY, describeError, type GitHub, type LimitPolicy, type Sleep } from "./github/octokit.js";

export interface HunkGuardOptions {
  rules?: RuleSet;
  /** the in-process queue (ignored when a scheduler is given) */
  queue?: AnalysisQueue;
  /** where analyses run; by default a RedisScheduler when REDIS_URL is set, else in process */
  scheduler?: Scheduler;
  timeoutMs?: number;
  /** how long one GitHub request may take (default 30 s) */
  requestTimeoutMs?: number;
  /** worker threads for the analyses (default: one pool for this app, from HUNKGUARD_THREADS, made at the first analysis; null: the main thread) */
  pool?: AnalysisPool | null;
  /** a file taking longer than this on the pool is not analysed (default HUNKGUARD_FILE_TIMEOUT_MS, else 60 s) */
  fileTimeoutMs?: number;
  /** per-file analyses by content (default: an in-memory LRU of HUNKGUARD_CACHE_MB, 64 MB; 0 turns it off; null: none) */
  resultCache?: ResultCache | null;
  /** how to wait out a secondary rate limit (tests pass one that does not wait) */
  sleep?: Sleep;
  /** bounds for secondary-rate-limit retries of mutations */
  limits?: Partial<Omit<LimitPolicy, "sleep">>;
}

export const PULL_REQUEST_EVENTS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
  "pull_request.ready_for_review",
] as const;

export function hunkGuard(options: HunkGuardOptions = {}) {
  // loaded once, at start; an invalid rule fails the app as it starts
  const rules: Promise<RuleSet> = options.rules ? Promise.resolve(options.rules) : loadRules();
  const scheduler = options.scheduler ?? defaultScheduler(options.queue);
  const limits: LimitPolicy = { ...DEFAULT_LIMIT_POLICY, ...options.limits, ...(options.sleep ? { sleep: options.sleep } : {}) };
  // heads this process gave a verdict on: a replayed delivery for one costs nothing
  const analysedHeads = new HeadMemory();
  // the worker threads every analysis of this app runs on; made when the first one starts
  let pool = options.pool;
  const poolNow = () => (pool === undefined ? (pool = poolFromEnv(process.env)) : pool);
  const fileTimeoutMs = options.fileTimeoutMs ?? fileTimeoutFromEnv(process.env);
  // unchanged files of a later push are not analysed again (see src/core/result-cache.ts)
  const resultCache = options.resultCache !== undefined ? options.resultCache : new MemoryResultCache();

  async function schedule(context: Context, target: PullTarget & { updatedAt?: number }): Promise<void> {
    const gh = context.octokit as unknown as GitHub;
    const result = await scheduler.schedule({
      target,
      delivery: context.id,
      log: context.log,
      analyseHere: async () =>
        analyzePullRequest(
          {
            gh,
            rules: await rules,
            analysedHeads,
            log: context.log,
            timeoutMs: options.timeoutMs,
            requestTimeoutMs: options.requestTimeoutMs,
            limits,
            pool: poolNow(),
            fileTimeoutMs,
            resultCache,
          },
          target,
        ),
    });
    context.log.debug({ delivery: context.id, pull: target.number, sha: target.headSha, result }, "analysis scheduled");
  }

  return (app: Probot): void => {
    app.on([...PULL_REQUEST_EVENTS], async (context) => {
      // 1. the same delivery twice runs once
      if (await scheduler.isDuplicate(context.id)) return;
      // 2. what to analyse (a malformed payload is logged and ignored)
      const target = targetFromPullRequest(context.payload, context.name + "." + context.payload.action);
      if (!target) {
        context.log.warn({ delivery: context.id }, "pull_request payload without the fields HunkGuard needs; ignored");
        return;
      }
      // 3. schedule, and answer GitHub without waiting for the analysis
      await schedule(context, target);
    });

    app.on(["check_run.rerequested", "check_suite.rerequested"], async (context) => {
      if (await scheduler.isDuplicate(context.id)) return;
      const key = context.name === "check_run" ? "check_run" : "check_suite";
      if (key === "check_run" && (context.payload as { check_run?: { name?: string } }).check_run?.name !== CHECK_NAME) return;
      let targets: PullTarget[] | null;
      try {
        targets = await targetsFromRerun(context.octokit as unknown as GitHub, context.payload, key, `${key}.rerequested`);
      } catch (e) {
        context.log.error({ delivery: context.id, err: describeError(e) }, "could not find the pull request to re-run");
        return;
      }
      if (!targets) {
        context.log.warn({ delivery: context.id }, `${key} payload without the fields HunkGuard needs; ignored`);
        return;
      }
      if (!targets.length) {
        const headSha = (context.payload as unknown as Record<string, { head_sha?: string }>)[key]?.head_sha;
        context.log.warn({ delivery: context.id, sha: headSha }, "re-run: no open pull request has this head commit; nothing analysed");
      }
      for (const target of targets) await schedule(context, target);
    });
  };
}

/** With REDIS_URL set, receivers enqueue and workers analyse; without, this process does both. */
function defaultScheduler(queue: AnalysisQueue | undefined): Scheduler {
  return process.env.REDIS_URL && !queue ? RedisScheduler.fromEnv(process.env) : new InProcessScheduler(queue);
}

export default hunkGuard();
