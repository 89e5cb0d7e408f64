/**
 * The `HunkGuard` check run: created in progress, always completed — with the findings' conclusion,
 * or with the reason the analysis could not finish. Annotations go 50 per request.
 */
import { randomUUID } from "node:crypto";
import type { GitHub, LimitPolicy, RepoRef } from "./octokit.js";
import { DEFAULT_LIMIT_POLICY, statusOf, withSecondaryLimit } from "./octokit.js";
import type { CheckAnnotation } from "../core/render.js";

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

interface RunState {
  status: string;
  annotationsCount: number;
}

export class CheckRun {
  private id: number | null = null;
  private done = false;
  private completing: Promise<void> | null = null;
  /** annotations GitHub has accepted so far (for telling a lost answer from a lost update) */
  private annotated = 0;
  /** identifies this run among the head's runs, when a 5xx hides whether creating it worked */
  private readonly externalId = randomUUID();

  constructor(
    private readonly gh: GitHub,
    private readonly repo: RepoRef,
    private readonly headSha: string,
    private readonly detailsUrl?: string,
    private readonly limits: LimitPolicy = DEFAULT_LIMIT_POLICY,
  ) {}

  get checkRunId(): number | null {
    return this.id;
  }

  get completed(): boolean {
    return this.done;
  }

  /**
   * Create the run in progress. A 5xx may hide a run GitHub did create — left alone it would stay
   * in progress for ever — so look for ours (by external id) before creating it once more.
   */
  async start(): Promise<void> {
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
      this.id = (await create()).data.id;
    } catch (e) {
      if (!isServerError(e)) throw e;
      const { data } = await this.gh.rest.checks.listForRef({ ...this.repo, ref: this.headSha, check_name: CHECK_NAME, filter: "all", per_page: 100 });
      const ours = data.check_runs.find((r) => r.external_id === this.externalId);
      this.id = ours ? ours.id : (await create()).data.id;
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
    const annotations = output.annotations ?? [];
    const base = { title: output.title.slice(0, 255), summary: output.summary, ...(output.text ? { text: output.text } : {}) };
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      const chunk = annotations.slice(i, i + ANNOTATIONS_PER_REQUEST);
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
