/**
 * GitHub failing under the app (issue 6, item 1): 5xx, secondary rate limits, 404, 422 on anchors,
 * a pending review left behind, a timeout — for each call the app makes. In every case the check
 * run ends completed with an honest conclusion and summary, no finding is lost from the check run
 * when the analysis finished, and no comment is posted twice.
 */
import {
  BASE_SHA,
  GitHubMock,
  HEAD_SHA,
  captureLog,
  createApp,
  isolateNetwork,
  pullRequestPayload,
  sha,
  threadsFromReview,
  listFilesEntry,
  type PullFile,
  type TestApp,
} from "./support/probot.js";

isolateNetwork();

const BASE = "import ast\nimport pickle\nimport yaml\n\n\ndef parse(raw):\n    return raw\n\n\ndef load(blob):\n    return blob\n";
const HEAD = `import ast
import pickle
import yaml


def parse(raw):
    return eval(raw)


def load(blob):
    return pickle.loads(blob)


def read(f):
    return yaml.load(f)
`;
const HANDLERS: PullFile = { path: "app/handlers.py", base: BASE, head: HEAD };
/** where HANDLERS' three findings are */
const LINES = ["app/handlers.py:7", "app/handlers.py:11", "app/handlers.py:15"];

const SERVER_ERROR = { message: "Server Error" };
const BAD_GATEWAY = "<html><body><h1>502 Bad Gateway</h1></body></html>";
const SECONDARY_LIMIT = {
  message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
  status: "403",
};
const isBlobs = (b: any) => String(b?.query).includes("... on Blob");
const isThreads = (b: any) => String(b?.query).includes("reviewThreads");

let app: TestApp;
let waits: number[];
beforeEach(async () => {
  waits = [];
  app = await createApp({
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
});

const where = (a: { path: string; start_line: number }) => `${a.path}:${a.start_line}`;

/** The invariants of every case. */
function expectCompleted(gh: GitHubMock, expected: { conclusion: string; lines?: string[] }) {
  gh.done();
  gh.expectBodiesMatchOpenApi();
  const done = gh.completion;
  expect(done).toBeDefined();
  expect(done.status).toBe("completed");
  expect(done.conclusion).toBe(expected.conclusion);
  // no finding lost: every one is annotated, exactly once
  if (expected.lines) expect(gh.annotations.map(where).sort()).toStrictEqual([...expected.lines].sort());
  // no comment twice: each fingerprint in at most one accepted review
  const markers = gh.acceptedReviews.flatMap((r) => (r.comments ?? []).map((c: { body: string }) => c.body.match(/hunkguard:fp=(\S+) -->/)?.[1]));
  expect(new Set(markers).size).toBe(markers.length);
  return done;
}

/** Token, check run, config, files, contents: the requests before the threads query. */
function upToThreads(gh: GitHubMock, files: PullFile[] = [HANDLERS]) {
  gh.token().checkCreate(7000).config().files(files);
  const texts: Record<string, string> = {};
  for (const f of files) if (f.head !== null && !f.omitPatch) texts[`${HEAD_SHA}:${f.path}`] = f.head;
  return gh.contents(texts);
}

describe("5xx", () => {
  test("list files 500: the check completes neutral with the reason (nothing was analysed)", async () => {
    const gh = new GitHubMock().token().checkCreate(7000).config();
    gh.fail("GET", "/pulls/2/files", 500, SERVER_ERROR, { query: { per_page: "100" } }).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "neutral", lines: [] });
    expect(done.output.title).toBe("HunkGuard could not finish");
    expect(done.output.summary).toBe("HunkGuard could not finish: Server Error. Re-run the check to try again; findings from this run were not posted.");
    expect(gh.reviews).toStrictEqual([]);
  });

  test("with Octokit's retry plugin on (production), a 502 on list files is retried and the analysis completes", async () => {
    const retrying = await createApp({ octokitRetries: true });
    const gh = new GitHubMock().token().checkCreate(7000).config();
    gh.fail("GET", "/pulls/2/files", 502, { message: BAD_GATEWAY }, { query: { per_page: "100" } });
    gh.files([HANDLERS]).contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD }).threads().review().checkUpdate(7000);

    await retrying.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.acceptedReviews).toHaveLength(1);
  });

  test("contents GraphQL 502: each file is read over REST by its blob sha instead", async () => {
    const gh = new GitHubMock().token().checkCreate(7000).files([HANDLERS]);
    // the config came with the contents: it is read over REST too (repository, then the owner's `.github`)
    gh.fail("POST", "/graphql#blobs", 502, { message: BAD_GATEWAY }, { match: isBlobs }).configRest().blob(HEAD).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.acceptedReviews[0].comments.map((c: { line: number }) => c.line)).toStrictEqual([7, 11, 15]);
  });

  test("threads GraphQL 500: no review (it could repeat comments), every finding in the check with the reason", async () => {
    const gh = upToThreads(new GitHubMock());
    gh.fail("POST", "/graphql#threads", 500, { message: "Something went wrong while executing your query." }, { match: isThreads }).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.reviews).toStrictEqual([]);
    expect(done.output.summary).toContain("could not be read");
    expect(done.output.summary).toContain("no review was posted");
  });

  test("createReview 500 that created nothing: our markers are not there, so it is posted once more", async () => {
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(500, SERVER_ERROR);
    gh.threads().review().checkUpdate(7000); // the marker look-up finds none; the retry succeeds

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.reviews).toHaveLength(2);
    expect(gh.reviews[1]).toStrictEqual(gh.reviews[0]);
    expect(gh.acceptedReviews).toHaveLength(1);
    expect(waits).toStrictEqual([1000]); // a short back-off before the second attempt
  });

  test("createReview 502 that in fact created the review: the markers are there, it is not posted again", async () => {
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(502, { message: BAD_GATEWAY }, {}, true);
    // GitHub had created it: the follow-up threads query shows our comments
    gh.scope
      .post("/graphql", isThreads)
      .reply(200, () => ({
        data: {
          repository: {
            pullRequest: {
              headRefOid: HEAD_SHA,
              state: "OPEN",
              reviewThreads: {
                pageInfo: { hasNextPage: false, endCursor: null },
                nodes: threadsFromReview(gh.reviews[0]).map((t) => ({ id: t.id, isResolved: false, path: t.path, comments: { nodes: t.comments } })),
              },
            },
          },
        },
      }));
    gh.checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.reviews).toHaveLength(1);
    expect(done.output.summary).toContain("GitHub answered the review with an error but had created it; it was not posted again.");
    expect(done.output.summary).toContain("Inline comments: 3 posted now");
  });

  test("a review without inline comments that a 502 hid: found by its body among the reviews, not posted again", async () => {
    const gh = new GitHubMock().token().checkCreate(7000).config("max_inline_comments: 0\n").files([HANDLERS]);
    gh.contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD }).threads().reviewFails(502, { message: BAD_GATEWAY }, {}, true);
    gh.listReviews(() => [gh.reviewShape(90, gh.reviews[0], "COMMENTED")]).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.reviews).toHaveLength(1);
    expect(gh.reviews[0].comments).toStrictEqual([]);
  });

  test("createReview 502 twice: the review is given up, the check still carries every finding and says so", async () => {
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(502, { message: BAD_GATEWAY }).threads().reviewFails(502, { message: BAD_GATEWAY });
    gh.threads().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.acceptedReviews).toStrictEqual([]);
    expect(done.output.summary).toContain("⚠️ The review could not be posted");
    expect(done.output.summary).toContain("Every finding is in this check run");
  });

  test("with Octokit's retry plugin on, a 502 on createReview is not re-sent blindly: the app looks for its markers first", async () => {
    const retrying = await createApp({ octokitRetries: true, sleep: async () => {} });
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(502, { message: BAD_GATEWAY });
    gh.threads().review().checkUpdate(7000);

    await retrying.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    // the one re-send is ours, after the marker look-up; the plugin did not add its own
    expect(gh.requests.map((r) => r.path).filter((p) => p.endsWith("/reviews") || p.endsWith("#threads"))).toStrictEqual([
      "/graphql#threads",
      "/repos/Codertocat/Hello-World/pulls/2/reviews",
      "/graphql#threads",
      "/repos/Codertocat/Hello-World/pulls/2/reviews",
    ]);
  });

  test("checks.create 500 that created nothing: no run of ours on the head, so it is created again and the analysis goes on", async () => {
    const gh = new GitHubMock().token().checkCreate(6999, 500).checkList(HEAD_SHA, () => []).checkCreate(7000).config().files([HANDLERS]);
    gh.contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD }).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.checkCreates).toHaveLength(2);
    expect(gh.checkCreates[1].external_id).toBe(gh.checkCreates[0].external_id);
  });

  test("checks.create 502 that in fact created the run: it is found by its external id and used, not created twice", async () => {
    const gh = new GitHubMock().token().checkCreate(6999, 502);
    gh.checkList(HEAD_SHA, () => [
      { id: 6001, external_id: "an earlier run", status: "completed" },
      { id: 7000, external_id: gh.checkCreates[0].external_id, status: "in_progress" },
    ]);
    gh.config().files([HANDLERS]).contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD }).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.checkCreates).toHaveLength(1);
  });

  test("checks.update 502 on completion that did not land: GitHub's record says in progress, so it is sent again", async () => {
    const gh = upToThreads(new GitHubMock()).threads().review().checkUpdate(7000, 1, 502, { message: BAD_GATEWAY });
    gh.checkGet(7000, { status: "in_progress", annotationsCount: 0 }).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.checkUpdates).toHaveLength(2);
    expect(gh.checkUpdates[1]).toStrictEqual(gh.checkUpdates[0]);
  });

  test("checks.update 502 on completion that did land: not sent again (annotations would be appended twice)", async () => {
    const gh = upToThreads(new GitHubMock()).threads().review().checkUpdate(7000, 1, 502, { message: BAD_GATEWAY }, {}, true);
    gh.checkGet(7000, { status: "completed", annotationsCount: 3 });

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.checkUpdates).toHaveLength(1);
  });

  test("an annotation batch that landed behind a 502 is not appended again", async () => {
    const many: PullFile = { path: "app/many.py", base: "import pickle\n", head: `import pickle\n${Array.from({ length: 55 }, (_, i) => `v${i} = pickle.loads(raw${i})\n`).join("")}` };
    const gh = upToThreads(new GitHubMock(), [many]).threads().review();
    gh.checkUpdate(7000, 1, 502, { message: BAD_GATEWAY }, {}, true).checkGet(7000, { status: "in_progress", annotationsCount: 5 }).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const lines = Array.from({ length: 55 }, (_, i) => `app/many.py:${i + 2}`);
    expectCompleted(gh, { conclusion: "failure", lines });
    expect(gh.checkUpdates.map((b) => b.output.annotations.length)).toStrictEqual([5, 50]);
  });
});

describe("secondary rate limits", () => {
  test("403 with retry-after on createReview: waits what GitHub asks, then posts once", async () => {
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(403, SECONDARY_LIMIT, { "retry-after": "30" }).review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(waits).toStrictEqual([30_000]);
    expect(gh.acceptedReviews).toHaveLength(1);
    expect(gh.reviews[1]).toStrictEqual(gh.reviews[0]);
  });

  test("429 with retry-after on the check completion: waited out, then completed", async () => {
    const gh = upToThreads(new GitHubMock()).threads().review();
    gh.checkUpdate(7000, 1, 429, { message: "Too Many Requests" }, { "retry-after": "5" }).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(waits).toStrictEqual([5_000]);
  });

  test("the secondary-limit message without retry-after: waits a minute", async () => {
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(403, SECONDARY_LIMIT).review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(waits).toStrictEqual([60_000]);
  });

  test("a limit that does not lift within the bound: the review is given up, the check says so and keeps every finding", async () => {
    const gh = upToThreads(new GitHubMock()).threads();
    for (let i = 0; i < 3; i++) gh.reviewFails(403, SECONDARY_LIMIT, { "retry-after": "60" });
    gh.checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(waits).toStrictEqual([60_000, 60_000]); // three attempts in all
    expect(gh.acceptedReviews).toStrictEqual([]);
    expect(done.output.summary).toContain("⚠️ The review could not be posted (You have exceeded a secondary rate limit.");
  });

  test("a retry-after beyond the bound (an hour) is not waited for", async () => {
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(403, SECONDARY_LIMIT, { "retry-after": "3600" }).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(waits).toStrictEqual([]);
  });

  test("a plain 403 (no permission) is not retried", async () => {
    const forbidden = { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request", status: "403" };
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(403, forbidden).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(waits).toStrictEqual([]);
    expect(done.output.summary).toContain("Resource not accessible by integration");
  });
});

describe("404: the pull request or a file vanished", () => {
  test("the pull request is gone (list files 404): completed neutral with the reason", async () => {
    const gh = new GitHubMock().token().checkCreate(7000).config();
    gh.fail("GET", "/pulls/2/files", 404, { message: "Not Found", status: "404" }, { query: { per_page: "100" } }).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "neutral", lines: [] });
    expect(done.output.summary).toContain("the pull request or one of its files no longer exists on GitHub");
  });

  test("the pull request is gone by the threads query (pullRequest: null): completed neutral, nothing posted", async () => {
    const gh = upToThreads(new GitHubMock());
    gh.scope.post("/graphql", isThreads).reply(200, {
      data: { repository: { pullRequest: null } },
      errors: [{ type: "NOT_FOUND", path: ["repository", "pullRequest"], message: "Could not resolve to a PullRequest with the number of 2." }],
    });
    gh.checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "neutral" });
    expect(gh.reviews).toStrictEqual([]);
    expect(done.output.summary).toContain("the pull request or one of its files no longer exists on GitHub");
  });

  test("one file is gone (null in GraphQL, 404 over REST): it is listed as skipped, the others analysed", async () => {
    const gone: PullFile = { path: "app/gone.py", base: null, head: "import pickle\npickle.loads(x)\n" };
    const gh = new GitHubMock().token().checkCreate(7000).config().files([HANDLERS, gone]);
    gh.contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD }); // app/gone.py → null
    gh.fail("GET", `/git/blobs/${listFilesEntry(gone).sha}`, 404, { message: "Not Found", status: "404" });
    gh.threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(done.output.summary).toContain("- `app/gone.py`: could not read the file (Not Found)");
  });
});

describe("422 on the review", () => {
  test("rejected anchors: once more with GitHub's own anchors only, then without inline comments; every finding stays in the check", async () => {
    const big: PullFile = { path: "app/big.py", base: BASE, head: HEAD, omitPatch: true };
    const mergeBase = sha("merge base");
    const gh = new GitHubMock().token().checkCreate(7000).config().files([HANDLERS, big]).pullGet().compare(BASE_SHA, HEAD_SHA, mergeBase);
    gh.contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD, [`${HEAD_SHA}:app/big.py`]: HEAD, [`${mergeBase}:app/big.py`]: BASE }).threads();
    const unresolvable = { message: "Unprocessable Entity", errors: ["Line could not be resolved"], documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request", status: "422" };
    gh.reviewFails(422, unresolvable).reviewFails(422, unresolvable).review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const all = [...LINES, "app/big.py:7", "app/big.py:11", "app/big.py:15"];
    const done = expectCompleted(gh, { conclusion: "failure", lines: all });
    const [first, second, third] = gh.reviews;
    expect(first.comments.map((c: { path: string }) => c.path)).toStrictEqual(["app/big.py", "app/big.py", "app/big.py", "app/handlers.py", "app/handlers.py", "app/handlers.py"]);
    // trusted: lines from the patch GitHub itself sent
    expect(second.comments.map((c: { path: string }) => c.path)).toStrictEqual(["app/handlers.py", "app/handlers.py", "app/handlers.py"]);
    expect(second.body).toContain("3 more did not fit as inline comments:");
    expect(third.comments).toStrictEqual([]);
    expect(third.body).toContain("6 more did not fit as inline comments:");
    expect(done.output.summary).toContain("GitHub rejected the inline comment anchors; the findings are listed in the review body and the check run instead.");
  });

  test("rejected anchors with nothing less trusted to drop: straight to a review without inline comments", async () => {
    const unresolvable = { message: "Unprocessable Entity", errors: ["Pull request review thread line must be part of the diff"], status: "422" };
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(422, unresolvable).review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.reviews.map((r) => r.comments.length)).toStrictEqual([3, 0]);
  });

  test("a pending review left by an earlier run: ours is deleted and the review posted", async () => {
    const pending = { message: "Unprocessable Entity", errors: ["User can only have one pending review per pull request"], status: "422" };
    const gh = upToThreads(new GitHubMock()).threads().reviewFails(422, pending);
    gh.listReviews(() => [
      { ...gh.reviewShape(55, { body: "" }, "PENDING"), submitted_at: undefined },
      { ...gh.reviewShape(56, { body: "LGTM" }, "APPROVED"), user: { login: "octocat", id: 1, type: "User" } },
    ]);
    gh.deleteReview(55).review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.requests.filter((r) => r.method === "DELETE").map((r) => r.path)).toStrictEqual(["/repos/Codertocat/Hello-World/pulls/2/reviews/55"]);
    expect(gh.acceptedReviews).toHaveLength(1);
    expect(gh.acceptedReviews[0].comments).toHaveLength(3);
    expect(done.output.summary).toContain("A pending review left by an earlier run was removed.");
  });
});

describe("GitHub not answering", () => {
  test("a request GitHub leaves unanswered is abandoned after the request timeout: the check completes neutral saying so, and the log says when the analysis started and finished", async () => {
    const log = captureLog("info");
    const quick = await createApp({ requestTimeoutMs: 1000, log });
    const gh = new GitHubMock().token().checkCreate(7000).config();
    // list files: GitHub holds the connection and says nothing
    gh.scope.get("/repos/Codertocat/Hello-World/pulls/2/files").query({ per_page: "100" }).delay(2500).reply(200, []);
    gh.checkUpdate(7000);

    await quick.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "neutral", lines: [] });
    expect(done.output.summary).toBe(
      "HunkGuard could not finish: GitHub did not answer GET /repos/Codertocat/Hello-World/pulls/2/files within 1 s. Re-run the check to try again; findings from this run were not posted.",
    );
    const where = { repo: "Codertocat/Hello-World", pull: 2, sha: HEAD_SHA };
    const lines = log.entries().filter((e) => /^analysis (started|finished)$/.test(e.msg));
    expect(lines).toMatchObject([
      { level: 30, msg: "analysis started", ...where, trigger: "pull_request.opened" },
      { level: 30, msg: "analysis finished", ...where, conclusion: "neutral", title: "HunkGuard could not finish" },
    ]);
  });
});

describe("time budget", () => {
  test("GitHub too slow: the check completes neutral with 'took longer', and the late answer changes nothing", async () => {
    const slow = await createApp({ timeoutMs: 150 });
    const gh = new GitHubMock().token().checkCreate(7000).config().files([HANDLERS]);
    gh.scope
      .post("/graphql", isBlobs)
      .delay(350)
      .reply(200, { data: { repository: { f0: { text: HEAD, isBinary: false, byteSize: HEAD.length, isTruncated: false } } } });
    gh.checkUpdate(7000);

    await slow.deliver("pull_request", pullRequestPayload());

    const done = expectCompleted(gh, { conclusion: "neutral", lines: [] });
    expect(done.output.summary).toBe("HunkGuard could not finish: the analysis took longer than 150 ms. Re-run the check to try again; findings from this run were not posted.");
    // the contents arrive late: the abandoned run must not touch GitHub again (no threads, no review)
    const before = gh.requests.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(gh.requests.length).toBe(before);
  });

  test("the budget runs out while the findings are being sent: that completion stands, no second one overwrites it", async () => {
    const slow = await createApp({ timeoutMs: 800 });
    const gh = upToThreads(new GitHubMock()).threads().review();
    gh.scope
      .patch("/repos/Codertocat/Hello-World/check-runs/7000")
      .delay(1100)
      .reply(200, (_uri, body) => {
        gh.requests.push({ method: "PATCH", path: "/repos/Codertocat/Hello-World/check-runs/7000", body, status: 200, landed: true, seq: 0 });
        return { id: 7000 };
      });

    await slow.deliver("pull_request", pullRequestPayload());

    expectCompleted(gh, { conclusion: "failure", lines: LINES });
    expect(gh.checkUpdates).toHaveLength(1);
  });
});
