/**
 * The GitHub stand-in, exercised with plain fetch over loopback. Expected patch texts and blob
 * ids were produced by real git (`git diff`, `git hash-object`) on the same contents.
 */
import { GitHubStandin, gitBlobSha, type StandinFile } from "../src/standin/github-standin.js";
import { OPENAPI_CHECKS, validateRequestBody, validateResponseBody } from "./support/openapi.js";

const O = "octo";
const R = "app";
const BASE = "b".repeat(40);
const HEAD = "a".repeat(40);

const M_BASE = "import os\n\ndef a():\n    return 1\n\n\ndef b():\n    x = 1\n    y = 2\n    z = 3\n    return x\n";
const M_HEAD = M_BASE.replace("y = 2", "y = pickle.loads(data)");
const FILES: StandinFile[] = [
  { path: "m.py", base: M_BASE, head: M_HEAD },
  { path: "d.py", base: "gone\n", head: null },
  { path: "new.py", base: null, head: "x = 1\ny = 2\n" },
  { path: "nn.py", base: "a\nb", head: "a\nc" },
  { path: "pkg/renamed.py", previousPath: "pkg/old.py", base: "same\n", head: "same\n" },
  { path: "logo.png", base: "\u0000PNG1", head: "\u0000PNG2", omitPatch: true },
];
const CONFIG = "failOn: high\n";

let gh: GitHubStandin;
let url: string;
/** an installation token the stand-in issued (it refuses tokens it does not know) */
let TOKEN: string;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `token ${TOKEN}`, accept: "application/vnd.github+json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const graphql = (query: string, variables?: object) => call("POST", "/graphql", { query, variables });

/** A JWT of the shape an app signs (the stand-in checks its claims and clock, not its key). */
function appJwt(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ iat: now - 30, exp: now + 540, iss: "1" })}.c2lnbmF0dXJl`;
}

beforeEach(async () => {
  gh = new GitHubStandin(OPENAPI_CHECKS);
  url = await gh.start();
  TOKEN = gh.issueToken(42);
  gh.addPull({ owner: O, repo: R, number: 7, baseSha: BASE, headSha: HEAD, headRef: "feature", files: FILES, config: CONFIG });
});

afterEach(async () => {
  await gh.stop();
  // every request these tests sent, and every answer, fits GitHub's OpenAPI description
  expect(gh.violations).toStrictEqual([]);
});

describe("pull request files", () => {
  test("patch text is what git diff prints, without the file headers", async () => {
    const { status, json } = await call("GET", `/repos/${O}/${R}/pulls/7/files`);
    expect(status).toBe(200);
    const byName = Object.fromEntries(json.map((f: any) => [f.filename, f]));
    expect(byName["m.py"]).toMatchObject({
      status: "modified",
      additions: 1,
      deletions: 1,
      changes: 2,
      patch:
        "@@ -6,6 +6,6 @@ def a():\n \n def b():\n     x = 1\n-    y = 2\n+    y = pickle.loads(data)\n     z = 3\n     return x",
    });
    expect(byName["d.py"]).toMatchObject({ status: "removed", additions: 0, deletions: 1, patch: "@@ -1 +0,0 @@\n-gone" });
    expect(byName["new.py"]).toMatchObject({ status: "added", additions: 2, patch: "@@ -0,0 +1,2 @@\n+x = 1\n+y = 2" });
    expect(byName["nn.py"].patch).toBe(
      "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file",
    );
    expect(byName["pkg/renamed.py"]).toMatchObject({ status: "renamed", previous_filename: "pkg/old.py", changes: 0 });
    expect(byName["pkg/renamed.py"]).not.toHaveProperty("patch");
    expect(byName["logo.png"]).not.toHaveProperty("patch");
    // git hash-object of the head contents
    expect(byName["m.py"].sha.slice(0, 7)).toBe("4c93170");
    expect(byName["new.py"].sha.slice(0, 7)).toBe("2c18545");
    expect(byName["m.py"].contents_url).toBe(`https://api.github.com/repos/${O}/${R}/contents/m.py?ref=${HEAD}`);
    expect(validateResponseBody("pulls/list-files", json)).toEqual([]);
  });

  test("pages 250 files with GitHub's Link header, and the links work", async () => {
    const many: StandinFile[] = Array.from({ length: 250 }, (_, i) => ({
      path: `src/f${String(i).padStart(3, "0")}.py`,
      base: null,
      head: `x = ${i}\n`,
    }));
    gh.addPull({ owner: O, repo: R, number: 8, baseSha: BASE, headSha: "c".repeat(40), files: many });

    const first = await call("GET", `/repos/${O}/${R}/pulls/8/files?per_page=100`);
    expect(first.json).toHaveLength(100);
    const links = (h: Headers) =>
      Object.fromEntries(
        (h.get("link") ?? "").split(", ").map((part) => {
          const [, href, rel] = /^<([^>]+)>; rel="(\w+)"$/.exec(part)!;
          return [rel, href];
        }),
      );
    const l1 = links(first.headers);
    expect(Object.keys(l1)).toEqual(["next", "last"]);
    expect(l1.next).toMatch(new RegExp(`^${url}/repositories/\\d+/pulls/8/files\\?per_page=100&page=2$`));
    expect(l1.last).toMatch(/page=3$/);

    const second = await fetch(l1.next, { headers: { authorization: `token ${TOKEN}` } });
    expect(Object.keys(links(second.headers))).toEqual(["prev", "next", "last", "first"]);
    const third = await call("GET", `/repos/${O}/${R}/pulls/8/files?per_page=100&page=3`);
    expect(third.json).toHaveLength(50);
    expect(Object.keys(links(third.headers))).toEqual(["prev", "first"]);

    const names = [...first.json, ...((await second.json()) as any[]), ...third.json].map((f: any) => f.filename);
    expect(new Set(names).size).toBe(250);

    const unpaged = await call("GET", `/repos/${O}/${R}/pulls/8/files`);
    expect(unpaged.json).toHaveLength(30);
  });
});

describe("reviews", () => {
  const good = { path: "m.py", line: 9, side: "RIGHT", body: "pickle <!-- hunkguard:fp=1 -->" };

  test("one bad anchor loses the whole review with GitHub's 422", async () => {
    const body = { commit_id: HEAD, event: "COMMENT", body: "HunkGuard", comments: [good, { path: "m.py", line: 1, side: "RIGHT", body: "outside" }] };
    expect(validateRequestBody("pulls/create-review", body)).toEqual([]);
    const res = await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, body);
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      message: "Unprocessable Entity",
      errors: ["Line could not be resolved"],
      documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
      status: "422",
    });
    expect(gh.reviews(O, R, 7)).toEqual([]);
    expect(gh.reviewComments(O, R, 7)).toEqual([]);
  });

  test.each([
    ["a removed line on the RIGHT", { line: 9, side: "RIGHT", path: "d.py" }],
    ["start_line equal to line", { line: 9, start_line: 9 }],
    ["start_line in another hunk", { line: 9, start_line: 2 }],
    ["a file outside the PR", { path: "other.py" }],
    ["a file whose patch GitHub omits", { path: "logo.png", line: 1 }],
  ])("rejects %s", async (_name, override) => {
    const res = await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, {
      commit_id: HEAD,
      event: "COMMENT",
      body: "x",
      comments: [{ ...good, ...override }],
    });
    expect(res.status).toBe(422);
    expect(gh.reviews(O, R, 7)).toEqual([]);
  });

  test("stores comments with ids, the bot user and diff_hunk, listed by GET comments", async () => {
    const res = await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, {
      commit_id: HEAD,
      event: "COMMENT",
      body: "HunkGuard found 2 issues",
      comments: [good, { path: "m.py", start_line: 7, start_side: "RIGHT", line: 9, side: "RIGHT", body: "range" }],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ state: "COMMENTED", commit_id: HEAD, user: { login: "hunkguard[bot]", type: "Bot" } });
    expect(validateResponseBody("pulls/create-review", res.json)).toEqual([]);

    const list = await call("GET", `/repos/${O}/${R}/pulls/7/comments`);
    expect(list.json).toHaveLength(2);
    expect(list.json[0]).toMatchObject({
      pull_request_review_id: res.json.id,
      commit_id: HEAD,
      original_commit_id: HEAD,
      path: "m.py",
      line: 9,
      side: "RIGHT",
      start_line: null,
      position: 5,
      body: good.body,
      user: { login: "hunkguard[bot]", type: "Bot" },
      diff_hunk: "@@ -6,6 +6,6 @@ def a():\n \n def b():\n     x = 1\n-    y = 2\n+    y = pickle.loads(data)",
    });
    expect(list.json[1]).toMatchObject({ start_line: 7, start_side: "RIGHT", line: 9 });
    expect(validateResponseBody("pulls/list-review-comments", list.json)).toEqual([]);

    const reviews = await call("GET", `/repos/${O}/${R}/pulls/7/reviews`);
    expect(reviews.json).toHaveLength(1);
    expect(reviews.json[0]).not.toHaveProperty("comments");
    expect(validateResponseBody("pulls/list-reviews", reviews.json)).toEqual([]);
    expect(gh.reviews(O, R, 7)[0].comments).toHaveLength(2);
  });

  test("a new push keeps unchanged lines and outdates changed ones", async () => {
    const kept = { path: "new.py", line: 2, body: "kept" };
    await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, { commit_id: HEAD, event: "COMMENT", body: "x", comments: [good, kept] });
    const fixed = M_BASE.replace("y = 2", "y = json.loads(data)");
    gh.pushHead(O, R, 7, "d".repeat(40), [
      { path: "m.py", base: M_BASE, head: fixed },
      { path: "new.py", base: null, head: "x = 1\ny = 2\n" },
    ]);
    const [comment, unchanged] = gh.reviewComments(O, R, 7);
    expect(comment).toMatchObject({ line: null, original_line: 9, commit_id: HEAD, original_commit_id: HEAD });
    expect(unchanged).toMatchObject({ line: 2, commit_id: "d".repeat(40), original_commit_id: HEAD });
    expect(gh.threads(O, R, 7).map((t) => t.isOutdated)).toEqual([true, false]);
    const pr = await call("GET", `/repos/${O}/${R}/pulls/7`);
    expect(pr.json.head.sha).toBe("d".repeat(40));
    // the old head still anchors reviews (outdated comments), the new one too
    const again = await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, { commit_id: "d".repeat(40), event: "COMMENT", body: "x", comments: [good] });
    expect(again.status).toBe(200);
  });

  test("a push carries a comment to where its unchanged line now is; a range whose first line changed is outdated", async () => {
    const NEW = "x = 1\ny = 2\nz = 3\n";
    gh.pushHead(O, R, 7, HEAD, [{ path: "new.py", base: null, head: NEW }]);
    const range = { path: "new.py", start_line: 1, start_side: "RIGHT", line: 2, side: "RIGHT", body: "range" };
    const single = { path: "new.py", line: 3, side: "RIGHT", body: "single" };
    const posted = await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, { commit_id: HEAD, event: "COMMENT", body: "x", comments: [range, single] });
    expect(posted.status).toBe(200);
    // two lines added above, and the first line of the range changed
    gh.pushHead(O, R, 7, "d".repeat(40), [{ path: "new.py", base: null, head: `import os\n\n${NEW.replace("x = 1", "x = 2")}` }]);
    const [r, one] = gh.reviewComments(O, R, 7);
    expect(r).toMatchObject({ line: null, start_line: null, original_line: 2, original_start_line: 1 });
    expect(one).toMatchObject({ line: 5, original_line: 3, commit_id: "d".repeat(40), original_commit_id: HEAD });
    // GraphQL shows the same: the thread's line on the current diff, null when outdated
    const threads = await graphql(
      `query { repository(owner: "${O}", name: "${R}") { pullRequest(number: 7) { reviewThreads(first: 10) { nodes { line originalLine isOutdated } } } } }`,
    );
    expect(threads.json.data.repository.pullRequest.reviewThreads.nodes).toStrictEqual([
      { line: null, originalLine: 2, isOutdated: true },
      { line: 5, originalLine: 3, isOutdated: false },
    ]);
  });

  test("reviews page by `first`/`after`, oldest first, each with its author (GraphQL names an app's bot without [bot])", async () => {
    gh.setReviews(O, R, 7, [
      { id: 1, body: "ours", state: "COMMENTED" },
      ...Array.from({ length: 4 }, (_, i) => ({ id: 2 + i, body: `person ${i}`, state: "COMMENTED", user: { login: `reviewer${i}`, type: "User" } })),
      { id: 9, body: "another app's", state: "COMMENTED", user: { login: "helpful-bot[bot]", type: "Bot" } },
    ]);
    const page = (after: string | null) =>
      graphql(`query($after: String) { repository(owner: "${O}", name: "${R}") { pullRequest(number: 7) { reviews(first: 4, after: $after) { pageInfo { hasNextPage endCursor } nodes { body author { __typename login } } } } } }`, { after });
    const first = (await page(null)).json.data.repository.pullRequest.reviews;
    const second = (await page(first.pageInfo.endCursor)).json.data.repository.pullRequest.reviews;
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.nodes, ...second.nodes].map((n: any) => `${n.author.__typename} ${n.author.login}: ${n.body}`)).toStrictEqual([
      "Bot hunkguard: ours",
      ...Array.from({ length: 4 }, (_, i) => `User reviewer${i}: person ${i}`),
      "Bot helpful-bot: another app's",
    ]);
  });
});

describe("the app", () => {
  test("GET /app answers the app's JWT only; a check run names its app; the list filters by status and app_id", async () => {
    expect((await call("GET", "/app")).status).toBe(401);
    const me = await call("GET", "/app", undefined, { authorization: `bearer ${appJwt()}` });
    expect(me.json).toMatchObject({ id: 1, slug: "hunkguard" });
    const created = await call("POST", `/repos/${O}/${R}/check-runs`, { name: "HunkGuard", head_sha: HEAD, conclusion: "failure", output: { title: "t", summary: "s" } });
    expect(created.json.app).toMatchObject({ id: 1, slug: "hunkguard" });
    gh.upsertCheckRuns(O, R, [
      { id: 5, head_sha: HEAD, external_id: "", status: "completed", conclusion: "success", app: { id: 999, slug: "impostor" } },
      { id: 6, head_sha: HEAD, external_id: "", status: "in_progress" },
    ]);
    const list = async (query: string) => (await call("GET", `/repos/${O}/${R}/commits/${HEAD}/check-runs?check_name=HunkGuard&filter=all&${query}`)).json.check_runs.map((r: any) => [r.id, r.app.slug, r.status]);
    expect(await list("status=completed&app_id=1")).toStrictEqual([[created.json.id, "hunkguard", "completed"]]);
    expect(await list("status=completed")).toStrictEqual([[5, "impostor", "completed"], [created.json.id, "hunkguard", "completed"]]);
    expect(await list("app_id=1")).toStrictEqual([[6, "hunkguard", "in_progress"], [created.json.id, "hunkguard", "completed"]]);
  });
});

describe("check runs", () => {
  const annotation = (i: number) => ({ path: "m.py", start_line: i, end_line: i, annotation_level: "warning", message: `m${i}` });

  test("annotations are appended across updates; more than 50 in one request is 422", async () => {
    const created = await call("POST", `/repos/${O}/${R}/check-runs`, {
      name: "HunkGuard",
      head_sha: HEAD,
      status: "in_progress",
      output: { title: "HunkGuard", summary: "running", annotations: [annotation(1)] },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: "in_progress", conclusion: null, head_sha: HEAD, pull_requests: [{ number: 7 }] });
    expect(validateResponseBody("checks/create", created.json)).toEqual([]);
    const id = created.json.id;

    const first = await call("PATCH", `/repos/${O}/${R}/check-runs/${id}`, { output: { summary: "more", annotations: Array.from({ length: 50 }, (_, i) => annotation(i + 2)) } });
    expect(first.json.output).toMatchObject({ title: "HunkGuard", summary: "more", annotations_count: 51 });
    const tooMany = await call("PATCH", `/repos/${O}/${R}/check-runs/${id}`, { output: { summary: "x", annotations: Array.from({ length: 51 }, (_, i) => annotation(i)) } });
    expect(tooMany.status).toBe(422);
    // the OpenAPI description says so too: the one violation this test commits on purpose
    expect(gh.violations.splice(0)).toStrictEqual(["PATCH /repos/{owner}/{repo}/check-runs/{check_run_id} (checks/update): body /output/annotations must NOT have more than 50 items"]);
    const done = await call("PATCH", `/repos/${O}/${R}/check-runs/${id}`, {
      conclusion: "failure",
      output: { title: "52 findings", summary: "done", annotations: [annotation(99)] },
    });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ status: "completed", conclusion: "failure", output: { annotations_count: 52 } });
    expect(validateResponseBody("checks/update", done.json)).toEqual([]);

    const [run] = gh.checkRuns(O, R);
    expect(run.annotations.map((a: any) => a.message)).toEqual(["m1", ...Array.from({ length: 50 }, (_, i) => `m${i + 2}`), "m99"]);
    expect(run.completed_at).toEqual(expect.any(String));

    const listed = await call("GET", `/repos/${O}/${R}/commits/${HEAD}/check-runs`);
    expect(listed.json).toMatchObject({ total_count: 1, check_runs: [{ id, name: "HunkGuard" }] });
  });

  test("rejects completed without conclusion, and columns across lines", async () => {
    const noConclusion = await call("POST", `/repos/${O}/${R}/check-runs`, { name: "HunkGuard", head_sha: HEAD, status: "completed" });
    expect(noConclusion.status).toBe(422);
    const columns = await call("POST", `/repos/${O}/${R}/check-runs`, {
      name: "HunkGuard",
      head_sha: HEAD,
      output: { title: "t", summary: "s", annotations: [{ ...annotation(1), end_line: 2, start_column: 1, end_column: 3 }] },
    });
    expect(columns.status).toBe(422);
    expect(gh.checkRuns(O, R)).toEqual([]);
  });
});

describe("contents, blobs and GraphQL", () => {
  test("contents by ref in base64 wrapped at 60 columns, raw config on the default branch, 404 JSON", async () => {
    const long = "x = '" + "a".repeat(200) + "'\n";
    gh.addPull({ owner: O, repo: R, number: 9, baseSha: BASE, headSha: "e".repeat(40), files: [{ path: "long.py", base: null, head: long }] });
    const file = await call("GET", `/repos/${O}/${R}/contents/long.py?ref=${"e".repeat(40)}`);
    expect(file.json).toMatchObject({ type: "file", encoding: "base64", path: "long.py", sha: gitBlobSha(long) });
    expect(file.json.content.split("\n")[0]).toHaveLength(60);
    expect(Buffer.from(file.json.content, "base64").toString("utf8")).toBe(long);
    expect(validateResponseBody("repos/get-content", file.json)).toEqual([]);

    const raw = await call("GET", `/repos/${O}/${R}/contents/.github%2Fhunkguard.yml`, undefined, { accept: "application/vnd.github.v3.raw" });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(raw.text).toBe(CONFIG);

    const absent = await call("GET", `/repos/${O}/${R}/contents/nope.py?ref=${HEAD}`);
    expect(absent.status).toBe(404);
    expect(absent.json).toMatchObject({ message: "Not Found", documentation_url: expect.any(String) });
    expect((await call("GET", `/repos/${O}/.github/contents/.github/hunkguard.yml`)).status).toBe(404);

    const blob = await call("GET", `/repos/${O}/${R}/git/blobs/${gitBlobSha(M_BASE)}`);
    expect(Buffer.from(blob.json.content, "base64").toString("utf8")).toBe(M_BASE);
    expect(validateResponseBody("git/get-blob", blob.json)).toEqual([]);
  });

  test("a GraphQL blob batch answers each alias, null when absent", async () => {
    const res = await graphql(`query($owner: String!, $name: String!) {
      repository(owner: $owner, name: $name) {
        a0: object(expression: "${HEAD}:m.py") { ... on Blob { text isBinary byteSize oid } }
        a1: object(expression: "${BASE}:m.py") { ... on Blob { text isBinary byteSize oid } }
        a2: object(expression: "${HEAD}:missing.py") { ... on Blob { text } }
        a3: object(expression: "${HEAD}:logo.png") { ... on Blob { text isBinary } }
      }
    }`, { owner: O, name: R });
    expect(res.status).toBe(200);
    const repo = res.json.data.repository;
    expect(repo.a0).toMatchObject({ text: M_HEAD, isBinary: false, byteSize: M_HEAD.length, oid: gitBlobSha(M_HEAD) });
    expect(repo.a1.text).toBe(M_BASE);
    expect(repo.a2).toBeNull();
    expect(repo.a3).toMatchObject({ text: null, isBinary: true });
  });

  test("review threads list the bot without [bot], and resolveReviewThread resolves", async () => {
    await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, {
      commit_id: HEAD, event: "COMMENT", body: "x",
      comments: [{ path: "m.py", line: 9, body: "one" }, { path: "new.py", line: 1, body: "two" }],
    });
    const [first] = gh.reviewComments(O, R, 7);
    gh.addReply(O, R, 7, first.id, "this is fine, really", "alice");
    const list = await graphql(`{ repository(owner: "${O}", name: "${R}") { pullRequest(number: 7) {
      reviewThreads(first: 100) { nodes { id isResolved comments(first: 100) { nodes { databaseId body author { login } } } } } } } }`);
    const nodes = list.json.data.repository.pullRequest.reviewThreads.nodes;
    expect(nodes).toHaveLength(2);
    expect(nodes[0].comments.nodes.map((c: any) => [c.author.login, c.body])).toEqual([["hunkguard", "one"], ["alice", "this is fine, really"]]);
    // with app.yml's permissions (contents: read) GitHub refuses to resolve, as it does for real
    const RESOLVE = `mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id isResolved } } }`;
    const refused = await graphql(RESOLVE, { id: nodes[1].id });
    expect(refused.status).toBe(200);
    expect(refused.json).toStrictEqual({
      data: { resolveReviewThread: null },
      errors: [{ type: "FORBIDDEN", path: ["resolveReviewThread"], locations: [{ line: 1, column: 22 }], message: "Resource not accessible by integration" }],
    });
    expect(gh.threads(O, R, 7).map((t) => t.isResolved)).toEqual([false, false]);
    // an installation granted contents: write may
    gh.setInstallationPermissions(42, { ...gh.installationPermissions(42), contents: "write" });
    TOKEN = gh.issueToken(42);
    const resolved = await graphql(RESOLVE, { id: nodes[1].id });
    expect(resolved.json.data.resolveReviewThread.thread).toMatchObject({ id: nodes[1].id, isResolved: true });
    expect(gh.threads(O, R, 7).map((t) => t.isResolved)).toEqual([false, true]);
  });
});

describe("failures, recording, and the rest of the surface", () => {
  test("failNext with thenSucceed performs the action but answers the error, once", async () => {
    gh.failNext("POST", /\/pulls\/7\/reviews$/, 502, { thenSucceed: true });
    const body = { commit_id: HEAD, event: "COMMENT", body: "x", comments: [{ path: "m.py", line: 9, body: "one" }] };
    const failed = await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, body);
    expect(failed.status).toBe(502);
    expect(gh.reviews(O, R, 7)).toHaveLength(1);
    const next = await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, body);
    expect(next.status).toBe(200);
    expect(gh.reviews(O, R, 7)).toHaveLength(2);
  });

  test("failNext without thenSucceed does nothing and sends the given headers", async () => {
    gh.failNext("POST", /check-runs$/, 403, { headers: { "retry-after": "7" } });
    const res = await call("POST", `/repos/${O}/${R}/check-runs`, { name: "HunkGuard", head_sha: HEAD });
    expect(res.status).toBe(403);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(res.json.message).toMatch(/secondary rate limit/);
    expect(gh.checkRuns(O, R)).toEqual([]);
  });

  test("records requests without the Authorization header; bad JSON is 400; unknown routes 404", async () => {
    await call("POST", `/repos/${O}/${R}/check-runs`, { name: "HunkGuard", head_sha: HEAD });
    const bad = await call("POST", `/repos/${O}/${R}/check-runs`, "{not json");
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe("Problems parsing JSON");
    const unknown = await call("GET", `/repos/${O}/${R}/issues`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toMatch(/Not Found/);
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /repos/${O}/${R}/check-runs`,
      `POST /repos/${O}/${R}/check-runs`,
      `GET /repos/${O}/${R}/issues`,
    ]);
    expect(gh.requests[0].body).toEqual({ name: "HunkGuard", head_sha: HEAD });
    expect(JSON.stringify(gh.requests)).not.toContain(TOKEN);
  });

  test("pull, access token and the diff media type", async () => {
    const pr = await call("GET", `/repos/${O}/${R}/pulls/7`);
    expect(pr.json).toMatchObject({ number: 7, state: "open", draft: false, head: { sha: HEAD, ref: "feature" }, base: { sha: BASE, ref: "main" }, changed_files: 6 });
    expect(validateResponseBody("pulls/get", pr.json)).toEqual([]);
    // an installation token cannot ask for tokens: that takes the app's JWT
    expect((await call("POST", "/app/installations/42/access_tokens", {})).status).toBe(401);
    const token = await call("POST", "/app/installations/42/access_tokens", {}, { authorization: `bearer ${appJwt()}` });
    expect(token.status).toBe(201);
    expect(token.json.permissions).toStrictEqual({ checks: "write", contents: "read", metadata: "read", pull_requests: "write" });
    expect(validateResponseBody("apps/create-installation-access-token", token.json)).toEqual([]);
    const diff = await call("GET", `/repos/${O}/${R}/pulls/7`, undefined, { accept: "application/vnd.github.v3.diff" });
    expect(diff.text).toContain("diff --git a/m.py b/m.py\n--- a/m.py\n+++ b/m.py\n@@ -6,6 +6,6 @@ def a():");
  });

  test("latencyMs delays every answer", async () => {
    const slow = new GitHubStandin({ latencyMs: 60 });
    const slowUrl = await slow.start();
    try {
      const t0 = Date.now();
      await fetch(`${slowUrl}/app`);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    } finally {
      await slow.stop();
    }
  });
});

describe("with the real Octokit client", () => {
  test("paginate follows the Link headers, errors carry GitHub's status, graphql works", async () => {
    const { Octokit } = await import("@octokit/rest");
    const octokit = new Octokit({ baseUrl: url, auth: TOKEN, log: { debug() {}, info() {}, warn() {}, error() {} } });
    const many: StandinFile[] = Array.from({ length: 230 }, (_, i) => ({ path: `f${i}.py`, base: null, head: `x = ${i}\n` }));
    gh.addPull({ owner: O, repo: R, number: 10, baseSha: BASE, headSha: "f".repeat(40), files: many });
    const files = await octokit.paginate(octokit.pulls.listFiles, { owner: O, repo: R, pull_number: 10, per_page: 100 });
    expect(files).toHaveLength(230);
    expect(gh.requests.filter((r) => r.path.endsWith("/files")).map((r) => r.path.replace(/\d{5,}/, "ID"))).toEqual([
      `/repos/${O}/${R}/pulls/10/files`,
      "/repositories/ID/pulls/10/files",
      "/repositories/ID/pulls/10/files",
    ]);

    const config = await octokit.repos.getContent({ owner: O, repo: R, path: ".github/hunkguard.yml", mediaType: { format: "raw" } });
    expect(config.data).toBe(CONFIG);

    await expect(
      octokit.pulls.createReview({ owner: O, repo: R, pull_number: 7, commit_id: HEAD, event: "COMMENT", body: "x", comments: [{ path: "m.py", line: 2, body: "no" }] }),
    ).rejects.toMatchObject({ status: 422, response: { data: { errors: ["Line could not be resolved"] } } });

    const data: any = await octokit.graphql(`query($o: String!, $n: String!) { repository(owner: $o, name: $n) { a0: object(expression: "${HEAD}:new.py") { ... on Blob { text } } } }`, { o: O, n: R });
    expect(data.repository.a0.text).toBe("x = 1\ny = 2\n");
  });
});

describe("permissions: installation tokens carry app.yml's, and each route checks what GitHub requires", () => {
  test("a token without checks: write is refused a check run with GitHub's 403; metadata-only cannot read a pull", async () => {
    gh.setInstallationPermissions(42, { metadata: "read", pull_requests: "read" });
    TOKEN = gh.issueToken(42);
    const refused = await call("POST", `/repos/${O}/${R}/check-runs`, { name: "HunkGuard", head_sha: HEAD });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ message: "Resource not accessible by integration", status: "403" });
    expect(gh.checkRuns(O, R)).toEqual([]);
    expect((await call("GET", `/repos/${O}/${R}/pulls/7`)).status).toBe(200);
    gh.setInstallationPermissions(42, { metadata: "read" });
    TOKEN = gh.issueToken(42);
    expect((await call("GET", `/repos/${O}/${R}/pulls/7`)).status).toBe(403);
    // a repository that does not exist is 404 before any permission question
    expect((await call("GET", `/repos/${O}/nope/pulls/7`)).status).toBe(404);
  });

  test("no token is 401; a token the stand-in never issued is 401 Bad credentials", async () => {
    const anonymous = await fetch(`${url}/repos/${O}/${R}/pulls/7`);
    expect(anonymous.status).toBe(401);
    TOKEN = "ghs_madeup";
    const bad = await call("GET", `/repos/${O}/${R}/pulls/7`);
    expect(bad.status).toBe(401);
    expect(bad.json.message).toBe("Bad credentials");
  });

  test("GraphQL: reading blobs needs contents: read (FORBIDDEN next to the data, as GitHub answers)", async () => {
    gh.setInstallationPermissions(42, { metadata: "read", pull_requests: "write" });
    TOKEN = gh.issueToken(42);
    const res = await graphql(`{ repository(owner: "${O}", name: "${R}") { a: object(expression: "${HEAD}:m.py") { ... on Blob { text } } pullRequest(number: 7) { number } } }`);
    expect(res.json.data).toStrictEqual({ repository: { a: null, pullRequest: { number: 7 } } });
    expect(res.json.errors).toMatchObject([{ type: "FORBIDDEN", path: ["repository", "a"], message: "Resource not accessible by integration" }]);
  });
});

describe("GraphQL is GitHub's schema", () => {
  test("a field GitHub does not have: errors and no data, and the stand-in lists the violation", async () => {
    const res = await graphql(`{ repository(owner: "${O}", name: "${R}") { pullRequest(number: 7) { headSha } } }`);
    expect(res.status).toBe(200);
    expect(res.json.data).toBeUndefined();
    expect(res.json.errors[0].message).toBe('Cannot query field "headSha" on type "PullRequest". Did you mean "headRef"?');
    expect(gh.violations.splice(0)).toStrictEqual(['POST /graphql: Cannot query field "headSha" on type "PullRequest". Did you mean "headRef"?']);
  });

  test("a variable of the wrong type is refused as GitHub refuses it", async () => {
    const res = await graphql(`query($n: Int!) { repository(owner: "${O}", name: "${R}") { pullRequest(number: $n) { number } } }`, { n: "seven" });
    expect(res.json.errors[0].message).toMatch(/Variable "\$n" got invalid value "seven"; Int cannot represent non-integer value/);
    expect(gh.violations.splice(0)).toHaveLength(1);
  });

  test("connections page with first/after and say hasNextPage; no first or more than 100 is GitHub's error", async () => {
    await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, {
      commit_id: HEAD,
      event: "COMMENT",
      body: "x",
      comments: [9, 6, 7].map((line, i) => ({ path: "m.py", line, body: `c${i}` })),
    });
    const page = (after: string | null) =>
      graphql(`query($after: String) { repository(owner: "${O}", name: "${R}") { pullRequest(number: 7) { reviewThreads(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { comments(first: 1) { nodes { body } } } } } } }`, { after });
    const first = (await page(null)).json.data.repository.pullRequest.reviewThreads;
    expect(first.totalCount).toBe(3);
    expect(first.nodes.map((n: any) => n.comments.nodes[0].body)).toStrictEqual(["c0", "c1"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor)).json.data.repository.pullRequest.reviewThreads;
    expect(second.nodes.map((n: any) => n.comments.nodes[0].body)).toStrictEqual(["c2"]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false });

    const unbounded = await graphql(`{ repository(owner: "${O}", name: "${R}") { pullRequest(number: 7) { reviewThreads { totalCount } } } }`);
    expect(unbounded.json.errors).toMatchObject([{ type: "MISSING_PAGINATION_BOUNDARIES", message: "You must provide a `first` or `last` value to properly paginate the `reviewThreads` connection." }]);
    const excessive = await graphql(`{ repository(owner: "${O}", name: "${R}") { pullRequest(number: 7) { reviewThreads(first: 101) { totalCount } } } }`);
    expect(excessive.json.errors).toMatchObject([{ type: "EXCESSIVE_PAGINATION", message: "Requesting 101 records on the `reviewThreads` connection exceeds the `first` limit of 100 records." }]);
  });

  test("a reply joins the thread, written by the bot", async () => {
    await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, { commit_id: HEAD, event: "COMMENT", body: "x", comments: [{ path: "m.py", line: 9, body: "one" }] });
    const [thread] = gh.threads(O, R, 7);
    const res = await graphql(`mutation($id: ID!, $body: String!) { addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $id, body: $body }) { comment { body author { login } } } }`, { id: thread.id, body: "Fixed in abc1234." });
    expect(res.json.data.addPullRequestReviewThreadReply.comment).toStrictEqual({ body: "Fixed in abc1234.", author: { login: "hunkguard" } });
    expect(gh.threads(O, R, 7)[0].comments.nodes.map((c: any) => [c.author.login, c.body])).toStrictEqual([["hunkguard", "one"], ["hunkguard", "Fixed in abc1234."]]);
    const replies = gh.reviewComments(O, R, 7);
    expect(replies[1]).toMatchObject({ in_reply_to_id: replies[0].id, line: 9, path: "m.py" });
  });
});

describe("the rest of the routes the app calls", () => {
  test("compare gives the merge base; a file GitHub sends without a patch still has commentable lines", async () => {
    const big = { path: "big.py", base: M_BASE, head: M_HEAD, omitPatch: true };
    gh.addPull({ owner: O, repo: R, number: 11, baseSha: BASE, headSha: "1".repeat(40), files: [big] });
    gh.updatePull(O, R, 11, { mergeBaseSha: "2".repeat(40) });
    const cmp = await call("GET", `/repos/${O}/${R}/compare/${BASE}...${"1".repeat(40)}?per_page=1`);
    expect(cmp.status).toBe(200);
    expect(cmp.json.merge_base_commit.sha).toBe("2".repeat(40));
    expect(validateResponseBody("repos/compare-commits-with-basehead", cmp.json)).toEqual([]);
    const files = await call("GET", `/repos/${O}/${R}/pulls/11/files`);
    expect(files.json[0]).not.toHaveProperty("patch");
    const review = await call("POST", `/repos/${O}/${R}/pulls/11/reviews`, { commit_id: "1".repeat(40), event: "COMMENT", body: "x", comments: [{ path: "big.py", line: 9, body: "ok" }] });
    expect(review.status).toBe(200);
  });

  test("commits/{sha}/pulls: a fork's head commit is unknown to the base repository ([]); the open pulls list has it", async () => {
    const forkHead = "9".repeat(40);
    gh.addPull({ owner: O, repo: R, number: 12, baseSha: BASE, headSha: forkHead, headRef: "patch-1", fork: { owner: "contributor", repo: R }, files: [{ path: "f.py", base: null, head: "x = 1\n" }] });
    expect((await call("GET", `/repos/${O}/${R}/commits/${HEAD}/pulls`)).json.map((p: any) => p.number)).toStrictEqual([7]);
    const forkCommit = await call("GET", `/repos/${O}/${R}/commits/${forkHead}/pulls`);
    expect(forkCommit.status).toBe(200);
    expect(forkCommit.json).toStrictEqual([]);
    const open = await call("GET", `/repos/${O}/${R}/pulls?state=open&per_page=100`);
    expect(open.json.map((p: any) => [p.number, p.head.sha, p.head.repo.full_name])).toStrictEqual([
      [12, forkHead, `contributor/${R}`],
      [7, HEAD, `${O}/${R}`],
    ]);
    expect(validateResponseBody("pulls/list", open.json)).toEqual([]);
    // GitHub lists no fork pull request on a check run
    const run = await call("POST", `/repos/${O}/${R}/check-runs`, { name: "HunkGuard", head_sha: forkHead });
    expect(run.json.pull_requests).toStrictEqual([]);
  });

  test("DELETE removes a pending review only", async () => {
    const pending = await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, { commit_id: HEAD, body: "draft" });
    expect(pending.json.state).toBe("PENDING");
    const submitted = await call("POST", `/repos/${O}/${R}/pulls/7/reviews`, { commit_id: HEAD, event: "COMMENT", body: "done" });
    expect((await call("DELETE", `/repos/${O}/${R}/pulls/7/reviews/${submitted.json.id}`)).status).toBe(422);
    const deleted = await call("DELETE", `/repos/${O}/${R}/pulls/7/reviews/${pending.json.id}`);
    expect(deleted.status).toBe(200);
    expect(gh.reviews(O, R, 7).map((r) => r.state)).toStrictEqual(["COMMENTED"]);
  });

  test("check-run text is limited in bytes: 65,535 characters of é are refused, 65,535 bytes pass", async () => {
    const create = (summary: string) => call("POST", `/repos/${O}/${R}/check-runs`, { name: "HunkGuard", head_sha: HEAD, output: { title: "t", summary } });
    const tooBig = await create("é".repeat(40000));
    expect(tooBig.status).toBe(422);
    expect(tooBig.json.errors).toStrictEqual(["Output summary exceeds a maximum bytesize of 65535"]);
    expect((await create("é".repeat(32767) + "a")).status).toBe(201);
    const annotation = { path: "m.py", start_line: 1, end_line: 1, annotation_level: "warning", message: "ü".repeat(33000) };
    const run = (await create("ok")).json;
    const refused = await call("PATCH", `/repos/${O}/${R}/check-runs/${run.id}`, { output: { summary: "s", annotations: [annotation] } });
    expect(refused.json.errors).toStrictEqual(["Annotation message exceeds a maximum bytesize of 65535"]);
  });

  test("the files list stops at 3,000, while the pull request counts every changed file", async () => {
    const many: StandinFile[] = Array.from({ length: 3005 }, (_, i) => ({ path: `d/f${i}.txt`, base: null, head: `${i}\n` }));
    gh.addPull({ owner: O, repo: R, number: 13, baseSha: BASE, headSha: "3".repeat(40), files: many });
    const last = await call("GET", `/repos/${O}/${R}/pulls/13/files?per_page=100&page=30`);
    expect(last.json).toHaveLength(100);
    expect((await call("GET", `/repos/${O}/${R}/pulls/13/files?per_page=100&page=31`)).json).toStrictEqual([]);
    expect((await call("GET", `/repos/${O}/${R}/pulls/13`)).json.changed_files).toBe(3005);
  });
});
