/**
 * An in-process stand-in for the parts of GitHub's REST and GraphQL APIs that HunkGuard uses,
 * backed by an in-memory model. It serves the demo, end-to-end tests, the latency benchmark and
 * the load test, so it answers with GitHub's real response shapes (field names as in GitHub's
 * OpenAPI description) and enforces the rules that bite in production: review comment anchors
 * (422, all-or-nothing), 50 annotations per check-run request, Link-header pagination, base64
 * contents wrapped at 60 columns, and GraphQL's bot login without the "[bot]" suffix.
 *
 * It listens on 127.0.0.1 only and never authenticates: any token is accepted.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { structuredPatch } from "diff";

export interface StandinFile {
  path: string;
  /** Content at the PR's base; null when the PR adds the file. */
  base: string | null;
  /** Content at the PR's head; null when the PR removes the file. */
  head: string | null;
  /** Set for a rename: the path at the base. */
  previousPath?: string;
  /** Answer without `patch`, as GitHub does for binary or very large diffs; no line is commentable. */
  omitPatch?: boolean;
}

export interface StandinPull {
  owner: string;
  repo: string;
  number: number;
  baseSha: string;
  headSha: string;
  headRef?: string;
  files: StandinFile[];
  draft?: boolean;
  state?: "open" | "closed";
  /** `.github/hunkguard.yml` on the default branch. */
  config?: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, as sent (before `/repositories/:id` is mapped). */
  path: string;
  query: Record<string, string>;
  body: unknown;
  at: number;
  /** Request headers, lower-cased, without `authorization`. */
  headers?: Record<string, string>;
}

export interface StandinOptions {
  /** Delay added before every response, to imitate a network round trip. */
  latencyMs?: number;
  /** REST login of the app's bot user (GraphQL reports it without "[bot]"). */
  botLogin?: string;
}

export interface FailOptions {
  headers?: Record<string, string>;
  body?: unknown;
  /** Perform the request's action but still answer with the error (e.g. 502 after creating). */
  thenSucceed?: boolean;
}

type Json = Record<string, any>;

const DOCS = "https://docs.github.com/rest";
const WEB = "https://github.com";
const DEFAULT_BRANCH = "main";
const CONFIG_PATH = ".github/hunkguard.yml";
const MAX_LISTED_FILES = 3000;
const MAX_ANNOTATIONS_PER_REQUEST = 50;
const MAX_BODY = 65536;
const MAX_OUTPUT_TEXT = 65535;

/** git's object id of a blob: sha1("blob <byte length>\0<content>"). */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** GitHub wraps base64 content at 60 columns, with a trailing newline. */
function base64Wrapped(content: string): string {
  const b64 = Buffer.from(content, "utf8").toString("base64");
  return (b64.match(/.{1,60}/g) ?? [""]).join("\n") + "\n";
}

function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString("base64url")}`;
}

function timestamp(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** The `[alias:] repository(…) { … }` blocks of a GraphQL query, with their bodies (braces matched). */
function repositoryBlocks(query: string): { alias: string; args: string; body: string }[] {
  const out: { alias: string; args: string; body: string }[] = [];
  for (const m of query.matchAll(/(?:(\w+)\s*:\s*)?\brepository\s*\(([^)]*)\)\s*\{/g)) {
    let depth = 1;
    let i = m.index! + m[0].length;
    const start = i;
    for (; i < query.length && depth > 0; i++) {
      if (query[i] === '"') {
        for (i++; i < query.length && query[i] !== '"'; i++) if (query[i] === "\\") i++;
      } else if (query[i] === "{") depth++;
      else if (query[i] === "}") depth--;
    }
    out.push({ alias: m[1] ?? "repository", args: m[2], body: query.slice(start, i - 1) });
  }
  return out;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

function errorBody(status: number, message: string, extra: Json = {}, doc = DOCS): Json {
  return { message, ...extra, documentation_url: doc, status: String(status) };
}

const notFound = (message = "Not Found") => new HttpError(404, errorBody(404, message));
const unprocessable = (errors: unknown[], doc?: string) =>
  new HttpError(422, errorBody(422, "Unprocessable Entity", { errors }, doc));

// ---------------------------------------------------------------------------------------------
// Diff model: what GitHub computes from the base and head blobs of one file.

interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

interface PatchLine {
  /** 1-based position in the patch as GitHub counts it (line after the first @@ is 1). */
  position: number;
  hunk: number;
  kind: " " | "+" | "-" | "\\" | "@";
  oldLine?: number;
  newLine?: number;
}

interface FileDiff {
  file: StandinFile;
  status: "added" | "removed" | "modified" | "renamed";
  sha: string;
  additions: number;
  deletions: number;
  hunks: Hunk[];
  /** The patch text as GitHub returns it; undefined when omitted or when nothing changed. */
  patch?: string;
  patchLines: PatchLine[];
}

function range(start: number, lines: number): string {
  if (lines === 1) return String(start);
  return `${lines === 0 ? start - 1 : start},${lines}`;
}

/** git's default funcname: the nearest line above the hunk that starts with a letter, `_` or `$`. */
function funcname(oldText: string, oldStart: number): string {
  const lines = oldText.split("\n");
  for (let i = oldStart - 2; i >= 0; i--) {
    const line = lines[i] ?? "";
    if (/^[A-Za-z_$]/.test(line)) return line.replace(/\s+$/, "").slice(0, 80);
  }
  return "";
}

function diffFile(file: StandinFile): FileDiff {
  const oldText = file.base ?? "";
  const newText = file.head ?? "";
  const status =
    file.base === null ? "added" : file.head === null ? "removed" : file.previousPath ? "renamed" : "modified";
  const hunks: Hunk[] = structuredPatch("a", "b", oldText, newText, "", "", { context: 3 }).hunks;
  const text: string[] = [];
  const patchLines: PatchLine[] = [];
  let additions = 0;
  let deletions = 0;
  let position = 0;
  hunks.forEach((h, index) => {
    const context = file.base === null ? "" : funcname(oldText, h.oldStart);
    text.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@${context ? ` ${context}` : ""}`);
    if (index > 0) patchLines.push({ position: ++position, hunk: index, kind: "@" });
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    for (const line of h.lines) {
      text.push(line);
      const kind = line[0] as PatchLine["kind"];
      const entry: PatchLine = { position: ++position, hunk: index, kind };
      if (kind === " ") Object.assign(entry, { oldLine: oldLine++, newLine: newLine++ });
      else if (kind === "-") Object.assign(entry, { oldLine: oldLine++ }), deletions++;
      else if (kind === "+") Object.assign(entry, { newLine: newLine++ }), additions++;
      patchLines.push(entry);
    }
  });
  const omitted = file.omitPatch === true || hunks.length === 0;
  return {
    file,
    status,
    sha: gitBlobSha(file.head ?? file.base ?? ""),
    additions,
    deletions,
    hunks,
    patch: omitted ? undefined : text.join("\n"),
    patchLines: file.omitPatch ? [] : patchLines,
  };
}

function findLine(diff: FileDiff, side: "RIGHT" | "LEFT", line: number): PatchLine | undefined {
  return diff.patchLines.find((l) =>
    side === "RIGHT" ? l.newLine === line && l.kind !== "-" : l.oldLine === line && l.kind !== "+",
  );
}

/** GitHub's `diff_hunk`: the hunk header and the hunk's lines up to the commented one. */
function diffHunk(diff: FileDiff, at: PatchLine): string {
  const all = (diff.patch ?? "").split("\n");
  const headerIndexes = all.flatMap((l, i) => (l.startsWith("@@") ? [i] : []));
  const start = headerIndexes[at.hunk] ?? 0;
  // Position p is line p of the patch when the first header is line 0.
  return all.slice(start, at.position + 1).join("\n");
}

// ---------------------------------------------------------------------------------------------
// The in-memory model.

interface Commit {
  sha: string;
  files: Map<string, string>;
}

interface PullState {
  spec: StandinPull;
  id: number;
  headSha: string;
  /** Every head this PR has had, oldest first, with the diff at that head. */
  heads: Map<string, Map<string, FileDiff>>;
  reviews: Json[];
  comments: Json[];
  threads: { id: string; rootId: number; isResolved: boolean; resolvedBy: string | null }[];
  createdAt: string;
  updatedAt: string;
}

interface RepoState {
  id: number;
  owner: string;
  name: string;
  config?: string;
  blobs: Map<string, string>;
  commits: Map<string, Commit>;
  branches: Map<string, string>;
  pulls: Map<number, PullState>;
  checkRuns: Json[];
}

interface Failure {
  method: string;
  pattern: RegExp;
  status: number;
  opts: FailOptions;
}

interface Route {
  method: string;
  pattern: RegExp;
  handle: (req: Ctx, ...params: string[]) => Reply | Promise<Reply>;
}

interface Ctx {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  headers: Record<string, string>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export class GitHubStandin {
  readonly requests: RecordedRequest[] = [];
  private readonly latencyMs: number;
  private readonly botLogin: string;
  private server?: Server;
  private baseUrl = "";
  private readonly repos = new Map<string, RepoState>();
  private readonly failures: Failure[] = [];
  private nextId = { repo: 1296269, pull: 1000000, review: 80000000, comment: 500000000, checkRun: 4000000, user: 500 };
  private readonly routes: Route[];

  constructor(opts: StandinOptions = {}) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.botLogin = opts.botLogin ?? "hunkguard[bot]";
    this.routes = this.buildRoutes();
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

  // ----- model ------------------------------------------------------------------------------

  addPull(p: StandinPull): void {
    const repo = this.repo(p.owner, p.repo, true)!;
    if (p.config !== undefined) repo.config = p.config;
    this.addCommit(repo, p.baseSha, p.files.filter((f) => f.base !== null).map((f) => [f.previousPath ?? f.path, f.base!]));
    this.addCommit(repo, p.headSha, p.files.filter((f) => f.head !== null).map((f) => [f.path, f.head!]));
    if (!repo.branches.has(DEFAULT_BRANCH)) repo.branches.set(DEFAULT_BRANCH, p.baseSha);
    const headRef = p.headRef ?? `pr-${p.number}`;
    repo.branches.set(headRef, p.headSha);
    const now = timestamp();
    repo.pulls.set(p.number, {
      spec: { ...p, headRef, files: [...p.files] },
      id: this.nextId.pull++,
      headSha: p.headSha,
      heads: new Map([[p.headSha, this.diffs(p.files)]]),
      reviews: [],
      comments: [],
      threads: [],
      createdAt: now,
      updatedAt: now,
    });
  }

  pushHead(owner: string, repo: string, number: number, newHeadSha: string, files: StandinFile[]): void {
    const r = this.repo(owner, repo);
    const pull = r?.pulls.get(number);
    if (!r || !pull) throw new Error(`no pull ${owner}/${repo}#${number}`);
    this.addCommit(r, newHeadSha, files.filter((f) => f.head !== null).map((f) => [f.path, f.head!]));
    // Base-side contents of newly touched files belong to the base commit.
    const base = r.commits.get(pull.spec.baseSha)!;
    for (const f of files) if (f.base !== null) base.files.set(f.previousPath ?? f.path, f.base), r.blobs.set(gitBlobSha(f.base), f.base);
    const diffs = this.diffs(files);
    pull.heads.set(newHeadSha, diffs);
    pull.headSha = newHeadSha;
    pull.spec.files = [...files];
    pull.spec.headSha = newHeadSha;
    pull.updatedAt = timestamp();
    r.branches.set(pull.spec.headRef!, newHeadSha);
    // GitHub keeps a comment on its line while the line's text is unchanged, else it is outdated.
    const oldHead = (commitSha: string, path: string) => r.commits.get(commitSha)?.files.get(path);
    for (const c of pull.comments) {
      if (c.line == null) continue;
      const before = oldHead(c.commit_id, c.path)?.split("\n")[c.line - 1];
      const after = r.commits.get(newHeadSha)?.files.get(c.path)?.split("\n")[c.line - 1];
      const diff = diffs.get(c.path);
      const still = diff && before !== undefined && before === after ? findLine(diff, c.side, c.line) : undefined;
      if (still) {
        c.commit_id = newHeadSha;
        c.position = still.position;
      } else {
        c.line = null;
        c.start_line = null;
        c.position = null;
      }
    }
  }

  /** Adds a reply from a person to an existing review comment (joins its thread). */
  addReply(owner: string, repo: string, number: number, inReplyToId: number, body: string, login = "octocat"): Json {
    const pull = this.repo(owner, repo)?.pulls.get(number);
    const parent = pull?.comments.find((c) => c.id === inReplyToId);
    if (!pull || !parent) throw new Error(`no comment ${inReplyToId} on ${owner}/${repo}#${number}`);
    const comment = this.reviewComment(owner, repo, number, {
      ...parent,
      user: this.user(login, "User"),
      body,
      in_reply_to_id: parent.in_reply_to_id ?? parent.id,
      pull_request_review_id: null,
      author_association: "CONTRIBUTOR",
    });
    pull.comments.push(comment);
    return comment;
  }

  reviews(owner: string, repo: string, number: number): any[] {
    return structuredClone(this.repo(owner, repo)?.pulls.get(number)?.reviews ?? []);
  }

  reviewComments(owner: string, repo: string, number: number): any[] {
    return structuredClone(this.repo(owner, repo)?.pulls.get(number)?.comments ?? []);
  }

  /** Review threads as GraphQL lists them: one per top-level comment, with its replies. */
  threads(owner: string, repo: string, number: number): any[] {
    const pull = this.repo(owner, repo)?.pulls.get(number);
    return pull ? structuredClone(pull.threads.map((t) => this.threadNode(pull, t))) : [];
  }

  checkRuns(owner: string, repo: string): any[] {
    return structuredClone(this.repo(owner, repo)?.checkRuns ?? []);
  }

  failNext(method: string, pathPattern: RegExp, status: number, opts: FailOptions = {}): void {
    this.failures.push({ method: method.toUpperCase(), pattern: pathPattern, status, opts });
  }

  private repo(owner: string, name: string, create = false): RepoState | undefined {
    const key = `${owner}/${name}`.toLowerCase();
    let repo = this.repos.get(key);
    if (!repo && create) {
      repo = {
        id: this.nextId.repo++,
        owner,
        name,
        blobs: new Map(),
        commits: new Map(),
        branches: new Map(),
        pulls: new Map(),
        checkRuns: [],
      };
      this.repos.set(key, repo);
    }
    return repo;
  }

  private addCommit(repo: RepoState, sha: string, files: [string, string][]): void {
    let commit = repo.commits.get(sha);
    if (!commit) repo.commits.set(sha, (commit = { sha, files: new Map() }));
    for (const [path, content] of files) {
      commit.files.set(path, content);
      repo.blobs.set(gitBlobSha(content), content);
    }
  }

  private diffs(files: StandinFile[]): Map<string, FileDiff> {
    return new Map(files.map((f) => [f.path, diffFile(f)]));
  }

  /** A ref is a commit sha (full or at least 7 hex digits), a branch name, or HEAD (the default branch). */
  private resolveRef(repo: RepoState, ref: string | undefined): Commit | undefined {
    const name = ref === undefined || ref === "HEAD" ? DEFAULT_BRANCH : ref;
    const sha = repo.branches.get(name.replace(/^refs\/heads\//, "")) ?? name;
    const exact = repo.commits.get(sha);
    if (exact) return exact;
    if (/^[0-9a-f]{7,39}$/.test(sha)) return [...repo.commits.values()].find((c) => c.sha.startsWith(sha));
    return undefined;
  }

  /** The config lives on the default branch; PR branches are cut from it, so every ref sees it. */
  private fileAt(repo: RepoState, commit: Commit, path: string): string | undefined {
    if (path === CONFIG_PATH && repo.config !== undefined) return repo.config;
    return commit.files.get(path);
  }

  // ----- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (k !== "authorization" && v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    }
    const method = (req.method ?? "GET").toUpperCase();
    const query = Object.fromEntries(url.searchParams);
    let body: unknown = undefined;
    let reply: Reply;
    try {
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
          throw new HttpError(400, errorBody(400, "Problems parsing JSON"));
        }
      }
      reply = await this.dispatch({ method, path: url.pathname, query, body, headers });
    } catch (error) {
      reply =
        error instanceof HttpError
          ? { status: error.status, body: error.body, headers: error.headers }
          : { status: 500, body: errorBody(500, `stand-in error: ${(error as Error).message}`) };
    } finally {
      this.requests.push({ method, path: url.pathname, query, body, at: Date.now(), headers });
    }
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    this.send(res, reply);
  }

  private async dispatch(ctx: Ctx): Promise<Reply> {
    const failureIndex = this.failures.findIndex((f) => f.method === ctx.method && f.pattern.test(ctx.path));
    const failure = failureIndex >= 0 ? this.failures.splice(failureIndex, 1)[0] : undefined;
    if (failure && !failure.opts.thenSucceed) return this.failureReply(failure);
    const reply = await this.route(ctx);
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
    return {
      status: f.status,
      body: f.opts.body ?? errorBody(f.status, messages[f.status] ?? "Injected failure"),
      headers: f.opts.headers,
    };
  }

  private async route(ctx: Ctx): Promise<Reply> {
    // GitHub's Link headers point at /repositories/:id/...; map them back to /repos/:owner/:repo.
    let path = ctx.path.replace(/\/+$/, "") || "/";
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    if (byId) {
      const repo = [...this.repos.values()].find((r) => r.id === Number(byId[1]));
      if (!repo) throw notFound();
      path = `/repos/${repo.owner}/${repo.name}${byId[2] ?? ""}`;
    }
    let methodAllowed = true;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method !== ctx.method) {
        methodAllowed = false;
        continue;
      }
      return route.handle({ ...ctx, path }, ...m.slice(1).map((p) => decodeURIComponent(p)));
    }
    if (!methodAllowed) throw notFound();
    throw notFound(`Not Found: the stand-in does not implement ${ctx.method} ${ctx.path}`);
  }

  private send(res: ServerResponse, reply: Reply): void {
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
    let payload: string | Buffer = "";
    if (typeof reply.body === "string" && headers["content-type"]) payload = reply.body;
    else if (reply.body !== undefined && reply.status !== 204) {
      headers["content-type"] = "application/json; charset=utf-8";
      payload = JSON.stringify(reply.body);
    }
    headers["content-length"] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  private buildRoutes(): Route[] {
    const R = (method: string, pattern: string, handle: Route["handle"]): Route => ({
      method,
      pattern: new RegExp(`^${pattern}$`),
      handle,
    });
    const REPO = "/repos/([^/]+)/([^/]+)";
    return [
      R("GET", "/app", () => ({ status: 200, body: this.app() })),
      R("POST", "/app/installations/(\\d+)/access_tokens", (_c, id) => this.accessToken(Number(id))),
      R("GET", `${REPO}/installation`, (_c, o, r) => this.installation(o, r)),
      R("GET", `${REPO}/pulls/(\\d+)`, (c, o, r, n) => this.getPull(c, o, r, Number(n))),
      R("GET", `${REPO}/pulls/(\\d+)/files`, (c, o, r, n) => this.listFiles(c, o, r, Number(n))),
      R("GET", `${REPO}/pulls/(\\d+)/comments`, (c, o, r, n) => this.listComments(c, o, r, Number(n))),
      R("GET", `${REPO}/pulls/(\\d+)/reviews`, (c, o, r, n) => this.listReviews(c, o, r, Number(n))),
      R("POST", `${REPO}/pulls/(\\d+)/reviews`, (c, o, r, n) => this.createReview(c, o, r, Number(n))),
      R("PUT", `${REPO}/pulls/(\\d+)/reviews/(\\d+)/dismissals`, (c, o, r, n, id) =>
        this.dismissReview(c, o, r, Number(n), Number(id)),
      ),
      R("GET", `${REPO}/contents/(.+)`, (c, o, r, p) => this.getContent(c, o, r, p)),
      R("GET", `${REPO}/git/blobs/([0-9a-f]{40})`, (c, o, r, sha) => this.getBlob(c, o, r, sha)),
      R("POST", `${REPO}/check-runs`, (c, o, r) => this.createCheckRun(c, o, r)),
      R("PATCH", `${REPO}/check-runs/(\\d+)`, (c, o, r, id) => this.updateCheckRun(c, o, r, Number(id))),
      R("GET", `${REPO}/check-runs/(\\d+)`, (_c, o, r, id) => ({ status: 200, body: this.publicCheckRun(this.checkRun(o, r, Number(id))) })),
      R("GET", `${REPO}/check-runs/(\\d+)/annotations`, (c, o, r, id) =>
        this.paginate(c, this.checkRun(o, r, Number(id)).annotations as Json[]),
      ),
      R("GET", `${REPO}/commits/([^/]+)/check-runs`, (c, o, r, ref) => this.listCheckRuns(c, o, r, ref)),
      R("POST", "/graphql", (c) => this.graphql(c)),
    ];
  }

  // ----- shapes -----------------------------------------------------------------------------

  private user(login: string, type: "User" | "Bot" | "Organization" = "User"): Json {
    const id = type === "Bot" ? 41898282 : 583231 + [...login].reduce((a, ch) => a + ch.charCodeAt(0), 0);
    const api = `https://api.github.com/users/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: nodeId(type === "Bot" ? "BOT" : "U", id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: "",
      url: api,
      html_url: type === "Bot" ? `${WEB}/apps/${login.replace(/\[bot\]$/, "")}` : `${WEB}/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type,
      user_view_type: "public",
      site_admin: false,
    };
  }

  private bot(): Json {
    return this.user(this.botLogin, "Bot");
  }

  private app(): Json {
    const slug = this.botLogin.replace(/\[bot\]$/, "");
    return {
      id: 1,
      slug,
      client_id: "Iv1.0000000000000000",
      node_id: nodeId("A", 1),
      owner: this.user("hunkguard-dev", "Organization"),
      name: "HunkGuard",
      description: "Security review of the Python a pull request changes",
      external_url: "https://example.invalid/hunkguard",
      html_url: `${WEB}/apps/${slug}`,
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      permissions: { checks: "write", contents: "read", metadata: "read", pull_requests: "write" },
      events: ["check_run", "check_suite", "pull_request"],
    };
  }

  private accessToken(installationId: number): Reply {
    return {
      status: 201,
      body: {
        token: `ghs_standin${String(installationId).padStart(26, "0")}`,
        expires_at: timestamp(Date.now() + 3600_000),
        permissions: { checks: "write", contents: "read", metadata: "read", pull_requests: "write" },
        repository_selection: "all",
      },
    };
  }

  private installation(owner: string, repo: string): Reply {
    if (!this.repo(owner, repo)) throw notFound();
    return {
      status: 200,
      body: {
        id: 1,
        account: this.user(owner),
        app_id: 1,
        app_slug: this.botLogin.replace(/\[bot\]$/, ""),
        target_type: "User",
        repository_selection: "all",
        permissions: { checks: "write", contents: "read", metadata: "read", pull_requests: "write" },
        events: ["check_run", "check_suite", "pull_request"],
      },
    };
  }

  private repository(repo: RepoState): Json {
    const full = `${repo.owner}/${repo.name}`;
    const api = `https://api.github.com/repos/${full}`;
    const urls = Object.fromEntries(
      (
        [
          ["archive_url", "/{archive_format}{/ref}"], ["assignees_url", "/assignees{/user}"],
          ["blobs_url", "/git/blobs{/sha}"], ["branches_url", "/branches{/branch}"],
          ["collaborators_url", "/collaborators{/collaborator}"], ["comments_url", "/comments{/number}"],
          ["commits_url", "/commits{/sha}"], ["compare_url", "/compare/{base}...{head}"],
          ["contents_url", "/contents/{+path}"], ["contributors_url", "/contributors"],
          ["deployments_url", "/deployments"], ["downloads_url", "/downloads"], ["events_url", "/events"],
          ["forks_url", "/forks"], ["git_commits_url", "/git/commits{/sha}"], ["git_refs_url", "/git/refs{/sha}"],
          ["git_tags_url", "/git/tags{/sha}"], ["hooks_url", "/hooks"], ["issue_comment_url", "/issues/comments{/number}"],
          ["issue_events_url", "/issues/events{/number}"], ["issues_url", "/issues{/number}"], ["keys_url", "/keys{/key_id}"],
          ["labels_url", "/labels{/name}"], ["languages_url", "/languages"], ["merges_url", "/merges"],
          ["milestones_url", "/milestones{/number}"], ["notifications_url", "/notifications{?since,all,participating}"],
          ["pulls_url", "/pulls{/number}"], ["releases_url", "/releases{/id}"], ["stargazers_url", "/stargazers"],
          ["statuses_url", "/statuses/{sha}"], ["subscribers_url", "/subscribers"], ["subscription_url", "/subscription"],
          ["tags_url", "/tags"], ["teams_url", "/teams"], ["trees_url", "/git/trees{/sha}"],
        ] as const
      ).map(([k, suffix]) => [k, `${api}${suffix}`]),
    );
    return {
      id: repo.id,
      node_id: nodeId("R", repo.id),
      name: repo.name,
      full_name: full,
      private: false,
      owner: this.user(repo.owner),
      html_url: `${WEB}/${full}`,
      description: null,
      fork: false,
      url: api,
      ...urls,
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      pushed_at: "2024-01-01T00:00:00Z",
      git_url: `git://github.com/${full}.git`,
      ssh_url: `git@github.com:${full}.git`,
      clone_url: `${WEB}/${full}.git`,
      svn_url: `${WEB}/${full}`,
      homepage: null,
      size: 1,
      stargazers_count: 0,
      watchers_count: 0,
      language: "Python",
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: true,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      mirror_url: null,
      archived: false,
      disabled: false,
      open_issues_count: repo.pulls.size,
      license: null,
      allow_forking: true,
      is_template: false,
      web_commit_signoff_required: false,
      topics: [],
      visibility: "public",
      forks: 0,
      open_issues: repo.pulls.size,
      watchers: 0,
      default_branch: DEFAULT_BRANCH,
    };
  }

  private requirePull(owner: string, name: string, number: number): { repo: RepoState; pull: PullState } {
    const repo = this.repo(owner, name);
    const pull = repo?.pulls.get(number);
    if (!repo || !pull) throw notFound();
    return { repo, pull };
  }

  private pullObject(repo: RepoState, pull: PullState): Json {
    const full = `${repo.owner}/${repo.name}`;
    const api = `https://api.github.com/repos/${full}`;
    const n = pull.spec.number;
    const diffs = [...pull.heads.get(pull.headSha)!.values()];
    const state = pull.spec.state ?? "open";
    const repoJson = this.repository(repo);
    const owner = this.user(repo.owner);
    const branch = (ref: string, sha: string) => ({ label: `${repo.owner}:${ref}`, ref, sha, user: owner, repo: repoJson });
    const href = (h: string) => ({ href: h });
    return {
      url: `${api}/pulls/${n}`,
      id: pull.id,
      node_id: nodeId("PR", pull.id),
      html_url: `${WEB}/${full}/pull/${n}`,
      diff_url: `${WEB}/${full}/pull/${n}.diff`,
      patch_url: `${WEB}/${full}/pull/${n}.patch`,
      issue_url: `${api}/issues/${n}`,
      number: n,
      state,
      locked: false,
      title: `Pull request #${n}`,
      user: owner,
      body: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: state === "closed" ? pull.updatedAt : null,
      merged_at: null,
      merge_commit_sha: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      labels: [],
      milestone: null,
      draft: pull.spec.draft ?? false,
      commits_url: `${api}/pulls/${n}/commits`,
      review_comments_url: `${api}/pulls/${n}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${n}/comments`,
      statuses_url: `${api}/statuses/${pull.headSha}`,
      head: branch(pull.spec.headRef!, pull.headSha),
      base: branch(DEFAULT_BRANCH, pull.spec.baseSha),
      _links: {
        self: href(`${api}/pulls/${n}`),
        html: href(`${WEB}/${full}/pull/${n}`),
        issue: href(`${api}/issues/${n}`),
        comments: href(`${api}/issues/${n}/comments`),
        review_comments: href(`${api}/pulls/${n}/comments`),
        review_comment: href(`${api}/pulls/comments{/number}`),
        commits: href(`${api}/pulls/${n}/commits`),
        statuses: href(`${api}/statuses/${pull.headSha}`),
      },
      author_association: "OWNER",
      auto_merge: null,
      active_lock_reason: null,
      merged: false,
      mergeable: null,
      rebaseable: null,
      mergeable_state: "unknown",
      merged_by: null,
      comments: 0,
      review_comments: pull.comments.length,
      maintainer_can_modify: false,
      commits: pull.heads.size,
      additions: diffs.reduce((a, d) => a + d.additions, 0),
      deletions: diffs.reduce((a, d) => a + d.deletions, 0),
      changed_files: diffs.length,
    };
  }

  // ----- pagination -------------------------------------------------------------------------

  /** Pages `items` like GitHub: per_page (default 30, max 100), page, and a Link header whose
   *  URLs use the /repositories/:id form. */
  private paginate(ctx: Ctx, items: Json[], cap = Infinity): Reply {
    const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page) || 30));
    const page = Math.max(1, Number(ctx.query.page) || 1);
    const visible = items.slice(0, cap);
    const last = Math.max(1, Math.ceil(visible.length / perPage));
    const body = visible.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (last > 1) {
      const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(ctx.path);
      const repo = repoMatch ? this.repo(decodeURIComponent(repoMatch[1]), decodeURIComponent(repoMatch[2])) : undefined;
      const path = repo ? `/repositories/${repo.id}${repoMatch![3] ?? ""}` : ctx.path;
      const link = (p: number, rel: string) => {
        const q = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(p) });
        return `<${this.baseUrl}${path}?${q}>; rel="${rel}"`;
      };
      const rels: string[] = [];
      if (page > 1) rels.push(link(page - 1, "prev"));
      if (page < last) rels.push(link(page + 1, "next"), link(last, "last"));
      if (page > 1) rels.push(link(1, "first"));
      headers.link = rels.join(", ");
    }
    return { status: 200, body, headers };
  }

  // ----- pulls ------------------------------------------------------------------------------

  private getPull(ctx: Ctx, owner: string, name: string, number: number): Reply {
    const { repo, pull } = this.requirePull(owner, name, number);
    const accept = ctx.headers.accept ?? "";
    if (/application\/vnd\.github(\.v3)?\.diff/.test(accept)) {
      const diffs = [...pull.heads.get(pull.headSha)!.values()];
      const lines = diffs.reduce((a, d) => a + d.additions + d.deletions, 0);
      if (diffs.length > 300 || lines > 20000) {
        throw new HttpError(
          406,
          errorBody(406, "Sorry, the diff exceeded the maximum number of files (300). Consider using 'List pull requests files' API or locally cloning the repository instead.", {
            errors: [{ resource: "PullRequest", field: "diff", code: "too_large" }],
          }),
        );
      }
      const text = diffs
        .map((d) => {
          const from = d.file.previousPath ?? d.file.path;
          const header = `diff --git a/${from} b/${d.file.path}\n--- ${d.file.base === null ? "/dev/null" : `a/${from}`}\n+++ ${d.file.head === null ? "/dev/null" : `b/${d.file.path}`}\n`;
          return d.patch ? `${header}${d.patch}\n` : header;
        })
        .join("");
      return { status: 200, body: text, headers: { "content-type": "application/vnd.github.diff; charset=utf-8" } };
    }
    return { status: 200, body: this.pullObject(repo, pull) };
  }

  private listFiles(ctx: Ctx, owner: string, name: string, number: number): Reply {
    const { repo, pull } = this.requirePull(owner, name, number);
    const full = `${repo.owner}/${repo.name}`;
    const files = [...pull.heads.get(pull.headSha)!.values()].map((d) => {
      const atSha = d.status === "removed" ? pull.spec.baseSha : pull.headSha;
      const path = encodePath(d.file.path);
      const entry: Json = {
        sha: d.sha,
        filename: d.file.path,
        status: d.status,
        additions: d.additions,
        deletions: d.deletions,
        changes: d.additions + d.deletions,
        blob_url: `${WEB}/${full}/blob/${atSha}/${path}`,
        raw_url: `${WEB}/${full}/raw/${atSha}/${path}`,
        contents_url: `https://api.github.com/repos/${full}/contents/${path}?ref=${atSha}`,
      };
      if (d.patch !== undefined) entry.patch = d.patch;
      if (d.file.previousPath) entry.previous_filename = d.file.previousPath;
      return entry;
    });
    return this.paginate(ctx, files, MAX_LISTED_FILES);
  }

  private listComments(ctx: Ctx, owner: string, name: string, number: number): Reply {
    const { pull } = this.requirePull(owner, name, number);
    return this.paginate(ctx, pull.comments);
  }

  private listReviews(ctx: Ctx, owner: string, name: string, number: number): Reply {
    const { pull } = this.requirePull(owner, name, number);
    return this.paginate(ctx, pull.reviews.map(({ comments: _c, ...review }) => review));
  }

  private reviewComment(owner: string, name: string, number: number, fields: Json): Json {
    const id = this.nextId.comment++;
    const full = `${owner}/${name}`;
    const api = `https://api.github.com/repos/${full}`;
    const now = timestamp();
    return {
      url: `${api}/pulls/comments/${id}`,
      pull_request_review_id: fields.pull_request_review_id,
      id,
      node_id: nodeId("PRRC", id),
      diff_hunk: fields.diff_hunk,
      path: fields.path,
      position: fields.position,
      original_position: fields.original_position ?? fields.position,
      commit_id: fields.commit_id,
      original_commit_id: fields.original_commit_id ?? fields.commit_id,
      ...(fields.in_reply_to_id ? { in_reply_to_id: fields.in_reply_to_id } : {}),
      user: fields.user,
      body: fields.body,
      created_at: now,
      updated_at: now,
      html_url: `${WEB}/${full}/pull/${number}#discussion_r${id}`,
      pull_request_url: `${api}/pulls/${number}`,
      author_association: fields.author_association ?? "NONE",
      _links: {
        self: { href: `${api}/pulls/comments/${id}` },
        html: { href: `${WEB}/${full}/pull/${number}#discussion_r${id}` },
        pull_request: { href: `${api}/pulls/${number}` },
      },
      reactions: {
        url: `${api}/pulls/comments/${id}/reactions`,
        total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0,
      },
      start_line: fields.start_line ?? null,
      original_start_line: fields.original_start_line ?? fields.start_line ?? null,
      start_side: fields.start_line != null ? fields.start_side : null,
      line: fields.line,
      original_line: fields.original_line ?? fields.line,
      side: fields.side,
      subject_type: "line",
    };
  }

  /** Validates one draft comment against the diff at `commitId`; returns the anchored fields. */
  private anchor(diffs: Map<string, FileDiff>, draft: Json): Json {
    const problems = (msg: string) => unprocessable([msg], `${DOCS}/pulls/reviews#create-a-review-for-a-pull-request`);
    if (typeof draft?.path !== "string" || typeof draft.body !== "string") {
      throw unprocessable([{ resource: "PullRequestReviewComment", code: "missing_field", field: draft?.path === undefined ? "path" : "body" }]);
    }
    if (draft.body.length > MAX_BODY) throw problems(`Body is too long (maximum is ${MAX_BODY} characters)`);
    const diff = diffs.get(draft.path);
    if (!diff) throw problems("Path could not be resolved");
    if (draft.line === undefined && draft.position !== undefined) {
      const at = diff.patchLines.find((l) => l.position === draft.position && l.kind !== "@" && l.kind !== "\\");
      if (!at) throw problems("Position could not be resolved");
      const side = at.kind === "-" ? "LEFT" : "RIGHT";
      return { path: draft.path, position: at.position, line: side === "RIGHT" ? at.newLine : at.oldLine, side, diff_hunk: diffHunk(diff, at) };
    }
    if (!Number.isInteger(draft.line)) throw problems("Line could not be resolved");
    const side = draft.side ?? "RIGHT";
    if (side !== "RIGHT" && side !== "LEFT") throw problems("Side is not valid");
    const at = findLine(diff, side, draft.line);
    if (!at) throw problems("Line could not be resolved");
    const anchored: Json = { path: draft.path, position: at.position, line: draft.line, side, diff_hunk: diffHunk(diff, at) };
    if (draft.start_line !== undefined && draft.start_line !== null) {
      const startSide = draft.start_side ?? side;
      if (startSide !== "RIGHT" && startSide !== "LEFT") throw problems("Start side is not valid");
      if (!Number.isInteger(draft.start_line) || (startSide === side && draft.start_line >= draft.line)) {
        throw problems("start_line must precede the end line.");
      }
      const start = findLine(diff, startSide, draft.start_line);
      if (!start || start.hunk !== at.hunk || start.position > at.position) throw problems("Start line could not be resolved");
      Object.assign(anchored, { start_line: draft.start_line, start_side: startSide });
    }
    return anchored;
  }

  private createReview(ctx: Ctx, owner: string, name: string, number: number): Reply {
    const { repo, pull } = this.requirePull(owner, name, number);
    const body = (ctx.body ?? {}) as Json;
    const doc = `${DOCS}/pulls/reviews#create-a-review-for-a-pull-request`;
    const commitId: string = body.commit_id ?? pull.headSha;
    const diffs = pull.heads.get(commitId);
    if (!diffs) throw unprocessable([`No commit found for SHA: ${commitId}`], doc);
    const event = body.event;
    if (event !== undefined && !["APPROVE", "REQUEST_CHANGES", "COMMENT"].includes(event)) {
      throw unprocessable([`Event "${event}" is not valid`], doc);
    }
    const drafts: Json[] = Array.isArray(body.comments) ? body.comments : [];
    if (typeof body.body === "string" && body.body.length > MAX_BODY) {
      throw unprocessable([`Body is too long (maximum is ${MAX_BODY} characters)`], doc);
    }
    if ((event === "REQUEST_CHANGES" || (event === "COMMENT" && drafts.length === 0)) && !body.body) {
      throw unprocessable([`Body is required when using ${event}`], doc);
    }
    // All or nothing: anchor every comment before creating anything.
    const anchored = drafts.map((d) => ({ draft: d, at: this.anchor(diffs, d) }));
    const id = this.nextId.review++;
    const full = `${repo.owner}/${repo.name}`;
    const api = `https://api.github.com/repos/${full}`;
    const state = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" }[event as string] ?? "PENDING";
    const review: Json = {
      id,
      node_id: nodeId("PRR", id),
      user: this.bot(),
      body: body.body ?? "",
      state,
      html_url: `${WEB}/${full}/pull/${number}#pullrequestreview-${id}`,
      pull_request_url: `${api}/pulls/${number}`,
      author_association: "NONE",
      _links: {
        html: { href: `${WEB}/${full}/pull/${number}#pullrequestreview-${id}` },
        pull_request: { href: `${api}/pulls/${number}` },
      },
      ...(state === "PENDING" ? {} : { submitted_at: timestamp() }),
      commit_id: commitId,
    };
    const comments = anchored.map(({ draft, at }) =>
      this.reviewComment(owner, name, number, {
        ...at,
        body: draft.body,
        user: this.bot(),
        pull_request_review_id: id,
        commit_id: commitId,
      }),
    );
    pull.reviews.push({ ...review, comments });
    if (state !== "PENDING") {
      for (const c of comments) {
        pull.comments.push(c);
        pull.threads.push({ id: nodeId("PRRT", c.id), rootId: c.id, isResolved: false, resolvedBy: null });
      }
    }
    return { status: 200, body: review };
  }

  private dismissReview(ctx: Ctx, owner: string, name: string, number: number, id: number): Reply {
    const { pull } = this.requirePull(owner, name, number);
    const review = pull.reviews.find((r) => r.id === id);
    if (!review) throw notFound();
    if (typeof ctx.body?.message !== "string") throw unprocessable([{ resource: "PullRequestReview", code: "missing_field", field: "message" }]);
    review.state = "DISMISSED";
    const { comments: _c, ...shape } = review;
    return { status: 200, body: shape };
  }

  // ----- contents and blobs -----------------------------------------------------------------

  private wantsRaw(ctx: Ctx): boolean {
    return /application\/vnd\.github(\.v3)?\.raw/.test(ctx.headers.accept ?? "");
  }

  private getContent(ctx: Ctx, owner: string, name: string, path: string): Reply {
    const repo = this.repo(owner, name);
    if (!repo) throw notFound();
    const commit = this.resolveRef(repo, ctx.query.ref);
    if (!commit) throw notFound(`No commit found for the ref ${ctx.query.ref ?? DEFAULT_BRANCH}`);
    path = path.replace(/^\/+|\/+$/g, "");
    const full = `${repo.owner}/${repo.name}`;
    const api = `https://api.github.com/repos/${full}`;
    const ref = ctx.query.ref ?? DEFAULT_BRANCH;
    const entry = (p: string, type: "file" | "dir", content?: string): Json => {
      const sha = type === "file" ? gitBlobSha(content!) : createHash("sha1").update(`tree ${p}`).digest("hex");
      const self = `${api}/contents/${encodePath(p)}?ref=${encodeURIComponent(ref)}`;
      const git = `${api}/git/${type === "file" ? "blobs" : "trees"}/${sha}`;
      const html = `${WEB}/${full}/${type === "file" ? "blob" : "tree"}/${ref}/${encodePath(p)}`;
      return {
        name: p.split("/").pop(),
        path: p,
        sha,
        size: type === "file" ? Buffer.byteLength(content!) : 0,
        url: self,
        html_url: html,
        git_url: git,
        download_url: type === "file" ? `https://raw.githubusercontent.com/${full}/${ref}/${encodePath(p)}` : null,
        type,
        _links: { self, git, html },
      };
    };
    const content = this.fileAt(repo, commit, path);
    if (content !== undefined) {
      if (this.wantsRaw(ctx)) return { status: 200, body: content, headers: { "content-type": "text/plain; charset=utf-8" } };
      return { status: 200, body: { ...entry(path, "file", content), content: base64Wrapped(content), encoding: "base64" } };
    }
    // A directory: list its direct children.
    const paths = [...commit.files.keys(), ...(repo.config !== undefined ? [CONFIG_PATH] : [])];
    const prefix = path === "" ? "" : `${path}/`;
    const children = new Map<string, Json>();
    for (const p of paths) {
      if (!p.startsWith(prefix)) continue;
      const [head, ...rest] = p.slice(prefix.length).split("/");
      const childPath = prefix + head;
      if (!children.has(childPath)) {
        children.set(childPath, rest.length === 0 ? entry(childPath, "file", this.fileAt(repo, commit, childPath)) : entry(childPath, "dir"));
      }
    }
    if (children.size === 0) throw notFound();
    return { status: 200, body: [...children.values()].sort((a, b) => a.path.localeCompare(b.path)) };
  }

  private getBlob(ctx: Ctx, owner: string, name: string, sha: string): Reply {
    const repo = this.repo(owner, name);
    const content = repo?.blobs.get(sha);
    if (!repo || content === undefined) throw notFound();
    if (this.wantsRaw(ctx)) return { status: 200, body: content, headers: { "content-type": "application/octet-stream" } };
    return {
      status: 200,
      body: {
        sha,
        node_id: nodeId("B", sha),
        size: Buffer.byteLength(content),
        url: `https://api.github.com/repos/${repo.owner}/${repo.name}/git/blobs/${sha}`,
        content: base64Wrapped(content),
        encoding: "base64",
      },
    };
  }

  // ----- check runs -------------------------------------------------------------------------

  private checkRun(owner: string, name: string, id: number): Json {
    const run = this.repo(owner, name)?.checkRuns.find((r) => r.id === id);
    if (!run) throw notFound();
    return run;
  }

  /** The REST shape: everything but the accumulated annotations. */
  private publicCheckRun(run: Json): Json {
    const { annotations: _a, ...shape } = run;
    return structuredClone(shape);
  }

  private validateCheckBody(body: Json, creating: boolean): void {
    const doc = `${DOCS}/checks/runs#${creating ? "create" : "update"}-a-check-run`;
    const invalid = (msg: string) => new HttpError(422, errorBody(422, `Invalid request.\n\n${msg}`, {}, doc));
    if (creating) {
      if (typeof body.name !== "string" || body.name === "") throw invalid('"name" wasn\'t supplied.');
      if (typeof body.head_sha !== "string") throw invalid('"head_sha" wasn\'t supplied.');
    }
    if (body.status !== undefined && !["queued", "in_progress", "completed"].includes(body.status)) {
      throw invalid(`${JSON.stringify(body.status)} is not a member of ["queued", "in_progress", "completed"].`);
    }
    const conclusions = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];
    if (body.conclusion !== undefined && !conclusions.includes(body.conclusion)) {
      throw invalid(`${JSON.stringify(body.conclusion)} is not a member of ${JSON.stringify(conclusions)}.`);
    }
    if ((body.status === "completed" || body.completed_at !== undefined) && body.conclusion === undefined) {
      throw invalid('"conclusion" wasn\'t supplied.');
    }
    const output = body.output;
    if (output === undefined) return;
    if (typeof output.summary !== "string" || (creating && typeof output.title !== "string")) {
      throw invalid(`"${typeof output.summary !== "string" ? "summary" : "title"}" wasn't supplied.`);
    }
    for (const field of ["summary", "text"] as const) {
      if (typeof output[field] === "string" && output[field].length > MAX_OUTPUT_TEXT) {
        throw unprocessable([`Output ${field} is too long (maximum is ${MAX_OUTPUT_TEXT} characters)`], doc);
      }
    }
    const annotations = output.annotations ?? [];
    if (!Array.isArray(annotations)) throw invalid('"annotations" is not an array.');
    if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
      throw unprocessable([`Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request`], doc);
    }
    for (const a of annotations) {
      for (const key of ["path", "start_line", "end_line", "annotation_level", "message"]) {
        if (a?.[key] === undefined) throw invalid(`"${key}" wasn't supplied.`);
      }
      if (!["notice", "warning", "failure"].includes(a.annotation_level)) {
        throw invalid(`${JSON.stringify(a.annotation_level)} is not a member of ["notice", "warning", "failure"].`);
      }
      if (a.start_line > a.end_line) throw invalid("start_line must be less than or equal to end_line.");
      if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) {
        throw invalid("start_column and end_column may only be used when start_line equals end_line.");
      }
    }
  }

  private applyCheckBody(run: Json, body: Json): void {
    for (const key of ["name", "details_url", "external_id", "started_at", "completed_at", "actions"]) {
      if (body[key] !== undefined) run[key] = body[key];
    }
    if (body.status !== undefined) run.status = body.status;
    if (body.conclusion !== undefined) {
      run.conclusion = body.conclusion;
      run.status = "completed";
      run.completed_at = body.completed_at ?? run.completed_at ?? timestamp();
    }
    if (body.output) {
      const added: Json[] = (body.output.annotations ?? []).map((a: Json) => ({
        path: a.path,
        blob_href: `${WEB}/${run._repo}/blob/${run.head_sha}/${encodePath(String(a.path))}`,
        start_line: a.start_line,
        start_column: a.start_column ?? null,
        end_line: a.end_line,
        end_column: a.end_column ?? null,
        annotation_level: a.annotation_level,
        title: a.title ?? null,
        message: a.message,
        raw_details: a.raw_details ?? null,
      }));
      run.annotations.push(...added);
      run.output = {
        ...run.output,
        ...(body.output.title !== undefined ? { title: body.output.title } : {}),
        summary: body.output.summary,
        ...(body.output.text !== undefined ? { text: body.output.text } : {}),
        annotations_count: run.annotations.length,
      };
    }
  }

  private createCheckRun(ctx: Ctx, owner: string, name: string): Reply {
    const repo = this.repo(owner, name);
    if (!repo) throw notFound();
    const body = (ctx.body ?? {}) as Json;
    this.validateCheckBody(body, true);
    const id = this.nextId.checkRun++;
    const full = `${repo.owner}/${repo.name}`;
    const api = `https://api.github.com/repos/${full}`;
    const pulls = [...repo.pulls.values()].filter((p) => p.headSha === body.head_sha);
    const run: Json = {
      id,
      name: body.name,
      node_id: nodeId("CR", id),
      head_sha: body.head_sha,
      external_id: "",
      url: `${api}/check-runs/${id}`,
      html_url: `${WEB}/${full}/runs/${id}`,
      details_url: `${WEB}/apps/${this.botLogin.replace(/\[bot\]$/, "")}`,
      status: "queued",
      conclusion: null,
      started_at: timestamp(),
      completed_at: null,
      output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${api}/check-runs/${id}/annotations` },
      check_suite: { id: 5000000 + (id % 1000) },
      app: this.app(),
      pull_requests: pulls.map((p) => ({
        url: `${api}/pulls/${p.spec.number}`,
        id: p.id,
        number: p.spec.number,
        head: { ref: p.spec.headRef, sha: p.headSha, repo: { id: repo.id, url: api, name: repo.name } },
        base: { ref: DEFAULT_BRANCH, sha: p.spec.baseSha, repo: { id: repo.id, url: api, name: repo.name } },
      })),
      annotations: [],
    };
    Object.defineProperty(run, "_repo", { value: full, enumerable: false });
    this.applyCheckBody(run, body);
    repo.checkRuns.push(run);
    return { status: 201, body: this.publicCheckRun(run) };
  }

  private updateCheckRun(ctx: Ctx, owner: string, name: string, id: number): Reply {
    const run = this.checkRun(owner, name, id);
    const body = (ctx.body ?? {}) as Json;
    this.validateCheckBody(body, false);
    this.applyCheckBody(run, body);
    return { status: 200, body: this.publicCheckRun(run) };
  }

  private listCheckRuns(ctx: Ctx, owner: string, name: string, ref: string): Reply {
    const repo = this.repo(owner, name);
    if (!repo) throw notFound();
    const sha = this.resolveRef(repo, ref)?.sha ?? ref;
    const runs = repo.checkRuns
      .filter((r) => r.head_sha === sha && (ctx.query.check_name === undefined || r.name === ctx.query.check_name))
      .filter((r) => ctx.query.status === undefined || r.status === ctx.query.status)
      .map((r) => this.publicCheckRun(r))
      .reverse();
    const page = this.paginate(ctx, runs);
    return { ...page, body: { total_count: runs.length, check_runs: page.body } };
  }

  // ----- GraphQL ----------------------------------------------------------------------------

  private graphql(ctx: Ctx): Reply {
    const query: string = typeof ctx.body?.query === "string" ? ctx.body.query : "";
    const variables: Json = ctx.body?.variables ?? {};
    const ok = (data: Json) => ({ status: 200, body: { data } });
    const fail = (message: string, type?: string) => ({ status: 200, body: { data: null, errors: [{ ...(type ? { type } : {}), message }] } });
    if (!query) return { status: 400, body: errorBody(400, "A query attribute must be specified and must be a string.") };

    const value = (raw: string | undefined): unknown => {
      if (raw === undefined) return undefined;
      if (raw.startsWith("$")) return variables[raw.slice(1)];
      if (raw.startsWith('"')) return JSON.parse(raw);
      return Number(raw);
    };
    const args = (text: string): Json => {
      const out: Json = {};
      for (const m of text.matchAll(/(\w+)\s*:\s*("(?:[^"\\]|\\.)*"|\$\w+|-?\d+)/g)) out[m[1]] = value(m[2]);
      return out;
    };

    if (/^\s*mutation\b/.test(query)) {
      const m = /(resolveReviewThread|unresolveReviewThread)\s*\(\s*input\s*:\s*(\{[^}]*\}|\$\w+)\s*\)/.exec(query);
      if (!m) return fail("The stand-in supports only resolveReviewThread and unresolveReviewThread mutations");
      const input = (m[2].startsWith("$") ? variables[m[2].slice(1)] : args(m[2])) as Json | undefined;
      const threadId = input?.threadId;
      for (const repo of this.repos.values()) {
        for (const pull of repo.pulls.values()) {
          const thread = pull.threads.find((t) => t.id === threadId);
          if (!thread) continue;
          thread.isResolved = m[1] === "resolveReviewThread";
          thread.resolvedBy = thread.isResolved ? this.botLogin.replace(/\[bot\]$/, "") : null;
          return ok({ [m[1]]: { thread: this.threadNode(pull, thread) } });
        }
      }
      return fail(`Could not resolve to a node with the global id of '${threadId}'`, "NOT_FOUND");
    }

    const repoMatch = /repository\s*\(([^)]*)\)/.exec(query);
    if (!repoMatch) return fail("The stand-in supports only repository(owner:, name:) queries");
    const { owner, name } = args(repoMatch[1]);
    const repo = this.repo(String(owner), String(name));
    if (!repo) return fail(`Could not resolve to a Repository with the name '${owner}/${name}'.`, "NOT_FOUND");

    const pullMatch = /pullRequest\s*\(([^)]*)\)/.exec(query);
    if (pullMatch && /reviewThreads/.test(query)) {
      const number = Number(args(pullMatch[1]).number);
      const pull = repo.pulls.get(number);
      if (!pull) return fail(`Could not resolve to a PullRequest with the number of ${number}.`, "NOT_FOUND");
      const nodes = pull.threads.map((t) => this.threadNode(pull, t));
      return ok({
        repository: {
          pullRequest: {
            number,
            headRefOid: pull.headSha,
            reviews: {
              nodes: pull.reviews.slice(-100).map((r) => ({
                body: r.body ?? "",
                author: { __typename: r.user?.type === "Bot" ? "Bot" : "User", login: r.user?.type === "Bot" ? String(r.user.login).replace(/\[bot\]$/, "") : r.user?.login },
              })),
            },
            state: (pull.spec.state ?? "open") === "closed" ? "CLOSED" : "OPEN",
            reviewThreads: { totalCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes },
          },
        },
      });
    }

    // Blob batches: every `[alias:] repository(owner:, name:) { [alias:] object(expression:) … }` block
    // is answered on its own. A repository that does not exist is null with a NOT_FOUND error, next
    // to the data of the others (GitHub answers such a query with partial data).
    const blocks = repositoryBlocks(query);
    if (blocks.some((b) => /\bobject\s*\(/.test(b.body))) {
      const data: Json = {};
      const errors: Json[] = [];
      for (const block of blocks) {
        const where = args(block.args);
        const target = this.repo(String(where.owner), String(where.name));
        if (!target) {
          data[block.alias] = null;
          errors.push({ type: "NOT_FOUND", path: [block.alias], locations: [{ line: 1, column: 1 }], message: `Could not resolve to a Repository with the name '${where.owner}/${where.name}'.` });
          continue;
        }
        const result: Json = {};
        for (const [, alias, raw] of block.body.matchAll(/(?:(\w+)\s*:\s*)?object\s*\(\s*expression\s*:\s*("(?:[^"\\]|\\.)*"|\$\w+)\s*\)/g)) {
          const expression = String(value(raw));
          const colon = expression.indexOf(":");
          const commit = colon > 0 ? this.resolveRef(target, expression.slice(0, colon)) : undefined;
          const content = commit ? this.fileAt(target, commit, expression.slice(colon + 1)) : undefined;
          result[alias ?? "object"] =
            content === undefined
              ? null
              : {
                  __typename: "Blob",
                  oid: gitBlobSha(content),
                  abbreviatedOid: gitBlobSha(content).slice(0, 7),
                  byteSize: Buffer.byteLength(content),
                  isBinary: content.includes("\u0000"),
                  isTruncated: false,
                  text: content.includes("\u0000") ? null : content,
                };
        }
        data[block.alias] = result;
      }
      return { status: 200, body: errors.length ? { data, errors } : { data } };
    }
    return fail("The stand-in supports object(expression:) blob batches and pullRequest.reviewThreads");
  }

  private threadNode(pull: PullState, thread: PullState["threads"][number]): Json {
    const root = pull.comments.find((c) => c.id === thread.rootId)!;
    const replies = pull.comments.filter((c) => c.id === root.id || c.in_reply_to_id === root.id);
    // GraphQL names a GitHub App's bot without the "[bot]" suffix REST uses.
    const login = (u: Json) => (u.type === "Bot" ? String(u.login).replace(/\[bot\]$/, "") : u.login);
    return {
      id: thread.id,
      isResolved: thread.isResolved,
      isOutdated: root.line === null,
      path: root.path,
      line: root.line,
      originalLine: root.original_line,
      startLine: root.start_line,
      diffSide: root.side,
      resolvedBy: thread.resolvedBy ? { login: thread.resolvedBy } : null,
      viewerCanResolve: true,
      comments: {
        totalCount: replies.length,
        pageInfo: { hasNextPage: false, endCursor: null },
        nodes: replies.map((c) => ({
          id: c.node_id,
          databaseId: c.id,
          body: c.body,
          author: { __typename: c.user.type === "Bot" ? "Bot" : "User", login: login(c.user) },
          createdAt: c.created_at,
          path: c.path,
          url: c.html_url,
          outdated: c.line === null,
        })),
      },
    };
  }
}
