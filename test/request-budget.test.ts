/**
 * The request budget (issue 7, item 3): one analysis costs requests that grow with pages, not with
 * files. Every request the app sends is counted — against nock with the network blocked (an
 * unexpected request fails the test), and against the GitHub stand-in over real HTTP.
 */
import nock from "nock";
import { GitHubMock, HEAD_SHA, INSTALLATION_ID, OWNER, PULL, REPO, createApp, isolateNetwork, pullRequestPayload, type PullFile, type TestApp } from "./support/probot.js";
import { startHarness } from "../src/demo/harness.js";
import { demoPayload, DEMO } from "../src/demo/pull.js";
import { OPENAPI_CHECKS } from "./support/openapi.js";

isolateNetwork();

/** A module of realistic shape; `finding` adds one flagged line to the change. */
function module(i: number, finding: boolean): PullFile {
  const body = (extra: string) => `"""Module ${i}: request handlers."""
import json
import logging
import pickle

log = logging.getLogger(__name__)


class Handler${i}:
    def __init__(self, store):
        self.store = store

    def load(self, key):
        raw = self.store.get(key)
        if raw is None:
            return None
        return json.loads(raw)
${extra}
    def save(self, key, value):
        log.info("saving %s", key)
        self.store.put(key, json.dumps(value))
`;
  const added = `
    def restore(self, blob):
        ${finding ? "return pickle.loads(blob)" : "return json.loads(blob)"}
`;
  return { path: `service/handlers/module_${String(i).padStart(3, "0")}.py`, base: body(""), head: body(added) };
}

/** `n` changed Python files, the first `findings` of them with one finding each. */
const pullOf = (n: number, findings: number) => Array.from({ length: n }, (_, i) => module(i, i < findings));

let app: TestApp;
beforeEach(async () => {
  app = await createApp();
});

const EXPECTED = [
  `POST /app/installations/${INSTALLATION_ID}/access_tokens`,
  `GET /repos/${OWNER}/${REPO}/commits/${HEAD_SHA}/check-runs`,
  `POST /repos/${OWNER}/${REPO}/check-runs`,
  `GET /repos/${OWNER}/${REPO}/pulls/${PULL}/files`,
  "POST /graphql#blobs",
  "POST /graphql#blobs",
  "POST /graphql#threads",
  `POST /repos/${OWNER}/${REPO}/pulls/${PULL}/reviews`,
  `PATCH /repos/${OWNER}/${REPO}/check-runs/7000`,
];

describe.each([
  [100, 30],
  [10, 5],
])("a pull request with %i changed Python files and %i findings", (n, findings) => {
  test("costs 9 requests in all", async () => {
    const files = pullOf(n, findings);
    const gh = new GitHubMock().token().checkCreate(7000).config().files(files);
    gh.contents(Object.fromEntries(files.map((f) => [`${HEAD_SHA}:${f.path}`, f.head!]))).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    // every request GitHub received, in order: the token, this app's completed runs on the head (a
    // replayed event is not analysed again), the check run, one page of files, one GraphQL request
    // with every file's size and the config, one with their texts, one with the head and the
    // threads, the review, the completion with every annotation
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual(EXPECTED);
    expect(gh.requests.length).toBe(9);
    expect(gh.blobExpressions).toHaveLength(n);
    expect(gh.reviews[0].comments).toHaveLength(findings);
    expect(gh.completion).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(gh.completion.output.annotations).toHaveLength(findings);
  });
});

describe("what the budget's smaller cases cost", () => {
  const files = pullOf(3, 1);

  test("a closed pull request: 4 (token, this app's earlier runs, the check run, its completion)", async () => {
    const gh = new GitHubMock().token().checkCreate(7000).checkUpdate(7000);
    const payload = pullRequestPayload({ action: "synchronize" });
    payload.pull_request.state = "closed";

    await app.deliver("pull_request", payload);

    gh.done();
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([...EXPECTED.slice(0, 3), EXPECTED[8]]);
    expect(gh.completion).toMatchObject({ conclusion: "success", output: { title: "Pull request is closed" } });
  });

  test("a draft that `drafts: false` skips: 6 (the config comes with the sizes, so the files are listed first)", async () => {
    const gh = new GitHubMock().token().checkCreate(7000).config("drafts: false\n").files(files);
    gh.contents(Object.fromEntries(files.map((f) => [`${HEAD_SHA}:${f.path}`, f.head!]))).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload({ draft: true }));

    gh.done();
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([...EXPECTED.slice(0, 5), EXPECTED[8]]);
    expect(gh.completion).toMatchObject({ conclusion: "skipped", output: { title: "Draft pull request" } });
  });

  test("the same event again: nothing in this process; in a fresh process 2 (token, this app's earlier runs)", async () => {
    const gh = new GitHubMock().token().checkCreate(7000).config().files(files);
    gh.contents(Object.fromEntries(files.map((f) => [`${HEAD_SHA}:${f.path}`, f.head!]))).threads().review().checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();
    const first = gh.requests.length;

    await app.deliver("pull_request", pullRequestPayload({ action: "reopened" }));
    expect(gh.requests).toHaveLength(first);

    const fresh = await createApp();
    gh.token().completedRuns(HEAD_SHA);
    await fresh.deliver("pull_request", pullRequestPayload({ action: "reopened" }));
    gh.done();
    expect(gh.requests.slice(first).map((r) => `${r.method} ${r.path}`)).toStrictEqual(EXPECTED.slice(0, 2));
    expect(gh.checkCreates).toHaveLength(1);
  });
});

test("the same 100-file pull request against the GitHub stand-in over HTTP: 9 requests reach it", async () => {
  nock.enableNetConnect("127.0.0.1");
  const h = await startHarness({ standin: OPENAPI_CHECKS });
  try {
    h.standin.addPull({ owner: DEMO.owner, repo: DEMO.repo, number: DEMO.number, baseSha: "b".repeat(40), headSha: "c".repeat(40), files: pullOf(100, 30) });
    const status = await h.deliver("pull_request", demoPayload(undefined, "c".repeat(40)));
    expect(status).toBe(200);
    await h.queue.idle();

    const runs = h.standin.checkRuns(DEMO.owner, DEMO.repo);
    expect(runs.map((r) => [r.status, r.conclusion])).toStrictEqual([["completed", "failure"]]);
    expect(runs[0].annotations).toHaveLength(30);
    expect(h.standin.reviews(DEMO.owner, DEMO.repo, DEMO.number)[0].comments).toHaveLength(30);
    const repo = `/repos/${DEMO.owner}/${DEMO.repo}`;
    expect(h.standin.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([
      `POST /app/installations/${DEMO.installationId}/access_tokens`,
      `GET ${repo}/commits/${"c".repeat(40)}/check-runs`,
      `POST ${repo}/check-runs`,
      `GET ${repo}/pulls/${DEMO.number}/files`,
      "POST /graphql",
      "POST /graphql",
      "POST /graphql",
      `POST ${repo}/pulls/${DEMO.number}/reviews`,
      expect.stringMatching(new RegExp(`^PATCH ${repo}/check-runs/\\d+$`)),
    ]);
    expect(h.standin.violations).toStrictEqual([]);
  } finally {
    await h.stop();
    nock.disableNetConnect();
  }
});

test("the stand-in serves the config with the contents: a repository's file, else the owner's `.github` one", async () => {
  nock.enableNetConnect("127.0.0.1");
  const h = await startHarness({ standin: OPENAPI_CHECKS });
  try {
    // the owner's `.github` repository says `fail_on: never`; this repository has no file of its own
    h.standin.addPull({ owner: DEMO.owner, repo: ".github", number: 1, baseSha: "d".repeat(40), headSha: "e".repeat(40), files: [], config: "fail_on: never\n" });
    h.standin.addPull({ owner: DEMO.owner, repo: DEMO.repo, number: DEMO.number, baseSha: "b".repeat(40), headSha: "c".repeat(40), files: pullOf(3, 1) });
    await h.deliver("pull_request", demoPayload(undefined, "c".repeat(40)));
    await h.queue.idle();
    expect(h.standin.checkRuns(DEMO.owner, DEMO.repo).map((r) => r.conclusion)).toStrictEqual(["neutral"]);
    expect(h.standin.requests.filter((r) => r.path.includes("/contents/"))).toStrictEqual([]);
    expect(h.standin.violations).toStrictEqual([]);
  } finally {
    await h.stop();
    nock.disableNetConnect();
  }
});
