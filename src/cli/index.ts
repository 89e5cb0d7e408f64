/**
 * The `hunkguard` command line: the same engine as the app, run locally.
 *
 *   hunkguard scan [PATH...]        whole files (folders recursively: .py, .pyi)
 *   hunkguard scan --diff FILE|-    only the lines a unified diff adds
 *   hunkguard review [--base REF]   what the bot would post for this branch
 *   hunkguard rules                 the rule catalogue
 *
 * All I/O goes through `CliIO` so tests run `main` in-process; nothing here calls `process.exit`.
 * Exit codes: 0 nothing at or above --fail-on, 1 a finding at or above it, 2 usage or input error
 * (input errors do not stop the run: every other file is still scanned and reported).
 */
import { loadRules, RuleLoadError, type RuleSet } from "../core/rules/load.js";
import { notAnalysed } from "../core/report.js";
import { SEVERITY_RANK } from "../core/finding.js";
import type { ReviewPlan } from "../core/review-plan.js";
import { parseOptions, readPackageInfo, USAGE, type FailOn, type Options } from "./args.js";
import { InputError, UsageError, processIO, type CliIO } from "./io.js";
import type { ReviewContext } from "./git.js";
import type { Run } from "./run.js";
import { reportJson } from "./output/json.js";
import { sarifText } from "./output/sarif.js";
import { paint, reportText, reviewText, type Paint } from "./output/text.js";
import { scanDiff, scanPaths } from "./commands/scan.js";
import { reviewBranch } from "./commands/review.js";
import { rulesJson, rulesText } from "./commands/rules.js";

export type { CliIO } from "./io.js";
export { USAGE } from "./args.js";

function exitCodeOf(run: Run, failOn: FailOn, allowUnanalysed: boolean): number {
  if (run.inputErrors) return 2;
  if (!allowUnanalysed && notAnalysed(run.report).length) return 2;
  if (failOn === "never") return 0;
  const rank = SEVERITY_RANK[failOn];
  return run.report.findings.some((f) => SEVERITY_RANK[f.severity] >= rank) ? 1 : 0;
}

function printRun(run: Run, rules: RuleSet, opts: Options, io: CliIO, p: Paint, review?: { ctx: ReviewContext; plan: ReviewPlan }): void {
  if (opts.format === "json") io.stdout.write(`${JSON.stringify(reportJson(run), null, 2)}\n`);
  else if (opts.format === "sarif") io.stdout.write(sarifText(run, rules.rules));
  else io.stdout.write(review ? reviewText(run, review.ctx, review.plan, p) : reportText(run, p));
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`hunkguard: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === "help") {
    io.stdout.write(USAGE);
    return 0;
  }
  if (opts === "version") {
    io.stdout.write(`hunkguard ${readPackageInfo().version}\n`);
    return 0;
  }
  const env = io.env ?? {};
  const p = paint(opts.format === "text" && io.isTTY && !env.NO_COLOR);
  try {
    const rules = await loadRules();
    if (opts.command === "rules") {
      io.stdout.write(opts.format === "json" ? `${JSON.stringify(rulesJson(rules.rules), null, 2)}\n` : rulesText(rules.rules, p));
      return 0;
    }
    if (opts.command === "review") {
      const { run, ctx, plan, config } = await reviewBranch(opts, rules, io);
      printRun(run, rules, opts, io, p, { ctx, plan });
      return exitCodeOf(run, opts.failOn ?? config.fail_on, opts.allowUnanalysed);
    }
    const run = opts.diff !== undefined ? await scanDiff(opts, rules, io) : await scanPaths(opts, rules, io);
    printRun(run, rules, opts, io, p);
    return exitCodeOf(run, opts.failOn ?? "high", opts.allowUnanalysed);
  } catch (e) {
    if (e instanceof InputError || e instanceof RuleLoadError) {
      io.stderr.write(`hunkguard: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`hunkguard: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
