/**
 * Webhook payloads → what to analyse. A payload missing the fields we need gives null (logged and
 * ignored by the caller), never a crash.
 */
import type { GitHub } from "./octokit.js";
import type { PullTarget } from "./pipeline.js";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
const int = (v: unknown): number | null => (typeof v === "number" && Number.isInteger(v) ? v : null);

export function repoOf(payload: unknown): { owner: string; repo: string } | null {
  const repository = obj(obj(payload)?.repository);
  const owner = str(obj(repository?.owner)?.login);
  const repo = str(repository?.name);
  return owner && repo ? { owner, repo } : null;
}

export function installationOf(payload: unknown): number | null {
  return int(obj(obj(payload)?.installation)?.id);
}

/** pull_request.* events. */
export function targetFromPullRequest(payload: unknown, trigger: string): (PullTarget & { updatedAt?: number; before?: string }) | null {
  const p = obj(payload);
  const pr = obj(p?.pull_request);
  const repo = repoOf(payload);
  const installationId = installationOf(payload);
  const number = int(pr?.number);
  const headSha = str(obj(pr?.head)?.sha);
  if (!pr || !repo || installationId === null || number === null || !headSha || !/^[0-9a-f]{40}$/.test(headSha)) return null;
  const updated = str(pr.updated_at);
  const updatedAt = updated ? Date.parse(updated) : NaN;
  return {
    repo,
    installationId,
    number,
    headSha,
    draft: pr.draft === true,
    state: pr.state === "closed" ? "closed" : "open",
    trigger,
    ...(int(pr.changed_files) !== null ? { changedFiles: int(pr.changed_files)! } : {}),
    ...(Number.isNaN(updatedAt) ? {} : { updatedAt }),
    // a synchronize event names the head it replaced: that head is certainly older
    ...(str(p?.before) && /^[0-9a-f]{40}$/.test(str(p?.before)!) ? { before: str(p?.before)! } : {}),
  };
}

/** Pages of open pull requests looked through for a re-run's head commit (100 a page). */
const OPEN_PULL_PAGES = 30;

/**
 * check_run / check_suite re-runs: the pull request is named in the payload for same-repo PRs. For
 * a fork's, `pull_requests` is empty and `GET /commits/{sha}/pulls` on the base repository answers
 * `[]` (the commit is the fork's), so the open pull requests are searched for that head commit.
 */
export async function targetsFromRerun(gh: GitHub, payload: unknown, suiteKey: "check_run" | "check_suite", trigger: string): Promise<PullTarget[] | null> {
  const p = obj(payload);
  const holder = obj(p?.[suiteKey]);
  const repo = repoOf(payload);
  const installationId = installationOf(payload);
  const headSha = str(holder?.head_sha);
  if (!holder || !repo || installationId === null || !headSha) return null;
  const numbers = (Array.isArray(holder.pull_requests) ? holder.pull_requests : [])
    .map((x) => int(obj(x)?.number))
    .filter((n): n is number => n !== null);
  const targets: PullTarget[] = [];
  if (!numbers.length) {
    let pages = 0;
    for await (const { data } of gh.paginate.iterator(gh.rest.pulls.list, { ...repo, state: "open", per_page: 100 })) {
      for (const pr of data) {
        if (pr.head.sha === headSha) targets.push({ repo, installationId, number: pr.number, headSha, draft: pr.draft === true, state: "open", trigger });
      }
      if (++pages >= OPEN_PULL_PAGES) break;
    }
    return targets.slice(0, 5);
  }
  for (const number of numbers.slice(0, 5)) {
    const { data } = await gh.rest.pulls.get({ ...repo, pull_number: number });
    if (data.head.sha !== headSha) continue; // the PR moved on: the newer head has its own check
    targets.push({ repo, installationId, number, headSha, draft: data.draft === true, state: data.state === "closed" ? "closed" : "open", trigger, changedFiles: data.changed_files });
  }
  return targets;
}
