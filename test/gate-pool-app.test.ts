/**
 * Issue 11, item 8, through the app as it runs in production: signed webhooks over loopback HTTP
 * into Probot, the analysis on the worker pool (whatever the pull request's size), each file under
 * the pipeline's per-file time limit. A pathological file must neither freeze the event loop (other
 * webhooks are answered meanwhile) nor leave the check unfinished, nor pass as analysed.
 *
 * Worker threads run JavaScript: the worker is compiled once (test/support/pool-worker.ts).
 */
import nock from "nock";
import { AnalysisPool } from "../src/core/pool.js";
import {
  GitHubMock,
  HEAD_SHA,
  createHttpApp,
  isolateNetwork,
  pullRequestPayload,
  signature,
  type HttpApp,
  type PullFile,
} from "./support/probot.js";
import { compilePoolWorker } from "./support/pool-worker.js";

isolateNetwork();

const SECRET = "gate-pool-secret";

let worker: ReturnType<typeof compilePoolWorker>;
beforeAll(() => {
  worker = compilePoolWorker("hunkguard-gate-pool-test");
}, 240_000);
afterAll(() => worker.remove());

let pool: AnalysisPool;
let app: HttpApp | undefined;
beforeEach(async () => {
  // the webhooks go over loopback to the app; GitHub stays mocked
  nock.enableNetConnect("127.0.0.1");
  pool = new AnalysisPool({ workerUrl: worker.url, maxThreads: 1 });
  await pool.warm();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await pool.close();
});

function analysisOf(gh: GitHubMock, files: PullFile[]): GitHubMock {
  gh.token().checkCreate(7000).config().files(files);
  const texts: Record<string, string> = {};
  for (const f of files) if (f.head !== null) texts[`${HEAD_SHA}:${f.path}`] = f.head;
  return gh.contents(texts);
}

async function deliverSigned(target: HttpApp, name: string, payload: unknown, id: string): Promise<number> {
  const body = JSON.stringify(payload);
  const { status } = await target.post(body, { "x-github-event": name, "x-github-delivery": id, "x-hub-signature-256": signature(SECRET, body) });
  return status;
}

test("a file with 800 fixable findings is analysed off the main thread: another webhook is answered meanwhile, the check completes", async () => {
  app = await createHttpApp({ secret: SECRET, pool, fileTimeoutMs: 60_000 });
  const code = `import yaml\n${Array.from({ length: 800 }, (_, i) => `c${i} = yaml.load(s${i})`).join("\n")}\n`;
  const gh = analysisOf(new GitHubMock(), [{ path: "app/many.py", base: null, head: code }]);
  // the moment GitHub hands over the contents, the analysis is about to start: send another webhook then
  let answeredAfter = -1;
  let contentsServed = 0;
  let other: Promise<void> = Promise.resolve();
  const served = gh.requests;
  const watch = setInterval(() => {
    if (contentsServed || !served.some((r) => r.path === "/graphql#blobs")) return;
    contentsServed = Date.now();
    clearInterval(watch);
    const sent = Date.now();
    other = deliverSigned(app!, "ping", { zen: "Keep it logically awesome.", hook_id: 1 }, "gate-other").then((status) => {
      expect(status).toBe(200);
      answeredAfter = Date.now() - sent;
    });
  }, 1);
  let completedAt = 0;
  gh.threads().review();
  gh.scope
    .patch("/repos/Codertocat/Hello-World/check-runs/7000")
    .times(16)
    .reply(200, (_uri, body) => {
      const b = typeof body === "string" ? JSON.parse(body) : body;
      gh.requests.push({ method: "PATCH", path: "/repos/Codertocat/Hello-World/check-runs/7000", body: b, status: 200, landed: true, seq: 0 });
      if (b.status === "completed") completedAt = Date.now();
      return { id: 7000, status: b.status ?? "in_progress", conclusion: b.conclusion ?? null, output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: "" } };
    });

  expect(await deliverSigned(app, "pull_request", pullRequestPayload(), "gate-many")).toBe(200);
  await app.queue.idle();
  clearInterval(watch);
  await other;

  gh.done();
  expect(contentsServed).toBeGreaterThan(0);
  // answered within a second while the analysis ran (on the main thread it waited for the whole analysis)
  expect(answeredAfter).toBeGreaterThanOrEqual(0);
  expect(answeredAfter).toBeLessThan(1000);
  expect(contentsServed + answeredAfter).toBeLessThan(completedAt);
  const completion = gh.completion;
  expect(completion.conclusion).toBe("failure");
  expect(gh.annotations).toHaveLength(800);
  // every fix was checked (in batches) and offered: nothing withheld for lack of time
  expect(completion.output.summary).not.toContain("One-click fixes withheld");
});

test("a file over the per-file time limit is given up on the pool: the check completes `neutral`, naming it", async () => {
  app = await createHttpApp({ secret: SECRET, pool, fileTimeoutMs: 150 });
  const slow = `import os\ndef f(h):\n    os.system("ping " + ${Array(20_000).fill("h").join(" + ")})\n`;
  const gh = analysisOf(new GitHubMock(), [
    { path: "app/slow.py", base: null, head: slow },
    { path: "app/ok.py", base: null, head: "import yaml\ncfg = yaml.load(f)\n" },
  ])
    .threads()
    .review()
    .checkUpdate(7000);

  expect(await deliverSigned(app, "pull_request", pullRequestPayload(), "gate-slow")).toBe(200);
  await app.queue.idle();

  gh.done();
  const done = gh.completion;
  // the other file's finding fails the check; the slow file is named as not analysed
  expect(done.conclusion).toBe("failure");
  expect(done.output.title).toBe("1 security issue(s): 1 high; 1 file not analysed");
  expect(done.output.summary).toContain("- `app/slow.py`: the analysis took longer than 150 ms");
  expect(done.output.annotations.map((a: { path: string }) => a.path)).toEqual(["app/ok.py"]);
  // stopped by the worker itself at a checkpoint, or given up by the pool's backstop: either way one file
  expect(pool.replaced).toBeLessThanOrEqual(1);
});
