/**
 * `hunkguard review [--base REF]`: the branch's diff, analysed under the repo config as the app
 * would, and the review it would post (core/review-plan.ts, as the app plans it).
 *
 * `review --github` (GitHub Actions: post the review with GITHUB_TOKEN) is `runAction` in
 * src/github/action.ts, called from index.ts.
 */
import type { RepoConfig } from "../../core/config.js";
import { planReview, type ReviewPlan } from "../../core/review-plan.js";
import type { FilePatch } from "../../core/hunks.js";
import type { RuleSet } from "../../core/rules/load.js";
import type { Options } from "../args.js";
import type { Scope } from "../config.js";
import { pathFilter } from "../selection.js";
import { settingsOf } from "./scan.js";
import { isPythonFile, jobsFromDiff } from "../files.js";
import { branchDiff, type ReviewContext } from "../git.js";
import type { CliIO } from "../io.js";
import { analyzeFiles, inputError, narrowRun, newRun, type Run } from "../run.js";

export async function reviewBranch(opts: Options, rules: RuleSet, io: CliIO, scope: Scope): Promise<{ run: Run; ctx: ReviewContext; plan: ReviewPlan; config: RepoConfig }> {
  const { diffs, root, ctx } = branchDiff(opts.base, io.cwd);
  const { config } = scope;
  const selected = pathFilter(config, opts.exclude);
  const kept = diffs.filter((d) => d.newPath === null || !isPythonFile(d.newPath) || selected(d.newPath));
  ctx.excluded = diffs.length - kept.length;
  const run = newRun();
  const jobs = jobsFromDiff(kept, root, (message, path, reason) => {
    inputError(io, run, message);
    run.report.skipped.push({ path, reason });
  });
  await analyzeFiles(jobs, settingsOf(opts, rules, scope), io, run);
  // planReview offers one suggestion per set of lines itself
  narrowRun(run, opts, io.cwd, false);
  const patches = new Map<string, FilePatch>(jobs.map((j) => [j.path, j.changed!.patch]));
  // nothing is posted yet locally: no fingerprint is "already on the pull request"
  const plan = planReview(run.report.findings, patches, new Set(), rules, config.max_inline_comments);
  return { run, ctx, plan, config };
}
