/**
 * The app end to end through Probot: a real webhook payload in, the exact requests GitHub receives
 * out (issue 3). GitHub is nock with the network blocked; every mock must be used.
 */
import {
  BASE_SHA,
  GitHubMock,
  HEAD_SHA,
  INSTALLATION_ID,
  OWNER,
  PULL,
  REPO,
  createApp,
  fixture,
  isolateNetwork,
  pullRequestPayload,
  sha,
  threadsFromReview,
  type TestApp,
} from "./support/probot.js";

isolateNetwork();

const SECOND = sha("second push");
const MARKER = /<!-- hunkguard:fp=([A-Za-z0-9_-]+) -->$/;

const suggestionIn = (body: string) => body.match(/```suggestion\n[\s\S]*?\n```/)?.[0] ?? null;
const markerIn = (body: string) => body.match(MARKER)?.[1] ?? null;
const anchorOf = ({ body: _b, ...anchor }: { body: string }) => anchor;

const BASE = `import ast
import pickle
import yaml


def parse(raw):
    return raw


def load(blob):
    return blob
`;

// three findings on added lines: eval (review-tier suggestion), pickle (explain tier, no
// suggestion) and a multi-line yaml.load whose fix spans lines 15-17
const HEAD = `import ast
import pickle
import yaml


def parse(raw):
    return eval(raw)


def load(blob):
    return pickle.loads(blob)


def read(f):
    cfg = yaml.load(
        f,
        Loader=yaml.Loader,
    )
    return cfg
`;

const HANDLERS = { path: "app/handlers.py", base: BASE, head: HEAD };
// one medium finding (mktemp), for min_severity
const SCRATCH = { path: "app/scratch.py", base: "import tempfile\n", head: "import tempfile\n\n\ndef scratch():\n    return tempfile.mktemp()\n" };

let app: TestApp;
beforeEach(async () => {
  app = await createApp();
});

/** The requests of one ordinary analysis up to the threads query. */
function analysisOf(gh: GitHubMock, opts: { checkId?: number; files?: Parameters<GitHubMock["files"]>[0]; head?: string; token?: boolean } = {}) {
  const files = opts.files ?? [HANDLERS];
  const head = opts.head ?? HEAD_SHA;
  if (opts.token !== false) gh.token();
  gh.checkCreate(opts.checkId ?? 7000).config().files(files, head);
  const texts: Record<string, string> = {};
  for (const f of files) if (f.head !== null) texts[`${head}:${f.path}`] = f.head;
  return gh.contents(texts);
}

describe("a pull request with findings", () => {
  test("one COMMENT review with the exact anchors and suggestions, and a failed check with an annotation per finding", async () => {
    const gh = analysisOf(new GitHubMock()).threads().review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([
      `POST /app/installations/${INSTALLATION_ID}/access_tokens`,
      // this app's completed runs on the head: none, so the head is analysed
      `GET /repos/${OWNER}/${REPO}/commits/${HEAD_SHA}/check-runs`,
      `POST /repos/${OWNER}/${REPO}/check-runs`,
      `GET /repos/${OWNER}/${REPO}/pulls/${PULL}/files`,
      // sizes and the config, then the texts
      "POST /graphql#blobs",
      "POST /graphql#blobs",
      "POST /graphql#threads",
      `POST /repos/${OWNER}/${REPO}/pulls/${PULL}/reviews`,
      `PATCH /repos/${OWNER}/${REPO}/check-runs/7000`,
    ]);
    // contents are read at the analysed head
    expect(gh.blobExpressions).toStrictEqual([`${HEAD_SHA}:app/handlers.py`]);
    expect(gh.bodies("POST", "/graphql#threads")[0].variables).toStrictEqual({ owner: OWNER, name: REPO, number: PULL, threadsAfter: null, reviewsAfter: null, withThreads: true, withReviews: true });

    // the check run: created in progress for the head, then completed
    expect(gh.checkCreates).toStrictEqual([
      {
        name: "HunkGuard",
        head_sha: HEAD_SHA,
        external_id: expect.any(String),
        status: "in_progress",
        started_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        output: { title: "Analysing the changed Python", summary: "HunkGuard is reviewing the lines this pull request changes." },
      },
    ]);

    // the review
    expect(gh.reviews).toHaveLength(1);
    const review = gh.reviews[0];
    expect(review).toStrictEqual({ commit_id: HEAD_SHA, event: "COMMENT", body: expect.any(String), comments: expect.any(Array) });
    expect(review.body).toBe("**HunkGuard** found 3 security issue(s) in the lines this pull request changes (3 high).\n\n<!-- hunkguard:review -->");
    expect(review.comments.map(anchorOf)).toStrictEqual([
      { path: "app/handlers.py", line: 7, side: "RIGHT" },
      { path: "app/handlers.py", line: 11, side: "RIGHT" },
      { path: "app/handlers.py", line: 17, side: "RIGHT", start_line: 15, start_side: "RIGHT" },
    ]);
    const [evalBody, pickleBody, yamlBody] = review.comments.map((c: { body: string }) => c.body);
    expect(evalBody).toMatch(/^\*\*🔴 High · Code evaluated with eval\(\)\*\*/);
    expect(suggestionIn(evalBody)).toBe("```suggestion\n    return ast.literal_eval(raw)\n```");
    expect(evalBody).toContain("> ⚠️ `ast.literal_eval` accepts only literals");
    // explain tier: the secure pattern as plain code, never a suggestion
    expect(pickleBody).toMatch(/^\*\*🔴 High · Untrusted data deserialized with pickle\*\*/);
    expect(suggestionIn(pickleBody)).toBeNull();
    expect(pickleBody).toContain("```python\nimport json\nobj = json.loads(data)");
    // the suggestion replaces exactly lines 15-17: the Loader line is gone
    expect(suggestionIn(yamlBody)).toBe("```suggestion\n    cfg = yaml.safe_load(\n        f,\n```");
    const fps = [evalBody, pickleBody, yamlBody].map(markerIn);
    expect(fps.every((fp) => fp !== null && fp.length >= 16)).toBe(true);
    expect(new Set(fps).size).toBe(3);

    // the completed check run
    const done = gh.completion;
    expect(gh.checkUpdates).toHaveLength(1);
    expect(done).toMatchObject({ status: "completed", conclusion: "failure", completed_at: expect.any(String) });
    expect(done.output.title).toBe("3 security issue(s): 3 high");
    expect(done.output.summary).toContain("Inline comments: 3 posted now, 0 already on the pull request.");
    expect(done.output.annotations).toStrictEqual([
      expect.objectContaining({ path: "app/handlers.py", start_line: 7, end_line: 7, annotation_level: "failure", title: "Code evaluated with eval() (eval)", start_column: 12, end_column: 20 }),
      expect.objectContaining({ path: "app/handlers.py", start_line: 11, end_line: 11, annotation_level: "failure", title: "Untrusted data deserialized with pickle (pickle-load)" }),
      expect.objectContaining({ path: "app/handlers.py", start_line: 15, end_line: 18, annotation_level: "failure", title: expect.stringContaining("(yaml-load)") }),
    ]);
    // columns only when the annotation is on one line
    expect(done.output.annotations[2]).not.toHaveProperty("start_column");
    expect(done.output.annotations[0].raw_details).toBe("Suggested fix for lines 7-7:\n    return ast.literal_eval(raw)\n");
  });

  test("a clean pull request: a successful check and no review at all", async () => {
    const clean = { path: "app/handlers.py", base: BASE, head: BASE.replace("return raw", "return int(raw)") };
    // no review mock: a createReview would hit the blocked network and fail the run
    const gh = analysisOf(new GitHubMock(), { files: [clean] }).threads().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.reviews).toStrictEqual([]);
    expect(gh.completion).toMatchObject({ status: "completed", conclusion: "success", output: { title: "No security issues in the changed lines", annotations: [] } });
  });
});

describe("later pushes", () => {
  /** First push: the review of HANDLERS; returns the threads GitHub would then show. */
  async function firstPush(gh: GitHubMock) {
    analysisOf(gh).threads().review(81).checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();
    return threadsFromReview(gh.reviews[0]);
  }

  test("a push with the same findings (moved down two lines) posts nothing new", async () => {
    const gh = new GitHubMock();
    const threads = await firstPush(gh);
    const moved = { path: "app/handlers.py", base: BASE, head: `"""Handlers."""\n\n${HEAD}` };
    analysisOf(gh, { checkId: 7001, files: [moved], head: SECOND, token: false }).threads({ headSha: SECOND, nodes: threads }).checkUpdate(7001);

    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.reviews).toHaveLength(1); // the first push's only
    expect(gh.checkCreates.map((b) => b.head_sha)).toStrictEqual([HEAD_SHA, SECOND]);
    const done = gh.completion;
    expect(done).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "3 security issue(s): 3 high" } });
    expect(done.output.summary).toContain("Inline comments: 0 posted now, 3 already on the pull request.");
    // the check still annotates every finding, at the new lines
    expect(done.output.annotations.map((a: { start_line: number }) => a.start_line)).toStrictEqual([9, 13, 17]);
  });

  test("a new finding on the second push: only that one is posted", async () => {
    const gh = new GitHubMock();
    const threads = await firstPush(gh);
    const more = { path: "app/handlers.py", base: BASE, head: `${HEAD}\n\ndef compute(expr):\n    return eval(expr)\n` };
    analysisOf(gh, { checkId: 7001, files: [more], head: SECOND, token: false })
      .threads({ headSha: SECOND, nodes: threads })
      .review(82)
      .checkUpdate(7001);

    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.reviews).toHaveLength(2);
    const second = gh.reviews[1];
    expect(second.commit_id).toBe(SECOND);
    expect(second.comments.map(anchorOf)).toStrictEqual([{ path: "app/handlers.py", line: 23, side: "RIGHT" }]);
    expect(suggestionIn(second.comments[0].body)).toBe("```suggestion\n    return ast.literal_eval(expr)\n```");
    const before = new Set(gh.reviews[0].comments.map((c: { body: string }) => markerIn(c.body)));
    expect(before.has(markerIn(second.comments[0].body))).toBe(false);
    expect(second.body).toContain("found 1 security issue(s)");
    expect(gh.completion.output.annotations).toHaveLength(4);
    expect(gh.completion.output.summary).toContain("Inline comments: 1 posted now, 3 already on the pull request.");
  });

  test("threads past the first 100 are read (GraphQL pages): comments there are not posted again", async () => {
    const gh = new GitHubMock();
    const posted = await firstPush(gh);
    // 117 older threads of the bot first: the three comments of the first push are on page 2
    const older = Array.from({ length: 117 }, (_, i) => ({ path: "app/other.py", comments: [{ body: `an older note ${i}` }] }));
    analysisOf(gh, { checkId: 7001, head: SECOND, token: false }).threads({ headSha: SECOND, nodes: [...older, ...posted], times: 2 }).checkUpdate(7001);

    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    const pages = gh.bodies("POST", "/graphql#threads").slice(1).map((b) => b.variables.threadsAfter);
    expect(pages).toHaveLength(2);
    expect(pages[0]).toBeNull();
    expect(typeof pages[1]).toBe("string");
    expect(gh.reviews).toHaveLength(1); // the first push's only
    expect(gh.completion.output.summary).toContain("Inline comments: 0 posted now, 3 already on the pull request.");
  });

  const THIRD = sha("third push");
  const fixedHead = HEAD.replace("eval(raw)", "ast.literal_eval(raw)").replace("pickle.loads(blob)", "blob");

  test("a finding fixed by a later push: one reply in the bot's own thread, not resolved (app.yml grants no contents: write); a thread a human replied to is left alone", async () => {
    const gh = new GitHubMock();
    const threads = await firstPush(gh);
    // the eval and the pickle are fixed; a human replied on the pickle thread
    threads[1].comments.push({ body: "We trust this blob.", author: { __typename: "User", login: "octocat" } });
    const fixed = { path: "app/handlers.py", base: BASE, head: fixedHead };
    // no resolveReviewThread mock: a resolve attempt would be a request nobody expected
    analysisOf(gh, { checkId: 7001, files: [fixed], head: SECOND, token: false }).threads({ headSha: SECOND, nodes: threads }).replyInThread().checkUpdate(7001);

    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    expect(gh.bodies("POST", "/graphql#reply").map((b) => b.variables)).toStrictEqual([{ thread: "PRRT_posted0", body: `Fixed in ${SECOND.slice(0, 7)}.\n\n<!-- hunkguard:fixed -->` }]);
    const [evalThread, pickleThread] = gh.standin.threads(OWNER, REPO, PULL);
    expect(evalThread.isResolved).toBe(false);
    expect(evalThread.comments.nodes.map((c: { author: { login: string } }) => c.author.login)).toStrictEqual(["hunkguard", "hunkguard"]);
    expect(pickleThread.comments.nodes).toHaveLength(2); // the bot's and octocat's, nothing added
    expect(gh.reviews).toHaveLength(1);
    expect(gh.completion.output.summary).toContain("1 earlier finding(s) fixed since: replied in their thread(s).");
    expect(gh.completion.output.summary).not.toContain("could not");

    // a third push with the same code: the reply is there (its marker), so nothing is sent
    analysisOf(gh, { checkId: 7002, files: [fixed], head: THIRD, token: false }).threads({ headSha: THIRD }).checkUpdate(7002);
    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: THIRD }));
    gh.done();
    expect(gh.bodies("POST", "/graphql#reply")).toHaveLength(1);
    expect(gh.completion.output.summary).not.toContain("replied in");
  });

  test("an installation granted contents: write: the fixed finding's thread is answered and resolved", async () => {
    const gh = new GitHubMock().permissions({ checks: "write", pull_requests: "write", contents: "write", metadata: "read" });
    const threads = await firstPush(gh);
    const fixed = { path: "app/handlers.py", base: BASE, head: HEAD.replace("eval(raw)", "ast.literal_eval(raw)") };
    analysisOf(gh, { checkId: 7001, files: [fixed], head: SECOND, token: false }).threads({ headSha: SECOND, nodes: threads }).replyInThread().resolveThread().checkUpdate(7001);

    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    expect(gh.bodies("POST", "/graphql#resolve").map((b) => b.variables)).toStrictEqual([{ id: "PRRT_posted0" }]);
    expect(gh.standin.threads(OWNER, REPO, PULL).map((t) => t.isResolved)).toStrictEqual([true, false, false]);
    expect(gh.completion.output.summary).toContain("1 earlier comment thread(s) resolved: their findings are gone.");
  });
});

describe("which files are analysed", () => {
  test("a pull request without Python: a quick success check, no contents read (the one GraphQL request reads the config only)", async () => {
    const gh = new GitHubMock()
      .token()
      .checkCreate(7000)
      .config()
      .files([
        { path: "README.md", base: "# Hello\n", head: "# Hello\n\nSee eval(x).\n" },
        { path: "web/app.js", base: null, head: "eval(location.hash)\n" },
      ])
      .contents({})
      .checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.blobExpressions).toStrictEqual([]);
    expect(gh.bodies("POST", "/graphql#blobs")[0].query).toContain('cfg: object(expression: "HEAD:.github/hunkguard.yml")');
    expect(gh.completion).toStrictEqual({
      status: "completed",
      conclusion: "success",
      completed_at: expect.any(String),
      output: { title: "No Python changes", summary: "This pull request changes no Python files HunkGuard analyses.", annotations: [] },
    });
  });

  test("a file GitHub gives no patch for (large): base at the merge base and head are read, hunks computed, comments on added lines", async () => {
    const mergeBase = sha("merge base");
    const big = { path: "app/big.py", base: BASE, head: HEAD, omitPatch: true };
    const gh = new GitHubMock()
      .token()
      .checkCreate(7000)
      .config()
      .files([big])
      .pullGet()
      .compare(BASE_SHA, HEAD_SHA, mergeBase)
      .contents({ [`${HEAD_SHA}:app/big.py`]: HEAD, [`${mergeBase}:app/big.py`]: BASE })
      .threads()
      .review()
      .checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    gh.expectBodiesMatchOpenApi();
    // one batch: head and merge-base versions
    expect(gh.blobExpressions).toStrictEqual([`${HEAD_SHA}:app/big.py`, `${mergeBase}:app/big.py`]);
    expect(gh.reviews[0].comments.map(anchorOf)).toStrictEqual([
      { path: "app/big.py", line: 7, side: "RIGHT" },
      { path: "app/big.py", line: 11, side: "RIGHT" },
      { path: "app/big.py", line: 17, side: "RIGHT", start_line: 15, start_side: "RIGHT" },
    ]);
    expect(gh.completion).toMatchObject({ conclusion: "failure", output: { title: "3 security issue(s): 3 high" } });
  });

  test("a text GraphQL cut short is read again over REST: the head by blob sha, the base by path at the merge base", async () => {
    const mergeBase = sha("merge base");
    const big = { path: "app/big.py", base: BASE, head: HEAD, omitPatch: true };
    const cut = (text: string) => ({ text: text.slice(0, 40), isBinary: false, byteSize: Buffer.byteLength(text), isTruncated: true });
    const gh = new GitHubMock()
      .token()
      .checkCreate(7000)
      .config()
      .files([big])
      .pullGet()
      .compare(BASE_SHA, HEAD_SHA, mergeBase)
      .contents({}, (expr) => cut(expr.startsWith(HEAD_SHA) ? HEAD : BASE))
      .blob(HEAD)
      .rawContent("app/big.py", mergeBase, BASE)
      .threads()
      .review()
      .checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    // the lines come from the whole texts: only what the PR added is reported
    expect(gh.reviews[0].comments.map((c: { line: number }) => c.line)).toStrictEqual([7, 11, 17]);
    expect(gh.completion.output.annotations).toHaveLength(3);
  });

  test("a renamed file is commented under its new path; a deleted file is not read", async () => {
    const renamed = { path: "app/handlers_v2.py", previousPath: "app/handlers.py", base: BASE, head: HEAD };
    const deleted = { path: "app/legacy.py", base: "import pickle\nx = pickle.loads(b)\n", head: null };
    const gh = new GitHubMock()
      .token()
      .checkCreate(7000)
      .config()
      .files([renamed, deleted])
      .contents({ [`${HEAD_SHA}:app/handlers_v2.py`]: HEAD })
      .threads()
      .review()
      .checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.blobExpressions).toStrictEqual([`${HEAD_SHA}:app/handlers_v2.py`]);
    expect(gh.reviews[0].comments.map((c: { path: string; line: number }) => `${c.path}:${c.line}`)).toStrictEqual([
      "app/handlers_v2.py:7",
      "app/handlers_v2.py:11",
      "app/handlers_v2.py:17",
    ]);
    expect(gh.completion.output.annotations.every((a: { path: string }) => a.path === "app/handlers_v2.py")).toBe(true);
  });
});

describe("more findings than the inline cap", () => {
  const evals = (n: number) => ({
    path: "app/many.py",
    base: "import ast\n",
    head: `import ast\n${Array.from({ length: n }, (_, i) => `v${i} = eval(raw${i})\n`).join("")}`,
  });

  test("35 findings: 30 inline comments, 5 listed in the review body, all 35 annotated", async () => {
    const gh = analysisOf(new GitHubMock(), { files: [evals(35)] }).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    gh.expectBodiesMatchOpenApi();
    const review = gh.reviews[0];
    expect(review.comments.map((c: { line: number }) => c.line)).toStrictEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    expect(review.body).toContain("5 more did not fit as inline comments:");
    for (let line = 32; line <= 36; line++) expect(review.body).toContain(`- \`app/many.py:${line}\` 🔴 High Code evaluated with eval() (\`eval\`)`);
    expect(gh.checkUpdates).toHaveLength(1);
    expect(gh.completion.output.annotations.map((a: { start_line: number }) => a.start_line)).toStrictEqual(Array.from({ length: 35 }, (_, i) => i + 2));
    expect(gh.completion.output.summary).toContain("Inline comments: 30 posted now");
  });

  test("60 findings: annotations go 50 per request, the check completes with the first 50 after the other 10", async () => {
    // pickle loads: no fix to validate, so sixty stay quick
    const pickles = { path: "app/many.py", base: "import pickle\n", head: `import pickle\n${Array.from({ length: 60 }, (_, i) => `v${i} = pickle.loads(raw${i})\n`).join("")}` };
    const gh = analysisOf(new GitHubMock(), { files: [pickles] }).threads().review().checkUpdate(7000, 2);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.reviews[0].comments).toHaveLength(30);
    expect(gh.reviews[0].body).toContain("30 more did not fit as inline comments:");
    const [append, complete] = gh.checkUpdates;
    expect(append).not.toHaveProperty("status");
    expect(append.output.annotations.map((a: { start_line: number }) => a.start_line)).toStrictEqual(Array.from({ length: 10 }, (_, i) => i + 52));
    expect(complete).toMatchObject({ status: "completed", conclusion: "failure", output: { title: "60 security issue(s): 60 high" } });
    expect(append.output.annotations[0]).toMatchObject({ path: "app/many.py", start_line: 52, annotation_level: "failure", title: "Untrusted data deserialized with pickle (pickle-load)" });
    expect(complete.output.annotations).toHaveLength(50);
    expect(new Set(gh.annotations.map((a) => a.start_line)).size).toBe(60);
  });
});

test("a later push with the same findings beyond the inline cap posts no review again", async () => {
  const many = { path: "app/many.py", base: "import pickle\n", head: `import pickle\n${Array.from({ length: 35 }, (_, i) => `v${i} = pickle.loads(raw${i})\n`).join("")}` };
  // first push: 30 inline, 5 listed in the body with their markers
  const first = analysisOf(new GitHubMock(), { files: [many] }).threads().review().checkUpdate(7000);
  await app.deliver("pull_request", pullRequestPayload());
  first.done();
  const posted = first.reviews[0];
  // the last line: `<!-- hunkguard:fp=a,b,c -->`
  const listed = /\n<!-- hunkguard:fp=([\w,-]+) -->$/.exec(posted.body)![1].split(",");
  expect(listed).toHaveLength(5);
  // second push: the threads hold the 30 comments, the review body the 5 listed ones → nothing new
  const second = analysisOf(new GitHubMock(), { files: [many], token: false, head: SECOND })
    .threads({
      headSha: SECOND,
      nodes: posted.comments.map((c: { path: string; body: string }) => ({ path: c.path, comments: [{ body: c.body }] })),
      reviewBodies: [posted.body],
    })
    .checkUpdate(7000);
  await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));
  second.done();
  expect(second.reviews).toHaveLength(0);
  expect(second.completion.output.summary).toContain("Inline comments: 0 posted now, 35 already on the pull request.");
  expect(second.completion.output.annotations).toHaveLength(35);
});

describe("repo config", () => {
  test("findings under min_severity are not reported, and the check counts them", async () => {
    const gh = new GitHubMock()
      .token()
      .checkCreate(7000)
      .config("min_severity: high\n")
      .files([HANDLERS, SCRATCH])
      .contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD, [`${HEAD_SHA}:app/scratch.py`]: SCRATCH.head })
      .threads()
      .review()
      .checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();
    const done = gh.completion;
    expect(done.output.annotations.every((a: { annotation_level: string }) => a.annotation_level === "failure")).toBe(true);
    // mktemp is medium: left out of the annotations, and counted
    expect(done.output.annotations.map((a: { path: string }) => a.path)).not.toContain("app/scratch.py");
    expect(done.output.summary).toMatch(/\nNot reported: (?:.*; )?1 below `min_severity: high`\./);
  });

  test("an invalid config: the check names each problem exactly and the defaults apply", async () => {
    const gh = new GitHubMock()
      .token()
      .checkCreate(7000)
      .config("fail_on: sometimes\nbogus: 1\nmax_inline_comments: 1\n")
      .files([HANDLERS])
      .contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD })
      .threads()
      .review()
      .checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    gh.expectBodiesMatchOpenApi();
    const done = gh.completion;
    // fail_on falls back to `high`: the high findings fail the check
    expect(done.conclusion).toBe("failure");
    expect(done.output.summary).toContain(
      [
        "### ⚠️ Problems in `.github/hunkguard.yml` (defaults used for these keys)",
        "",
        '- `fail_on`: Invalid option: expected one of "high"|"medium"|"low"|"never"',
        "- `bogus`: unknown key (known: disable_rules, enable_rules, disable_categories, min_severity, fail_on, include, exclude, filter, max_inline_comments, drafts, max_file_bytes, vendored, unanalysed, tests)",
      ].join("\n"),
    );
    // the valid key still applies
    expect(gh.reviews[0].comments).toHaveLength(1);
  });

  test("the config is read with the contents: the repository's file, the owner's `.github` one only as a fallback", async () => {
    const gh = analysisOf(new GitHubMock()).config("fail_on: never\n", { yaml: "fail_on: high\n" }).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const query: string = gh.bodies("POST", "/graphql#blobs")[0].query;
    expect(query).toContain('cfg: object(expression: "HEAD:.github/hunkguard.yml") { ... on Blob { text isTruncated } }');
    expect(query).toContain('org: repository(owner: $owner, name: ".github") { object(expression: "HEAD:.github/hunkguard.yml")');
    // the repository's `fail_on: never` wins over the owner's
    expect(gh.completion).toMatchObject({ conclusion: "neutral", output: { title: "3 security issue(s): 3 high" } });
  });

  test("no file in the repository: the owner's `.github` repository's applies (no request of its own)", async () => {
    const gh = analysisOf(new GitHubMock()).config(undefined, { yaml: "fail_on: never\nmax_inline_comments: 1\n" }).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.reviews[0].comments).toHaveLength(1);
    expect(gh.completion.conclusion).toBe("neutral");
  });

  test("the owner's `.github` repository refuses (not NOT_FOUND): the check names the problem, the defaults apply", async () => {
    const gh = analysisOf(new GitHubMock()).config(undefined, { error: { type: "FORBIDDEN", message: "Resource not accessible by integration" } });
    gh.threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.completion.conclusion).toBe("failure");
    expect(gh.completion.output.summary).toContain("- the owner's `.github` repository could not be read (Resource not accessible by integration)");
  });

  test("invalid YAML: the check says so and every default applies", async () => {
    const gh = analysisOf(new GitHubMock()).config("fail_on: never\nexclude: [app/**\n").threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const done = gh.completion;
    expect(done.conclusion).toBe("failure"); // fail_on: high, the default
    expect(done.output.summary).toMatch(/### ⚠️ Problems in `\.github\/hunkguard\.yml`[^\n]*\n\n- the file is not valid YAML \([^)]*line \d+, column \d+\); every key uses its default/);
    expect(gh.reviews[0].comments).toHaveLength(3);
  });

  test("a config that `_extends` the owner's `.github` repository's is merged under it, as Probot's context.config did", async () => {
    const gh = analysisOf(new GitHubMock()).config("_extends: .github\nfail_on: never\n");
    const shared = `/repos/${OWNER}/.github/contents/.github%2Fhunkguard.yml`;
    gh.scope.get(shared).reply(200, "fail_on: high\nmax_inline_comments: 2\n", { "content-type": "application/vnd.github.raw; charset=utf-8" });
    gh.threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.reviews[0].comments).toHaveLength(2); // from the extended file
    expect(gh.completion.conclusion).toBe("neutral"); // the repository's own key wins
    expect(gh.completion.output.summary).not.toContain("Problems in");
  });

  test("a draft with `drafts: false`: the check is skipped, nothing analysed or posted", async () => {
    // the config comes with the contents (one request), so the files are listed and read first
    const gh = new GitHubMock().token().checkCreate(7000).config("drafts: false\n").files([HANDLERS]).contents({ [`${HEAD_SHA}:app/handlers.py`]: HEAD }).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload({ draft: true }));

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.reviews).toStrictEqual([]);
    expect(gh.completion).toMatchObject({
      status: "completed",
      conclusion: "skipped",
      output: { title: "Draft pull request", summary: "Drafts are not analysed (`drafts: false` in `.github/hunkguard.yml`)." },
    });
  });
});

describe("re-runs", () => {
  function adapt(payload: Record<string, any>) {
    payload.repository.name = REPO;
    payload.repository.full_name = `${OWNER}/${REPO}`;
    payload.repository.owner.login = OWNER;
    payload.installation = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" };
    return payload;
  }

  test("check_run.rerequested naming no pull request: a new check run for the same head (the PR found among the open ones by its head)", async () => {
    const payload = adapt(fixture("check_run.rerequested"));
    payload.check_run.name = "HunkGuard";
    payload.check_run.head_sha = HEAD_SHA;
    payload.check_run.check_suite.head_sha = HEAD_SHA;
    expect(payload.check_run.pull_requests).toStrictEqual([]);
    const oldRun = payload.check_run.id;
    const gh = new GitHubMock().token().openPulls();
    analysisOf(gh, { checkId: 7100, token: false }).threads().review().checkUpdate(7100);

    await app.deliver("check_run", payload);

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.checkCreates).toHaveLength(1);
    expect(gh.checkCreates[0]).toMatchObject({ name: "HunkGuard", head_sha: HEAD_SHA, status: "in_progress" });
    expect(gh.requests.some((r) => r.path.endsWith(`/check-runs/${oldRun}`))).toBe(false);
    expect(gh.completion).toMatchObject({ status: "completed", conclusion: "failure" });
  });

  test("a re-run whose head no open pull request has: logged, nothing analysed", async () => {
    const payload = adapt(fixture("check_suite.rerequested"));
    payload.check_suite.pull_requests = [];
    payload.check_suite.head_sha = sha("gone");
    const gh = new GitHubMock().token().openPulls();

    await app.deliver("check_suite", payload);

    gh.done();
    expect(gh.checkCreates).toStrictEqual([]);
    expect(app.log.entries().filter((e) => e.level === 40).map((e) => [e.msg, e.sha])).toStrictEqual([["re-run: no open pull request has this head commit; nothing analysed", sha("gone")]]);
  });

  test("check_run.rerequested for another app's check is ignored", async () => {
    const payload = adapt(fixture("check_run.rerequested")); // name "randscape"
    await app.deliver("check_run", payload);
    expect(app.queue.size).toBe(0);
  });

  test("check_suite.rerequested: the pull request named in the suite is analysed again", async () => {
    const payload = adapt(fixture("check_suite.rerequested"));
    expect(payload.check_suite.pull_requests[0].number).toBe(PULL);
    expect(payload.check_suite.head_sha).toBe(HEAD_SHA);
    const gh = new GitHubMock().token().pullGet();
    analysisOf(gh, { checkId: 7200, token: false }).threads().review().checkUpdate(7200);

    await app.deliver("check_suite", payload);

    gh.done();
    gh.expectBodiesMatchOpenApi();
    expect(gh.checkCreates.map((b) => b.head_sha)).toStrictEqual([HEAD_SHA]);
    expect(gh.reviews).toHaveLength(1);
    expect(gh.completion.status).toBe("completed");
  });
});
