/**
 * A gate that cannot be fooled, on the GitHub side (issue 11 items 4–7, 9–12, 15–17, 20; issue 12
 * item 4). Every attack goes in the way an attacker sends it — a webhook into the real Probot app —
 * and the assertions are on the bodies that reach GitHub (nock, network blocked, every mock used).
 * GitHub is the one fake (src/standin): it holds the reviews and threads the app posted, moves or
 * outdates them as the pushes change the code, pages reviews and threads, names the app behind each
 * check run, and refuses check-run fields over GitHub's byte limits.
 */
import nock from "nock";
import {
  GitHubMock,
  HEAD_SHA,
  INSTALLATION_ID,
  OWNER,
  PULL,
  REPO,
  RULES,
  captureLog,
  createApp,
  createHttpApp,
  fixture,
  isolateNetwork,
  pullRequestPayload,
  sha,
  type PullFile,
  type ReviewNode,
  type ThreadNode,
  type TestApp,
} from "./support/probot.js";
import { analyzeSource } from "../src/core/engine.js";
import { compileGlob } from "../src/core/config.js";
import { rulesReference } from "../src/core/links.js";
import { AnalysisQueue, HeadMemory, PULL_MEMORY } from "../src/github/queue.js";

isolateNetwork();

const SECOND = sha("second push");
const THIRD = sha("third push");
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

type Json = Record<string, any>;
type Author = { __typename: "Bot" | "User"; login: string };

let app: TestApp;
beforeEach(async () => {
  app = await createApp();
});

// ---------------------------------------------------------------------------------------------
// GitHub as these tests need it, on top of the shared mock.

/** Token, the head's earlier runs, the check run, the config, the files, sizes and texts. */
function upToState(gh: GitHubMock, files: PullFile[], opts: { head?: string; token?: boolean; checkId?: number; config?: string } = {}): GitHubMock {
  const head = opts.head ?? HEAD_SHA;
  if (opts.token !== false) gh.token();
  gh.checkCreate(opts.checkId ?? 7000).config(opts.config).files(files, head);
  const texts: Record<string, string> = {};
  for (const f of files) if (f.head !== null) texts[`${head}:${f.path}`] = f.head;
  return gh.contents(texts);
}

/**
 * The pull request's head, threads and reviews, as GitHub holds them (the threads of the reviews
 * posted so far, where the pushes since moved them) — or, given, these threads and reviews.
 * `pages`: the GraphQL requests the app makes to read them all.
 */
function pullState(gh: GitHubMock, opts: { head?: string; threads?: ThreadNode[]; reviews?: ReviewNode[]; pages?: number } = {}): GitHubMock {
  return gh.threads({ headSha: opts.head ?? HEAD_SHA, times: opts.pages, ...(opts.threads ? { nodes: opts.threads } : {}), ...(opts.reviews ? { reviews: opts.reviews } : {}) });
}

/** The threads GitHub shows: where each was made, where it is now (null: outdated), its comments. */
function threadsNow(gh: GitHubMock): { id: string; path: string; originalLine: number; line: number | null; bodies: string[] }[] {
  return gh.standin.threads(OWNER, REPO, PULL).map((t) => ({ id: t.id, path: t.path, originalLine: t.originalLine, line: t.line, bodies: t.comments.nodes.map((c: Json) => c.body) }));
}

/** app.yml's permissions and `contents: write`, which `resolveReviewThread` needs: resolving is then granted. */
const MAY_RESOLVE = { checks: "write", pull_requests: "write", contents: "write", metadata: "read" } as const;

/** The thread ids the app answered "Fixed in <sha>." and those it resolved. */
function answered(gh: GitHubMock): { replied: string[]; resolved: string[] } {
  return {
    replied: gh.bodies("POST", "/graphql#reply").map((b) => b.variables.thread),
    resolved: gh.bodies("POST", "/graphql#resolve").map((b) => b.variables.id),
  };
}

/** Text of a Markdown document outside fenced blocks and code spans, as CommonMark splits them. */
function outsideCode(markdown: string): string {
  const out: string[] = [];
  let fenceLen = 0;
  for (const line of markdown.split("\n")) {
    const f = /^ {0,3}(`{3,})(?!.*`.*`)/.exec(line);
    if (fenceLen) {
      if (f && f[1].length >= fenceLen && /^ {0,3}`+\s*$/.test(line)) fenceLen = 0;
      continue;
    }
    if (f && !line.slice(f[0].length).includes("`")) {
      fenceLen = f[1].length;
      continue;
    }
    let text = "";
    let i = 0;
    while (i < line.length) {
      if (line[i] === "\\" && i + 1 < line.length) {
        text += line.slice(i, i + 2);
        i += 2;
      } else if (line[i] === "`") {
        let n = 0;
        while (line[i + n] === "`") n++;
        // the next run of exactly n backticks closes the span; none: the run is text
        let j = i + n;
        let close = -1;
        while (j < line.length) {
          if (line[j] !== "`") {
            j++;
            continue;
          }
          let m = 0;
          while (line[j + m] === "`") m++;
          if (m === n) {
            close = j;
            break;
          }
          j += m;
        }
        if (close === -1) {
          text += line.slice(i, i + n);
          i += n;
        } else i = close + n;
      } else text += line[i++];
    }
    out.push(text);
  }
  return out.join("\n");
}

/** What would render as markup, a mention, a reference or a link in text outside code (none is wanted). */
function liveMarkup(markdown: string): string[] {
  // the bot's own template: `<sub>` around the references, the rule id linked to its entry in the
  // rules reference, the marker line last
  const reference = rulesReference().replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const ours = markdown
    .replace(/<\/?sub>/g, "")
    .replace(new RegExp(`\\[(\`+)([a-z0-9-]+)\\1\\]\\(${reference}#\\2\\)`, "g"), "$1$2$1")
    .replace(/\n<!-- hunkguard:(?:review|fp=[0-9a-f,-]+) -->(?=\n|$)/g, "");
  const text = outsideCode(ours);
  return [
    ...[...text.matchAll(/(?<![\w\\])@[A-Za-z0-9][\w-]*/g)].map((m) => `mention ${m[0]}`),
    ...[...text.matchAll(/(?<!\\)!\[|(?<!\\)\]\(/g)].map((m) => `link or image ${m[0]}`),
    ...[...text.matchAll(/<!--|<[a-z/!]/gi)].map((m) => `HTML ${m[0]}`),
    ...[...text.matchAll(/(?<![\w&])#\d+/g)].map((m) => `reference ${m[0]}`),
    ...[...text.matchAll(/https?:\/\//g)].map((m) => `autolink ${m[0]}`),
  ];
}

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

// ---------------------------------------------------------------------------------------------

describe("item 4: markers are read only from this app's own comments, at the place it writes them", () => {
  const PATH = "app/handlers.py";
  const RUN = `\n\ndef run(cmd):\n    os.system(cmd)\n`;
  /** the fingerprint the os.system finding of push 2 will have: computable by anyone */
  const future = (path: string, text: string) => analyzeSource(path, text, { rules: RULES }).findings.find((f) => f.rule === "os-system")!.fingerprint;

  test("a marker written in code and echoed in the bot's own suggestion is not read back: the later finding it names is commented", async () => {
    const base = "import ast\nimport os\n";
    const target = future(PATH, `${base}${RUN}`);
    const first = `${base}\n\ndef parse(raw):\n    return eval(raw + "<!-- hunkguard:fp=${target} -->")\n`;
    const gh = upToState(new GitHubMock(), [{ path: PATH, base, head: first }]);
    pullState(gh);
    gh.review(81).checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();
    // the attacker's string is inside the bot's comment, in the suggestion
    expect(gh.reviews[0].comments[0].body).toContain(`<!-- hunkguard:fp=${target} -->")`);

    upToState(gh, [{ path: PATH, base, head: `${first}${RUN}` }], { head: SECOND, token: false, checkId: 7001 });
    pullState(gh, { head: SECOND });
    gh.review(82).checkUpdate(7001);
    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    // the bot's thread is still there, on the unchanged eval line
    expect(threadsNow(gh).map((t) => [t.originalLine, t.line])).toStrictEqual([[6, 6], [10, 10]]);
    expect(gh.reviews).toHaveLength(2);
    expect(gh.reviews[1].comments.map((c: Json) => `${c.path}:${c.line}`)).toStrictEqual([`${PATH}:10`]);
    expect(gh.reviews[1].comments[0].body).toMatch(new RegExp(`\\n<!-- hunkguard:fp=${target} -->$`));
  });

  test("a marker in a file path, echoed in the review body's list, is not read back", async () => {
    const config = "max_inline_comments: 0\n";
    const target = future("app/run.py", `import os\n${RUN}`);
    const forged = `app/x <!-- hunkguard:fp=${target} --> .py`;
    const pickle = { path: forged, base: null, head: "import pickle\nobj = pickle.loads(blob)\n" };
    const gh = upToState(new GitHubMock(), [pickle], { config });
    pullState(gh);
    gh.review(81).checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();
    expect(gh.reviews[0].body).toContain(`hunkguard:fp=${target}`);

    upToState(gh, [pickle, { path: "app/run.py", base: null, head: `import os\n${RUN}` }], { head: SECOND, token: false, checkId: 7001, config });
    // GitHub holds the first review, its body listing the pickle finding (under the forged path)
    pullState(gh, { head: SECOND });
    gh.review(82).checkUpdate(7001);
    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    // the os.system finding is new: listed in a second review, with its own marker
    expect(gh.reviews).toHaveLength(2);
    expect(gh.reviews[1].body).toContain("1 more did not fit as inline comments");
    expect(gh.reviews[1].body).toContain("`app/run.py:5`");
    expect(gh.reviews[1].body.split("\n").pop()).toBe(`<!-- hunkguard:fp=${target} -->`);
  });

  test("markers in another bot's comment or review are not trusted", async () => {
    const head = `import os\n${RUN}`;
    const target = future(PATH, head);
    const gh = upToState(new GitHubMock(), [{ path: PATH, base: "import os\n", head }]);
    const evil: Author = { __typename: "Bot", login: "helpful-bot" };
    pullState(gh, {
      threads: [{ id: "PRRT_evil", path: PATH, line: 5, comments: [{ body: `Looks fine.\n\n<!-- hunkguard:fp=${target} -->`, author: evil }] }],
      reviews: [{ body: `LGTM\n<!-- hunkguard:fp=${target} -->`, author: evil }, { body: `<!-- hunkguard:fp=${target} -->`, author: { __typename: "User", login: "octocat" } }],
    });
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.reviews).toHaveLength(1);
    expect(gh.reviews[0].comments.map((c: Json) => c.line)).toStrictEqual([5]);
    expect(gh.completion.output.summary).toContain("Inline comments: 1 posted now, 0 already on the pull request.");
  });
});

describe("item 5: threads follow their findings (identical statements, inserts above, renames)", () => {
  const PATH = "app/store.py";
  const TWO = `import pickle\n\n\ndef a(blob):\n    return pickle.loads(blob)\n\n\ndef b(blob):\n    return pickle.loads(blob)\n`;

  test("two identical findings, the first fixed: the first one's thread is answered and resolved, the second's stays", async () => {
    const gh = upToState(new GitHubMock().permissions(MAY_RESOLVE), [{ path: PATH, base: null, head: TWO }]);
    pullState(gh);
    gh.review(81).checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();
    expect(gh.reviews[0].comments.map((c: Json) => c.line)).toStrictEqual([5, 9]);

    const fixed = TWO.replace("    return pickle.loads(blob)\n", "    return len(blob)\n");
    upToState(gh, [{ path: PATH, base: null, head: fixed }], { head: SECOND, token: false, checkId: 7001 });
    pullState(gh, { head: SECOND });
    gh.replyInThread().resolveThread().checkUpdate(7001);
    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    // GitHub: the comment on the changed line 5 is outdated, the one on line 9 still shows there
    const [t0, t1] = threadsNow(gh);
    expect([t0.line, t1.line]).toStrictEqual([null, 9]);
    expect(answered(gh)).toStrictEqual({ replied: [t0.id], resolved: [t0.id] });
    expect(gh.standin.threads(OWNER, REPO, PULL).map((t) => t.isResolved)).toStrictEqual([true, false]);
    expect(gh.reviews).toHaveLength(1);
    expect(gh.completion.output.summary).toContain("Inline comments: 0 posted now, 1 already on the pull request.");
  });

  test("an identical statement added above a commented one: the new line is commented, the old one not again", async () => {
    const ONE = `import pickle\n\n\ndef a(blob):\n    return pickle.loads(blob)\n`;
    const gh = upToState(new GitHubMock().permissions(MAY_RESOLVE), [{ path: PATH, base: null, head: ONE }]);
    pullState(gh);
    gh.review(81).checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();

    const above = `import pickle\n\n\ndef z(blob):\n    return pickle.loads(blob)\n\n\ndef a(blob):\n    return pickle.loads(blob)\n`;
    upToState(gh, [{ path: PATH, base: null, head: above }], { head: SECOND, token: false, checkId: 7001 });
    // no reply or resolution mock: answering the old thread would be a request nobody expected
    pullState(gh, { head: SECOND });
    gh.review(82).checkUpdate(7001);
    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    // GitHub moved the old comment down with its line (5 → 9); the new one is on line 5
    expect(threadsNow(gh).map((t) => [t.originalLine, t.line])).toStrictEqual([[5, 9], [5, 5]]);
    expect(gh.reviews[1].comments.map((c: Json) => `${c.path}:${c.line}`)).toStrictEqual([`${PATH}:5`]);
    expect(answered(gh)).toStrictEqual({ replied: [], resolved: [] });
    expect(gh.completion.output.summary).toContain("Inline comments: 1 posted now, 1 already on the pull request.");
  });

  test("a file the pull request adds is renamed: nothing is posted again; fixing it later answers and resolves the old thread", async () => {
    const HEAD = `import ast\nimport pickle\n\n\ndef parse(raw):\n    return eval(raw)\n\n\ndef load(blob):\n    return pickle.loads(blob)\n`;
    const gh = upToState(new GitHubMock().permissions(MAY_RESOLVE), [{ path: "app/a.py", base: null, head: HEAD }]);
    pullState(gh);
    gh.review(81).checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();
    expect(gh.reviews[0].comments).toHaveLength(2);

    // no reply or resolution mock: answering a thread now would be a request nobody expected
    upToState(gh, [{ path: "app/b.py", base: null, head: HEAD }], { head: SECOND, token: false, checkId: 7001 });
    pullState(gh, { head: SECOND });
    gh.checkUpdate(7001);
    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));
    gh.done();
    // GitHub keeps the threads on the old path, outdated: the file is no longer in the diff
    expect(threadsNow(gh).map((t) => [t.path, t.line])).toStrictEqual([["app/a.py", null], ["app/a.py", null]]);
    expect(gh.reviews).toHaveLength(1);
    expect(answered(gh)).toStrictEqual({ replied: [], resolved: [] });
    expect(gh.completion.output.summary).toContain("Inline comments: 0 posted now, 2 already on the pull request.");

    // the pickle is fixed in the renamed file: its thread (on the old path) is answered and resolved, the eval's is not
    upToState(gh, [{ path: "app/b.py", base: null, head: HEAD.replace("pickle.loads(blob)", "len(blob)") }], { head: THIRD, token: false, checkId: 7002 });
    pullState(gh, { head: THIRD });
    gh.replyInThread().resolveThread().checkUpdate(7002);
    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: THIRD }));
    gh.done();
    const pickleThread = threadsNow(gh).find((t) => t.bodies[0].includes("pickle"))!;
    expect(answered(gh)).toStrictEqual({ replied: [pickleThread.id], resolved: [pickleThread.id] });
    expect(pickleThread.bodies[1]).toBe(`Fixed in ${THIRD.slice(0, 7)}.\n\n<!-- hunkguard:fixed -->`);
    expect(gh.reviews).toHaveLength(1);
  });
});

describe("item 6: what must be read back stays within limits and is all read", () => {
  const config = "max_inline_comments: 0\n";

  test("400 findings with long paths: the review body fits, its last line marks every one, and the next push posts nothing", async () => {
    const files: PullFile[] = Array.from({ length: 40 }, (_, i) => ({
      path: `service/${"deeply-nested-module-name/".repeat(9)}handler_${String(i).padStart(2, "0")}.py`,
      base: null,
      head: `import pickle\n${Array.from({ length: 10 }, (_, j) => `v${j} = pickle.loads(raw${j})\n`).join("")}`,
    }));
    const gh = upToState(new GitHubMock(), files, { config });
    pullState(gh);
    gh.review(81).checkUpdate(7000, 8);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();
    const body: string = gh.reviews[0].body;
    expect(body.length).toBeLessThanOrEqual(65536);
    const last = body.split("\n").pop()!;
    expect(last).toMatch(/^<!-- hunkguard:fp=[0-9a-f]{20}(,[0-9a-f]{20}){399} -->$/);
    expect(gh.annotations).toHaveLength(400);

    upToState(gh, files, { head: SECOND, token: false, checkId: 7001, config });
    // GitHub holds the first review
    pullState(gh, { head: SECOND });
    gh.checkUpdate(7001, 8);
    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    expect(gh.reviews).toHaveLength(1);
    expect(gh.completion.output.summary).toContain("Inline comments: 0 posted now, 400 already on the pull request.");
  });

  test("the bot's review is older than the last 100 reviews: every page of reviews is read", async () => {
    const head = "import pickle\na = pickle.loads(x)\nb = pickle.loads(y)\n";
    const gh = upToState(new GitHubMock(), [{ path: "app/p.py", base: null, head }], { config });
    pullState(gh);
    gh.review(81).checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();

    upToState(gh, [{ path: "app/p.py", base: null, head }], { head: SECOND, token: false, checkId: 7001, config });
    const people = Array.from({ length: 120 }, (_, i) => ({ body: `Review ${i}`, author: { __typename: "User" as const, login: `reviewer${i}` } }));
    // 121 reviews, the bot's the oldest: three pages of 50
    pullState(gh, { head: SECOND, reviews: [{ body: gh.reviews[0].body }, ...people], pages: 3 });
    gh.checkUpdate(7001);
    await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));

    gh.done();
    const pages = gh.requests.filter((r) => r.path === "/graphql#threads").slice(1);
    const reviewsOf = (r: { answer?: unknown }) => (r.answer as Json).data.repository.pullRequest.reviews;
    // each page asked after the one before it ended, until GitHub said there is no more
    expect(pages.map((r) => r.body.variables.reviewsAfter)).toStrictEqual([null, reviewsOf(pages[0]).pageInfo.endCursor, reviewsOf(pages[1]).pageInfo.endCursor]);
    expect(pages.map((r) => [reviewsOf(r).nodes.length, reviewsOf(r).pageInfo.hasNextPage])).toStrictEqual([[50, true], [50, true], [21, false]]);
    expect(gh.reviews).toHaveLength(1);
    expect(gh.completion.output.summary).toContain("Inline comments: 0 posted now, 2 already on the pull request.");
  });
});

describe("item 7: sizes before texts", () => {
  test("a 20 MB file is skipped by name without being read; the other files' findings are all posted", async () => {
    const big = { path: "data/big.py", base: null, head: "x = 1\n".repeat(3_500_000) };
    const small = { path: "app/small.py", base: null, head: "import pickle\nobj = pickle.loads(blob)\n" };
    // GitHub sends no patch for a file this large; the listing stands in for it with one line (the
    // app reads no size from the list), the GraphQL answers carry its real size
    const gh = new GitHubMock().token().checkCreate(7000).config().files([{ path: big.path, base: null, head: "x = 1\n", omitPatch: true }, small]);
    gh.contents({ [`${HEAD_SHA}:${big.path}`]: big.head, [`${HEAD_SHA}:${small.path}`]: small.head });
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.blobExpressions).toStrictEqual([`${HEAD_SHA}:app/small.py`]);
    expect(gh.reviews[0].comments.map((c: Json) => `${c.path}:${c.line}`)).toStrictEqual(["app/small.py:2"]);
    expect(gh.completion.output.summary).toContain(`- \`data/big.py\`: ${Buffer.byteLength(big.head)} bytes, over the 2097152-byte limit`);
  });

  test("a 1.5 MB file within a raised limit is read alone over REST (raw), the others in GraphQL", async () => {
    const mid = { path: "app/mid.py", base: null, head: `${`# ${"x".repeat(998)}\n`.repeat(1500)}import pickle\nobj = pickle.loads(blob)\n` };
    const small = { path: "app/small.py", base: null, head: "import pickle\nobj = pickle.loads(blob)\n" };
    const gh = upToState(new GitHubMock(), [mid, small], { config: "max_file_bytes: 4194304\n" });
    gh.rawContent(mid.path, HEAD_SHA, mid.head);
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.blobExpressions).toStrictEqual([`${HEAD_SHA}:app/small.py`]);
    expect(gh.reviews[0].comments.map((c: Json) => `${c.path}:${c.line}`)).toStrictEqual(["app/mid.py:1502", "app/small.py:2"]);
  });
});

describe("item 9 and issue 12 item 4: every output field within GitHub's byte limits, no raw bodies", () => {
  test("a 72 KB HTML 502 page: the check completes with one short line, and no log line carries the page", async () => {
    const log = captureLog("info");
    const quiet = await createApp({ log });
    const gh = new GitHubMock().token().checkCreate(7000).config();
    const page = `<!DOCTYPE html>\n<html><head><title>Unicorn! · GitHub</title></head><body>${"<p>We had issues producing the response to your request.</p>\n".repeat(1200)}</body></html>`;
    expect(page.length).toBeGreaterThan(72_000);
    gh.scope.get(`${REPO_PATH}/pulls/${PULL}/files`).query({ per_page: "100" }).reply(502, page, { "content-type": "text/html; charset=utf-8" });
    // GitHub refuses a summary over 65,535 bytes (the completion would be lost)
    gh.checkUpdate(7000);

    await quiet.deliver("pull_request", pullRequestPayload());

    gh.done();
    const done = gh.completion;
    expect(done).toMatchObject({ status: "completed", conclusion: "neutral", output: { title: "HunkGuard could not finish" } });
    expect(done.output.summary).toBe("HunkGuard could not finish: GitHub answered 502 with an HTML error page. Re-run the check to try again; findings from this run were not posted.");
    expect(log.lines.filter((l) => l.includes("<p>") || l.length > 2000)).toStrictEqual([]);
  });

  test("an error quoting 40,000 multi-byte characters: the summary fits GitHub's byte limit and the findings are annotated", async () => {
    const gh = upToState(new GitHubMock(), [{ path: "app/p.py", base: null, head: "import pickle\nobj = pickle.loads(blob)\n" }]);
    gh.scope
      .post("/graphql", (b) => String(b?.query).includes("reviewThreads"))
      .reply(200, { data: null, errors: [{ message: `Parse error on "${"é".repeat(40_000)}" (STRING) at [1, 2]` }] });
    gh.checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const done = gh.completion;
    expect(done).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(bytes(done.output.summary)).toBeLessThan(3000);
    expect(done.output.summary).toContain("⚠️ The comments already on the pull request could not be read (Request failed due to following response errors:");
    expect(done.output.annotations.map((a: Json) => `${a.path}:${a.start_line}`)).toStrictEqual(["app/p.py:2"]);
  });

  test("a suggestion of 120 KB in multi-byte text: the annotation's raw_details is cut to 64 KB by bytes", async () => {
    const long = "é".repeat(40_000);
    const head = `import ast\n\n\ndef parse(raw):\n    return eval(raw + "${long}")\n`;
    const gh = upToState(new GitHubMock(), [{ path: "app/e.py", base: null, head }]);
    pullState(gh);
    // GitHub refuses an annotation whose raw_details is over 64 KB (the completion would be lost)
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const done = gh.completion;
    expect(done).toMatchObject({ status: "completed", conclusion: "failure" });
    const [annotation] = done.output.annotations;
    expect(bytes(annotation.raw_details)).toBeLessThanOrEqual(64000);
    expect(annotation.raw_details).toMatch(/^Suggested fix for lines 5-5:\n {4}return ast\.literal_eval\(raw \+ "é+\n…\(truncated\)$/);
    // the comment (counted in characters by GitHub) carries the whole suggestion
    expect(gh.reviews[0].comments[0].body).toContain(`\`\`\`suggestion\n    return ast.literal_eval(raw + "${long}")\n\`\`\``);
  });
});

describe("item 10: the repo config cannot crash or freeze the analysis", () => {
  test("keys named constructor, toString, __proto__ and hasOwnProperty are unknown keys; the analysis goes on", async () => {
    const config = "constructor: 1\ntoString: x\n__proto__:\n  fail_on: never\nhasOwnProperty: 3\nmax_inline_comments: 1\n";
    const gh = upToState(new GitHubMock(), [{ path: "app/p.py", base: null, head: "import pickle\na = pickle.loads(x)\nb = pickle.loads(y)\n" }], { config });
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const done = gh.completion;
    // `__proto__: {fail_on: never}` is a key like any other: the default fail_on (high) applies
    expect(done.conclusion).toBe("failure");
    for (const key of ["constructor", "toString", "__proto__", "hasOwnProperty"]) expect(done.output.summary).toContain(`- \`${key}\`: unknown key`);
    expect(gh.reviews[0].comments).toHaveLength(1);
  });

  test("stacked `**/` in `exclude` against a 40-folder path: matched in linear time, the file analysed", async () => {
    const deep = `${"a/".repeat(40)}deep.py`;
    const config = `exclude: ["${"**/".repeat(16)}vendor/*.py"]\n`;
    const files = [
      { path: deep, base: null, head: "import pickle\nobj = pickle.loads(blob)\n" },
      { path: "lib/vendor/six.py", base: null, head: "import pickle\nobj = pickle.loads(blob)\n" },
    ];
    const gh = new GitHubMock().token().checkCreate(7000).config(config).files(files).contents({ [`${HEAD_SHA}:${deep}`]: files[0].head });
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.blobExpressions).toStrictEqual([`${HEAD_SHA}:${deep}`]);
    expect(gh.annotations.map((a) => a.path)).toStrictEqual([deep]);
  });

  test("globs keep their meaning", () => {
    const cases: [string, string, boolean][] = [
      ["**/*.py", "a.py", true],
      ["**/*.py", "x/y/a.py", true],
      ["**/*.py", "x/y/a.pyi", false],
      ["tests/**", "tests/a/b.py", true],
      ["tests/**", "tests", false],
      ["tests/**", "src/tests/a.py", false],
      ["src/*.py", "src/a.py", true],
      ["src/*.py", "src/a/b.py", false],
      ["**/test_*.py", "test_a.py", true],
      ["**/{migrations,vendor}/**", "app/vendor/x.py", true],
      ["**/{migrations,vendor}/**", "app/vendors/x.py", false],
      ["?.py", "a.py", true],
      ["?.py", "ab.py", false],
      ["a/**/b/*.py", "a/b/c.py", true],
      ["a/**/b/*.py", "a/x/y/b/c.py", true],
      ["a/**/**/**/b/*.py", "a/x/b/c.py", true],
      ["{a.py", "{a.py", true],
      ["docs/**/*.py", "docs//x.py", true],
    ];
    expect(cases.map(([glob, path]) => [glob, path, compileGlob(glob).test(path)])).toStrictEqual(cases);
  });
});

test("item 11: the in-process queue's memory stays bounded (50,000 events on as many pull requests, five times the bound)", async () => {
  const queue = new AnalysisQueue();
  const work = async () => {};
  for (let i = 0; i < 50_000; i++) {
    queue.isDuplicate(`delivery-${i}`);
    void queue.enqueue({ installationId: i % 50, pull: `o/r#${i}`, headSha: sha(`h${i}`), updatedAt: i, before: sha(`b${i}`) }, work);
  }
  await queue.idle();
  expect(queue.memory.deliveries).toBeLessThanOrEqual(5000);
  expect(queue.memory.pulls).toBeLessThanOrEqual(PULL_MEMORY);
  expect(queue.memory.replaced).toBeLessThanOrEqual(PULL_MEMORY);
  expect(queue.memory.installations).toBe(0);
  const heads = new HeadMemory(1000);
  for (let i = 0; i < 5000; i++) heads.add(`o/r#${i}@x`);
  expect(heads.size).toBe(1000);
  expect(heads.has("o/r#4999@x")).toBe(true);
  expect(heads.has("o/r#0@x")).toBe(false);
});

describe("item 12: code and paths never become markup, mentions, links or markers", () => {
  test("a message quoting code with backticks and a team mention: the comment renders it as code and text only", async () => {
    const head = 'import ssl\nctxs = {}\nctxs["` @octo-org/admins ![x](https://evil.example/x.png) <!-- hunkguard:fp=0123456789abcdef0123 --> #12 `"].verify_mode = ssl.CERT_NONE\n';
    const gh = upToState(new GitHubMock(), [{ path: "app/tls.py", base: null, head }]);
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const body: string = gh.reviews[0].comments[0].body;
    expect(body).toContain("@\u2060octo-org/admins");
    expect(liveMarkup(body)).toStrictEqual([]);
    // the only `<!--` is the marker on the last line
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body).toMatch(/\n<!-- hunkguard:fp=[0-9a-f]{20} -->$/);
  });

  test("a path with backticks, a mention, an image and a marker: the review body and the check summary show it as code", async () => {
    const hostile = "app/x` @octo-org/admins ![x](https://evil.example/x.png) <!-- hunkguard:fp=0123456789abcdef0123 --> `.py";
    const binary = "app/y` @octo-org/security `.py";
    const files = [
      { path: hostile, base: null, head: "import pickle\nobj = pickle.loads(blob)\n" },
      { path: binary, base: null, head: "PNG\u0000\u0000" },
    ];
    const gh = new GitHubMock().token().checkCreate(7000).config("max_inline_comments: 0\n").files(files);
    gh.contents({ [`${HEAD_SHA}:${hostile}`]: files[0].head }, (expr) => (expr.endsWith(binary) ? { byteSize: 5, isBinary: true, text: null, isTruncated: false } : undefined));
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const body: string = gh.reviews[0].body;
    expect(liveMarkup(body)).toStrictEqual([]);
    expect(body).toContain("- ``app/x` @octo-org/admins ![x](https://evil.example/x.png) <\u2060!-- hunkguard:fp=0123456789abcdef0123 --> `.py:2`` 🔴 High");
    // the only `<!--` are the bot's own two lines at the end
    expect(body.match(/<!--/g)).toHaveLength(2);
    const summary: string = gh.completion.output.summary;
    expect(liveMarkup(summary)).toStrictEqual([]);
    expect(summary).toContain("- ``app/y` @octo-org/security `.py``: binary content");
  });
});

describe("item 15: `_extends` reads only the owner's `.github` repository, and never repeats its content", () => {
  test("`_extends: private-infra:deploy/prod-secrets.yml` is refused before any request; nothing of it is shown", async () => {
    const gh = upToState(new GitHubMock(), [{ path: "app/p.py", base: null, head: "import pickle\nobj = pickle.loads(blob)\n" }], { config: "_extends: private-infra:deploy/prod-secrets.yml\n" });
    let read = false;
    gh.scope
      .get(`/repos/${OWNER}/private-infra/contents/deploy%2Fprod-secrets.yml`)
      .optionally()
      .reply(200, () => ((read = true), "db_password: hunter2\naws_secret_access_key: abc\n"), { "content-type": "application/vnd.github.raw; charset=utf-8" });
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(read).toBe(false);
    const summary: string = gh.completion.output.summary;
    expect(summary).toContain("- `_extends` may name only this owner's `.github` repository (`.github` or `.github:path.yml`); ignored");
    expect(summary).not.toMatch(/db_password|aws_secret|hunter2|private-infra|prod-secrets/);
  });

  test("a file in the owner's `.github` repository with foreign keys: counted, never named; its valid keys apply", async () => {
    const gh = upToState(new GitHubMock(), [{ path: "app/p.py", base: null, head: "import pickle\nobj = pickle.loads(blob)\n" }], { config: "_extends: .github:deploy/shared.yml\n" });
    gh.scope.get(`/repos/${OWNER}/.github/contents/deploy%2Fshared.yml`).reply(200, "fail_on: never\ndb_password: hunter2\nmin_severity: extreme\n", { "content-type": "application/vnd.github.raw; charset=utf-8" });
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const done = gh.completion;
    expect(done.conclusion).toBe("neutral"); // fail_on: never from the extended file
    expect(done.output.summary).toContain(`- \`_extends\`: ${OWNER}/.github:deploy/shared.yml has 2 invalid or unknown setting(s), ignored (not shown: the file is another repository's)`);
    expect(done.output.summary).not.toMatch(/db_password|hunter2|extreme/);
  });
});

describe("item 16: a head already analysed is not analysed again unless a re-run is asked for", () => {
  const HEAD = "import pickle\nobj = pickle.loads(blob)\n";
  const FILE = { path: "app/p.py", base: null, head: HEAD };

  test("one signed delivery replayed with five new delivery ids: one analysis, one check run", async () => {
    const secret = "replayed-secret";
    nock.enableNetConnect("127.0.0.1");
    const http = await createHttpApp({ secret });
    try {
      const gh = upToState(new GitHubMock(), [FILE]);
      pullState(gh);
      gh.review(81).checkUpdate(7000);
      const payload = pullRequestPayload({ action: "synchronize" });
      for (let i = 0; i < 6; i++) await http.deliver("pull_request", payload, `replay-${i}`);
      gh.done();
      expect(gh.checkCreates).toHaveLength(1);
      expect(gh.reviews).toHaveLength(1);
    } finally {
      await http.close();
      nock.disableNetConnect();
    }
  });

  test("a replay reaching a fresh process: one list request finds this app's verdict, no check run", async () => {
    // GitHub holds this app's completed run on the head (an earlier process made it); the list is
    // asked for exactly as `?check_name=HunkGuard&status=completed&app_id=1&filter=all&per_page=100`
    const gh = new GitHubMock().token().completedRuns(HEAD_SHA, { runs: [{ id: 6999, conclusion: "failure", title: "1 security issue(s): 1 high" }] });

    await app.deliver("pull_request", pullRequestPayload({ action: "reopened" }));

    gh.done();
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([`POST /app/installations/${INSTALLATION_ID}/access_tokens`, `GET ${REPO_PATH}/commits/${HEAD_SHA}/check-runs`]);
    expect(gh.checkCreates).toStrictEqual([]);
  });

  test("a completed `HunkGuard` run of another app does not count: the head is analysed", async () => {
    const impostor = { id: 999, slug: "impostor" };
    const gh = new GitHubMock().token().completedRuns(HEAD_SHA, { runs: [{ id: 1, conclusion: "success", title: "No security issues in the changed lines", app: impostor }] });
    upToState(gh, [FILE], { token: false });
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.standin.checkRuns(OWNER, REPO).map((r) => [r.app.slug, r.conclusion])).toStrictEqual([["impostor", "success"], ["hunkguard", "failure"]]);
    expect(gh.checkCreates).toHaveLength(1);
    expect(gh.completion.conclusion).toBe("failure");
  });

  test("a re-run asked for on GitHub analyses the same head again", async () => {
    const gh = upToState(new GitHubMock(), [FILE]);
    pullState(gh);
    gh.review(81).checkUpdate(7000);
    await app.deliver("pull_request", pullRequestPayload());
    gh.done();

    const payload = fixture("check_suite.rerequested");
    payload.repository.name = REPO;
    payload.repository.full_name = `${OWNER}/${REPO}`;
    payload.repository.owner.login = OWNER;
    payload.installation = { id: 4242 };
    gh.pullGet();
    upToState(gh, [FILE], { token: false, checkId: 7001 });
    // GitHub holds the first analysis's thread
    pullState(gh);
    gh.checkUpdate(7001);
    await app.deliver("check_suite", payload);

    gh.done();
    expect(gh.checkCreates.map((b) => b.head_sha)).toStrictEqual([HEAD_SHA, HEAD_SHA]);
    expect(gh.reviews).toHaveLength(1);
  });
});

describe("item 17: a suggestion too long for a comment is shown as text, never cut inside its fence", () => {
  test("a 70,000-character suggestion: no suggestion block, a sentence saying why, the marker last", async () => {
    const head = `import ast\n\n\ndef parse(raw):\n    return eval(raw + "${"a".repeat(70_000)}")\n`;
    const gh = upToState(new GitHubMock(), [{ path: "app/e.py", base: null, head }]);
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const body: string = gh.reviews[0].comments[0].body;
    expect(body.length).toBeLessThanOrEqual(65536);
    expect(body).not.toContain("suggestion");
    expect(body).toContain("_No one-click fix: the change is too long for a review comment; the check run's annotation shows it._");
    expect(body).toMatch(/\n<!-- hunkguard:fp=[0-9a-f]{20} -->$/);
    expect((body.match(/^```/gm) ?? []).length % 2).toBe(0);
  });
});

describe("item 20: the planted bugs that survived", () => {
  test("a suggestion whose code holds ``` is fenced with four backticks", async () => {
    const head = 'import ast\n\n\ndef parse(raw):\n    return eval(raw + "```")\n';
    const gh = upToState(new GitHubMock(), [{ path: "app/e.py", base: null, head }]);
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.reviews[0].comments[0].body).toContain('**Suggested fix** (review before accepting):\n\n````suggestion\n    return ast.literal_eval(raw + "```")\n````\n\n');
  });

  test("`exclude` globs are honoured by the app: an excluded file is neither read nor reported", async () => {
    const files = [
      { path: "app/p.py", base: null, head: "import pickle\nobj = pickle.loads(blob)\n" },
      { path: "tests/test_p.py", base: null, head: "import pickle\nobj = pickle.loads(blob)\n" },
    ];
    const gh = new GitHubMock().token().checkCreate(7000).config('exclude: ["tests/**"]\n').files(files).contents({ [`${HEAD_SHA}:app/p.py`]: files[0].head, [`${HEAD_SHA}:tests/test_p.py`]: files[1].head });
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.blobExpressions).toStrictEqual([`${HEAD_SHA}:app/p.py`]);
    expect(gh.annotations.map((a) => a.path)).toStrictEqual(["app/p.py"]);
    expect(gh.completion.output.summary).toContain("HunkGuard analysed 1 changed Python file(s)");
  });
});

describe("issue 12 item 4: the file list's edges", () => {
  const python = { path: "app/p.py", base: null, head: "import pickle\nobj = pickle.loads(blob)\n" };
  const others = (n: number): PullFile[] => Array.from({ length: n }, (_, i) => ({ path: `docs/page-${i}.txt`, base: null, head: `page ${i}\n` }));

  test.each([
    [3000, false],
    [3500, true],
  ])("3,000 files listed, %i changed: flagged as truncated: %s", async (changed, truncated) => {
    const gh = upToState(new GitHubMock(), [python, ...others(2999)]);
    pullState(gh);
    gh.review(81).checkUpdate(7000);
    const payload = pullRequestPayload();
    payload.pull_request.changed_files = changed;

    await app.deliver("pull_request", payload);

    gh.done();
    expect(gh.completion.output.summary.includes("GitHub lists at most 3,000 changed files")).toBe(truncated);
  });

  test("a file listed with a null sha that GraphQL cannot read is not analysed, named — and no `git/blobs/` request", async () => {
    // GitHub lists the file without a blob id, and GraphQL has no blob there
    const gh = new GitHubMock().token().checkCreate(7000).config().files([python, { path: "app/odd.py", base: null, head: "eval(x)\n", nullSha: true }]);
    gh.contents({ [`${HEAD_SHA}:app/p.py`]: python.head });
    pullState(gh);
    gh.review(81).checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.completion.output.summary).toContain("- `app/odd.py`: GitHub gave no blob id for this file and its text could not be read");
    expect(gh.annotations.map((a) => a.path)).toStrictEqual(["app/p.py"]);
  });
});
