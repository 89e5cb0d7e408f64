/**
 * The `HunkGuard` check run: created in progress, always completed — with the findings' conclusion,
 * or with the reason the analysis could not finish. Annotations go 50 per request.
 */
import { randomUUID } from "node:crypto";
import type { AppIdentity, GitHub, LimitPolicy, RepoRef } from "./octokit.js";
import { DEFAULT_LIMIT_POLICY, statusOf, withSecondaryLimit } from "./octokit.js";
import { ANNOTATION_TEXT_LIMIT, CHECK_TEXT_LIMIT, TITLE_LIMIT, clampBytes, clampChars, type CheckAnnotation } from "../core/render.js";

export const CHECK_NAME = "HunkGuard";
const ANNOTATIONS_PER_REQUEST = 50;

export type Conclusion = "success" | "failure" | "neutral" | "cancelled" | "skipped" | "action_required";

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: CheckAnnotation[];
}

const isServerError = (e: unknown) => (statusOf(e) ?? 0) >= 500;

/**
 * An output GitHub accepts: `summary` and `text` at most 65,535 UTF-8 bytes, annotation `message`
 * and `raw_details` at most 64 KB, titles at most 255 characters. A longer field makes GitHub refuse
 * the whole update — and a refused completion would leave the run in progress for ever.
 */
export function withinLimits(output: CheckOutput): CheckOutput {
  const out: CheckOutput = { title: clampChars(output.title, TITLE_LIMIT), summary: clampBytes(output.summary, CHECK_TEXT_LIMIT) };
  if (output.text) out.text = clampBytes(output.text, CHECK_TEXT_LIMIT);
  if (output.annotations) {
    out.annotations = output.annotations.map((a) => ({
      ...a,
      message: clampBytes(a.message, ANNOTATION_TEXT_LIMIT),
      title: clampChars(a.title, TITLE_LIMIT),
      ...(a.raw_details !== undefined ? { raw_details: clampBytes(a.raw_details, ANNOTATION_TEXT_LIMIT) } : {}),
    }));
  }
  return out;
}

/** The app a check run belongs to, as GitHub reports it. */
function appOf(run: { app?: { id?: number; slug?: string } | null }): AppIdentity | null {
  return run.app && typeof run.app.slug === "string" ? { id: typeof run.app.id === "number" ? run.app.id : null, slug: run.app.slug } : null;
}

interface RunState {
  status: string;
  annotationsCount: number;
}

/**
 * How one job's check run is recognised among the head's runs. A queued job can run more than once
 * (another worker takes it over after a crash; a secondary rate limit sends it back to the queue):
 * every attempt carries the same external id, and a later attempt adopts the run an earlier one
 * left in progress instead of creating a second.
 */
export interface CheckRunIdentity {
  externalId: string;
  /** an earlier attempt may have created the run: look for it before creating one */
  adopt: boolean;
}

export interface ExistingRun {
  id: number;
  status: string;
  annotationsCount: number;
  app?: AppIdentity | null;
}

/** This identity's run on the head, if any (the newest when, against all odds, there are two). */
export async function findCheckRun(gh: GitHub, repo: RepoRef, headSha: string, externalId: string): Promise<ExistingRun | null> {
  const runs = await gh.paginate(gh.rest.checks.listForRef, { ...repo, ref: headSha, check_name: CHECK_NAME, filter: "all", per_page: 100 });
  const ours = runs.filter((r) => r.external_id === externalId).sort((a, b) => b.id - a.id)[0];
  return ours ? { id: ours.id, status: ours.status, annotationsCount: ours.output?.annotations_count ?? 0, app: appOf(ours) } : null;
}

export interface CompletedRun {
  id: number;
  conclusion: string | null;
  title: string | null;
}

/**
 * This app's completed `HunkGuard` runs on a head, newest first: one request, filtered by GitHub
 * (name, status, app) and again here by the app's id — a run another app named `HunkGuard` never
 * counts. Without our app id nothing can be trusted, so nothing is returned.
 */
export async function completedRuns(gh: GitHub, repo: RepoRef, headSha: string, appId: number | null): Promise<CompletedRun[]> {
  if (appId === null) return [];
  const { data } = await gh.rest.checks.listForRef({ ...repo, ref: headSha, check_name: CHECK_NAME, status: "completed", app_id: appId, filter: "all", per_page: 100 });
  return data.check_runs
    .filter((r) => r.app?.id === appId && r.status === "completed" && r.name === CHECK_NAME && r.head_sha === headSha)
    .sort((a, b) => b.id - a.id)
    .map((r) => ({ id: r.id, conclusion: r.conclusion, title: r.output?.title ?? null }));
}

/**
 * Where an analysis reports its verdict: the pipeline starts it, completes it exactly once (with the
 * findings' conclusion, or the reason it could not finish), and learns from it whose bot writes our
 * comments. The app's is a `CheckRun`; the GitHub Action's (github/action.ts) falls back to workflow
 * annotations when its token may not write checks.
 */
export interface CheckSink {
  start(): Promise<void>;
  complete(conclusion: Conclusion, output: CheckOutput): Promise<void>;
  readonly completed: boolean;
  /** the app whose bot writes our comments (their markers are trusted), once known; null: unknown */
  readonly app: AppIdentity | null;
}

export interface CheckRunOptions {
  gh: GitHub;
  repo: RepoRef;
  headSha: string;
  /** the run's "Details" link */
  detailsUrl?: string;
  /** secondary-rate-limit retries of its mutations (default DEFAULT_LIMIT_POLICY) */
  limits?: LimitPolicy;
  /** a queued job's identity (see CheckRunIdentity); default: a fresh external id, nothing adopted */
  identity?: CheckRunIdentity;
}

export class CheckRun implements CheckSink {
  private id: number | null = null;
  private done = false;
  private completing: Promise<void> | null = null;
  /** annotations GitHub has accepted so far (for telling a lost answer from a lost update) */
  private annotated = 0;
  /** annotations beyond the first 50 an earlier attempt already sent to the adopted run */
  private inheritedAnnotations = 0;
  /** the app GitHub says the run belongs to: this app, whose bot writes our comments */
  private owner: AppIdentity | null = null;
  /** identifies this run among the head's runs, when a 5xx hides whether creating it worked */
  private readonly externalId: string;
  private readonly adopt: boolean;

  private readonly gh: GitHub;
  private readonly repo: RepoRef;
  private readonly headSha: string;
  private readonly detailsUrl?: string;
  private readonly limits: LimitPolicy;

  constructor(options: CheckRunOptions) {
    this.gh = options.gh;
    this.repo = options.repo;
    this.headSha = options.headSha;
    this.detailsUrl = options.detailsUrl;
    this.limits = options.limits ?? DEFAULT_LIMIT_POLICY;
    this.externalId = options.identity?.externalId ?? randomUUID();
    this.adopt = options.identity?.adopt ?? false;
  }

  get checkRunId(): number | null {
    return this.id;
  }

  get completed(): boolean {
    return this.done;
  }

  /** This app (known once the run is created or adopted). */
  get app(): AppIdentity | null {
    return this.owner;
  }

  /**
   * Take over the run an earlier attempt of the same job left in progress, if there is one. What
   * that attempt already annotated is not sent again (the findings of one head come in one order).
   */
  async adoptInProgress(): Promise<boolean> {
    const ours = await findCheckRun(this.gh, this.repo, this.headSha, this.externalId);
    if (!ours || ours.status === "completed") return false;
    this.id = ours.id;
    this.owner = ours.app ?? null;
    this.annotated = this.inheritedAnnotations = ours.annotationsCount;
    return true;
  }

  /**
   * Create the run in progress — or adopt the one an earlier attempt of this job left. A 5xx may
   * hide a run GitHub did create — left alone it would stay in progress for ever — so look for ours
   * (by external id) before creating it once more.
   */
  async start(): Promise<void> {
    if (this.adopt && (await this.adoptInProgress())) return;
    const create = () =>
      withSecondaryLimit(this.limits, () =>
        this.gh.rest.checks.create({
          ...this.repo,
          name: CHECK_NAME,
          head_sha: this.headSha,
          external_id: this.externalId,
          status: "in_progress",
          started_at: new Date().toISOString(),
          output: { title: "Analysing the changed Python", summary: "HunkGuard is reviewing the lines this pull request changes." },
          ...(this.detailsUrl ? { details_url: this.detailsUrl } : {}),
          request: { retries: 0 },
        }),
      );
    try {
      const { data } = await create();
      this.id = data.id;
      this.owner = appOf(data);
    } catch (e) {
      if (!isServerError(e)) throw e;
      const { data } = await this.gh.rest.checks.listForRef({ ...this.repo, ref: this.headSha, check_name: CHECK_NAME, filter: "all", per_page: 100 });
      const ours = data.check_runs.find((r) => r.external_id === this.externalId) ?? (await create()).data;
      this.id = ours.id;
      this.owner = appOf(ours);
    }
  }

  private async state(): Promise<RunState> {
    const { data } = await this.gh.rest.checks.get({ ...this.repo, check_run_id: this.id! });
    return { status: data.status, annotationsCount: data.output.annotations_count };
  }

  /**
   * One update, sent at most twice: after a 5xx, GitHub's own record of the run tells whether the
   * update landed (annotations are appended, so sending one twice would duplicate them).
   */
  private async update(body: Record<string, unknown>, landed: (s: RunState) => boolean): Promise<void> {
    const send = () =>
      withSecondaryLimit(this.limits, () => this.gh.rest.checks.update({ ...this.repo, check_run_id: this.id!, ...body, request: { retries: 0 } }));
    try {
      await send();
    } catch (e) {
      if (!isServerError(e)) throw e;
      if (!landed(await this.state())) await send();
    }
  }

  /**
   * Complete the run. When a completion is already in flight (the time budget ran out while the
   * findings were being sent), that one stands; another is sent only if it fails.
   */
  async complete(conclusion: Conclusion, output: CheckOutput): Promise<void> {
    if (this.completing) {
      try {
        await this.completing;
        return;
      } catch {
        // it failed: complete with what we were given instead
      }
    }
    const attempt = this.sendCompletion(conclusion, output);
    this.completing = attempt;
    try {
      await attempt;
    } finally {
      if (this.completing === attempt) this.completing = null;
    }
  }

  /** Annotations beyond the first 50 go in earlier updates, so "completed" means all are there. */
  private async sendCompletion(conclusion: Conclusion, output: CheckOutput): Promise<void> {
    if (this.id === null) await this.start();
    const safe = withinLimits(output);
    const annotations = safe.annotations ?? [];
    const base = { title: safe.title, summary: safe.summary, ...(safe.text ? { text: safe.text } : {}) };
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      const chunk = annotations.slice(i, i + ANNOTATIONS_PER_REQUEST);
      if (i - ANNOTATIONS_PER_REQUEST + chunk.length <= this.inheritedAnnotations) continue;
      const expected = this.annotated + chunk.length;
      await this.update({ output: { ...base, annotations: chunk } }, (s) => s.annotationsCount >= expected);
      this.annotated = expected;
    }
    const first = annotations.slice(0, ANNOTATIONS_PER_REQUEST);
    await this.update(
      { status: "completed", conclusion, completed_at: new Date().toISOString(), output: { ...base, annotations: first } },
      (s) => s.status === "completed",
    );
    this.annotated += first.length;
    this.done = true;
  }
}
