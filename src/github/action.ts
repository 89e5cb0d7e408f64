/**
 * HunkGuard as a GitHub Action: `hunkguard review --github` in a workflow run by a `pull_request`
 * event. The pull request comes from the event file (`GITHUB_EVENT_PATH`), GitHub is reached with
 * the workflow's `GITHUB_TOKEN` through `@octokit/rest`, and the analysis is the app's own pipeline
 * (github/pipeline.ts): the same requests, the same single review with fingerprint markers, the same
 * check run. Only the check differs, behind the pipeline's `CheckSink`: a token that may not write
 * checks (a fork's pull request gets a read-only token) makes the verdict workflow annotations
 * (`::error file=…,line=…::…`) and a step summary instead — a refused write never fails the job.
 * The exit code is the verdict: 1 when a finding is at or above `fail_on` (`--fail-on`), 2 when the
 * analysis could not run or finish, else 0.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { Octokit } from "@octokit/rest";
import { CheckRun, type CheckOutput, type CheckSink, type Conclusion } from "./check.js";
import { DEFAULT_LIMIT_POLICY, describeError, statusOf, type AppIdentity, type GitHub, type LimitPolicy } from "./octokit.js";
import { TITLES, analyzePullRequest, fileTimeoutFromEnv, poolFromEnv, type AnalysisOutcome, type Logger, type PullTarget } from "./pipeline.js";
import { targetFromPullRequest } from "./events.js";
import type { ConfigOverride } from "./config.js";
import { loadRules, type RuleSet } from "../core/rules/load.js";
import type { AnalysisPool } from "../core/pool.js";
import type { CheckAnnotation } from "../core/render.js";
import type { Severity } from "../core/types.js";

/** The app behind a workflow's `GITHUB_TOKEN`: its bot `github-actions[bot]` writes the comments. */
export const GITHUB_ACTIONS_APP: AppIdentity = { id: 15368, slug: "github-actions" };

export interface ActionOptions {
  /** the workflow's environment (default `process.env`): GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_TOKEN, GITHUB_API_URL, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE */
  env?: NodeJS.ProcessEnv;
  /** `--fail-on`: wins over the config's `fail_on` */
  failOn?: Severity | "never";
  /** `--min-severity`: wins over the config's `min_severity` */
  minSeverity?: Severity;
  /** `--config FILE`: a config file in the workspace, used instead of the default branch's `.github/hunkguard.yml` */
  configPath?: string;
  rules?: RuleSet;
  /** worker threads (default: from HUNKGUARD_THREADS, closed at the end); null: the main thread */
  pool?: AnalysisPool | null;
  /** where workflow commands and plain lines go (default: standard output) */
  write?: (line: string) => void;
  /** the GitHub client (tests); default `@octokit/rest` with GITHUB_TOKEN at GITHUB_API_URL */
  octokit?: GitHub;
  timeoutMs?: number;
  requestTimeoutMs?: number;
  limits?: Partial<Omit<LimitPolicy, "sleep">> & Pick<Partial<LimitPolicy>, "sleep">;
}

export interface ActionResult {
  /** 0 clean, 1 findings at or above fail-on, 2 the analysis could not run or finish */
  exitCode: 0 | 1 | 2;
  outcome?: AnalysisOutcome;
  /** how the verdict was published: a check run, or (checks refused) workflow annotations */
  published?: "check run" | "annotations";
  /** why nothing ran (exit code 2 before the analysis) */
  error?: string;
}

const PULL_EVENTS = new Set(["pull_request", "pull_request_target"]);

/** Run the review for the workflow's pull request. Never throws: problems are the exit code and a message. */
export async function runAction(opts: ActionOptions = {}): Promise<ActionResult> {
  const env = opts.env ?? process.env;
  const write = opts.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const fail = (error: string): ActionResult => {
    write(`::error title=HunkGuard::${escapeData(error)}`);
    return { exitCode: 2, error };
  };

  // 1. the pull request, from the event that started the workflow
  const event = env.GITHUB_EVENT_NAME;
  if (!event || !PULL_EVENTS.has(event)) return fail(`review --github reviews a pull request: run it on the pull_request event (this workflow was started by ${event ? `"${event}"` : "no event"})`);
  if (!env.GITHUB_EVENT_PATH) return fail("GITHUB_EVENT_PATH is not set: review --github runs inside a GitHub Actions workflow");
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
  } catch (e) {
    return fail(`could not read the event file ${env.GITHUB_EVENT_PATH}: ${describeError(e)}`);
  }
  // a workflow's event carries no app installation: 0 stands for none (nothing uses it here)
  const target = targetFromPullRequest({ installation: { id: 0 }, ...payload }, `${event}.${String(payload.action ?? "")}`);
  if (!target) return fail("the event file holds no pull request HunkGuard can review");
  if (!opts.octokit && !env.GITHUB_TOKEN) return fail("GITHUB_TOKEN is not set: pass it to the step (env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }} or the action's token input)");

  // 2. the config: the default branch's, unless a file is named; the inputs win over both
  const override: ConfigOverride = {};
  if (opts.configPath) {
    const path = isAbsolute(opts.configPath) ? opts.configPath : resolve(env.GITHUB_WORKSPACE ?? process.cwd(), opts.configPath);
    try {
      override.text = readFileSync(path, "utf8");
    } catch (e) {
      return fail(`could not read the config file ${opts.configPath}: ${describeError(e)}`);
    }
  }
  if (opts.failOn || opts.minSeverity) {
    override.settings = { ...(opts.failOn ? { fail_on: opts.failOn } : {}), ...(opts.minSeverity ? { min_severity: opts.minSeverity } : {}) };
  }

  // 3. the app's pipeline, with the workflow's token and a sink that survives a refused check run
  const gh = opts.octokit ?? (new Octokit({
      auth: env.GITHUB_TOKEN,
      baseUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
      userAgent: "hunkguard-action",
      // a refused request is the pipeline's to report (a 403 on a fork is expected): one plain line each
      log: { debug: () => {}, info: () => {}, warn: (m: string) => write(m), error: (m: string) => write(String(m).replace(/ with id \S+ in \d+ms$/, "")) },
    }) as unknown as GitHub);
  const limits: LimitPolicy = { ...DEFAULT_LIMIT_POLICY, ...opts.limits };
  const ownPool = opts.pool === undefined;
  const pool = ownPool ? poolFromEnv(env) : opts.pool!;
  let sink: ActionCheck | undefined;
  try {
    const outcome = await analyzePullRequest(
      {
        gh,
        rules: opts.rules ?? (await loadRules()),
        pool,
        fileTimeoutMs: fileTimeoutFromEnv(env),
        log: workflowLogger(write),
        timeoutMs: opts.timeoutMs,
        requestTimeoutMs: opts.requestTimeoutMs,
        limits,
        configOverride: override,
        checkSink: (t) => (sink = new ActionCheck({ gh, target: t, limits, write, stepSummary: env.GITHUB_STEP_SUMMARY })),
      },
      target,
    );
    const exitCode = outcome.title === TITLES.failed ? 2 : outcome.conclusion === "failure" ? 1 : 0;
    return { exitCode, outcome, published: sink?.published ?? "check run" };
  } catch (e) {
    return fail(`HunkGuard could not finish: ${describeError(e)}`);
  } finally {
    if (ownPool) await pool?.close();
  }
}

/** GitHub refused the write for want of a permission (a read-only token), rather than failing. */
const refused = (e: unknown) => statusOf(e) === 403 || statusOf(e) === 404;

/**
 * The Action's check: a `CheckRun` while the token may write checks; once GitHub refuses (403, as
 * for a fork's read-only token), workflow annotations instead. Either way the verdict also goes to
 * the step summary.
 */
export class ActionCheck implements CheckSink {
  private readonly run: CheckRun;
  private mode: "check run" | "annotations" = "check run";
  private done = false;

  constructor(private readonly o: { gh: GitHub; target: PullTarget; limits: LimitPolicy; write: (line: string) => void; stepSummary?: string }) {
    this.run = new CheckRun({ gh: o.gh, repo: o.target.repo, headSha: o.target.headSha, limits: o.limits });
  }

  get published(): "check run" | "annotations" {
    return this.mode;
  }

  get completed(): boolean {
    return this.done;
  }

  /** The bot of the app GitHub names on our check run; without one, the workflow token's: `github-actions`. */
  get app(): AppIdentity | null {
    return this.run.app ?? GITHUB_ACTIONS_APP;
  }

  async start(): Promise<void> {
    try {
      await this.run.start();
    } catch (e) {
      if (!refused(e)) throw e;
      this.fallBack(e);
    }
  }

  async complete(conclusion: Conclusion, output: CheckOutput): Promise<void> {
    if (this.mode === "check run") {
      try {
        await this.run.complete(conclusion, output);
      } catch (e) {
        if (!refused(e)) throw e;
        this.fallBack(e);
      }
    }
    if (this.mode === "annotations") for (const a of output.annotations ?? []) this.o.write(workflowCommand(a));
    this.summarize(conclusion, output);
    this.done = true;
  }

  private fallBack(e: unknown): void {
    if (this.mode === "annotations") return;
    this.mode = "annotations";
    this.o.write(`::warning title=HunkGuard::${escapeData(`No check run: GitHub refused it (${describeError(e)}); the token needs "checks: write", which a fork's pull request does not get. The findings are reported as annotations of this job instead.`)}`);
  }

  private summarize(conclusion: Conclusion, output: CheckOutput): void {
    if (!this.o.stepSummary) return;
    try {
      appendFileSync(this.o.stepSummary, `## HunkGuard: ${output.title}\n\nConclusion: **${conclusion}**\n\n${output.summary}\n`);
    } catch (e) {
      this.o.write(`::warning title=HunkGuard::${escapeData(`could not write the step summary: ${describeError(e)}`)}`);
    }
  }
}

const COMMAND: Record<CheckAnnotation["annotation_level"], string> = { failure: "error", warning: "warning", notice: "notice" };

/** `::error file=…,line=…,endLine=…,title=…::message` — GitHub's workflow command for one annotation. */
export function workflowCommand(a: CheckAnnotation): string {
  const props = [`file=${escapeProperty(a.path)}`, `line=${a.start_line}`, `endLine=${a.end_line}`];
  if (a.start_column !== undefined) props.push(`col=${a.start_column}`);
  if (a.end_column !== undefined) props.push(`endColumn=${a.end_column}`);
  props.push(`title=${escapeProperty(a.title)}`);
  return `::${COMMAND[a.annotation_level]} ${props.join(",")}::${escapeData(a.message)}`;
}

/** Workflow command escaping (as @actions/core does): a message cannot end the command or start another. */
export const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** The pipeline's log as workflow output: warnings and errors as annotations of the job. */
function workflowLogger(write: (line: string) => void): Logger {
  const line = (obj: object, msg?: string) => `${msg ?? ""}${Object.keys(obj).length ? ` ${JSON.stringify(obj)}` : ""}`;
  return {
    info: (obj, msg) => write(line(obj, msg)),
    warn: (obj, msg) => write(`::warning::${escapeData(line(obj, msg))}`),
    error: (obj, msg) => write(`::error::${escapeData(line(obj, msg))}`),
  };
}
