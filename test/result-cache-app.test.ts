/**
 * The result cache in the app (issue 16): a second push to a 100-file pull request that changes one
 * file analyses that file alone, and the check it completes is the one an app without a cache
 * completes. GitHub is nock with the network blocked, answered by the stand-in.
 */
import { GitHubMock, HEAD_SHA, createApp, isolateNetwork, pullRequestPayload, sha, threadsFromReview, type PullFile, type TestApp } from "./support/probot.js";
import { MemoryResultCache } from "../src/core/result-cache.js";

isolateNetwork();

const SECOND = sha("second push, one file changed");

function module(i: number, extra = ""): PullFile {
  const body = (added: string) => `"""Module ${i}."""
import json
import pickle


def load(raw):
    return json.loads(raw)
${added}`;
  const added = `

def restore(blob):
    return ${i < 3 ? "pickle.loads(blob)" : "json.loads(blob)"}
${extra}`;
  return { path: `svc/module_${String(i).padStart(3, "0")}.py`, base: body(""), head: body(added) };
}

const first = Array.from({ length: 100 }, (_, i) => module(i));
// the second push adds a finding to module 50; the other 99 files are the same blobs with the same hunks
const second = first.map((f, i) => (i === 50 ? module(50, "\n\ndef run(code):\n    return eval(code)\n") : f));

async function twoPushes(app: TestApp) {
  const gh = new GitHubMock().token().checkCreate(7000).config().files(first);
  gh.contents(Object.fromEntries(first.map((f) => [`${HEAD_SHA}:${f.path}`, f.head!]))).threads().review(81).checkUpdate(7000);
  await app.deliver("pull_request", pullRequestPayload());
  gh.done();
  const threads = threadsFromReview(gh.reviews[0]);
  const afterFirst = gh.requests.length;
  gh.checkCreate(7001).config().files(second, SECOND);
  gh.contents(Object.fromEntries(second.map((f) => [`${SECOND}:${f.path}`, f.head!])))
    .threads({ headSha: SECOND, nodes: threads })
    .review(82)
    .checkUpdate(7001);
  await app.deliver("pull_request", pullRequestPayload({ action: "synchronize", headSha: SECOND }));
  gh.done();
  return { gh, secondRequests: gh.requests.slice(afterFirst).map((r) => `${r.method} ${r.path}`) };
}

test("a second push that changes one of 100 files analyses one file, and reports what an uncached app reports", async () => {
  const cache = new MemoryResultCache();
  const cached = await twoPushes(await createApp({ resultCache: cache }));
  expect(cache.stores).toBe(101); // 100 on the first push, 1 on the second
  expect(cache.hits).toBe(99);

  const uncached = await twoPushes(await createApp({ resultCache: null }));
  expect(cached.secondRequests).toStrictEqual(uncached.secondRequests);
  const { completed_at: _a, ...cachedCheck } = cached.gh.completion;
  const { completed_at: _b, ...uncachedCheck } = uncached.gh.completion;
  expect(cachedCheck).toStrictEqual(uncachedCheck);
  expect(cached.gh.reviews).toStrictEqual(uncached.gh.reviews);
  // the new finding is posted, the three earlier ones are not posted again
  expect(cached.gh.reviews[1].comments).toHaveLength(1);
  expect(cached.gh.completion.output.annotations).toHaveLength(4);
});
