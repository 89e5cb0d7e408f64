/**
 * The GitHub Action end to end over HTTP: `runAction` with its real `@octokit/rest` client against
 * the GitHub stand-in on loopback (src/standin: permissions, anchors, GraphQL schema, check runs),
 * across two pushes — the second run posts only what is new — and with a fork's read-only token.
 */
import { actionWorkflow } from "./support/action.js";
import { GitHubStandin } from "../src/standin/github-standin.js";
import { runAction } from "../src/github/action.js";
import { RULES, pullRequestPayload, sha } from "./support/probot.js";

const OWNER = "octo-org";
const REPO = "service";
const NUMBER = 7;
const BASE = sha("base");
const FIRST = sha("first");
const SECOND = sha("second");

const V1 = `import pickle


def load(blob):
    return pickle.loads(blob)
`;
const V2 = `import pickle


def parse(raw):
    return eval(raw)


def load(blob):
    return pickle.loads(blob)
`;

let standin: GitHubStandin;
let apiUrl: string;
beforeEach(async () => {
  standin = new GitHubStandin({});
  apiUrl = await standin.start();
  standin.addPull({ owner: OWNER, repo: REPO, number: NUMBER, baseSha: BASE, headSha: FIRST, headRef: "feature", files: [{ path: "svc/io.py", base: null, head: V1 }] });
});
afterEach(async () => {
  await standin.stop();
});

function workflow(headSha: string, token: string) {
  const payload = pullRequestPayload({ headSha, number: NUMBER, action: "synchronize" });
  payload.repository.name = REPO;
  payload.repository.owner.login = OWNER;
  return actionWorkflow({ payload, token, apiUrl, rules: RULES });
}

test("two pushes: one review each, the second with only the new finding; a completed check run per head", async () => {
  const token = standin.issueToken(1);
  const first = await runAction(workflow(FIRST, token).opts);
  expect(first).toMatchObject({ exitCode: 1, published: "check run", outcome: { reviewPosted: true, inlinePosted: 1 } });

  standin.pushHead(OWNER, REPO, NUMBER, SECOND, [{ path: "svc/io.py", base: null, head: V2 }]);
  const second = await runAction(workflow(SECOND, token).opts);
  // the eval finding and its `import ast` suggestion on line 1; the pickle finding is already there
  expect(second).toMatchObject({ exitCode: 1, outcome: { reviewPosted: true, inlinePosted: 2 } });

  const comments: { path: string; line: number; body: string }[] = standin.reviewComments(OWNER, REPO, NUMBER);
  const heads = comments.map((c) => c.body.split("\n")[0]);
  expect(heads.filter((h) => h.includes("pickle"))).toHaveLength(1);
  expect(heads.filter((h) => h.includes("eval()"))).toHaveLength(1);
  expect(comments).toHaveLength(3);
  expect(standin.reviews(OWNER, REPO, NUMBER)).toHaveLength(2);
  expect(standin.checkRuns(OWNER, REPO).map((r: { head_sha: string; status: string; conclusion: string }) => [r.head_sha, r.status, r.conclusion])).toStrictEqual([
    [FIRST, "completed", "failure"],
    [SECOND, "completed", "failure"],
  ]);
  expect(standin.violations).toStrictEqual([]);
});

test("a fork's read-only token: nothing written, findings as annotations, exit code by fail-on", async () => {
  standin.setInstallationPermissions(2, { contents: "read", metadata: "read", pull_requests: "read", checks: "read" });
  const run = workflow(FIRST, standin.issueToken(2));
  const result = await runAction({ ...run.opts, failOn: "medium" });
  expect(result).toMatchObject({ exitCode: 1, published: "annotations", outcome: { reviewPosted: false } });
  expect(standin.checkRuns(OWNER, REPO)).toStrictEqual([]);
  expect(standin.reviews(OWNER, REPO, NUMBER)).toStrictEqual([]);
  expect(run.lines.filter((l) => l.startsWith("::error file=svc/io.py,line=5,"))).toHaveLength(1);
  expect(run.summary()).toContain("Conclusion: **failure**");
  expect(standin.violations).toStrictEqual([]);
});
