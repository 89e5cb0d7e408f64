/**
 * `hunkguard review [--base REF]`: the branch's diff, analysed under the repo config as the app
 * would, and the review it would post (core/review-plan.ts, as the app plans it).
 */
import { pathSelector, ruleFilter, type RepoConfig } from "../../core/config.js";
import { planReview, type ReviewPlan } from "../../core/review-plan.js";
import type { FilePatch } from "../../core/hunks.js";
import type { RuleSet } from "../../core/rules/load.js";
import type { Options } from "../args.js";
import { readRepoConfig } from "../config.js";
import { isPythonFile, jobsFromDiff } from "../files.js";
import { branchDiff, type ReviewContext } from "../git.js";
import type { CliIO } from "../io.js";
import { analyzeFiles, inputError, newRun, type Run, type Settings } from "../run.js";

export async function reviewBranch(opts: Options, rules: RuleSet, io: CliIO): Promise<{ run: Run; ctx: ReviewContext; plan: ReviewPlan; config: RepoConfig }> {
  const { diffs, root, ctx } = branchDiff(opts.base, io.cwd);
  const { config, problems } = readRepoConfig(root);
  for (const problem of problems) io.stderr.write(`hunkguard: .github/hunkguard.yml: ${problem} (the default is used)\n`);
  const selected = pathSelector(config);
  const kept = diffs.filter((d) => d.newPath === null || !isPythonFile(d.newPath) || selected(d.newPath));
  ctx.excluded = diffs.length - kept.length;
  const run = newRun();
  const jobs = jobsFromDiff(kept, root, (message, path, reason) => {
    inputError(io, run, message);
    run.report.skipped.push({ path, reason });
  });
  const settings: Settings = {
    rules,
    fixes: opts.fixes,
    enabled: ruleFilter(config),
    mode: config.filter,
    minSeverity: opts.minSeverity ?? config.min_severity,
    maxFileBytes: config.max_file_bytes,
    progress: opts.format === "text",
  };
  await analyzeFiles(jobs, settings, io, run);
  const patches = new Map<string, FilePatch>(jobs.map((j) => [j.path, j.changed!.patch]));
  // nothing is posted yet locally: no fingerprint is "already on the pull request"
  const plan = planReview(run.report.findings, patches, new Set(), rules, config.max_inline_comments);
  return { run, ctx, plan, config };
}
