/**
 * A queued job can run more than once (its worker died; GitHub's secondary limit sent it back to the
 * queue). Every attempt gives its check run the job's external id, and a later attempt adopts the
 * run an earlier one left in progress — without sending again the annotations that one already sent.
 * Against the local GitHub stand-in; no Redis needed.
 */
import { ProbotOctokit } from "probot";
import { CheckRun, findCheckRun } from "../src/github/check.js";
import { DEFAULT_LIMIT_POLICY, type GitHub } from "../src/github/octokit.js";
import { GitHubStandin } from "../src/standin/github-standin.js";
import type { CheckAnnotation } from "../src/core/render.js";
import { OPENAPI_CHECKS } from "./support/openapi.js";

const repo = { owner: "acme", repo: "payments" };
const head = "c".repeat(40);
const noLimitRetries = { ...DEFAULT_LIMIT_POLICY, attempts: 1 };
let standin: GitHubStandin;
let gh: () => GitHub;

beforeEach(async () => {
  standin = new GitHubStandin(OPENAPI_CHECKS);
  const baseUrl = await standin.start();
  const token = standin.issueToken(1);
  standin.addPull({ ...repo, number: 1, baseSha: "b".repeat(40), headSha: head, files: [{ path: "svc/a.py", base: null, head: "x = 1\n".repeat(200) }] });
  gh = () => new ProbotOctokit({ auth: { token }, baseUrl, throttle: { enabled: false }, retry: { enabled: false } }) as unknown as GitHub;
});
afterEach(async () => {
  await standin.stop();
  expect(standin.violations).toStrictEqual([]);
});

const annotations: CheckAnnotation[] = Array.from({ length: 120 }, (_, i) => ({
  path: "svc/a.py",
  start_line: i + 1,
  end_line: i + 1,
  annotation_level: "warning",
  message: `finding ${i + 1}`,
  title: "t",
}));

/** What an attempt that died after sending annotations 51–120 leaves: its run, in progress. */
async function runLeftInProgress(externalId: string): Promise<number> {
  const octokit = gh();
  const { data } = await octokit.rest.checks.create({ ...repo, name: "HunkGuard", head_sha: head, external_id: externalId, status: "in_progress", output: { title: "Analysing", summary: "…" } });
  for (const chunk of [annotations.slice(50, 100), annotations.slice(100)]) {
    await octokit.rest.checks.update({ ...repo, check_run_id: data.id, output: { title: "3 issues", summary: "…", annotations: chunk } });
  }
  return data.id;
}

test("a later attempt adopts the run an earlier one left in progress and sends only the annotations that are missing", async () => {
  const id = await runLeftInProgress("job-1");
  const retry = new CheckRun({ gh: gh(), repo, headSha: head, limits: noLimitRetries, identity: { externalId: "job-1", adopt: true } });
  await retry.start();
  expect(retry.checkRunId).toBe(id);
  await retry.complete("failure", { title: "120 issues", summary: "…", annotations });

  const runs = standin.checkRuns(repo.owner, repo.repo);
  expect(runs.map((r) => [r.id, r.status, r.conclusion, r.output.annotations_count])).toStrictEqual([[id, "completed", "failure", 120]]);
  // no chunk twice: one PATCH for the first 50 (with the completion), none for 51–120
  const patches = standin.requests.filter((r) => r.method === "PATCH" && r.path.endsWith(`/check-runs/${id}`));
  expect(patches.map((r) => (r.body as { output: { annotations: unknown[] } }).output.annotations.length)).toStrictEqual([50, 20, 50]);
});

test("another job's identity (as the queue worker passes it in the pipeline's deps) does not adopt this job's run", async () => {
  await runLeftInProgress("job-1");
  const other = new CheckRun({ gh: gh(), repo, headSha: head, limits: noLimitRetries, identity: { externalId: "job-2", adopt: true } });
  await other.start();
  await other.complete("success", { title: "ok", summary: "…" });
  const runs = standin.checkRuns(repo.owner, repo.repo);
  expect(runs.map((r) => [r.external_id, r.status])).toStrictEqual([
    ["job-1", "in_progress"],
    ["job-2", "completed"],
  ]);
  expect(await findCheckRun(gh(), repo, head, "job-2")).toMatchObject({ status: "completed" });
  expect(await findCheckRun(gh(), repo, head, "job-3")).toBeNull();
});

test("without an identity nothing is listed before creating (the embedded mode's requests stay as they were)", async () => {
  const run = new CheckRun({ gh: gh(), repo, headSha: head });
  await run.start();
  await run.complete("success", { title: "ok", summary: "…" });
  expect(standin.requests.map((r) => r.method)).toStrictEqual(["POST", "PATCH"]);
});
