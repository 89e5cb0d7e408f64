/**
 * HunkGuard, the GitHub App. The handlers read like a table of contents: turn the event into what
 * to analyse, schedule it (deduplicated, serialized per installation, newest head wins), answer
 * GitHub at once; the pipeline in src/github/pipeline.ts does the rest.
 */
import type { Context, Probot } from "probot";
import { loadRules, type RuleSet } from "./core/rules/load.js";
import { AnalysisQueue } from "./github/queue.js";
import { analyzePullRequest, type PullTarget } from "./github/pipeline.js";
import { targetFromPullRequest, targetsFromRerun } from "./github/events.js";
import { CHECK_NAME } from "./github/check.js";
import { DEFAULT_LIMIT_POLICY, type GitHub, type LimitPolicy, type Sleep } from "./github/octokit.js";

export interface HunkGuardOptions {
  rules?: RuleSet;
  queue?: AnalysisQueue;
  timeoutMs?: number;
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
  const rules = options.rules ?? loadRules();
  const queue = options.queue ?? new AnalysisQueue();
  const limits: LimitPolicy = { ...DEFAULT_LIMIT_POLICY, ...options.limits, ...(options.sleep ? { sleep: options.sleep } : {}) };

  function schedule(context: Context, target: PullTarget & { updatedAt?: number }): void {
    const gh = context.octokit as unknown as GitHub;
    const job = queue.enqueue(
      { installationId: target.installationId, pull: `${target.repo.owner}/${target.repo.repo}#${target.number}`, headSha: target.headSha, updatedAt: target.updatedAt },
      () =>
        analyzePullRequest(
          { gh, rules, loadConfig: () => context.config("hunkguard.yml"), log: context.log, timeoutMs: options.timeoutMs, limits },
          target,
        ),
    );
    job.then(
      (result) => context.log.info({ delivery: context.id, pull: target.number, sha: target.headSha, result }, "analysis scheduled work finished"),
      (e) => context.log.error({ delivery: context.id, err: (e as Error).message }, "analysis crashed"),
    );
  }

  return (app: Probot): void => {
    app.on([...PULL_REQUEST_EVENTS], async (context) => {
      // 1. the same delivery twice runs once
      if (queue.isDuplicate(context.id)) return;
      // 2. what to analyse (a malformed payload is logged and ignored)
      const target = targetFromPullRequest(context.payload, context.name + "." + context.payload.action);
      if (!target) {
        context.log.warn({ delivery: context.id }, "pull_request payload without the fields HunkGuard needs; ignored");
        return;
      }
      // 3. schedule, and answer GitHub without waiting for the analysis
      schedule(context, target);
    });

    app.on(["check_run.rerequested", "check_suite.rerequested"], async (context) => {
      if (queue.isDuplicate(context.id)) return;
      const key = context.name === "check_run" ? "check_run" : "check_suite";
      if (key === "check_run" && (context.payload as { check_run?: { name?: string } }).check_run?.name !== CHECK_NAME) return;
      let targets: PullTarget[] | null;
      try {
        targets = await targetsFromRerun(context.octokit as unknown as GitHub, context.payload, key, `${key}.rerequested`);
      } catch (e) {
        context.log.error({ delivery: context.id, err: (e as Error).message }, "could not find the pull request to re-run");
        return;
      }
      if (!targets) {
        context.log.warn({ delivery: context.id }, `${key} payload without the fields HunkGuard needs; ignored`);
        return;
      }
      for (const target of targets) schedule(context, target);
    });
  };
}

export default hunkGuard();
