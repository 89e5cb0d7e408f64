/**
 * The GitHub Action (`hunkguard review --github`, src/github/action.ts) against the same fake GitHub
 * and fixtures as the app: nock with the network blocked, every mock used, every request held to
 * GitHub's OpenAPI description and GraphQL schema. The Action sends GitHub the same requests with
 * the same bodies as the app for the same pull request — it is the app's pipeline — and, when its
 * token may not write checks (a fork's pull request), reports through workflow annotations and the
 * step summary without failing on the refusal.
 */
import { actionWorkflow } from "./support/action.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runAction, workflowCommand } from "../src/github/action.js";
import {
  HEAD_SHA,
  INSTALLATION_TOKEN,
  OWNER,
  PULL,
  REPO,
  GitHubMock,
  RULES,
  createApp,
  isolateNetwork,
  pullRequestPayload,
  threadsFromReview,
  type PullFile,
} from "./support/probot.js";

isolateNetwork();

const HEAD = `import ast
import pickle


def parse(raw):
    return eval(raw)


def load(blob):
    return pickle.loads(blob)
`;
const BASE = `import ast
import pickle
`;
const FILES: PullFile[] = [{ path: "app/handlers.py", base: BASE, head: HEAD }];

/** The requests of one analysis up to the threads query (no installation token: the Action has GITHUB_TOKEN). */
function analysisOf(gh: GitHubMock, checkId = 7000): GitHubMock {
  return gh.checkCreate(checkId).config().files(FILES).contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD });
}

/** A workflow's environment for a `pull_request` event on the fixture pull request. */
const workflow = (event = "pull_request") =>
  actionWorkflow({ payload: pullRequestPayload(), event, token: INSTALLATION_TOKEN, apiUrl: "https://api.github.com", rules: RULES });

/** What may differ between two runs: ids made up per run, clocks. */
const stable = (body: any) => {
  const { external_id: _e, started_at: _s, completed_at: _c, ...rest } = body;
  return rest;
};

test("the Action sends GitHub the same requests and bodies as the app for the same pull request", async () => {
  // the app, through Probot, on the pull request
  const app = await createApp();
  const byApp = analysisOf(new GitHubMock().token()).threads().review(81).checkUpdate(7000);
  await app.deliver("pull_request", pullRequestPayload());
  byApp.done();

  // the Action, on the same pull request with the same fixtures
  const run = workflow();
  const byAction = analysisOf(new GitHubMock()).threads().review(81).checkUpdate(7000);
  const result = await runAction(run.opts);
  byAction.done();
  byAction.expectBodiesMatchOpenApi();

  expect(result).toMatchObject({ exitCode: 1, published: "check run", outcome: { conclusion: "failure", reviewPosted: true, inlinePosted: 2 } });
  const requests = (gh: GitHubMock) => gh.requests.filter((r) => !r.path.includes("access_tokens") && !/\/commits\/[0-9a-f]+\/check-runs/.test(r.path));
  expect(requests(byAction).map((r) => `${r.method} ${r.path}`)).toStrictEqual(requests(byApp).map((r) => `${r.method} ${r.path}`));
  expect(requests(byAction).map((r) => `${r.method} ${r.path}`)).toStrictEqual([
    `POST /repos/${OWNER}/${REPO}/check-runs`,
    `GET /repos/${OWNER}/${REPO}/pulls/${PULL}/files`,
    "POST /graphql#blobs",
    "POST /graphql#blobs",
    "POST /graphql#threads",
    `POST /repos/${OWNER}/${REPO}/pulls/${PULL}/reviews`,
    `PATCH /repos/${OWNER}/${REPO}/check-runs/7000`,
  ]);
  // the bodies, request by request (the review with its inline comments, suggestions and markers)
  expect(requests(byAction).map((r) => stable(r.body ?? {}))).toStrictEqual(requests(byApp).map((r) => stable(r.body ?? {})));
  expect(byAction.reviews[0].comments).toHaveLength(2);
  expect(byAction.reviews[0].comments[0].body).toContain("```suggestion\n    return ast.literal_eval(raw)\n```");
  expect(byAction.reviews[0].comments[0].body).toMatch(/<!-- hunkguard:fp=[A-Za-z0-9_-]+ -->$/);
  // with a check run, the annotations are there: none repeated as workflow commands; the step summary holds the verdict
  expect(run.lines.filter((l) => l.startsWith("::error file="))).toStrictEqual([]);
  expect(run.summary()).toContain("## HunkGuard: 2 security issue(s): 2 high");
  expect(run.summary()).toContain("Conclusion: **failure**");
});

test("a second run on the same head posts nothing already there (fingerprint markers), and completes a new check run", async () => {
  const first = workflow();
  const gh = analysisOf(new GitHubMock()).threads().review(81).checkUpdate(7000);
  await runAction(first.opts);
  gh.done();
  const posted = threadsFromReview(gh.reviews[0]);

  const again = analysisOf(new GitHubMock(), 7001).threads({ nodes: posted }).checkUpdate(7001);
  const result = await runAction(workflow().opts);
  again.done();
  expect(again.reviews).toStrictEqual([]);
  expect(result).toMatchObject({ exitCode: 1, outcome: { conclusion: "failure", reviewPosted: false } });
  expect(again.completion.output.annotations).toHaveLength(2);
});

test("a token that may not write checks or reviews (a fork's pull request): annotations and the step summary; the refusals fail nothing", async () => {
  const run = workflow();
  // a fork's pull request gets a read-only GITHUB_TOKEN
  const gh = analysisOf(new GitHubMock().permissions({ checks: "read", pull_requests: "read", contents: "read", metadata: "read" }))
    .threads()
    .review(81);
  const result = await runAction(run.opts);
  gh.done();

  expect(gh.requests.filter((r) => r.method !== "GET" && !r.path.startsWith("/graphql")).map((r) => [r.method, r.path, r.status])).toStrictEqual([
    ["POST", `/repos/${OWNER}/${REPO}/check-runs`, 403],
    ["POST", `/repos/${OWNER}/${REPO}/pulls/${PULL}/reviews`, 403],
  ]);
  expect(result).toMatchObject({ exitCode: 1, published: "annotations", outcome: { conclusion: "failure", reviewPosted: false } });
  expect(run.lines.some((l) => l.startsWith("::warning title=HunkGuard::No check run: GitHub refused it"))).toBe(true);
  const annotations = run.lines.filter((l) => /^::(error|warning|notice) file=/.test(l));
  expect(annotations).toHaveLength(2);
  expect(annotations[0]).toMatch(/^::error file=app\/handlers\.py,line=6,endLine=6,col=\d+,endColumn=\d+,title=[^:]+::/);
  expect(run.summary()).toContain("Conclusion: **failure**");
  expect(run.summary()).toContain("The review could not be posted");
  // GitHub's refusals are plain lines of the job's log, not error annotations
  expect(run.lines).toContain(`POST /repos/${OWNER}/${REPO}/check-runs - 403`);
});

test("--fail-on never: the input wins over the repository's config (exit 0, check `neutral`)", async () => {
  const run = workflow();
  const gh = analysisOf(new GitHubMock()).threads().review(81).checkUpdate(7000);
  const result = await runAction({ ...run.opts, failOn: "never" });
  gh.done();
  expect(result.exitCode).toBe(0);
  expect(gh.completion.conclusion).toBe("neutral");
});

test("a config file from the workspace replaces the default branch's", async () => {
  const run = workflow();
  writeFileSync(join(run.dir, "hunkguard.yml"), "disable_rules: [eval, pickle-load]\n");
  const gh = analysisOf(new GitHubMock().config("fail_on: low\n")).threads().checkUpdate(7000);
  const result = await runAction({ ...run.opts, configPath: "hunkguard.yml" });
  gh.done();
  expect(result).toMatchObject({ exitCode: 0, outcome: { conclusion: "success", findings: [] } });
});

test("outside a pull_request workflow nothing is sent and the exit code is 2", async () => {
  const run = workflow("push");
  const result = await runAction(run.opts);
  expect(result.exitCode).toBe(2);
  expect(run.lines).toStrictEqual([expect.stringMatching(/^::error title=HunkGuard::review --github reviews a pull request: run it on the pull_request event/)]);
});

test("workflow commands escape what could end the command or start another", () => {
  expect(
    workflowCommand({ path: "a,b:c.py", start_line: 3, end_line: 4, annotation_level: "warning", title: "x: y, z", message: "100%\nnext ::error::no" }),
  ).toBe("::warning file=a%2Cb%3Ac.py,line=3,endLine=4,title=x%3A y%2C z::100%25%0Anext ::error::no");
});
