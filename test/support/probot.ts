/**
 * Shared setup for the app tests: a real Probot with the real HunkGuard app, and a nock-backed
 * GitHub whose every answer has GitHub's real shape. Each helper registers exactly the requests
 * one step of an analysis makes, records the bodies the app sent, and lets the test assert that
 * every mock was used (`gh.done()`).
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import nock from "nock";
import { pino } from "pino";
import { structuredPatch } from "diff";
import { Probot, ProbotOctokit, createNodeMiddleware, type Logger } from "probot";
import { hunkGuard, type HunkGuardOptions } from "../../src/app.js";
import { AnalysisQueue } from "../../src/github/queue.js";
import { loadRules } from "../../src/core/rules/load.js";
import { gitBlobSha } from "../../src/standin/github-standin.js";
import { validateRequestBody } from "./openapi.js";

export const API = "https://api.github.com";
export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const INSTALLATION_ID = 4242;
export const PULL = 2;
export const BASE_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
export const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const INSTALLATION_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
export const BOT_LOGIN = "hunkguard[bot]";

/** One RSA key per test file (each file loads this module in its own registry). */
export const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** A 40-hex sha that reads as its purpose in failures: sha("c2") = "c2c2c2…". */
export function sha(seed: string): string {
  const hex = Buffer.from(seed).toString("hex");
  return hex.repeat(Math.ceil(40 / hex.length)).slice(0, 40);
}

// ---------------------------------------------------------------------------------------------
// Webhook payloads: the recorded ones from @octokit/webhooks-examples, adapted.

type Json = Record<string, any>;

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), "utf8"));
}

export interface PullPayloadOptions {
  action?: "opened" | "synchronize" | "reopened" | "ready_for_review";
  headSha?: string;
  draft?: boolean;
  updatedAt?: string;
  number?: number;
}

/** A real `pull_request.<action>` payload pointed at our repo, pull request and installation. */
export function pullRequestPayload(opts: PullPayloadOptions = {}): Json {
  const action = opts.action ?? "opened";
  const payload = fixture(`pull_request.${action}`);
  const number = opts.number ?? PULL;
  // the recorded `opened` and `ready_for_review` deliveries come from a repo webhook: no installation
  payload.installation = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" };
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.head.sha = opts.headSha ?? HEAD_SHA;
  payload.pull_request.base.sha = BASE_SHA;
  payload.pull_request.draft = opts.draft ?? false;
  payload.pull_request.state = "open";
  if (opts.updatedAt) payload.pull_request.updated_at = opts.updatedAt;
  if (action === "synchronize") payload.after = payload.pull_request.head.sha;
  return payload;
}

// ---------------------------------------------------------------------------------------------
// Logs: every line Probot and the app write, captured.

export interface CapturedLog {
  logger: Logger;
  lines: string[];
  /** parsed lines */
  entries(): Json[];
}

export function captureLog(level: "trace" | "debug" | "info" | "warn" = "trace"): CapturedLog {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      cb();
    },
  });
  const logger = pino({ level }, stream) as unknown as Logger;
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l)) };
}

// ---------------------------------------------------------------------------------------------
// The app.

export interface TestApp {
  probot: Probot;
  queue: AnalysisQueue;
  log: CapturedLog;
  /** deliver an event the way Probot's webhook server would, then wait for every analysis */
  deliver(name: string, payload: unknown, id?: string): Promise<void>;
}

/**
 * Octokit without retries and without throttling. `ProbotOctokit.defaults({ throttle: { enabled:
 * false } })` is not enough: Probot 14 replaces the whole `throttle` object with its own handlers
 * (no `enabled` key), so throttling stays on and spaces every mutation a second apart. The function
 * form runs after Probot's options are merged in, so `enabled: false` sticks.
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...options.throttle, enabled: false },
}));

let deliveries = 0;
/** loading the rule catalogue takes a second: once per test file */
export const RULES = loadRules();

/** As in production, Octokit's retry plugin re-sends after a 5xx (with a 1 ms instead of a 1 s back-off base). */
export const RetryingOctokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { retryAfterBaseValue: 1 },
  throttle: { ...options.throttle, enabled: false },
}));

export type AppOptions = Omit<HunkGuardOptions, "queue"> & { secret?: string; log?: CapturedLog; octokitRetries?: boolean };

function setUp(options: AppOptions) {
  const { secret, log: given, octokitRetries, ...appOptions } = options;
  const log = given ?? captureLog("info");
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret,
    log: log.logger,
    Octokit: octokitRetries ? RetryingOctokit : TestOctokit,
  });
  const queue = new AnalysisQueue();
  // waiting on purpose in tests is never wanted: a secondary-limit back-off sleeps instantly
  const appFn = hunkGuard({ queue, rules: RULES, sleep: async () => {}, ...appOptions });
  return { probot, queue, log, appFn };
}

/** The app loaded into Probot; events go in through `probot.receive` (no signature). */
export async function createApp(options: AppOptions = {}): Promise<TestApp> {
  const { probot, queue, log, appFn } = setUp(options);
  await probot.load(appFn);
  return {
    probot,
    queue,
    log,
    async deliver(name, payload, id = `delivery-${++deliveries}`) {
      await probot.receive({ id, name, payload } as never);
      await queue.idle();
    },
  };
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface HttpApp extends TestApp {
  url: string;
  /** POST raw bytes with the given headers; resolves with GitHub's view of the answer */
  post(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/**
 * The app as it runs in production: Probot's Node middleware on a loopback HTTP server, webhooks
 * verified against `secret`. `deliver` signs the body properly.
 */
export async function createHttpApp(options: AppOptions & { secret: string }): Promise<HttpApp> {
  const { probot, queue, log, appFn } = setUp(options);
  const middleware = await createNodeMiddleware(appFn, { probot });
  const server: Server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  const post = async (body: string, headers: Record<string, string>) => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    return { status: res.status, text: await res.text() };
  };
  return {
    probot,
    queue,
    log,
    url,
    post,
    async deliver(name, payload, id = `delivery-${++deliveries}`) {
      const body = JSON.stringify(payload);
      const { status, text } = await post(body, { "x-github-event": name, "x-github-delivery": id, "x-hub-signature-256": signature(options.secret, body) });
      if (status !== 200) throw new Error(`delivery answered ${status}: ${text}`);
      await queue.idle();
    },
    async close() {
      await queue.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Diffs as GitHub shows them in `pulls.listFiles`.

/** The `patch` GitHub returns for a file: hunks only, no file headers, no trailing newline. */
export function githubPatch(base: string, head: string): string {
  const { hunks } = structuredPatch("a", "b", base, head, "", "", { context: 3 });
  const range = (start: number, lines: number) => (lines === 1 ? String(start) : `${lines === 0 ? start - 1 : start},${lines}`);
  return hunks.map((h) => [`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`, ...h.lines].join("\n")).join("\n");
}

export interface PullFile {
  path: string;
  base: string | null;
  head: string | null;
  previousPath?: string;
  /** answer without `patch`, as GitHub does for large files */
  omitPatch?: boolean;
}

/** One entry of `GET /repos/{owner}/{repo}/pulls/{number}/files`, as GitHub returns it. */
export function listFilesEntry(f: PullFile, headSha = HEAD_SHA): Json {
  const status = f.base === null ? "added" : f.head === null ? "removed" : f.previousPath ? "renamed" : "modified";
  const patch = githubPatch(f.base ?? "", f.head ?? "");
  const lines = patch.split("\n");
  const additions = lines.filter((l) => l.startsWith("+")).length;
  const deletions = lines.filter((l) => l.startsWith("-")).length;
  const blob = gitBlobSha(f.head ?? f.base ?? "");
  return {
    sha: blob,
    filename: f.path,
    status,
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `https://github.com/${OWNER}/${REPO}/blob/${headSha}/${f.path}`,
    raw_url: `https://github.com/${OWNER}/${REPO}/raw/${headSha}/${f.path}`,
    contents_url: `${API}/repos/${OWNER}/${REPO}/contents/${f.path}?ref=${headSha}`,
    ...(f.previousPath ? { previous_filename: f.previousPath } : {}),
    ...(f.omitPatch || !patch ? {} : { patch }),
  };
}

// ---------------------------------------------------------------------------------------------
// GitHub, mocked with nock: one helper per request the app makes.

export interface Recorded {
  method: string;
  path: string;
  body: any;
  /** the status GitHub answered with */
  status: number;
  /** GitHub acted on it (a 2xx, or an error answer that hid a success) */
  landed: boolean;
  /** order among all requests any mock in this file received */
  seq: number;
}

let sequence = 0;

export interface ThreadComment {
  body: string;
  author?: { __typename: "Bot" | "User"; login: string };
}

export interface ThreadNode {
  id?: string;
  isResolved?: boolean;
  path: string;
  comments: ThreadComment[];
}

const parse = (body: unknown) => (typeof body === "string" && body ? JSON.parse(body) : body);

/** Threads as GraphQL returns them for the review comments a createReview body carried. */
export function threadsFromReview(review: { comments?: { path: string; body: string }[] }, idPrefix = "PRRT_posted"): ThreadNode[] {
  return (review.comments ?? []).map((c, i) => ({
    id: `${idPrefix}${i}`,
    path: c.path,
    // GraphQL names an app's bot without the "[bot]" REST uses
    comments: [{ body: c.body, author: { __typename: "Bot", login: "hunkguard" } }],
  }));
}

/** every `contents()` call's answers, across mocks: an analysis's first request closes the others' */
const contentSessions: { started: boolean; open: boolean }[] = [];

export class GitHubMock {
  readonly scope = nock(API);
  readonly requests: Recorded[] = [];
  private nextCheckId = 7000;

  constructor(
    readonly owner = OWNER,
    readonly repo = REPO,
    readonly pull = PULL,
  ) {}

  private get repoPath() {
    return `/repos/${this.owner}/${this.repo}`;
  }

  private record(method: string, path: string, body: unknown, status = 200, landed = status < 300): any {
    const parsed = parse(body);
    this.requests.push({ method, path, body: parsed, status, landed, seq: ++sequence });
    return parsed;
  }

  private landedBodies(method: string, path: string | RegExp): any[] {
    return this.requests.filter((r) => r.landed && r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path))).map((r) => r.body);
  }

  /** Bodies the app sent to one endpoint, in order. */
  bodies(method: string, path: string | RegExp): any[] {
    return this.requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path))).map((r) => r.body);
  }

  get checkCreates(): any[] {
    return this.bodies("POST", `${this.repoPath}/check-runs`);
  }

  get checkUpdates(): any[] {
    return this.bodies("PATCH", /\/check-runs\/\d+$/);
  }

  get reviews(): any[] {
    return this.bodies("POST", `${this.repoPath}/pulls/${this.pull}/reviews`);
  }

  /** The body that completed the check run (the last update GitHub acted on with `status: completed`). */
  get completion(): any {
    const done = this.landedBodies("PATCH", /\/check-runs\/\d+$/).filter((b) => b.status === "completed");
    return done[done.length - 1];
  }

  /** Every annotation the check run holds, across all updates GitHub acted on. */
  get annotations(): any[] {
    return this.landedBodies("PATCH", /\/check-runs\/\d+$/).flatMap((b) => b.output?.annotations ?? []);
  }

  /** Installation access token (Probot asks once per installation and caches it). */
  token(installationId = INSTALLATION_ID): this {
    this.scope.post(`/app/installations/${installationId}/access_tokens`).reply(201, (_uri, body) => {
      this.record("POST", `/app/installations/${installationId}/access_tokens`, body);
      return {
        token: INSTALLATION_TOKEN,
        expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions: { checks: "write", contents: "read", metadata: "read", pull_requests: "write" },
        repository_selection: "all",
      };
    });
    return this;
  }

  /** `.github/hunkguard.yml` as the contents request answers it (undefined: absent) */
  private configYaml?: string;
  /** the owner's `.github` repository: undefined → no such repository (NOT_FOUND), null → no file, else the file */
  private ownerConfigYaml?: string | null;
  /** the owner's `.github` repository answers with this error (e.g. FORBIDDEN) */
  private ownerConfigError?: { type: string; message: string };

  /**
   * The repo config the contents request (GraphQL) reads with the first batch: the repository's
   * file, else the owner's `.github` repository's. No request of its own.
   */
  config(yaml?: string, owner?: { yaml: string | null } | { error: { type: string; message: string } }): this {
    this.configYaml = yaml;
    this.ownerConfigYaml = owner && "yaml" in owner ? owner.yaml : undefined;
    this.ownerConfigError = owner && "error" in owner ? owner.error : undefined;
    return this;
  }

  /**
   * The config over REST, as Probot's `context.config` reads it (used when GraphQL could not answer):
   * the repository's file, or 404 there and in the owner's `.github` repository.
   */
  configRest(yaml?: string): this {
    const path = `${this.repoPath}/contents/.github%2Fhunkguard.yml`;
    if (yaml !== undefined) {
      this.scope.get(path).reply(200, () => (this.record("GET", path, undefined), yaml), { "content-type": "application/vnd.github.raw; charset=utf-8" });
      return this;
    }
    const notFound = { message: "Not Found", documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content", status: "404" };
    const ownerPath = `/repos/${this.owner}/.github/contents/.github%2Fhunkguard.yml`;
    this.scope.get(path).reply(404, () => (this.record("GET", path, undefined, 404), notFound));
    this.scope.get(ownerPath).reply(404, () => (this.record("GET", ownerPath, undefined, 404), notFound));
    return this;
  }

  /** head sha of each run this mock created */
  private readonly runHeads = new Map<number, string>();

  /**
   * `POST /check-runs` → a new run id. Before creating a run for a pull_request event the app asks
   * for this app's completed runs on the head (a replayed event is not analysed twice): that list is
   * answered here too, from the runs this mock created and completed (optional: re-runs skip it).
   */
  checkCreate(id = this.nextCheckId++, status = 201): this {
    const listed = (uri: string) => uri.startsWith(`${this.repoPath}/commits/`) && /\/check-runs\?/.test(uri) && /[?&]status=completed(&|$)/.test(uri);
    this.scope
      .get(listed)
      .optionally()
      .reply(200, (uri) => {
        const path = uri.split("?")[0];
        this.record("GET", path, undefined);
        const head = path.split("/")[5];
        const runs = [...this.runHeads].filter(([runId, sha]) => sha === head && this.landedBodies("PATCH", `${this.repoPath}/check-runs/${runId}`).some((b) => b.status === "completed"));
        const list = runs.map(([runId]) => {
          const done = this.landedBodies("PATCH", `${this.repoPath}/check-runs/${runId}`).filter((b) => b.status === "completed").pop();
          return this.checkRunShape(runId, { ...done, head_sha: head });
        });
        return { total_count: list.length, check_runs: list };
      });
    this.scope.post(`${this.repoPath}/check-runs`).reply(status, (_uri, body) => {
      const b = this.record("POST", `${this.repoPath}/check-runs`, body, status);
      if (status < 300) this.runHeads.set(id, b.head_sha);
      return status >= 300 ? { message: "Server Error" } : this.checkRunShape(id, b);
    });
    return this;
  }

  /** `PATCH /check-runs/:id`, `times` times. */
  checkUpdate(
    id: number,
    times = 1,
    status = 200,
    errorBody: Json = { message: "Server Error" },
    headers: Record<string, string> = {},
    /** the error answer hides an update GitHub did apply */
    landed = status < 300,
  ): this {
    this.scope
      .patch(`${this.repoPath}/check-runs/${id}`)
      .times(times)
      .reply(
        status,
        (_uri, body) => {
          const b = this.record("PATCH", `${this.repoPath}/check-runs/${id}`, body, status, landed);
          return status >= 300 ? errorBody : this.checkRunShape(id, b);
        },
        headers,
      );
    return this;
  }

  /** `GET /check-runs/:id`: GitHub's own record of the run. */
  checkGet(id: number, state: { status: "in_progress" | "completed"; annotationsCount: number }): this {
    const path = `${this.repoPath}/check-runs/${id}`;
    this.scope.get(path).reply(200, () => {
      this.record("GET", path, undefined);
      const run = this.checkRunShape(id, { status: state.status, conclusion: state.status === "completed" ? "failure" : null });
      run.output.annotations_count = state.annotationsCount;
      return run;
    });
    return this;
  }

  /** `GET /commits/:sha/check-runs?check_name=HunkGuard`: `runs` may use the external id the app sent. */
  checkList(headSha: string, runs: () => { id: number; external_id: string; status: string }[]): this {
    const path = `${this.repoPath}/commits/${headSha}/check-runs`;
    this.scope
      .get(path)
      .query({ check_name: "HunkGuard", filter: "all", per_page: "100" })
      .reply(200, () => {
        this.record("GET", path, undefined);
        const list = runs().map((r) => ({ ...this.checkRunShape(r.id, { status: r.status, head_sha: headSha }), external_id: r.external_id }));
        return { total_count: list.length, check_runs: list };
      });
    return this;
  }

  /** Reviews GitHub created (including one hidden behind an error answer). */
  get acceptedReviews(): any[] {
    return this.landedBodies("POST", `${this.repoPath}/pulls/${this.pull}/reviews`);
  }

  private checkRunShape(id: number, b: any): Json {
    return {
      id,
      node_id: `CR_${id}`,
      head_sha: b?.head_sha ?? HEAD_SHA,
      external_id: "",
      url: `${API}${this.repoPath}/check-runs/${id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/runs/${id}`,
      details_url: "https://github.com/apps/hunkguard",
      status: b?.status ?? "in_progress",
      conclusion: b?.conclusion ?? null,
      started_at: b?.started_at ?? null,
      completed_at: b?.completed_at ?? null,
      output: { title: b?.output?.title ?? null, summary: b?.output?.summary ?? null, text: null, annotations_count: 0, annotations_url: "" },
      name: "HunkGuard",
      check_suite: { id: 5 },
      app: { id: 1, slug: "hunkguard" },
      pull_requests: [],
    };
  }

  /** `GET /pulls/:n/files` (one page). */
  files(files: PullFile[], headSha = HEAD_SHA): this {
    const path = `${this.repoPath}/pulls/${this.pull}/files`;
    this.scope
      .get(path)
      .query({ per_page: "100" })
      .reply(200, () => {
        this.record("GET", path, undefined);
        return files.map((f) => listFilesEntry(f, headSha));
      });
    return this;
  }

  /**
   * The contents batch: `object(expression: "REV:path") { ... on Blob { ... } }` under aliases
   * f0..fN, answered from `texts` ("REV:path" → text; absent → null as GitHub does for a missing path).
   * `answer` may override single objects (binary, truncated). The first batch also asks for the config
   * (`cfg: object(expression: "HEAD:.github/hunkguard.yml")`) and the owner's (`org: repository(…)`),
   * answered from `config()`: an owner without a `.github` repository gives `org: null` with a
   * NOT_FOUND error next to the data, as GitHub answers.
   */
  contents(texts: Record<string, string>, answer: (expr: string) => Json | null | undefined = () => undefined): this {
    // An analysis asks sizes first (`s0: object(…) { ... on Blob { byteSize isBinary } }`, with the
    // config), then texts (`f0: …`) in batches; a file the config's globs add may be sized later.
    // The first request (the one with the config) opens this call's answers; the next call's closes them.
    const session = { started: false, open: true };
    contentSessions.push(session);
    const isBlobs = (body: any) => typeof body?.query === "string" && body.query.includes("... on Blob");
    const withConfig = (body: any) => /\bcfg: object\(expression:/.test(String(body?.query));
    this.scope
      .post("/graphql", (body) => isBlobs(body) && withConfig(body) && !session.started)
      .reply(200, (_uri, body) => {
        for (const other of contentSessions) other.open = other === session;
        session.started = true;
        return this.answerBlobs(body, texts, answer);
      });
    this.scope
      .post("/graphql", (body) => isBlobs(body) && !withConfig(body) && session.started && session.open)
      .times(10)
      .optionally()
      .reply(200, (_uri, body) => this.answerBlobs(body, texts, answer));
    return this;
  }

  private answerBlobs(body: unknown, texts: Record<string, string>, answer: (expr: string) => Json | null | undefined): Json {
    const b = this.record("POST", "/graphql#blobs", body);
    const query = String(b.query);
    const repository: Json = {};
    for (const m of query.matchAll(/\b(s\d+): object\(expression: ("(?:[^"\\]|\\.)*")\)/g)) {
      const expr = JSON.parse(m[2]) as string;
      const custom = answer(expr);
      if (custom !== undefined) repository[m[1]] = custom;
      else if (expr in texts) repository[m[1]] = { byteSize: Buffer.byteLength(texts[expr]), isBinary: false };
      else repository[m[1]] = null;
    }
    for (const m of query.matchAll(/\b(f\d+): object\(expression: ("(?:[^"\\]|\\.)*")\)/g)) {
      const expr = JSON.parse(m[2]) as string;
      const custom = answer(expr);
      if (custom !== undefined) repository[m[1]] = custom;
      else if (expr in texts) {
        const text = texts[expr];
        repository[m[1]] = { text, isBinary: false, byteSize: Buffer.byteLength(text), isTruncated: false };
      } else repository[m[1]] = null;
    }
    const blob = (text: string) => ({ text, isTruncated: false });
    if (/\bcfg: object\(expression: "HEAD:\.github\/hunkguard\.yml"\)/.test(query)) repository.cfg = this.configYaml === undefined ? null : blob(this.configYaml);
    const data: Json = { repository };
    const errors: Json[] = [];
    if (/\borg: repository\(owner: \$owner, name: "\.github"\)/.test(query)) {
      if (this.ownerConfigYaml === undefined) {
        data.org = null;
        const error = this.ownerConfigError ?? { type: "NOT_FOUND", message: `Could not resolve to a Repository with the name '${this.owner}/.github'.` };
        errors.push({ ...error, path: ["org"], locations: [{ line: 4, column: 1 }] });
      } else data.org = { object: this.ownerConfigYaml === null ? null : blob(this.ownerConfigYaml) };
    }
    return errors.length ? { data, errors } : { data };
  }

  /** The expressions the contents batches asked for (file contents; the config is not listed). */
  get blobExpressions(): string[] {
    return this.bodies("POST", "/graphql#blobs").flatMap((b) =>
      [...String(b.query).matchAll(/\bf\d+: object\(expression: ("(?:[^"\\]|\\.)*")\)/g)].map((m) => JSON.parse(m[1]) as string),
    );
  }

  /** The pull request's head and the review threads on it. */
  threads(opts: { headSha?: string; state?: "OPEN" | "CLOSED" | "MERGED"; nodes?: ThreadNode[]; times?: number; reviewBodies?: string[] } = {}): this {
    this.scope
      .post("/graphql", (body) => typeof body?.query === "string" && body.query.includes("reviewThreads") && body.variables?.number === this.pull)
      .times(opts.times ?? 1)
      .reply(200, (_uri, body) => {
        this.record("POST", "/graphql#threads", body);
        return {
          data: {
            repository: {
              pullRequest: {
                headRefOid: opts.headSha ?? HEAD_SHA,
                state: opts.state ?? "OPEN",
                reviews: { nodes: (opts.reviewBodies ?? []).map((body) => ({ body, author: { __typename: "Bot", login: "hunkguard" } })) },
                reviewThreads: {
                  pageInfo: { hasNextPage: false, endCursor: null },
                  nodes: (opts.nodes ?? []).map((n, i) => ({
                    id: n.id ?? `PRRT_kwDOA${i}`,
                    isResolved: n.isResolved ?? false,
                    path: n.path,
                    comments: { nodes: n.comments.map((c) => ({ body: c.body, author: c.author ?? { __typename: "Bot", login: "hunkguard" } })) },
                  })),
                },
              },
            },
          },
        };
      });
    return this;
  }

  /** `POST /pulls/:n/reviews` → a COMMENTED review. */
  review(id = 80): this {
    const path = `${this.repoPath}/pulls/${this.pull}/reviews`;
    this.scope.post(path).reply(200, (_uri, body) => {
      const b = this.record("POST", path, body);
      return this.reviewShape(id, b, "COMMENTED");
    });
    return this;
  }

  /** `POST /pulls/:n/reviews` answered with an error (recorded like a success). */
  reviewFails(status: number, body: Json = { message: "Server Error" }, headers: Record<string, string> = {}, landed = false): this {
    const path = `${this.repoPath}/pulls/${this.pull}/reviews`;
    this.scope.post(path).reply(
      status,
      (_uri, b) => {
        this.record("POST", path, b, status, landed);
        return body;
      },
      headers,
    );
    return this;
  }

  reviewShape(id: number, b: any, state: string): Json {
    return {
      id,
      node_id: `PRR_${id}`,
      user: { login: BOT_LOGIN, id: 41898282, type: "Bot", site_admin: false },
      body: b?.body ?? "",
      state,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${this.pull}#pullrequestreview-${id}`,
      pull_request_url: `${API}${this.repoPath}/pulls/${this.pull}`,
      author_association: "NONE",
      _links: { html: { href: "" }, pull_request: { href: "" } },
      submitted_at: "2024-05-01T10:00:00Z",
      commit_id: b?.commit_id ?? HEAD_SHA,
    };
  }

  /** `GET /pulls/:n/reviews`. */
  listReviews(reviews: () => Json[]): this {
    const path = `${this.repoPath}/pulls/${this.pull}/reviews`;
    this.scope
      .get(path)
      .query({ per_page: "100" })
      .reply(200, () => {
        this.record("GET", path, undefined);
        return reviews();
      });
    return this;
  }

  /** `DELETE /pulls/:n/reviews/:id` (a pending review). */
  deleteReview(id: number): this {
    const path = `${this.repoPath}/pulls/${this.pull}/reviews/${id}`;
    this.scope.delete(path).reply(200, () => {
      this.record("DELETE", path, undefined);
      return { ...this.reviewShape(id, {}, "PENDING"), submitted_at: undefined };
    });
    return this;
  }

  /** Any request answered with an error status (recorded). */
  fail(method: "GET" | "POST" | "PATCH", path: string, status: number, body: Json = { message: "Server Error" }, opts: { query?: Json; match?: (body: any) => boolean; headers?: Record<string, string> } = {}): this {
    const full = path.startsWith("/graphql") ? "/graphql" : `${this.repoPath}${path}`;
    const name = path.startsWith("/graphql") ? path : full;
    let i = method === "GET" ? this.scope.get(full) : method === "POST" ? this.scope.post(full, opts.match) : this.scope.patch(full, opts.match);
    if (opts.query) i = i.query(opts.query);
    i.reply(
      status,
      (_uri, b) => {
        this.record(method, name, b, status);
        return body;
      },
      opts.headers ?? {},
    );
    return this;
  }

  /** `GET /pulls/:n` (a merge base lookup or a re-run). */
  pullGet(opts: { headSha?: string; baseSha?: string; draft?: boolean; state?: "open" | "closed" } = {}): this {
    const path = `${this.repoPath}/pulls/${this.pull}`;
    this.scope.get(path).reply(200, () => {
      this.record("GET", path, undefined);
      const payload = fixture("pull_request.opened").pull_request;
      payload.number = this.pull;
      payload.head.sha = opts.headSha ?? HEAD_SHA;
      payload.base.sha = opts.baseSha ?? BASE_SHA;
      payload.draft = opts.draft ?? false;
      payload.state = opts.state ?? "open";
      return payload;
    });
    return this;
  }

  /** `GET /compare/base...head` → the merge base. */
  compare(baseSha: string, headSha: string, mergeBase: string): this {
    const path = `${this.repoPath}/compare/${baseSha}...${headSha}`;
    this.scope
      .get(path)
      .query({ per_page: "1" })
      .reply(200, () => {
        this.record("GET", path, undefined);
        return {
          url: `${API}${path}`,
          status: "ahead",
          ahead_by: 1,
          behind_by: 0,
          total_commits: 1,
          base_commit: { sha: baseSha },
          merge_base_commit: { sha: mergeBase },
          commits: [],
          files: [],
        };
      });
    return this;
  }

  /** `GET /commits/:sha/pulls`: the pull requests a commit belongs to (re-runs of fork PRs). */
  pullsForCommit(commitSha: string, numbers: number[]): this {
    const path = `${this.repoPath}/commits/${commitSha}/pulls`;
    this.scope
      .get(path)
      .query({ per_page: "10" })
      .reply(200, () => {
        this.record("GET", path, undefined);
        return numbers.map((n) => {
          const pr = fixture("pull_request.opened").pull_request;
          pr.number = n;
          pr.head.sha = commitSha;
          pr.state = "open";
          return pr;
        });
      });
    return this;
  }

  /** `GET /git/blobs/:sha` (REST fallback for contents). */
  blob(text: string): this {
    const blobSha = gitBlobSha(text);
    const path = `${this.repoPath}/git/blobs/${blobSha}`;
    this.scope.get(path).reply(200, () => {
      this.record("GET", path, undefined);
      const content = (Buffer.from(text).toString("base64").match(/.{1,60}/g) ?? [""]).join("\n") + "\n";
      return { sha: blobSha, node_id: `B_${blobSha}`, size: Buffer.byteLength(text), url: `${API}${path}`, content, encoding: "base64" };
    });
    return this;
  }

  /** `GET /contents/:path?ref=` in the raw media type (REST fallback for a base version). */
  rawContent(filePath: string, ref: string, text: string): this {
    const path = `${this.repoPath}/contents/${encodeURIComponent(filePath)}`;
    this.scope
      .get(path)
      .query({ ref })
      .matchHeader("accept", /application\/vnd\.github(\.v3)?\.raw/)
      .reply(
        200,
        () => {
          this.record("GET", path, undefined);
          return text;
        },
        { "content-type": "application/vnd.github.raw; charset=utf-8" },
      );
    return this;
  }

  /** Every request body the app sent to the review and check endpoints matches GitHub's OpenAPI description. */
  expectBodiesMatchOpenApi(): void {
    expect(this.reviews.flatMap((b) => validateRequestBody("pulls/create-review", b))).toStrictEqual([]);
    expect(this.checkCreates.flatMap((b) => validateRequestBody("checks/create", b))).toStrictEqual([]);
    expect(this.checkUpdates.flatMap((b) => validateRequestBody("checks/update", b))).toStrictEqual([]);
  }

  /** Every mock was used. */
  done(): void {
    expect(this.scope.pendingMocks()).toStrictEqual([]);
  }
}

/**
 * Reset nock between tests: block the network, drop leftover mocks, and fail a test in which the app
 * sent GitHub a request no mock expected (the app would swallow the error and complete its check
 * "could not finish", which an assertion might not notice).
 */
export function isolateNetwork(): void {
  const unexpected: string[] = [];
  type Where = { method?: string; path?: string; hostname?: string; host?: string };
  // nock emits (request, options, body) from its router and (options) elsewhere
  const onNoMatch = (first: Where, second?: Where) => {
    const o = second ?? first;
    const host = String(o.hostname ?? o.host ?? "");
    if (host.startsWith("api.github.com")) unexpected.push(`${o.method} ${host}${o.path}`);
  };
  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on("no match", onNoMatch);
  });
  afterEach(() => {
    nock.cleanAll();
    const seen = unexpected.splice(0);
    expect(seen).toStrictEqual([]);
  });
  afterAll(() => {
    nock.emitter.removeListener("no match", onNoMatch);
    nock.enableNetConnect();
  });
}
