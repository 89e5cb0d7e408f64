/**
 * GitHub for the app tests: nock intercepts api.github.com with the network blocked, and every
 * answer comes from the one fake GitHub (src/standin) — the same model, shapes, permission checks,
 * anchors and GraphQL schema the demo and the load runs meet. Each helper registers exactly one
 * request an analysis makes (so a request nobody expected fails the test, and `done()` fails on
 * one that never came), says what GitHub holds at that moment (the files at a head, the threads,
 * the reviews…), and records what the app sent. A helper that fails (`fail`, `reviewFails`,
 * `checkUpdate(…, status)`) answers with the given error instead; `landed` makes GitHub act first.
 *
 * Every request is held to GitHub's contract: REST paths, query parameters and bodies to the
 * OpenAPI description, GraphQL documents to GitHub's published schema (also those sent to mocks a
 * test registers on `scope` itself). `done()` lists what broke it.
 */
import nock from "nock";
import { GitHubStandin, type ThreadSeed } from "../../src/standin/github-standin.js";
import { diffFile } from "../../src/standin/diff.js";
import { validateDocument } from "../../src/standin/graphql.js";
import { OPENAPI_CHECKS, validateRequestBody } from "./openapi.js";

export const API = "https://api.github.com";
export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const INSTALLATION_ID = 4242;
export const PULL = 2;
export const BASE_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
export const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const INSTALLATION_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
export const BOT_LOGIN = "hunkguard[bot]";

type Json = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Diffs as GitHub shows them in `pulls.listFiles` (computed by the stand-in's diff model).

export interface PullFile {
  path: string;
  base: string | null;
  head: string | null;
  previousPath?: string;
  /** answer without `patch`, as GitHub does for large files */
  omitPatch?: boolean;
  /** listed with `sha: null` (GitHub's schema allows it) */
  nullSha?: boolean;
}

/** The `patch` GitHub returns for a file: hunks only, no file headers, no trailing newline. */
export function githubPatch(base: string, head: string): string {
  return diffFile({ path: "x", base, head }).patch ?? "";
}

/** One entry of `GET /repos/{owner}/{repo}/pulls/{number}/files`, as GitHub returns it. */
export function listFilesEntry(f: PullFile, headSha = HEAD_SHA): Json {
  const d = diffFile(f);
  return {
    sha: d.sha,
    filename: f.path,
    status: d.status,
    additions: d.additions,
    deletions: d.deletions,
    changes: d.additions + d.deletions,
    blob_url: `https://github.com/${OWNER}/${REPO}/blob/${headSha}/${f.path}`,
    raw_url: `https://github.com/${OWNER}/${REPO}/raw/${headSha}/${f.path}`,
    contents_url: `${API}/repos/${OWNER}/${REPO}/contents/${f.path}?ref=${headSha}`,
    ...(f.previousPath ? { previous_filename: f.previousPath } : {}),
    ...(d.patch !== undefined ? { patch: d.patch } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

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
  /** what GitHub answered (its body) */
  answer?: unknown;
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
  /** where GitHub shows the thread on the current diff (a line the diff holds); absent or null: outdated */
  line?: number | null;
  /** the line the comment was made on (default: `line`) */
  originalLine?: number;
  comments: ThreadComment[];
}

/** A review as a test describes it: its body and author (default: this app's bot). */
export interface ReviewNode {
  body: string;
  author?: { __typename: "Bot" | "User"; login: string };
}

/** A request body as nock hands it over: parsed JSON, a string, or "" for none. */
const parse = (body: unknown) => (body === "" ? undefined : typeof body === "string" ? JSON.parse(body) : body);
const isBlobs = (body: any) => typeof body?.query === "string" && body.query.includes("... on Blob");
/** the first blobs request of an analysis: the sizes, with the repo config */
const withConfig = (body: any) => /\bcfg: object\(expression:/.test(String(body?.query));
const CONFIG_EXPRESSION = /:\.github\/hunkguard\.yml$/;

/**
 * Every `contents()` call's answers, across mocks: the first blobs request of an analysis (the one
 * with the config) opens its call's answers and closes the earlier calls', so a later analysis's
 * texts are never answered from an earlier call's.
 */
const contentSessions: { started: boolean; open: boolean }[] = [];

/** Threads as GraphQL returns them for the review comments a createReview body carried. */
export function threadsFromReview(review: { comments?: { path: string; body: string }[] }, idPrefix = "PRRT_posted"): ThreadNode[] {
  return (review.comments ?? []).map((c, i) => ({
    id: `${idPrefix}${i}`,
    path: c.path,
    // GraphQL names an app's bot without the "[bot]" REST uses
    comments: [{ body: c.body, author: { __typename: "Bot", login: "hunkguard" } }],
  }));
}

interface Failure {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** GitHub acted before answering with the error */
  landed?: boolean;
}

interface Forward {
  /** recorded under this path (GraphQL requests: `/graphql#blobs`, `#threads`, …) */
  name?: string;
  query?: Json;
  match?: (body: any) => boolean;
  accept?: RegExp;
  times?: number;
  /** what GitHub holds when the request arrives */
  before?: () => void;
  after?: (reply: { status: number; body: any }) => void;
  fail?: Failure;
  /** the request may not come (`done()` does not ask for it) */
  optional?: boolean;
}

export class GitHubMock {
  readonly scope = nock(API);
  readonly requests: Recorded[] = [];
  /** the fake GitHub every answer comes from */
  readonly standin: GitHubStandin;
  /** answers the stand-in gave with an error (status ≥ 400, or GraphQL errors), for debugging */
  readonly refusals: string[] = [];
  private readonly problems: string[] = [];
  private nextCheckId = 7000;
  /** `.github/hunkguard.yml` (undefined: absent) */
  private configYaml?: string;
  /** the owner's `.github` repository: undefined → none, {yaml: null} → no file, {error} → refuses */
  private ownerConfig?: { yaml: string | null } | { error: { type: string; message: string } };

  constructor(
    readonly owner = OWNER,
    readonly repo = REPO,
    readonly pull = PULL,
  ) {
    this.standin = new GitHubStandin({ ...OPENAPI_CHECKS, apiUrl: API, tokenValue: () => INSTALLATION_TOKEN });
    // Probot keeps an installation's token for an hour: GitHub knows the one an earlier mock gave
    this.standin.issueToken(INSTALLATION_ID, INSTALLATION_TOKEN);
    this.standin.addPull({ owner, repo, number: pull, baseSha: BASE_SHA, headSha: HEAD_SHA, headRef: "changes", files: [] });
    // every GraphQL document any interceptor of this scope receives, held to GitHub's schema
    this.scope.on("request", (_req: unknown, _interceptor: unknown, body: string) => {
      const parsed = (() => {
        try {
          return JSON.parse(body);
        } catch {
          return undefined;
        }
      })();
      if (typeof parsed?.query === "string") for (const p of validateDocument(parsed.query)) this.problems.push(`GraphQL: ${p}`);
    });
  }

  private get repoPath() {
    return `/repos/${this.owner}/${this.repo}`;
  }

  private record(method: string, path: string, body: unknown, status = 200, landed = status < 300, answer?: unknown): any {
    const parsed = parse(body);
    this.requests.push({ method, path, body: parsed, status, landed, seq: ++sequence, ...(answer !== undefined ? { answer } : {}) });
    return parsed;
  }

  /**
   * Expect one request (`times` times) and answer it from the stand-in — or with `fail`'s error.
   * Any request an analysis makes can be registered this way; the helpers below name the usual ones.
   */
  forward(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string | ((path: string) => boolean), opts: Forward = {}): this {
    const mock = this;
    let interceptor = this.scope.intercept(path as string, method, opts.match as never);
    if (opts.query) interceptor = interceptor.query(opts.query);
    if (opts.accept) interceptor = interceptor.matchHeader("accept", opts.accept);
    interceptor = interceptor.times(opts.times ?? 1);
    if (opts.optional) interceptor = interceptor.optionally();
    interceptor.reply(async function (this: { req: { headers: Record<string, string> } }, uri: string, body: unknown) {
      const name = opts.name ?? (typeof path === "string" ? path : uri.split("?")[0]);
      const fail = opts.fail;
      if (fail && !fail.landed) {
        mock.record(method, name, body, fail.status, false);
        return [fail.status, fail.body as never, fail.headers ?? {}];
      }
      opts.before?.();
      const reply = await mock.standin.respond({ method, path: uri, headers: this.req.headers, body: parse(body) });
      opts.after?.(reply);
      const errors = (reply.body as Json | undefined)?.errors;
      if (reply.status >= 400 || (path === "/graphql" && Array.isArray(errors) && errors.length)) {
        mock.refusals.push(`${method} ${name}: ${reply.status} ${JSON.stringify((reply.body as Json)?.message ?? errors)}`);
      }
      if (fail) {
        mock.record(method, name, body, fail.status, reply.status < 300);
        return [fail.status, fail.body as never, fail.headers ?? {}];
      }
      mock.record(method, name, body, reply.status, reply.status < 300, reply.body);
      return [reply.status, reply.body as never, reply.headers];
    });
    return this;
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

  /** Reviews GitHub created (including one hidden behind an error answer). */
  get acceptedReviews(): any[] {
    return this.landedBodies("POST", `${this.repoPath}/pulls/${this.pull}/reviews`);
  }

  // ----- what GitHub holds --------------------------------------------------------------------

  /** What the installation was granted (default: app.yml's permissions); set before `token()`. */
  permissions(granted: Record<string, "read" | "write">, installationId = INSTALLATION_ID): this {
    this.standin.setInstallationPermissions(installationId, granted);
    this.standin.issueToken(installationId, INSTALLATION_TOKEN);
    return this;
  }

  /**
   * The repo config the contents request (GraphQL) reads with the first batch: the repository's
   * file, else the owner's `.github` repository's. No request of its own.
   */
  config(yaml?: string, owner?: { yaml: string | null } | { error: { type: string; message: string } }): this {
    this.configYaml = yaml;
    this.ownerConfig = owner;
    return this;
  }

  private applyConfig(): void {
    this.standin.setConfig(this.owner, this.repo, this.configYaml);
    this.standin.dropRepository(this.owner, ".github");
    const owner = this.ownerConfig;
    if (owner && "yaml" in owner) this.standin.setConfig(this.owner, ".github", owner.yaml ?? undefined);
    if (owner && "error" in owner) this.standin.refuseRepository(this.owner, ".github", owner.error);
  }

  // ----- one helper per request -------------------------------------------------------------

  /** Installation access token (Probot asks once per installation and caches it). */
  token(installationId = INSTALLATION_ID): this {
    return this.forward("POST", `/app/installations/${installationId}/access_tokens`);
  }

  /**
   * The config over REST, as Probot's `context.config` reads it (used when GraphQL could not answer):
   * the repository's file, or 404 there and in the owner's `.github` repository.
   */
  configRest(yaml?: string): this {
    const path = `${this.repoPath}/contents/.github%2Fhunkguard.yml`;
    const before = () => {
      this.standin.setConfig(this.owner, this.repo, yaml);
      this.standin.dropRepository(this.owner, ".github");
    };
    this.forward("GET", path, { before });
    if (yaml === undefined) this.forward("GET", `/repos/${this.owner}/.github/contents/.github%2Fhunkguard.yml`);
    return this;
  }

  /**
   * `POST /check-runs` → a new run with this id (an error status: nothing created). Before it, for
   * an event that is not a re-run, the app asks for this app's completed runs on the head (a head
   * with a verdict is not analysed again): answered from what GitHub holds (optional: a re-run, or
   * a head this process already judged, does not ask).
   */
  checkCreate(id = this.nextCheckId++, status = 201): this {
    this.completedRuns(undefined, { optional: true });
    return this.forward("POST", `${this.repoPath}/check-runs`, {
      before: () => void (this.standin.ids.checkRun = id),
      ...(status >= 300 ? { fail: { status, body: { message: "Server Error" } } } : {}),
    });
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
    return this.forward("PATCH", `${this.repoPath}/check-runs/${id}`, { times, ...(status >= 300 ? { fail: { status, body: errorBody, headers, landed } } : {}) });
  }

  /** `GET /check-runs/:id`: GitHub's own record of the run, which must be `state` (else `done()` says so). */
  checkGet(id: number, state: { status: "in_progress" | "completed"; annotationsCount: number }): this {
    return this.forward("GET", `${this.repoPath}/check-runs/${id}`, {
      after: ({ body }) => {
        const seen = { status: body?.status, annotationsCount: body?.output?.annotations_count };
        if (seen.status !== state.status || seen.annotationsCount !== state.annotationsCount) {
          this.problems.push(`check run ${id} is ${JSON.stringify(seen)} on GitHub, the test expected ${JSON.stringify(state)}`);
        }
      },
    });
  }

  /** `GET /commits/:sha/check-runs?check_name=HunkGuard`: these runs (by id) are on the head. */
  checkList(headSha: string, runs: () => { id: number; external_id: string; status: string }[]): this {
    return this.forward("GET", `${this.repoPath}/commits/${headSha}/check-runs`, {
      query: { check_name: "HunkGuard", filter: "all", per_page: "100" },
      name: `${this.repoPath}/commits/${headSha}/check-runs`,
      before: () => this.standin.upsertCheckRuns(this.owner, this.repo, runs().map((r) => ({ ...r, head_sha: headSha }))),
    });
  }

  /**
   * `GET /commits/:sha/check-runs?status=completed&app_id=…`: this app's completed `HunkGuard` runs
   * on the head (any head when `headSha` is not given), as GitHub holds them — `runs` first adds
   * these (another app's with `app`).
   */
  completedRuns(
    headSha?: string,
    opts: { optional?: boolean; runs?: { id: number; conclusion: string; title: string; app?: { id: number; slug: string } }[] } = {},
  ): this {
    const prefix = `${this.repoPath}/commits/`;
    const path = headSha ? `${prefix}${headSha}/check-runs` : (p: string) => p.startsWith(prefix) && /^[^/]+\/check-runs$/.test(p.slice(prefix.length));
    return this.forward("GET", path, {
      query: { check_name: "HunkGuard", status: "completed", app_id: String(this.standin.appId), filter: "all", per_page: "100" },
      optional: opts.optional,
      before: () => {
        if (!opts.runs) return;
        const head = headSha ?? HEAD_SHA;
        this.standin.upsertCheckRuns(this.owner, this.repo, opts.runs.map((r) => ({ ...r, head_sha: head, external_id: "", status: "completed" })));
      },
    });
  }

  /**
   * `GET /pulls/:n/files`: the pull request's files at `headSha`, 100 a page — the later pages at
   * the `/repositories/:id/…` URLs GitHub's Link header names (GitHub lists at most 3,000 files).
   */
  files(files: PullFile[], headSha = HEAD_SHA): this {
    this.forward("GET", `${this.repoPath}/pulls/${this.pull}/files`, {
      query: { per_page: "100" },
      before: () => this.standin.pushHead(this.owner, this.repo, this.pull, headSha, files),
    });
    const pages = Math.ceil(Math.min(files.length, 3000) / 100);
    const repoId = this.standin.pullRequest(this.owner, this.repo, this.pull).base.repo.id;
    for (let page = 2; page <= pages; page++) this.forward("GET", `/repositories/${repoId}/pulls/${this.pull}/files`, { query: { per_page: "100", page: String(page) } });
    return this;
  }

  /**
   * The contents: first every blob's size (`s0: object(expression: "REV:path") { ... on Blob {
   * byteSize isBinary } }`, …), then the texts of those within the limits under aliases f0..fN, in
   * as many batches as the analysis needs, answered from `texts` ("REV:path" → text; absent → null
   * as GitHub does for a missing path).
   * `answer` may override single objects (binary, truncated). The first batch also asks for the config
   * (`cfg: object(expression: "HEAD:.github/hunkguard.yml")`) and the owner's (`org: repository(…)`),
   * answered from `config()`: an owner without a `.github` repository gives `org: null` with a
   * NOT_FOUND error next to the data, as GitHub answers.
   */
  contents(texts: Record<string, string>, answer: (expr: string) => Json | null | undefined = () => undefined): this {
    const session = { started: false, open: true };
    contentSessions.push(session);
    const answering = () => {
      this.standin.blobOverride = (expr) => {
        if (CONFIG_EXPRESSION.test(expr)) return undefined;
        const custom = answer(expr);
        if (custom !== undefined) return custom;
        if (!(expr in texts)) return null;
        const text = texts[expr];
        return { text, isBinary: false, byteSize: Buffer.byteLength(text), isTruncated: false };
      };
    };
    const done = () => void (this.standin.blobOverride = undefined);
    // the sizes, with the config: the first request of an analysis
    this.forward("POST", "/graphql", {
      match: (body) => isBlobs(body) && withConfig(body) && !session.started,
      name: "/graphql#blobs",
      before: () => {
        for (const other of contentSessions) other.open = other === session;
        session.started = true;
        this.applyConfig();
        answering();
      },
      after: done,
    });
    // then the texts in batches (and the sizes of files the config's globs add): as many as needed
    return this.forward("POST", "/graphql", {
      match: (body) => isBlobs(body) && !withConfig(body) && session.started && session.open,
      name: "/graphql#blobs",
      times: 20,
      optional: true,
      before: answering,
      after: done,
    });
  }

  /** The expressions the contents batches asked for (file contents; the config is not listed). */
  get blobExpressions(): string[] {
    return this.bodies("POST", "/graphql#blobs").flatMap((b) =>
      [...String(b.query).matchAll(/\bf\d+: object\(expression: ("(?:[^"\\]|\\.)*")\)/g)].map((m) => JSON.parse(m[1]) as string),
    );
  }

  /**
   * The pull request's head and the review threads on it. `headSha` and `state` change what GitHub
   * says of the pull request; `nodes` replace its threads, `reviewBodies` its reviews (the bot's)
   * and `reviews` its reviews by any author; without them GitHub shows what it holds (e.g. the
   * threads of a review posted earlier, where the pushes since moved them). `times`: the pages the
   * app reads (GitHub pages threads by 100 and reviews by what the query asks).
   */
  threads(opts: { headSha?: string; state?: "OPEN" | "CLOSED" | "MERGED"; nodes?: ThreadNode[]; times?: number; reviewBodies?: string[]; reviews?: ReviewNode[] } = {}): this {
    return this.forward("POST", "/graphql", {
      match: (body) => typeof body?.query === "string" && body.query.includes("reviewThreads") && body.variables?.number === this.pull,
      name: "/graphql#threads",
      times: opts.times,
      before: () => {
        const fields = { ...(opts.headSha ? { headSha: opts.headSha } : {}), ...(opts.state ? { state: opts.state === "OPEN" ? ("open" as const) : ("closed" as const) } : {}) };
        this.standin.updatePull(this.owner, this.repo, this.pull, fields);
        if (opts.nodes) this.standin.setThreads(this.owner, this.repo, this.pull, opts.nodes as ThreadSeed[]);
        if (opts.reviewBodies) this.standin.setReviews(this.owner, this.repo, this.pull, opts.reviewBodies.map((body, i) => this.reviewShape(90000 + i, { body }, "COMMENTED")));
        if (opts.reviews) {
          const shapes = opts.reviews.map((r, i) => {
            const shape = this.reviewShape(90000 + i, { body: r.body }, "COMMENTED");
            // REST names an app's bot `<slug>[bot]`, GraphQL `<slug>`
            if (r.author) shape.user = { login: r.author.__typename === "Bot" ? `${r.author.login.replace(/\[bot\]$/, "")}[bot]` : r.author.login, type: r.author.__typename };
            return shape;
          });
          this.standin.setReviews(this.owner, this.repo, this.pull, shapes);
        }
      },
    });
  }

  /** `POST /pulls/:n/reviews` → a COMMENTED review with this id (GitHub checks every anchor). */
  review(id = 80): this {
    return this.forward("POST", `${this.repoPath}/pulls/${this.pull}/reviews`, { before: () => void (this.standin.ids.review = id) });
  }

  /** `POST /pulls/:n/reviews` answered with an error (recorded like a success); `landed`: GitHub created it first. */
  reviewFails(status: number, body: Json = { message: "Server Error" }, headers: Record<string, string> = {}, landed = false): this {
    return this.forward("POST", `${this.repoPath}/pulls/${this.pull}/reviews`, { fail: { status, body, headers, landed } });
  }

  /** A review as GitHub's REST API shows it (to describe the reviews GitHub holds). */
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

  /** `GET /pulls/:n/reviews`: GitHub holds these reviews. */
  listReviews(reviews: () => Json[]): this {
    return this.forward("GET", `${this.repoPath}/pulls/${this.pull}/reviews`, {
      query: { per_page: "100" },
      before: () => this.standin.setReviews(this.owner, this.repo, this.pull, reviews()),
    });
  }

  /** `DELETE /pulls/:n/reviews/:id` (a pending review). */
  deleteReview(id: number): this {
    return this.forward("DELETE", `${this.repoPath}/pulls/${this.pull}/reviews/${id}`);
  }

  /** Any request answered with an error status (recorded); GitHub does nothing. */
  fail(method: "GET" | "POST" | "PATCH", path: string, status: number, body: Json = { message: "Server Error" }, opts: { query?: Json; match?: (body: any) => boolean; headers?: Record<string, string> } = {}): this {
    const graphql = path.startsWith("/graphql");
    return this.forward(method, graphql ? "/graphql" : `${this.repoPath}${path}`, {
      name: graphql ? path : `${this.repoPath}${path}`,
      query: opts.query,
      match: opts.match,
      fail: { status, body, headers: opts.headers },
    });
  }

  /** `GET /pulls/:n` (a merge base lookup or a re-run); the fields given change what GitHub holds. */
  pullGet(opts: { headSha?: string; baseSha?: string; draft?: boolean; state?: "open" | "closed" } = {}): this {
    return this.forward("GET", `${this.repoPath}/pulls/${this.pull}`, { before: () => this.standin.updatePull(this.owner, this.repo, this.pull, opts) });
  }

  /** `GET /pulls?state=open` (one page): the open pull requests, newest first. */
  openPulls(): this {
    return this.forward("GET", `${this.repoPath}/pulls`, { query: { state: "open", per_page: "100" } });
  }

  /** `GET /compare/base...head` → the merge base GitHub computes for the pull request. */
  compare(baseSha: string, headSha: string, mergeBase: string): this {
    return this.forward("GET", `${this.repoPath}/compare/${baseSha}...${headSha}`, {
      query: { per_page: "1" },
      before: () => this.standin.updatePull(this.owner, this.repo, this.pull, { mergeBaseSha: mergeBase }),
    });
  }

  /** `GET /commits/:sha/pulls`: the pull requests of this repository with that commit. */
  pullsForCommit(commitSha: string, numbers: number[]): this {
    return this.forward("GET", `${this.repoPath}/commits/${commitSha}/pulls`, {
      query: { per_page: "10" },
      before: () => {
        for (const n of numbers) this.standin.updatePull(this.owner, this.repo, n, { headSha: commitSha });
      },
    });
  }

  /** `GET /git/blobs/:sha` (REST fallback for contents). */
  blob(text: string): this {
    const sha = listFilesEntry({ path: "x", base: null, head: text }).sha;
    return this.forward("GET", `${this.repoPath}/git/blobs/${sha}`, { before: () => void this.standin.addBlob(this.owner, this.repo, text) });
  }

  /** `GET /contents/:path?ref=` in the raw media type (REST fallback for a base version). */
  rawContent(filePath: string, ref: string, text: string): this {
    return this.forward("GET", `${this.repoPath}/contents/${encodeURIComponent(filePath)}`, {
      query: { ref },
      accept: /application\/vnd\.github(\.v3)?\.raw/,
      before: () => this.standin.addFile(this.owner, this.repo, ref, filePath, text),
    });
  }

  /** The GraphQL reply the app posts in a thread whose finding is gone. */
  replyInThread(times = 1): this {
    return this.forward("POST", "/graphql", { match: (b) => String(b?.query).includes("addPullRequestReviewThreadReply"), name: "/graphql#reply", times });
  }

  /** The GraphQL mutation that resolves a thread. */
  resolveThread(times = 1): this {
    return this.forward("POST", "/graphql", { match: (b) => String(b?.query).includes("resolveReviewThread"), name: "/graphql#resolve", times });
  }

  /** Every request body the app sent to the review and check endpoints matches GitHub's OpenAPI description. */
  expectBodiesMatchOpenApi(): void {
    expect(this.reviews.flatMap((b) => validateRequestBody("pulls/create-review", b))).toStrictEqual([]);
    expect(this.checkCreates.flatMap((b) => validateRequestBody("checks/create", b))).toStrictEqual([]);
    expect(this.checkUpdates.flatMap((b) => validateRequestBody("checks/update", b))).toStrictEqual([]);
  }

  /** Every mock was used, and every request kept GitHub's contract. */
  done(): void {
    expect(this.scope.pendingMocks()).toStrictEqual([]);
    expect([...this.standin.violations, ...this.problems]).toStrictEqual([]);
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
