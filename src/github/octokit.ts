/** The Octokit the app is handed by Probot (REST methods, paginate, graphql). */
import type { ProbotOctokit } from "probot";

export type GitHub = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** HTTP status of an Octokit error, if any. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { status?: unknown })?.status;
  return typeof s === "number" ? s : undefined;
}
