/**
 * The `HunkGuard` check run: created in progress, always completed — with the findings' conclusion,
 * or with the reason the analysis could not finish. Annotations go 50 per request.
 */
import type { GitHub, RepoRef } from "./octokit.js";
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

export class CheckRun {
  private id: number | null = null;
  private done = false;

  constructor(
    private readonly gh: GitHub,
    private readonly repo: RepoRef,
    private readonly headSha: string,
    private readonly detailsUrl?: string,
  ) {}

  get checkRunId(): number | null {
    return this.id;
  }

  get completed(): boolean {
    return this.done;
  }

  async start(): Promise<void> {
    const { data } = await this.gh.rest.checks.create({
      ...this.repo,
      name: CHECK_NAME,
      head_sha: this.headSha,
      status: "in_progress",
      started_at: new Date().toISOString(),
      output: { title: "Analysing the changed Python", summary: "HunkGuard is reviewing the lines this pull request changes." },
      ...(this.detailsUrl ? { details_url: this.detailsUrl } : {}),
    });
    this.id = data.id;
  }

  /** Complete the run; annotations beyond the first 50 go in earlier updates, so "completed" means all are there. */
  async complete(conclusion: Conclusion, output: CheckOutput): Promise<void> {
    if (this.id === null) await this.start();
    const annotations = output.annotations ?? [];
    const base = { title: output.title.slice(0, 255), summary: output.summary, ...(output.text ? { text: output.text } : {}) };
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await this.gh.rest.checks.update({
        ...this.repo,
        check_run_id: this.id!,
        output: { ...base, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) },
      });
    }
    await this.gh.rest.checks.update({
      ...this.repo,
      check_run_id: this.id!,
      status: "completed",
      conclusion,
      completed_at: new Date().toISOString(),
      output: { ...base, annotations: annotations.slice(0, ANNOTATIONS_PER_REQUEST) },
    });
    this.done = true;
  }
}
