/**
 * One faithful fake GitHub for HunkGuard's tests, demo and load runs: the REST routes and GraphQL
 * fields the app uses, over an in-memory model (model.ts), answering with GitHub's shapes and
 * refusing what GitHub refuses —
 *
 * - who may do what: installation tokens carry the app's permissions from app.yml, and each route
 *   and GraphQL field requires what GitHub requires (`resolveReviewThread`: contents write), with
 *   GitHub's answers (REST 403 / GraphQL FORBIDDEN "Resource not accessible by integration");
 * - GraphQL documents are validated against GitHub's published schema and executed by graphql-js,
 *   with GitHub's paging (graphql.ts, graphql-views.ts);
 * - review anchors (422, all or nothing), check-run limits counted in bytes, 50 annotations per
 *   request, the 3,000-file cap, Link-header pagination, fork commits unknown to the base
 *   repository's `commits/{sha}/pulls` (rest.ts).
 *
 * It serves over HTTP on 127.0.0.1 (`start()`), or in process through `respond()` — the nock-based
 * test helpers forward api.github.com to it. With `checkRequest` / `checkResponse` (the tests pass
 * validators built from GitHub's OpenAPI description) every request and answer is checked against
 * GitHub's contract; what does not fit is listed in `violations`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { runGraphql } from "./graphql.js";
import { graphqlRoots, threadSnapshot } from "./graphql-views.js";
import { NOT_ACCESSIBLE, allows, parseAppJwt, readManifest, type Manifest, type Permissions } from "./permissions.js";
import { RestApi, type Ctx, type Reply, type Route } from "./rest.js";
import { app as appShape, bot, pullObject, reviewComment, user } from "./shapes.js";
import { diffHunk, findLine, gitBlobSha } from "./diff.js";
import { HttpError, Model, errorBody, nodeId, notFound, timestamp, type Caller, type Json, type StandinFile, type StandinPull } from "./model.js";

export { gitBlobSha } from "./diff.js";
export type { StandinFile, StandinPull } from "./model.js";
export type { Manifest, Permissions } from "./permissions.js";

export interface RecordedRequest {
  method: string;
  /** Path without the query string, as sent (before `/repositories/:id` is mapped). */
  path: string;
  query: Record<string, string>;
  body: unknown;
  at: number;
  /** Request headers, lower-cased, without `authorization`. */
  headers?: Record<string, string>;
  /** The status the stand-in answered with. */
  status?: number;
}

/** What a contract check found wrong, by part of the request. */
export interface ContractProblems {
  path: string[];
  query: string[];
  body: string[];
}

export interface StandinOptions {
  /** Delay added before every HTTP response, to imitate a network round trip. */
  latencyMs?: number;
  /** REST login of the app's bot user (GraphQL reports it without "[bot]"). */
  botLogin?: string;
  /** The app's id (default 1): its check runs name it as their `app`; Probot's `appId` in the tests. */
  appId?: number;
  /** The app's manifest (default: the repository's app.yml): its permissions are the installations'. */
  manifest?: Manifest;
  /** Base URL of Link headers when answering in process (over HTTP: the server's own URL). */
  apiUrl?: string;
  /** The value of the token an installation is given (default: a fresh one each time). */
  tokenValue?: (installationId: number) => string;
  /** Checks a request against GitHub's contract for `operationId` (the tests pass an OpenAPI validator). */
  checkRequest?: (operationId: string, parts: { path: Record<string, string>; query: Record<string, string>; body: unknown }) => ContractProblems;
  /** Checks a 2xx answer against GitHub's contract for `operationId`. */
  checkResponse?: (operationId: string, status: number, body: unknown) => string[];
}

export interface FailOptions {
  headers?: Record<string, string>;
  body?: unknown;
  /** Perform the request's action but still answer with the error (e.g. 502 after creating). */
  thenSucceed?: boolean;
}

export interface StandinRequest {
  method: string;
  /** the path, with or without a query string */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string | string[] | undefined>;
  /** parsed JSON, a raw string, or undefined */
  body?: unknown;
}

export interface StandinResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A review thread as a test describes it (`setThreads`). */
export interface ThreadSeed {
  id?: string;
  isResolved?: boolean;
  path: string;
  /**
   * Where GitHub shows the thread on the pull request's current diff (a new-side line the diff
   * holds); absent or null: outdated (the code it was on changed since).
   */
  line?: number | null;
  /** The line the comment was made on (default: `line`, else 1). */
  originalLine?: number;
  /** A `Bot` author is an app's bot (`login` without "[bot]", as GraphQL names it); none: this app's. */
  comments: { body: string; author?: { __typename?: string; login: string } }[];
}

interface Failure {
  method: string;
  pattern: RegExp;
  status: number;
  opts: FailOptions;
}

export class GitHubStandin {
  readonly requests: RecordedRequest[] = [];
  /** Requests and answers that broke GitHub's contract (OpenAPI description, GraphQL schema). */
  readonly violations: string[] = [];
  private readonly latencyMs: number;
  private readonly model: Model;
  private readonly rest: RestApi;
  private readonly failures: Failure[] = [];
  private server?: Server;
  private baseUrl = "";

  constructor(private readonly opts: StandinOptions = {}) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.model = new Model(opts.botLogin ?? "hunkguard[bot]", opts.manifest ?? readManifest(), opts.tokenValue);
    if (opts.appId !== undefined) this.model.appId = opts.appId;
    this.rest = new RestApi(this.model);
  }

  // ----- lifecycle --------------------------------------------------------------------------

  async start(): Promise<string> {
    if (this.server) return this.baseUrl;
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ----- the model, as tests and the demo set it up -----------------------------------------

  addPull(p: StandinPull): void {
    this.model.addPull(p);
  }

  pushHead(owner: string, repo: string, number: number, newHeadSha: string, files: StandinFile[]): void {
    this.model.pushHead(owner, repo, number, newHeadSha, files);
  }

  /** Changes what GitHub says about a pull request (its head without a new diff, its base, state…). */
  updatePull(owner: string, repo: string, number: number, fields: { headSha?: string; baseSha?: string; mergeBaseSha?: string; draft?: boolean; state?: "open" | "closed" }): void {
    const { repo: r, pull } = this.model.requirePull(owner, repo, number);
    if (fields.headSha !== undefined && fields.headSha !== pull.headSha) {
      if (!pull.heads.has(fields.headSha)) pull.heads.set(fields.headSha, pull.heads.get(pull.headSha)!);
      this.model.addCommit(r, fields.headSha, [...(r.commits.get(pull.headSha)?.files ?? [])]);
      pull.headSha = pull.spec.headSha = fields.headSha;
    }
    if (fields.baseSha !== undefined) {
      this.model.addCommit(r, fields.baseSha, [...(r.commits.get(pull.spec.baseSha)?.files ?? [])]);
      pull.spec.baseSha = fields.baseSha;
    }
    if (fields.mergeBaseSha !== undefined) {
      this.model.addCommit(r, fields.mergeBaseSha, [...(r.commits.get(pull.spec.baseSha)?.files ?? [])]);
      pull.mergeBaseSha = fields.mergeBaseSha;
    }
    if (fields.draft !== undefined) pull.spec.draft = fields.draft;
    if (fields.state !== undefined) pull.spec.state = fields.state;
  }

  /** `.github/hunkguard.yml` on a repository's default branch (undefined: none); creates the repository. */
  setConfig(owner: string, repo: string, yaml: string | undefined): void {
    const r = this.model.repo(owner, repo, true)!;
    r.config = yaml;
    if (!r.branches.has("main")) {
      const sha = createHash("sha1").update(`${owner}/${repo}`).digest("hex");
      this.model.addCommit(r, sha, []);
      r.branches.set("main", sha);
    }
  }

  /** A file at a commit (the commit is created when new). */
  addFile(owner: string, repo: string, commitSha: string, path: string, content: string): void {
    this.model.addCommit(this.model.repo(owner, repo, true)!, commitSha, [[path, content]]);
  }

  /** A blob the repository holds (readable by its sha), outside any commit the model knows. */
  addBlob(owner: string, repo: string, content: string): string {
    const sha = gitBlobSha(content);
    this.model.repo(owner, repo, true)!.blobs.set(sha, content);
    return sha;
  }

  /** The repository no longer exists (or never did). */
  dropRepository(owner: string, repo: string): void {
    this.model.repos.delete(`${owner}/${repo}`.toLowerCase());
  }

  /** The repository answers the app with this error (GraphQL `type`; REST 403 with the message). */
  refuseRepository(owner: string, repo: string, refusal: { type: string; message: string }): void {
    this.model.repo(owner, repo, true)!.refusal = refusal;
  }

  /** Adds a reply from a person to an existing review comment (joins its thread). */
  addReply(owner: string, repo: string, number: number, inReplyToId: number, body: string, login = "octocat"): Json {
    const { pull } = this.model.requirePull(owner, repo, number);
    const parent = pull.comments.find((c) => c.id === inReplyToId);
    if (!parent) throw new Error(`no comment ${inReplyToId} on ${owner}/${repo}#${number}`);
    const comment = reviewComment(this.model, owner, repo, number, {
      ...parent,
      user: user(login, "User"),
      body,
      in_reply_to_id: parent.in_reply_to_id ?? parent.id,
      pull_request_review_id: null,
      author_association: "CONTRIBUTOR",
    });
    pull.comments.push(comment);
    return comment;
  }

  /**
   * Replaces a pull request's review threads with these (the first comment of each is its root).
   * A thread with a `line` is anchored there on the current diff, as GitHub shows a comment whose
   * code did not change; one without is outdated.
   */
  setThreads(owner: string, repo: string, number: number, threads: ThreadSeed[]): void {
    const { pull } = this.model.requirePull(owner, repo, number);
    const inThreads = new Set(pull.threads.map((t) => t.rootId));
    pull.comments = pull.comments.filter((c) => !inThreads.has(c.id) && !inThreads.has(c.in_reply_to_id));
    pull.threads = [];
    const diffs = pull.heads.get(pull.headSha)!;
    for (const [i, seed] of threads.entries()) {
      let anchor: Json = { position: null, line: null, diff_hunk: "@@ -1 +1 @@" };
      if (seed.line != null) {
        const diff = diffs.get(seed.path);
        const at = diff && findLine(diff, "RIGHT", seed.line);
        if (!diff || !at) throw new Error(`a thread on ${seed.path}:${seed.line}: the current diff of ${owner}/${repo}#${number} has no such line to show it on`);
        anchor = { position: at.position, line: seed.line, diff_hunk: diffHunk(diff, at) };
      }
      let rootId = 0;
      for (const [j, c] of seed.comments.entries()) {
        const comment = reviewComment(this.model, owner, repo, number, {
          path: seed.path,
          body: c.body,
          user: this.author(c.author),
          ...anchor,
          original_position: anchor.position ?? 1,
          original_line: seed.originalLine ?? seed.line ?? 1,
          side: "RIGHT",
          commit_id: pull.headSha,
          pull_request_review_id: null,
          ...(j > 0 ? { in_reply_to_id: rootId } : {}),
        });
        if (j === 0) rootId = comment.id;
        pull.comments.push(comment);
      }
      if (rootId) pull.threads.push({ id: seed.id ?? nodeId("PRRT", `${number}-${i}-${rootId}`), rootId, isResolved: seed.isResolved ?? false, resolvedBy: null });
    }
  }

  /** The REST user behind a test's author: none → this app's bot; a `Bot` → that app's bot; else a person. */
  private author(a: { __typename?: string; login: string } | undefined): Json {
    if (!a) return bot(this.model);
    const isBot = a.__typename === "Bot" || a.login.endsWith("[bot]");
    if (!isBot) return user(a.login, "User");
    const login = a.login.endsWith("[bot]") ? a.login : `${a.login}[bot]`;
    return login === this.model.botLogin ? bot(this.model) : user(login, "Bot");
  }

  /** Replaces a pull request's reviews (REST shapes; a missing user is the app's bot). */
  setReviews(owner: string, repo: string, number: number, reviews: Json[]): void {
    const { pull } = this.model.requirePull(owner, repo, number);
    pull.reviews = reviews.map((r) => ({
      node_id: nodeId("PRR", r.id),
      body: "",
      commit_id: pull.headSha,
      author_association: "NONE",
      ...structuredClone(r),
      user: r.user?.login ? { ...this.author({ __typename: r.user.type, login: r.user.login }), ...r.user } : bot(this.model),
      comments: [],
    }));
  }

  /**
   * Makes sure these runs exist (by id) with this status and external id — and, when given, this
   * conclusion and output title, made by another app (`app`; default: this one).
   */
  upsertCheckRuns(
    owner: string,
    repo: string,
    runs: { id: number; head_sha: string; external_id: string; status: string; name?: string; conclusion?: string; title?: string; app?: { id: number; slug: string } }[],
  ): void {
    const r = this.model.repo(owner, repo, true)!;
    for (const want of runs) {
      let run = r.checkRuns.find((x) => x.id === want.id);
      if (!run) {
        // created by the same code as a POST, so the shape is the same
        const saved = this.model.ids.checkRun;
        this.model.ids.checkRun = want.id;
        const reply = this.restCreateCheckRun(owner, repo, { name: want.name ?? "HunkGuard", head_sha: want.head_sha, external_id: want.external_id, status: "in_progress" });
        this.model.ids.checkRun = Math.max(saved, want.id + 1);
        run = r.checkRuns.find((x) => x.id === (reply.body as Json).id)!;
      }
      run.external_id = want.external_id;
      run.status = want.status;
      if (want.app) run.app = appShape(this.model, want.app);
      if (want.title !== undefined) run.output = { ...run.output, title: want.title, summary: run.output.summary ?? "" };
      if (want.conclusion !== undefined) run.conclusion = want.conclusion;
      if (want.status === "completed" && run.conclusion === null) run.conclusion = "neutral";
      if (want.status === "completed") run.completed_at ??= timestamp();
    }
  }

  /** The app's id (what its check runs name as their `app`). */
  get appId(): number {
    return this.model.appId;
  }

  /** The id the next review / check run / comment gets. */
  get ids(): Model["ids"] {
    return this.model.ids;
  }

  /** Replace the answer to `object(expression:)`: a blob's fields, null (absent), or undefined (the model's). */
  set blobOverride(fn: ((expression: string) => Json | null | undefined) | undefined) {
    this.model.blobOverride = fn;
  }

  // ----- the app, installations, tokens, registration ---------------------------------------

  /** An installation's permissions (the manifest's unless changed). */
  installationPermissions(installationId: number): Permissions {
    return { ...this.model.installation(installationId).permissions };
  }

  /** Changes what an installation was granted (tokens issued later carry it). */
  setInstallationPermissions(installationId: number, permissions: Permissions): void {
    this.model.installation(installationId).permissions = { ...permissions };
  }

  /** A valid installation token, as if the app had asked for one (`token` picks its value). */
  issueToken(installationId: number, token?: string): string {
    return this.model.issueToken(installationId, undefined, token).token;
  }

  /**
   * The manifest flow as GitHub runs it: the user creates the app from `manifest` and GitHub sends
   * the browser to the manifest's `redirect_url` with a one-time `code`, which
   * `POST /app-manifests/{code}/conversions` exchanges for the app's credentials.
   */
  registerManifest(manifest: Json): string {
    for (const key of ["url", "hook_attributes", "redirect_url"] as const) {
      if (manifest[key] === undefined) throw new Error(`GitHub refuses the manifest: ${key} is missing`);
    }
    if (typeof manifest.hook_attributes?.url !== "string") throw new Error("GitHub refuses the manifest: hook_attributes.url is missing");
    const code = randomBytes(10).toString("hex");
    this.model.manifests.set(code, structuredClone(manifest));
    const target = new URL(String(manifest.redirect_url));
    target.searchParams.set("code", code);
    return target.toString();
  }

  // ----- inspection -------------------------------------------------------------------------

  /** The pull request as `GET /pulls/{number}` shows it (and webhook payloads carry it). */
  pullRequest(owner: string, repo: string, number: number): any {
    const { repo: r, pull } = this.model.requirePull(owner, repo, number);
    return pullObject(this.model, r, pull);
  }

  reviews(owner: string, repo: string, number: number): any[] {
    return structuredClone(this.model.repo(owner, repo)?.pulls.get(number)?.reviews ?? []);
  }

  reviewComments(owner: string, repo: string, number: number): any[] {
    return structuredClone(this.model.repo(owner, repo)?.pulls.get(number)?.comments ?? []);
  }

  /** Review threads as GraphQL lists them: one per top-level comment, with its replies. */
  threads(owner: string, repo: string, number: number): any[] {
    return structuredClone(threadSnapshot(this.model, owner, repo, number));
  }

  checkRuns(owner: string, repo: string): any[] {
    return structuredClone(this.model.repo(owner, repo)?.checkRuns ?? []);
  }

  failNext(method: string, pathPattern: RegExp, status: number, opts: FailOptions = {}): void {
    this.failures.push({ method: method.toUpperCase(), pattern: pathPattern, status, opts });
  }

  // ----- answering --------------------------------------------------------------------------

  /** Answer one request in process (the HTTP server and the nock helpers both come here). */
  async respond(request: StandinRequest): Promise<StandinResponse> {
    const url = new URL(request.path, "http://standin.invalid");
    const query = { ...Object.fromEntries(url.searchParams), ...(request.query ?? {}) };
    const headers: Record<string, string> = {};
    let authorization = "";
    for (const [k, v] of Object.entries(request.headers ?? {})) {
      if (v === undefined) continue;
      const value = Array.isArray(v) ? v.join(", ") : String(v);
      if (k.toLowerCase() === "authorization") authorization = value;
      else headers[k.toLowerCase()] = value;
    }
    const method = request.method.toUpperCase();
    const body = request.body === "" ? undefined : request.body;
    const recorded: RecordedRequest = { method, path: url.pathname, query, body, at: Date.now(), headers };
    this.requests.push(recorded);
    let reply: Reply;
    try {
      reply = await this.dispatch({ method, path: url.pathname, query, body, headers, caller: { kind: "anonymous" }, baseUrl: this.baseUrl || this.opts.apiUrl || "https://api.github.com" }, authorization);
    } catch (error) {
      reply =
        error instanceof HttpError
          ? { status: error.status, body: error.body, headers: error.headers }
          : { status: 500, body: errorBody(500, `stand-in error: ${(error as Error).message}`) };
    }
    recorded.status = reply.status;
    return this.finish(reply);
  }

  private finish(reply: Reply): StandinResponse {
    const headers: Record<string, string> = {
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": createHash("md5").update(String(this.requests.length)).digest("hex").slice(0, 16).toUpperCase(),
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-used": "1",
      "x-ratelimit-resource": "core",
      ...reply.headers,
    };
    if (!(typeof reply.body === "string" && headers["content-type"]) && reply.body !== undefined && reply.status !== 204) {
      headers["content-type"] = "application/json; charset=utf-8";
    }
    return { status: reply.status, headers, body: reply.status === 204 ? undefined : reply.body };
  }

  /** Who is asking, from the Authorization header (a JWT is the app; a token we issued, its installation). */
  private caller(authorization: string): Caller {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization.trim());
    if (!authorization) return { kind: "anonymous" };
    if (!m) throw new HttpError(401, errorBody(401, "Bad credentials"));
    const credential = m[1];
    if (credential.split(".").length === 3) {
      const jwt = parseAppJwt(credential, Math.floor(Date.now() / 1000));
      if ("problem" in jwt) throw new HttpError(401, errorBody(401, jwt.problem));
      return { kind: "app" };
    }
    const issued = this.model.tokens.get(credential);
    if (!issued || issued.expiresAt < Date.now()) throw new HttpError(401, errorBody(401, "Bad credentials"));
    return { kind: "installation", installation: this.model.installation(issued.installationId), permissions: issued.permissions };
  }

  private async dispatch(ctx: Ctx, authorization: string): Promise<Reply> {
    const failureIndex = this.failures.findIndex((f) => f.method === ctx.method && f.pattern.test(ctx.path));
    const failure = failureIndex >= 0 ? this.failures.splice(failureIndex, 1)[0] : undefined;
    if (failure && !failure.opts.thenSucceed) return this.failureReply(failure);
    const reply = await this.route({ ...ctx, caller: this.caller(authorization) });
    return failure ? this.failureReply(failure) : reply;
  }

  private failureReply(f: Failure): Reply {
    const messages: Record<number, string> = {
      403: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      429: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      500: "Server Error",
      502: "Server Error",
      503: "Service Unavailable",
    };
    return { status: f.status, body: f.opts.body ?? errorBody(f.status, messages[f.status] ?? "Injected failure"), headers: f.opts.headers };
  }

  private async route(ctx: Ctx): Promise<Reply> {
    if (ctx.method === "POST" && ctx.path === "/graphql") return this.graphql(ctx);
    // GitHub's Link headers point at /repositories/:id/...; map them back to /repos/:owner/:repo.
    let path = ctx.path.replace(/\/+$/, "") || "/";
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    if (byId) {
      const repo = [...this.model.repos.values()].find((r) => r.id === Number(byId[1]));
      if (!repo) throw notFound();
      path = `/repos/${repo.owner}/${repo.name}${byId[2] ?? ""}`;
    }
    let methodAllowed = true;
    for (const route of this.rest.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== ctx.method) {
        methodAllowed = false;
        continue;
      }
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(m[i + 1])]));
      this.authorize(route, ctx.caller, params);
      this.checkContract(route, ctx, params);
      const reply = await route.handle({ ...ctx, path }, params);
      if (reply.status < 300 && this.opts.checkResponse && typeof reply.body === "object") {
        for (const problem of this.opts.checkResponse(route.operationId, reply.status, reply.body)) this.violations.push(`the stand-in's answer to ${route.operationId}: ${problem}`);
      }
      return reply;
    }
    if (!methodAllowed) throw notFound();
    throw notFound(`Not Found: the stand-in does not implement ${ctx.method} ${ctx.path}`);
  }

  /** GitHub's order: authentication, then a repository the caller cannot see is 404, then permissions 403. */
  private authorize(route: Route, caller: Caller, params: Record<string, string>): void {
    const needs = route.requires;
    if ("none" in needs) return;
    if ("app" in needs) {
      if (caller.kind !== "app") throw new HttpError(401, errorBody(401, "A JSON web token could not be decoded"));
      return;
    }
    if (caller.kind === "anonymous") throw new HttpError(401, errorBody(401, "Requires authentication"));
    if (params.owner !== undefined) {
      const repo = this.model.repo(params.owner, params.repo);
      if (!repo) throw notFound();
      if (repo.refusal) throw new HttpError(403, errorBody(403, repo.refusal.message));
    }
    const granted = caller.kind === "installation" ? caller.permissions : {};
    if (!allows(granted, needs.permission, needs.access)) {
      throw new HttpError(403, errorBody(403, NOT_ACCESSIBLE, {}, `https://docs.github.com/rest/${route.operationId.replace(/\/.*/, "")}`));
    }
  }

  /** The request against GitHub's contract: a body or path that breaks it is refused as GitHub refuses it (422). */
  private checkContract(route: Route, ctx: Ctx, params: Record<string, string>): void {
    if (!this.opts.checkRequest) return;
    const problems = this.opts.checkRequest(route.operationId, { path: params, query: ctx.query, body: ctx.body });
    const all = [...problems.path.map((p) => `path ${p}`), ...problems.query.map((p) => `query ${p}`), ...problems.body.map((p) => `body ${p}`)];
    for (const p of all) this.violations.push(`${ctx.method} ${route.template} (${route.operationId}): ${p}`);
    if (problems.path.length || problems.body.length) {
      throw new HttpError(422, errorBody(422, `Invalid request.\n\n${[...problems.path, ...problems.body].join("\n")}`));
    }
  }

  private async graphql(ctx: Ctx): Promise<Reply> {
    if (ctx.caller.kind === "anonymous") throw new HttpError(401, errorBody(401, "This endpoint requires you to be authenticated.", {}, "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"));
    const answer = await runGraphql(ctx.body, graphqlRoots(this.model, ctx.caller));
    for (const problem of answer.invalid ?? []) this.violations.push(`POST /graphql: ${problem}`);
    return { status: answer.status, body: answer.body };
  }

  /** Creates a check run through the REST handler (for `upsertCheckRuns`). */
  private restCreateCheckRun(owner: string, repo: string, body: Json): Reply {
    const route = this.rest.routes.find((r) => r.operationId === "checks/create")!;
    return route.handle(
      { method: "POST", path: `/repos/${owner}/${repo}/check-runs`, query: {}, body, headers: {}, caller: { kind: "app" }, baseUrl: this.baseUrl },
      { owner, repo },
    ) as Reply;
  }

  // ----- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown = undefined;
    let response: StandinResponse;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    if (typeof body === "string" && raw.length > 0) {
      // GitHub refuses a body that is not JSON before anything else
      this.requests.push({ method: (req.method ?? "GET").toUpperCase(), path: new URL(req.url ?? "/", "http://x").pathname, query: {}, body: raw, at: Date.now(), headers: {}, status: 400 });
      response = this.finish({ status: 400, body: errorBody(400, "Problems parsing JSON") });
    } else {
      response = await this.respond({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body });
    }
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const payload = typeof response.body === "string" ? response.body : response.body === undefined ? "" : JSON.stringify(response.body);
    res.writeHead(response.status, { ...response.headers, "content-length": String(Buffer.byteLength(payload)) });
    res.end(payload);
  }
}
