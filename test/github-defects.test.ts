/**
 * The GitHub defects of issue 12, each against the faithful stand-in over HTTP: the real app in
 * Probot, signed webhooks, and a GitHub that checks permissions, GraphQL against GitHub's schema,
 * and every request against the OpenAPI description. (Item 1, registration from the manifest, is
 * test/registration.test.ts.)
 */
import { readFileSync } from "node:fs";
import nock from "nock";
import { startHarness, type Harness } from "../src/demo/harness.js";
import { demoPayload, DEMO } from "../src/demo/pull.js";
import type { StandinFile } from "../src/standin/github-standin.js";
import { OPENAPI_CHECKS } from "./support/openapi.js";

const { owner: O, repo: R, number: N, installationId: INSTALLATION } = DEMO;
const BASE = "b".repeat(40);
const [FIRST, SECOND, THIRD] = ["1", "2", "3"].map((c) => c.repeat(40));

const BEFORE = "import ast\nimport pickle\n\n\ndef parse(raw):\n    return raw\n\n\ndef load(blob):\n    return blob\n";
const FINDINGS = BEFORE.replace("return raw", "return eval(raw)").replace("return blob", "return pickle.loads(blob)");
const EVAL_FIXED = FINDINGS.replace("eval(raw)", "ast.literal_eval(raw)");
const file = (head: string): StandinFile => ({ path: "app/handlers.py", base: BEFORE, head });

let h: Harness;
beforeEach(async () => {
  nock.enableNetConnect("127.0.0.1");
  h = await startHarness({ standin: OPENAPI_CHECKS });
});
afterEach(async () => {
  await h.stop();
  expect(h.standin.violations).toStrictEqual([]);
});

/** A signed `pull_request` delivery for `head` (opened for the first, synchronize after). */
async function push(head: string, before?: string, second = 0): Promise<void> {
  const payload = demoPayload(undefined, head) as Record<string, any>;
  // as GitHub sends it: the pull request's count of changed files (the list stops at 3,000)
  payload.pull_request.changed_files = h.standin.pullRequest(O, R, N).changed_files;
  if (before) {
    payload.action = "synchronize";
    payload.before = before;
    payload.after = head;
  }
  payload.pull_request.updated_at = `2024-05-01T10:00:0${second}Z`;
  expect(await h.deliver("pull_request", payload)).toBe(200);
  await h.queue.idle();
}

const summaryOf = (head: string) => h.standin.checkRuns(O, R).find((r) => r.head_sha === head)?.output.summary as string;

describe("item 2: a finding fixed by a later push", () => {
  async function fixEval(): Promise<void> {
    h.standin.addPull({ owner: O, repo: R, number: N, baseSha: BASE, headSha: FIRST, files: [file(FINDINGS)] });
    await push(FIRST);
    expect(h.standin.threads(O, R, N)).toHaveLength(2);
    h.standin.pushHead(O, R, N, SECOND, [file(EVAL_FIXED)]);
    await push(SECOND, FIRST, 1);
  }

  test("is answered once in its thread, and not resolved: app.yml grants no contents: write, and that is no failure", async () => {
    await fixEval();
    const [evalThread, pickleThread] = h.standin.threads(O, R, N);
    expect(evalThread.comments.nodes.map((c: { body: string }) => c.body)[1]).toBe(`Fixed in ${SECOND.slice(0, 7)}.\n\n<!-- hunkguard:fixed -->`);
    expect(evalThread.isResolved).toBe(false);
    expect(pickleThread.comments.nodes).toHaveLength(1);
    expect(summaryOf(SECOND)).toContain("1 earlier finding(s) fixed since: replied in their thread(s).");
    expect(summaryOf(SECOND)).not.toMatch(/could not|Resource not accessible/);
    expect(h.standin.requests.some((r) => JSON.stringify(r.body ?? "").includes("resolveReviewThread"))).toBe(false);

    // more pushes: no second reply
    h.standin.pushHead(O, R, N, THIRD, [file(EVAL_FIXED)]);
    await push(THIRD, SECOND, 2);
    expect(h.standin.threads(O, R, N)[0].comments.nodes).toHaveLength(2);
    expect(summaryOf(THIRD)).not.toContain("replied in");
  });

  test("is answered and resolved where the installation granted contents: write", async () => {
    h.standin.setInstallationPermissions(INSTALLATION, { ...h.standin.installationPermissions(INSTALLATION), contents: "write" });
    await fixEval();
    expect(h.standin.threads(O, R, N).map((t) => [t.isResolved, t.comments.nodes.length])).toStrictEqual([
      [true, 2],
      [false, 1],
    ]);
    expect(summaryOf(SECOND)).toContain("1 earlier comment thread(s) resolved: their findings are gone.");
  });
});

describe("item 3: re-running the check of a fork's pull request", () => {
  test("finds the pull request among the open ones by its head commit, and analyses it with a new check run", async () => {
    h.standin.addPull({ owner: O, repo: R, number: N, baseSha: BASE, headSha: FIRST, headRef: "patch-1", fork: { owner: "contributor", repo: R }, files: [file(FINDINGS)] });
    // a fork's check suite: GitHub names no pull request in the event
    const payload = JSON.parse(readFileSync(new URL("./fixtures/webhooks/check_suite.rerequested.json", import.meta.url), "utf8"));
    Object.assign(payload.repository, { name: R, full_name: `${O}/${R}` });
    payload.repository.owner.login = O;
    payload.installation = { id: INSTALLATION, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" };
    Object.assign(payload.check_suite, { head_sha: FIRST, head_branch: "patch-1", pull_requests: [] });

    expect(await h.deliver("check_suite", payload)).toBe(200);
    await h.queue.idle();

    expect(h.standin.checkRuns(O, R).map((r) => [r.head_sha, r.status, r.conclusion])).toStrictEqual([[FIRST, "completed", "failure"]]);
    expect(h.standin.reviews(O, R, N)).toHaveLength(1);
    expect(h.standin.requests.map((r) => `${r.method} ${r.path}`)).toContain(`GET /repos/${O}/${R}/pulls`);
  });
});

/* Item 4 (byte limits, exactly 3,000 files, a null sha): fixed by gate-github. */
describe("item 4: check-run limits in bytes, the 3,000-file cap, a null sha", () => {
  const withFinding = { path: "app/handlers.py", base: BEFORE, head: FINDINGS };

  test("a summary over 65,535 bytes but under 65,535 characters is cut to fit: the check completes with its findings' conclusion", async () => {
    // 100 binary files with long non-ASCII paths: the summary lists each as not analysed (3 bytes a character)
    const dir = "données_clients/".repeat(3) + "報告書_" + "月次集計データ".repeat(30);
    const binaries: StandinFile[] = Array.from({ length: 100 }, (_, i) => ({ path: `${dir}/模块_${i}.py`, base: null, head: `\u0000bin${i}` }));
    h.standin.addPull({ owner: O, repo: R, number: N, baseSha: BASE, headSha: FIRST, files: [withFinding, ...binaries] });
    await push(FIRST);
    const [run] = h.standin.checkRuns(O, R);
    expect(run.conclusion).toBe("failure");
    expect(Buffer.byteLength(run.output.summary)).toBeLessThanOrEqual(65535);
    expect(run.output.summary).toContain("### Files not analysed");
  });

  test("exactly 3,000 changed files: all of them are listed, so nothing is reported as cut off", async () => {
    const text: StandinFile[] = Array.from({ length: 2999 }, (_, i) => ({ path: `docs/page-${i}.txt`, base: null, head: `page ${i}\n` }));
    h.standin.addPull({ owner: O, repo: R, number: N, baseSha: BASE, headSha: FIRST, files: [withFinding, ...text] });
    await push(FIRST);
    const [run] = h.standin.checkRuns(O, R);
    expect(run.conclusion).toBe("failure");
    expect(run.output.summary).not.toContain("GitHub lists at most 3,000 changed files");
  });

  test("more than 3,000 changed files: the summary says the rest was not analysed", async () => {
    const text: StandinFile[] = Array.from({ length: 3004 }, (_, i) => ({ path: `docs/page-${i}.txt`, base: null, head: `page ${i}\n` }));
    h.standin.addPull({ owner: O, repo: R, number: N, baseSha: BASE, headSha: FIRST, files: [withFinding, ...text] });
    await push(FIRST);
    expect(h.standin.checkRuns(O, R)[0].output.summary).toContain("GitHub lists at most 3,000 changed files");
  });

  test("a file listed with sha: null is not asked for as git/blobs/ (empty sha) when GraphQL cannot give its text", async () => {
    h.standin.addPull({ owner: O, repo: R, number: N, baseSha: BASE, headSha: FIRST, files: [{ ...withFinding, nullSha: true }] });
    h.standin.failNext("POST", /^\/graphql$/, 502);
    await push(FIRST);
    expect(h.standin.requests.filter((r) => /\/git\/blobs\/?$/.test(r.path)).map((r) => r.path)).toStrictEqual([]);
    expect(h.standin.checkRuns(O, R)[0]).toMatchObject({ status: "completed" });
    expect(h.standin.checkRuns(O, R)[0].output.title).not.toBe("HunkGuard could not finish");
  });
});

describe("item 9: what the stand-in used to lack", () => {
  test("a Python file whose patch GitHub omits: the merge base is compared, and the comments land on the added lines", async () => {
    h.standin.addPull({ owner: O, repo: R, number: N, baseSha: BASE, headSha: FIRST, files: [{ ...file(FINDINGS), omitPatch: true }] });
    await push(FIRST);
    const [review] = h.standin.reviews(O, R, N);
    expect(review.comments.map((c: { line: number }) => c.line)).toStrictEqual([6, 10]);
    expect(h.standin.checkRuns(O, R)[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(h.standin.requests.map((r) => `${r.method} ${r.path}`)).toContain(`GET /repos/${O}/${R}/compare/${BASE}...${FIRST}`);
  });
});
