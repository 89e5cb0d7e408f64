/**
 * One analysis of one pull-request head, from the check run to the review. Every path ends with
 * the check run completed — with the findings' conclusion, or with the reason it could not finish.
 */
import type { AppIdentity, GitHub, LimitPolicy, RepoRef } from "./octokit.js";
import { DEFAULT_LIMIT_POLICY, appIdOf, appIdentityFromApi, boundRequests, describeError, statusOf } from "./octokit.js";
import { CheckRun, completedRuns, type CheckRunIdentity, type CheckSink, type Conclusion } from "./check.js";
import { listChangedFiles, prepareFiles, readContentsAndConfig } from "./files.js";
import { githubConfigReader, type ConfigOverride } from "./config.js";
import { matchPosted, planReview, postReview, readPullState, resolveFixedThreads, type PostedMatch, type PullState } from "./review.js";
import { DEFAULT_CONFIG, pathSelector, ruleFilter, failsCheck, type RepoConfig } from "../core/config.js";
import { parseLayeredConfig } from "../core/config-schema.js";
import { newReport, notAnalysed, unanalysedNote, unanalysedTitle } from "../core/report.js";
import { analyzeChange } from "../core/change.js";
import { AnalysisPool, defaultWorkerUrl } from "../core/pool.js";
import type { CacheStats, ResultCache } from "../core/result-cache.js";
import { annotationFor, checkSummary, checkTitle, inlineMarkdown } from "../core/render.js";
import type { RuleSet } from "../core/rules/load.js";
import type { Finding } from "../core/finding.js";

export interface PullTarget {
  repo: RepoRef;
  installationId: number;
  number: number;
  headSha: string;
  draft: boolean;
  state: "open" | "closed";
  /** what asked for this analysis (`pull_request.opened`, `check_run.rerequested`, …) */
  trigger: string;
  /** the pull request's count of changed files, when the event says (GitHub lists at most 3,000) */
  changedFiles?: number;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Heads this process has already given a verdict on (bounded; see `HeadMemory` in queue.ts). */
export interface AnalysedHeads {
  has(key: string): boolean;
  add(key: string): void;
}

export interface PipelineDeps {
  gh: GitHub;
  rules: RuleSet;
  /** pull-request heads already analysed here: a replayed event for one of them costs no request */
  analysedHeads?: AnalysedHeads;
  /**
   * Worker threads for the analysis of every pull request, whatever its size (the event loop stays
   * free to answer webhooks); null: this thread (no per-file time limit). The caller owns it: the
   * app and the queue worker make one per process (`poolFromEnv`) and pass it to every analysis.
   */
  pool: AnalysisPool | null;
  /** a file taking longer than this on the pool is not analysed (named in the check); default 60 s */
  fileTimeoutMs?: number;
  /**
   * The check run's identity when the analysis is a queued job that may run more than once (see
   * CheckRunIdentity); default: a fresh run.
   */
  checkRunIdentity?: CheckRunIdentity;
  /**
   * Where the verdict goes; default: a `CheckRun` on the head (with `checkRunIdentity`). The GitHub
   * Action passes one that falls back to workflow annotations (github/action.ts).
   */
  checkSink?: (target: PullTarget) => CheckSink;
  /** a config file read elsewhere and settings that win over the repository's (the Action's inputs) */
  configOverride?: ConfigOverride;
  log: Logger;
  /** whole-analysis time budget */
  timeoutMs?: number;
  /** how long one GitHub request (with its retries) may take; default 30 s */
  requestTimeoutMs?: number;
  /** secondary-rate-limit retries of mutations */
  limits?: LimitPolicy;
  /**
   * Per-file analyses by content (blob sha, the file's hunks, rules, options, version): an unchanged
   * file of a later push is not analysed again. Omit for none.
   */
  resultCache?: ResultCache | null;
}

export interface AnalysisOutcome {
  conclusion: Conclusion;
  title: string;
  reviewPosted: boolean;
  inlinePosted: number;
  findings: Finding[];
  superseded: boolean;
  /** files whose analysis came from the result cache, and files analysed */
  cache?: CacheStats;
  /** this head already has this app's verdict and nobody asked for a re-run: nothing was done */
  alreadyAnalysed?: boolean;
}

/** Titles of completions that are not a verdict on the code: such a head is analysed again. */
export const TITLES = {
  closed: "Pull request is closed",
  draft: "Draft pull request",
  failed: "HunkGuard could not finish",
  superseded: "Superseded by a newer push",
} as const;
const NOT_A_VERDICT = new Set<string>(Object.values(TITLES));

/** The memory key of one pull request's head. */
export const headKey = (t: PullTarget) => `${t.repo.owner}/${t.repo.repo}#${t.number}@${t.headSha}`;

const isRerun = (t: PullTarget) => t.trigger.endsWith(".rerequested");

const DEFAULT_TIMEOUT_MS = 5 * 60 * 1000;
/** GitHub ends its own requests after 10 s; this leaves room for the retry plugin's retries. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30 * 1000;

class Superseded extends Error {}
class TimedOut extends Error {}

const tookTooLong = (deps: PipelineDeps) => {
  const ms = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return `the analysis took longer than ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`;
};

/** A file not analysed makes the check at least `neutral` (`unanalysed: failure` in the config: `failure`), never `success`. */
function conclusionFor(config: RepoConfig, findings: Finding[], unanalysed = false): Conclusion {
  if (findings.some((f) => failsCheck(config, f.severity))) return "failure";
  if (unanalysed) return config.unanalysed;
  return findings.length ? "neutral" : "success";
}

/**
 * Whether this head already has this app's verdict (a replayed or repeated event): remembered in
 * this process, else one list request for the head's completed runs by this app. A re-run asked
 * for on GitHub always analyses again. When the list cannot be read, the analysis runs.
 */
async function alreadyAnalysed(deps: PipelineDeps, target: PullTarget): Promise<boolean> {
  if (isRerun(target)) return false;
  if (deps.analysedHeads?.has(headKey(target))) return true;
  try {
    const runs = await completedRuns(deps.gh, target.repo, target.headSha, await appIdOf(deps.gh));
    const verdict = runs.some((r) => r.conclusion !== "skipped" && r.conclusion !== "cancelled" && !NOT_A_VERDICT.has(r.title ?? ""));
    if (verdict) deps.analysedHeads?.add(headKey(target));
    return verdict;
  } catch (e) {
    deps.log.warn({ err: describeError(e), pull: target.number }, "could not list the head's check runs; analysing");
    return false;
  }
}

export const DEFAULT_FILE_TIMEOUT_MS = 60_000;

/**
 * The pool a process's analyses share, from its environment: `HUNKGUARD_THREADS` caps its threads,
 * 0 keeps every analysis on the main thread (debugging only: no per-file time limit there); null
 * also when the pool worker is not built (running from the sources). Threads start on first use.
 */
export function poolFromEnv(env: NodeJS.ProcessEnv): AnalysisPool | null {
  const cap = Number.parseInt(env.HUNKGUARD_THREADS ?? "", 10);
  const maxThreads = Number.isInteger(cap) && cap >= 0 ? cap : undefined;
  return defaultWorkerUrl() && maxThreads !== 0 ? new AnalysisPool({ maxThreads }) : null;
}

/** `HUNKGUARD_FILE_TIMEOUT_MS` when it is a positive integer; else undefined (the default applies). */
export function fileTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const ms = Number.parseInt(env.HUNKGUARD_FILE_TIMEOUT_MS ?? "", 10);
  return Number.isInteger(ms) && ms > 0 ? ms : undefined;
}

/** Analyse one head and publish the result. Never throws; never leaves the check in progress. */
export async function analyzePullRequest(deps: PipelineDeps, target: PullTarget): Promise<AnalysisOutcome> {
  const outcome = await analyze(deps, target);
  deps.log.info({ ...where(target), conclusion: outcome.conclusion, title: outcome.title, findings: outcome.findings.length, superseded: outcome.superseded }, "analysis finished");
  return outcome;
}

const where = (target: PullTarget) => ({ repo: `${target.repo.owner}/${target.repo.repo}`, pull: target.number, sha: target.headSha });

async function analyze(deps: PipelineDeps, target: PullTarget): Promise<AnalysisOutcome> {
  const { gh, log } = deps;
  log.info({ ...where(target), trigger: target.trigger }, "analysis started");
  boundRequests(gh, deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const check = deps.checkSink?.(target) ?? new CheckRun({ gh, repo: target.repo, headSha: target.headSha, limits: deps.limits ?? DEFAULT_LIMIT_POLICY, identity: deps.checkRunIdentity });
  const outcome: AnalysisOutcome = { conclusion: "neutral", title: "", reviewPosted: false, inlinePosted: 0, findings: [], superseded: false };
  // a head with a verdict is not analysed again (a replayed delivery) unless a re-run was asked for
  if (await alreadyAnalysed(deps, target)) {
    log.info({ pull: target.number, sha: target.headSha, trigger: target.trigger }, "this head already has a HunkGuard verdict; not analysed again (re-run the check to analyse it again)");
    return { ...outcome, title: "Already analysed", alreadyAnalysed: true };
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = { passed: false };
  try {
    await check.start();
    const budget = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        deadline.passed = true;
        reject(new TimedOut(tookTooLong(deps)));
      }, deps.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      timer.unref?.();
    });
    const result = await Promise.race([run(deps, target, check, outcome, deadline), budget]);
    if (!NOT_A_VERDICT.has(result.title) && result.conclusion !== "skipped") deps.analysedHeads?.add(headKey(target));
    return result;
  } catch (e) {
    const status = statusOf(e);
    const superseded = e instanceof Superseded;
    // one short line, never a response body (a 72 KB error page, a parse error quoting the code)
    const reason = superseded
      ? (e as Error).message
      : status === 404
        ? "the pull request or one of its files no longer exists on GitHub"
        : `HunkGuard could not finish: ${describeError(e)}`;
    if (!superseded) log.error({ err: describeError(e), status, repo: `${target.repo.owner}/${target.repo.repo}`, pull: target.number }, "analysis failed");
    outcome.superseded = superseded;
    outcome.conclusion = superseded ? "neutral" : "neutral";
    outcome.title = superseded ? TITLES.superseded : TITLES.failed;
    if (!check.completed) {
      try {
        await check.complete(outcome.conclusion, {
          title: outcome.title,
          summary: `${inlineMarkdown(reason, 500)}.${superseded ? "" : outcome.reviewPosted ? " The review was posted; re-run the check to have its findings annotated here." : " Re-run the check to try again; findings from this run were not posted."}`,
        });
      } catch (e2) {
        log.error({ err: describeError(e2) }, "could not complete the check run");
      }
    }
    return outcome;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function run(deps: PipelineDeps, target: PullTarget, check: CheckSink, outcome: AnalysisOutcome, deadline: { passed: boolean }): Promise<AnalysisOutcome> {
  const { gh, rules, log } = deps;
  const limits = deps.limits ?? DEFAULT_LIMIT_POLICY;
  // once the budget is spent the check is completed by the caller: this run must not touch GitHub again
  const inTime = () => {
    if (deadline.passed) throw new TimedOut(tookTooLong(deps));
  };
  const done = async (conclusion: Conclusion, title: string, summary: string) => {
    outcome.conclusion = conclusion;
    outcome.title = title;
    await check.complete(conclusion, { title, summary });
    return outcome;
  };

  // 1. a closed pull request needs nothing else
  if (target.state === "closed") return done("success", TITLES.closed, "Nothing to analyse: the pull request is closed.");

  // 2. the changed files; then, in one GraphQL request per 100 files, the sizes of those the
  // default globs select together with the repo config (the config's own globs are applied after)
  const { files, truncated } = await listChangedFiles(gh, target.repo, target.number, target.changedFiles);
  inTime();
  let mergeBase: string | null = null;
  const baseSha = async () => {
    if (!mergeBase) {
      const { data } = await gh.rest.pulls.get({ ...target.repo, pull_number: target.number });
      const cmp = await gh.rest.repos.compareCommitsWithBasehead({ ...target.repo, basehead: `${data.base.sha}...${target.headSha}`, per_page: 1 });
      mergeBase = cmp.data.merge_base_commit.sha;
    }
    return mergeBase;
  };
  const likely = pathSelector(DEFAULT_CONFIG);
  const read = await readContentsAndConfig(gh, target.repo, files.filter((f) => f.status !== "removed" && likely(f.path)), { headSha: target.headSha, baseSha });
  inTime();
  const { config, problems } = await githubConfigReader(gh, target.repo, read.config, deps.configOverride).read();
  inTime();

  // 3. drafts (when the config says so) and pull requests without Python end here
  if (target.draft && !config.drafts) return done("skipped", TITLES.draft, "Drafts are not analysed (`drafts: false` in `.github/hunkguard.yml`).");
  const selected = pathSelector(config);
  const python = files.filter((f) => f.status !== "removed" && selected(f.path));
  if (!python.length && truncated) {
    // GitHub listed only 3,000 files: Python may be among the others
    return done(config.unanalysed, "No Python in the first 3,000 files; the rest not analysed", unanalysedNote([], true, config.unanalysed));
  }
  if (!python.length) {
    return done("success", "No Python changes", problems.length ? checkSummary({ findings: [], skipped: [], tally: newReport().tally, files: 0, lines: 0, inlinePosted: 0, inlineAlreadyThere: 0, configProblems: problems, notes: [] }) : "This pull request changes no Python files HunkGuard analyses.");
  }

  // 4. contents (texts within the size limit; a file the config's globs add is sized now) and
  // changed lines; 5. the analysis (pure core), on worker threads whatever the size, each file
  // under a time limit
  const prepared = await prepareFiles(gh, target.repo, python, { headSha: target.headSha, maxFileBytes: config.max_file_bytes, baseSha, sizes: read.sizes });
  inTime();
  const enabled = ruleFilter(config);
  const blobs = new Map(python.map((f) => [f.path, f.sha]));
  outcome.cache = { hits: 0, analysed: 0 };
  const { report, belowSeverity } = await analyzeChange(
    prepared.sources.map((s) => ({ path: s.path, text: s.text, patch: prepared.patches.get(s.path), contentId: /^[0-9a-f]{40}$/.test(blobs.get(s.path) ?? "") ? blobs.get(s.path) : undefined })),
    {
      rules,
      enabledRules: rules.rules.filter(enabled).map((r) => r.id),
      mode: config.filter,
      minSeverity: config.min_severity,
      tests: config.tests,
      maxFileBytes: config.max_file_bytes,
      fileTimeoutMs: deps.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS,
      minFiles: 0,
      minLines: 0,
      skipped: prepared.skipped,
      cache: deps.resultCache,
      cacheStats: outcome.cache,
    },
    deps.pool,
  );
  inTime();
  outcome.findings = report.findings;

  // 6. only the newest head posts; what is already posted is not posted again
  const notes: string[] = [];
  let state: PullState | null = null;
  // markers count only in this app's own comments: who we are comes with the check run we created
  const app: AppIdentity | null = check.app ?? (await appIdentityFromApi(gh));
  try {
    if (!app) throw new Error("this app's identity is unknown, so its earlier comments cannot be told from others'");
    state = await readPullState(gh, target.repo, target.number, app);
  } catch (e) {
    if (statusOf(e) === 404) throw e;
    // without the comments already there, posting could repeat them: the check run carries everything
    log.warn({ err: describeError(e), pull: target.number }, "could not read the review threads; no review posted");
    notes.push(`⚠️ The comments already on the pull request could not be read (${describeError(e)}), so no review was posted (it could have repeated them). Every finding is in this check run; re-run the check to post the review.`);
  }
  inTime();
  if (state?.headSha && state.headSha !== target.headSha) {
    throw new Superseded(`A newer commit (${state.headSha.slice(0, 7)}) was pushed while ${target.headSha.slice(0, 7)} was analysed; that commit gets its own check`);
  }

  // 7. the review: only what is not on the pull request yet. A review GitHub refuses does not lose
  // the analysis: the check run below still carries every finding.
  // a file not analysed (skipped, a rule failed, code on its changed lines that did not parse) cannot tell that a finding is gone
  const skippedPaths = new Set(notAnalysed(report).map((k) => k.path));
  const match: PostedMatch = state
    ? matchPosted(report.findings, state, {
        analysed: new Set(prepared.sources.map((s) => s.path).filter((p) => !skippedPaths.has(p))),
        removed: new Set(files.filter((f) => f.status === "removed").map((f) => f.path)),
        listed: new Set(files.map((f) => f.path)),
        complete: !truncated,
      })
    : { posted: new Set(), gone: [] };
  const plan = planReview(report.findings, prepared.patches, match.posted, rules, config.max_inline_comments);
  if (state && app && (plan.comments.length || plan.overflow.length)) {
    const ghPatched = new Set(python.filter((f) => f.patch !== undefined).map((f) => f.path));
    try {
      const posted = await postReview(gh, target.repo, target.number, target.headSha, plan, (p) => ghPatched.has(p), app, limits);
      outcome.reviewPosted = true;
      outcome.inlinePosted = posted.inlinePosted;
      notes.push(...posted.notes);
    } catch (e) {
      log.warn({ err: describeError(e), status: statusOf(e), pull: target.number }, "the review could not be posted");
      notes.push(`⚠️ The review could not be posted (${describeError(e)}). Every finding is in this check run; re-run the check to post the review.`);
    }
    inTime();
  }
  if (state) {
    try {
      const fixed = await resolveFixedThreads(gh, match.gone, target.headSha, limits);
      if (fixed.replied) notes.push(`${fixed.replied} earlier finding(s) fixed since: replied in their thread(s).`);
      if (fixed.resolved) notes.push(`${fixed.resolved} earlier comment thread(s) resolved: their findings are gone.`);
    } catch (e) {
      log.warn({ err: describeError(e), pull: target.number }, "could not answer the threads of fixed findings");
      notes.push(`Earlier comment threads whose findings are gone could not be answered (${describeError(e)}).`);
    }
    inTime();
  }

  // 8. the check: every finding annotated, nothing dropped silently; what was not analysed named
  const unanalysed = notAnalysed(report);
  if (unanalysed.length || truncated) notes.push(unanalysedNote(unanalysed, truncated, config.unanalysed));
  const conclusion = conclusionFor(config, report.findings, unanalysed.length > 0 || truncated);
  const summary = checkSummary({
    findings: report.findings,
    skipped: report.skipped,
    tally: report.tally,
    files: report.files,
    lines: report.lines,
    inlinePosted: outcome.inlinePosted,
    inlineAlreadyThere: plan.alreadyPosted.length,
    configProblems: problems,
    notes,
    ...(config.min_severity ? { belowSeverity: { count: belowSeverity, minSeverity: config.min_severity } } : {}),
  });
  outcome.conclusion = conclusion;
  outcome.title = checkTitle(report.findings) + (unanalysed.length || truncated ? `; ${unanalysedTitle(unanalysed, truncated)}` : "");
  await check.complete(conclusion, { title: outcome.title, summary, annotations: report.findings.map(annotationFor) });
  return outcome;
}
