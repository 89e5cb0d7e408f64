/**
 * The `hunkguard` command line: the same engine as the app, run locally.
 *
 *   hunkguard scan [PATH...]        whole files (folders recursively: .py, .pyi)
 *   hunkguard scan --diff FILE|-    only the lines a unified diff adds
 *   hunkguard review [--base REF]   what the bot would post for this branch
 *   hunkguard review --github       post it from a GitHub Actions workflow (src/github/action.ts)
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
import { narrowRun, type Run } from "./run.js";
import { loadScope } from "./config.js";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { paint, reportText, reviewText, type Paint } from "./output/text.js";
import { scan } from "./commands/scan.js";
// review, rules, JSON and SARIF are imported by the runs that use them (start-up of a scan)

export type { CliIO } from "./io.js";
export { USAGE } from "./args.js";

function exitCodeOf(run: Run, failOn: FailOn, allowUnanalysed: boolean): number {
  if (run.inputErrors) return 2;
  if (!allowUnanalysed && notAnalysed(run.report).length) return 2;
  if (failOn === "never") return 0;
  const rank = SEVERITY_RANK[failOn];
  return run.report.findings.some((f) => SEVERITY_RANK[f.severity] >= rank) ? 1 : 0;
}

async function render(run: Run, rules: RuleSet, opts: Options, p: Paint, review?: { ctx: ReviewContext; plan: ReviewPlan }): Promise<string> {
  if (opts.format === "json") return `${JSON.stringify((await import("./output/json.js")).reportJson(run), null, 2)}\n`;
  if (opts.format === "sarif") return (await import("./output/sarif.js")).sarifText(run, rules.rules);
  return review ? reviewText(run, review.ctx, review.plan, p) : reportText(run, p, opts.quiet);
}

/** To standard output, or with --output to a file (written whole, once). */
function emit(text: string, opts: Options, io: CliIO): void {
  if (opts.output === undefined || opts.output === "-") {
    io.stdout.write(text);
    return;
  }
  try {
    writeFileSync(resolve(io.cwd, opts.output), text);
  } catch (e) {
    throw new InputError(`cannot write ${opts.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`hunkguard: ${e.message}\nsee hunkguard --help\n`);
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
  const p = paint(opts.format === "text" && io.isTTY && opts.output === undefined && !env.NO_COLOR);
  try {
    const rules = await loadRules();
    if (opts.command === "rules") {
      const { rulesJson, rulesText } = await import("./commands/rules.js");
      emit(opts.format === "json" ? `${JSON.stringify(rulesJson(rules.rules), null, 2)}\n` : rulesText(rules.rules, p), opts, io);
      return 0;
    }
    if (opts.command === "review" && opts.github) {
      // GitHub Actions mode: the app's pipeline with GITHUB_TOKEN (loaded only here: Octokit is not start-up cost)
      const { runAction } = await import("../github/action.js");
      const result = await runAction({ env: env as NodeJS.ProcessEnv, rules, failOn: opts.failOn, minSeverity: opts.minSeverity, configPath: opts.config, write: (line) => io.stdout.write(`${line}\n`) });
      return result.exitCode;
    }
    const scope = await loadScope(io.cwd, opts.config, (line) => io.stderr.write(`${line}\n`));
    let run: Run;
    let review: { ctx: ReviewContext; plan: ReviewPlan } | undefined;
    if (opts.command === "review") {
      const { reviewBranch } = await import("./commands/review.js");
      const r = await reviewBranch(opts, rules, io, scope);
      run = r.run;
      review = { ctx: r.ctx, plan: r.plan };
    } else {
      run = await scan(opts, rules, io, scope);
      narrowRun(run, opts, io.cwd, true);
    }
    if (opts.writeBaseline !== undefined) {
      const n = run.report.findings.length;
      io.stderr.write(`hunkguard: wrote ${n} finding${n === 1 ? "" : "s"} to the baseline ${opts.writeBaseline}\n`);
      return run.inputErrors ? 2 : 0;
    }
    emit(await render(run, rules, opts, p, review), opts, io);
    return exitCodeOf(run, opts.failOn ?? scope.config.fail_on, opts.allowUnanalysed);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`hunkguard: ${e.message}\nsee hunkguard --help\n`);
      return 2;
    }
    if (e instanceof InputError || e instanceof RuleLoadError) {
      io.stderr.write(`hunkguard: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`hunkguard: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
