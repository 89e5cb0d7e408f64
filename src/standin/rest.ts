/**
 * The REST half of the stand-in: one table of the routes HunkGuard (and Probot) call, each with
 * GitHub's OpenAPI path template, operation id and the permission GitHub requires, and handlers
 * that answer with GitHub's shapes and refuse what GitHub refuses: review comment anchors (422, all
 * or nothing), 50 annotations per check-run request, check-run text over 65,535 bytes, Link-header
 * pagination, base64 contents wrapped at 60 columns, the 3,000-file cap of the files list.
 */
import { createHash, randomBytes } from "node:crypto";
import { base64Wrapped, diffHunk, findLine, gitBlobSha, type FileDiff } from "./diff.js";
import { type Requirement } from "./permissions.js";
import { app, bot, pullObject, publicCheckRun, reviewComment, reviewShape, user } from "./shapes.js";
import {
  DEFAULT_BRANCH,
  CONFIG_PATH,
  DOCS,
  HttpError,
  MAX_LISTED_FILES,
  WEB,
  encodePath,
  errorBody,
  nodeId,
  notFound,
  timestamp,
  unprocessable,
  type Caller,
  type Json,
  type Model,
  type RepoState,
} from "./model.js";

const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** Review and comment bodies: GitHub counts characters. */
const MAX_BODY = 65536;
/** Check-run `summary` and `text`, and an annotation's `message` and `raw_details`: GitHub counts bytes (UTF-8). */
const MAX_OUTPUT_BYTES = 65535;
const MAX_TITLE = 255;

export interface Ctx {
  method: string;
  /** the path as routed (`/repositories/:id/…` mapped to `/repos/:owner/:repo/…`) */
  path: string;
  query: Record<string, string>;
  body: any;
  headers: Record<string, string>;
  caller: Caller;
  /** where this stand-in is reached, for the URLs of Link headers */
  baseUrl: string;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** GitHub's OpenAPI path template, e.g. `/repos/{owner}/{repo}/pulls/{pull_number}` */
  template: string;
  operationId: string;
  requires: Requirement;
  pattern: RegExp;
  names: string[];
  handle: (ctx: Ctx, params: Record<string, string>) => Reply | Promise<Reply>;
}

/** `{name}` matches one path segment; `{path}` (contents) the rest of the path. */
function compile(template: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return name === "path" ? "(.+)" : "([^/]+)";
  });
  return { pattern: new RegExp(`^${source}$`), names };
}

export class RestApi {
  readonly routes: Route[];

  constructor(private readonly model: Model) {
    this.routes = this.buildRoutes();
  }

  private buildRoutes(): Route[] {
    const read = (permission: string): Requirement => ({ permission, access: "read" });
    const write = (permission: string): Requirement => ({ permission, access: "write" });
    const APP: Requirement = { app: true };
    const R = (method: string, template: string, operationId: string, requires: Requirement, handle: Route["handle"]): Route => ({
      method,
      template,
      operationId,
      requires,
      ...compile(template),
      handle,
    });
    const REPO = "/repos/{owner}/{repo}";
    const n = (p: Record<string, string>) => Number(p.pull_number);
    return [
      R("GET", "/app", "apps/get-authenticated", APP, () => ({ status: 200, body: app(this.model) })),
      R("POST", "/app/installations/{installation_id}/access_tokens", "apps/create-installation-access-token", APP, (c, p) => this.accessToken(c, Number(p.installation_id))),
      R("GET", "/app/installations/{installation_id}", "apps/get-installation", APP, (_c, p) => ({ status: 200, body: this.installationShape(Number(p.installation_id)) })),
      R("GET", `${REPO}/installation`, "apps/get-repo-installation", APP, (_c, p) => this.repoInstallation(p.owner, p.repo)),
      R("POST", "/app-manifests/{code}/conversions", "apps/create-from-manifest", { none: true }, (_c, p) => this.convertManifest(p.code)),
      R("GET", `${REPO}/pulls`, "pulls/list", read("pull_requests"), (c, p) => this.listPulls(c, p.owner, p.repo)),
      R("GET", `${REPO}/pulls/{pull_number}`, "pulls/get", read("pull_requests"), (c, p) => this.getPull(c, p.owner, p.repo, n(p))),
      R("GET", `${REPO}/pulls/{pull_number}/files`, "pulls/list-files", read("pull_requests"), (c, p) => this.listFiles(c, p.owner, p.repo, n(p))),
      R("GET", `${REPO}/pulls/{pull_number}/comments`, "pulls/list-review-comments", read("pull_requests"), (c, p) => this.listComments(c, p.owner, p.repo, n(p))),
      R("GET", `${REPO}/pulls/{pull_number}/reviews`, "pulls/list-reviews", read("pull_requests"), (c, p) => this.listReviews(c, p.owner, p.repo, n(p))),
      R("POST", `${REPO}/pulls/{pull_number}/reviews`, "pulls/create-review", write("pull_requests"), (c, p) => this.createReview(c, p.owner, p.repo, n(p))),
      R("DELETE", `${REPO}/pulls/{pull_number}/reviews/{review_id}`, "pulls/delete-pending-review", write("pull_requests"), (_c, p) =>
        this.deletePendingReview(p.owner, p.repo, n(p), Number(p.review_id)),
      ),
      R("PUT", `${REPO}/pulls/{pull_number}/reviews/{review_id}/dismissals`, "pulls/dismiss-review", write("pull_requests"), (c, p) =>
        this.dismissReview(c, p.owner, p.repo, n(p), Number(p.review_id)),
      ),
      R("GET", `${REPO}/contents/{path}`, "repos/get-content", read("contents"), (c, p) => this.getContent(c, p.owner, p.repo, p.path)),
      R("GET", `${REPO}/git/blobs/{file_sha}`, "git/get-blob", read("contents"), (c, p) => this.getBlob(c, p.owner, p.repo, p.file_sha)),
      R("GET", `${REPO}/compare/{basehead}`, "repos/compare-commits-with-basehead", read("contents"), (c, p) => this.compare(c, p.owner, p.repo, p.basehead)),
      R("GET", `${REPO}/commits/{commit_sha}/pulls`, "repos/list-pull-requests-associated-with-commit", read("pull_requests"), (c, p) =>
        this.pullsForCommit(c, p.owner, p.repo, p.commit_sha),
      ),
      R("POST", `${REPO}/check-runs`, "checks/create", write("checks"), (c, p) => this.createCheckRun(c, p.owner, p.repo)),
      R("PATCH", `${REPO}/check-runs/{check_run_id}`, "checks/update", write("checks"), (c, p) => this.updateCheckRun(c, p.owner, p.repo, Number(p.check_run_id))),
      R("GET", `${REPO}/check-runs/{check_run_id}`, "checks/get", read("checks"), (_c, p) => ({
        status: 200,
        body: publicCheckRun(this.checkRun(p.owner, p.repo, Number(p.check_run_id))),
      })),
      R("GET", `${REPO}/check-runs/{check_run_id}/annotations`, "checks/list-annotations", read("checks"), (c, p) =>
        this.paginate(c, this.checkRun(p.owner, p.repo, Number(p.check_run_id)).annotations as Json[]),
      ),
      R("GET", `${REPO}/commits/{ref}/check-runs`, "checks/list-for-ref", read("checks"), (c, p) => this.listCheckRuns(c, p.owner, p.repo, p.ref)),
    ];
  }

  // ----- the app and its installations ------------------------------------------------------

  private installationShape(id: number): Json {
    const inst = this.model.installation(id);
    return {
      id: inst.id,
      account: user(inst.account),
      repository_selection: "all",
      access_tokens_url: `https://api.github.com/app/installations/${inst.id}/access_tokens`,
      repositories_url: "https://api.github.com/installation/repositories",
      html_url: `${WEB}/settings/installations/${inst.id}`,
      app_id: this.model.appId,
      app_slug: this.model.appSlug,
      target_id: user(inst.account).id,
      target_type: "User",
      permissions: { ...inst.permissions },
      events: [...inst.events],
      created_at: "2024-01-01T00:00:00Z",
      updated_at: "2024-01-01T00:00:00Z",
      single_file_name: null,
      suspended_by: null,
      suspended_at: null,
    };
  }

  private accessToken(ctx: Ctx, installationId: number): Reply {
    const requested = ctx.body && typeof ctx.body === "object" ? (ctx.body.permissions as Record<string, string> | undefined) : undefined;
    const issued = this.model.issueToken(installationId, requested);
    return {
      status: 201,
      body: { token: issued.token, expires_at: timestamp(issued.expiresAt), permissions: { ...issued.permissions }, repository_selection: "all" },
    };
  }

  private repoInstallation(owner: string, repo: string): Reply {
    if (!this.model.repo(owner, repo)) throw notFound();
    const first = [...this.model.installations.values()].find((i) => i.account.toLowerCase() === owner.toLowerCase()) ?? this.model.installation(1, owner);
    return { status: 200, body: this.installationShape(first.id) };
  }

  /** The manifest flow's last step: the one-time code becomes the app's credentials (no auth). */
  private convertManifest(code: string): Reply {
    const manifest = this.model.manifests.get(code);
    if (!manifest) throw notFound();
    this.model.manifests.delete(code);
    const id = this.model.ids.app++;
    const slug = String(manifest.name ?? "app").toLowerCase().replace(/[^a-z0-9]+/g, "-");
    return {
      status: 201,
      body: {
        id,
        slug,
        node_id: nodeId("A", id),
        client_id: `Iv1.${randomBytes(8).toString("hex")}`,
        client_secret: randomBytes(20).toString("hex"),
        webhook_secret: manifest.hook_attributes?.active === false ? null : randomBytes(20).toString("hex"),
        pem: "-----BEGIN RSA PRIVATE KEY-----\nstand-in\n-----END RSA PRIVATE KEY-----\n",
        owner: user("Codertocat"),
        name: manifest.name,
        description: manifest.description ?? null,
        external_url: manifest.url,
        html_url: `${WEB}/apps/${slug}`,
        created_at: timestamp(),
        updated_at: timestamp(),
        permissions: { ...(manifest.default_permissions ?? {}) },
        events: [...(manifest.default_events ?? [])],
      },
    };
  }

  // ----- pagination -------------------------------------------------------------------------

  /** Pages `items` like GitHub: per_page (default 30, max 100), page, and a Link header whose
   *  URLs use the /repositories/:id form. */
  paginate(ctx: Ctx, items: Json[], cap = Infinity): Reply {
    const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page) || 30));
    const page = Math.max(1, Number(ctx.query.page) || 1);
    const visible = items.slice(0, cap);
    const last = Math.max(1, Math.ceil(visible.length / perPage));
    const body = visible.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (last > 1) {
      const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(ctx.path);
      const repo = repoMatch ? this.model.repo(decodeURIComponent(repoMatch[1]), decodeURIComponent(repoMatch[2])) : undefined;
      const path = repo ? `/repositories/${repo.id}${repoMatch![3] ?? ""}` : ctx.path;
      const link = (p: number, rel: string) => {
        const q = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(p) });
        return `<${ctx.baseUrl}${path}?${q}>; rel="${rel}"`;
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
    const { repo, pull } = this.model.requirePull(owner, name, number);
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
    return { status: 200, body: pullObject(this.model, repo, pull) };
  }

  private listFiles(ctx: Ctx, owner: string, name: string, number: number): Reply {
    const { repo, pull } = this.model.requirePull(owner, name, number);
    const full = `${repo.owner}/${repo.name}`;
    const files = [...pull.heads.get(pull.headSha)!.values()].map((d) => {
      const atSha = d.status === "removed" ? pull.spec.baseSha : pull.headSha;
      const path = encodePath(d.file.path);
      const entry: Json = {
        sha: d.file.nullSha ? null : d.sha,
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
    const { pull } = this.model.requirePull(owner, name, number);
    return this.paginate(ctx, pull.comments);
  }

  private listReviews(ctx: Ctx, owner: string, name: string, number: number): Reply {
    const { pull } = this.model.requirePull(owner, name, number);
    return this.paginate(ctx, pull.reviews.map(reviewShape));
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
    const { repo, pull } = this.model.requirePull(owner, name, number);
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
    const id = this.model.ids.review++;
    const full = `${repo.owner}/${repo.name}`;
    const api = `https://api.github.com/repos/${full}`;
    const state = { APPROVE: "APPROVED", REQUEST_CHANGES: "CHANGES_REQUESTED", COMMENT: "COMMENTED" }[event as string] ?? "PENDING";
    const review: Json = {
      id,
      node_id: nodeId("PRR", id),
      user: bot(this.model),
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
      reviewComment(this.model, owner, name, number, {
        ...at,
        body: draft.body,
        user: bot(this.model),
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
    const { pull } = this.model.requirePull(owner, name, number);
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
    const repo = this.model.repo(owner, name);
    if (!repo) throw notFound();
    const commit = this.model.resolveRef(repo, ctx.query.ref);
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
    const content = this.model.fileAt(repo, commit, path);
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
        children.set(childPath, rest.length === 0 ? entry(childPath, "file", this.model.fileAt(repo, commit, childPath)) : entry(childPath, "dir"));
      }
    }
    if (children.size === 0) throw notFound();
    return { status: 200, body: [...children.values()].sort((a, b) => a.path.localeCompare(b.path)) };
  }

  private getBlob(ctx: Ctx, owner: string, name: string, sha: string): Reply {
    const repo = this.model.repo(owner, name);
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
    const run = this.model.repo(owner, name)?.checkRuns.find((r) => r.id === id);
    if (!run) throw notFound();
    return run;
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
    if (typeof output.title === "string" && output.title.length > MAX_TITLE) throw invalid(`title is too long (maximum is ${MAX_TITLE} characters).`);
    // GitHub measures these in bytes: 65,535 characters of "é" are refused
    for (const field of ["summary", "text"] as const) {
      if (typeof output[field] === "string" && Buffer.byteLength(output[field]) > MAX_OUTPUT_BYTES) {
        throw unprocessable([`Output ${field} exceeds a maximum bytesize of ${MAX_OUTPUT_BYTES}`], doc);
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
      for (const field of ["message", "raw_details"] as const) {
        if (typeof a[field] === "string" && Buffer.byteLength(a[field]) > MAX_OUTPUT_BYTES) {
          throw unprocessable([`Annotation ${field} exceeds a maximum bytesize of ${MAX_OUTPUT_BYTES}`], doc);
        }
      }
      if (typeof a.title === "string" && a.title.length > MAX_TITLE) throw invalid(`annotation title is too long (maximum is ${MAX_TITLE} characters).`);
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
    const repo = this.model.repo(owner, name);
    if (!repo) throw notFound();
    const body = (ctx.body ?? {}) as Json;
    this.validateCheckBody(body, true);
    const id = this.model.ids.checkRun++;
    const full = `${repo.owner}/${repo.name}`;
    const api = `https://api.github.com/repos/${full}`;
    // like GitHub, a check run lists only the pull requests whose head branch is in this repository
    const pulls = [...repo.pulls.values()].filter((p) => p.headSha === body.head_sha && !p.spec.fork);
    const run: Json = {
      id,
      name: body.name,
      node_id: nodeId("CR", id),
      head_sha: body.head_sha,
      external_id: "",
      url: `${api}/check-runs/${id}`,
      html_url: `${WEB}/${full}/runs/${id}`,
      details_url: `${WEB}/apps/${this.model.botLogin.replace(/\[bot\]$/, "")}`,
      status: "queued",
      conclusion: null,
      started_at: timestamp(),
      completed_at: null,
      output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${api}/check-runs/${id}/annotations` },
      check_suite: { id: 5000000 + (id % 1000) },
      app: app(this.model),
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
    return { status: 201, body: publicCheckRun(run) };
  }

  private updateCheckRun(ctx: Ctx, owner: string, name: string, id: number): Reply {
    const run = this.checkRun(owner, name, id);
    const body = (ctx.body ?? {}) as Json;
    this.validateCheckBody(body, false);
    this.applyCheckBody(run, body);
    return { status: 200, body: publicCheckRun(run) };
  }

  private listCheckRuns(ctx: Ctx, owner: string, name: string, ref: string): Reply {
    const repo = this.model.repo(owner, name);
    if (!repo) throw notFound();
    const sha = this.model.resolveRef(repo, ref)?.sha ?? ref;
    const runs = repo.checkRuns
      .filter((r) => r.head_sha === sha && (ctx.query.check_name === undefined || r.name === ctx.query.check_name))
      .filter((r) => ctx.query.status === undefined || r.status === ctx.query.status)
      // `app_id`: only the runs that app made
      .filter((r) => ctx.query.app_id === undefined || String(r.app?.id) === ctx.query.app_id)
      .reverse()
      // `filter=latest` (the default) keeps the most recent run of each name
      .filter((r, i, all) => ctx.query.filter === "all" || all.findIndex((o) => o.name === r.name) === i)
      .map((r) => publicCheckRun(r));
    const page = this.paginate(ctx, runs);
    return { ...page, body: { total_count: runs.length, check_runs: page.body } };
  }

  // ----- the pulls a commit belongs to, the open pulls, compare --------------------------------

  /** Open pulls first by default (`state=open`), newest first, as `GET /pulls` lists them. */
  private listPulls(ctx: Ctx, owner: string, name: string): Reply {
    const repo = this.model.repo(owner, name);
    if (!repo) throw notFound();
    const state = ctx.query.state ?? "open";
    if (!["open", "closed", "all"].includes(state)) throw unprocessable([{ resource: "Issue", field: "state", code: "invalid" }]);
    let pulls = [...repo.pulls.values()].filter((p) => state === "all" || (p.spec.state ?? "open") === state);
    if (ctx.query.head) {
      pulls = pulls.filter((p) => {
        const headOwner = p.spec.fork?.owner ?? repo.owner;
        return `${headOwner}:${p.spec.headRef}`.toLowerCase() === ctx.query.head.toLowerCase();
      });
    }
    if (ctx.query.base) pulls = pulls.filter(() => ctx.query.base === DEFAULT_BRANCH);
    const ascending = ctx.query.direction === "asc";
    pulls.sort((a, b) => (ascending ? a.id - b.id : b.id - a.id));
    return this.paginate(ctx, pulls.map((p) => pullObject(this.model, repo, p)));
  }

  /**
   * The pull requests of this repository whose commits include `sha`. A commit that exists only in
   * a fork is not this repository's: GitHub answers `[]` for it, even while a pull request from
   * that fork has it as its head.
   */
  private pullsForCommit(ctx: Ctx, owner: string, name: string, sha: string): Reply {
    const repo = this.model.repo(owner, name);
    if (!repo) throw notFound();
    const pulls = [...repo.pulls.values()].filter((p) => !p.spec.fork && [...p.heads.keys()].some((h) => h === sha || (sha.length >= 7 && h.startsWith(sha))));
    pulls.sort((a, b) => b.id - a.id);
    return this.paginate(ctx, pulls.map((p) => pullObject(this.model, repo, p)));
  }

  private commitShape(repo: RepoState, sha: string, parents: string[] = []): Json {
    const full = `${repo.owner}/${repo.name}`;
    const api = `https://api.github.com/repos/${full}`;
    const tree = createHash("sha1").update(`tree ${sha}`).digest("hex");
    const who = { name: "Monalisa Octocat", email: "octocat@github.com", date: "2024-01-01T00:00:00Z" };
    return {
      url: `${api}/commits/${sha}`,
      sha,
      node_id: nodeId("C", sha),
      html_url: `${WEB}/${full}/commit/${sha}`,
      comments_url: `${api}/commits/${sha}/comments`,
      commit: {
        url: `${api}/git/commits/${sha}`,
        author: who,
        committer: who,
        message: `Commit ${sha.slice(0, 7)}`,
        comment_count: 0,
        tree: { sha: tree, url: `${api}/git/trees/${tree}` },
        verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
      },
      author: user("octocat"),
      committer: user("octocat"),
      parents: parents.map((p) => ({ sha: p, url: `${api}/commits/${p}`, html_url: `${WEB}/${full}/commit/${p}` })),
    };
  }

  /**
   * `GET /compare/BASE...HEAD`: the merge base is the one a pull request from BASE to HEAD records
   * (its base unless the test set another); commits page with per_page/page.
   */
  private compare(ctx: Ctx, owner: string, name: string, basehead: string): Reply {
    const repo = this.model.repo(owner, name);
    if (!repo) throw notFound();
    const m = /^(.+?)\.\.\.?(.+)$/.exec(basehead);
    if (!m) throw notFound();
    const base = this.model.resolveRef(repo, m[1]);
    const head = this.model.resolveRef(repo, m[2]);
    if (!base || !head) throw notFound(`No common ancestor between ${m[1]} and ${m[2]}.`);
    const pull = [...repo.pulls.values()].find((p) => p.spec.baseSha === base.sha && p.heads.has(head.sha));
    const mergeBase = pull?.mergeBaseSha ?? base.sha;
    const full = `${repo.owner}/${repo.name}`;
    const identical = head.sha === base.sha;
    const commits = identical ? [] : [this.commitShape(repo, head.sha, [mergeBase])];
    const page = this.paginate(ctx, commits);
    const diffs = pull ? [...pull.heads.get(head.sha)!.values()] : [];
    return {
      status: 200,
      headers: page.headers,
      body: {
        url: `https://api.github.com/repos/${full}/compare/${basehead}`,
        html_url: `${WEB}/${full}/compare/${basehead}`,
        permalink_url: `${WEB}/${full}/compare/${repo.owner}:${base.sha.slice(0, 7)}...${repo.owner}:${head.sha.slice(0, 7)}`,
        diff_url: `${WEB}/${full}/compare/${basehead}.diff`,
        patch_url: `${WEB}/${full}/compare/${basehead}.patch`,
        base_commit: this.commitShape(repo, base.sha),
        merge_base_commit: this.commitShape(repo, mergeBase),
        status: identical ? "identical" : "ahead",
        ahead_by: commits.length,
        behind_by: 0,
        total_commits: commits.length,
        commits: page.body,
        files: diffs.map((d) => ({
          sha: d.sha,
          filename: d.file.path,
          status: d.status,
          additions: d.additions,
          deletions: d.deletions,
          changes: d.additions + d.deletions,
          blob_url: `${WEB}/${full}/blob/${head.sha}/${encodePath(d.file.path)}`,
          raw_url: `${WEB}/${full}/raw/${head.sha}/${encodePath(d.file.path)}`,
          contents_url: `https://api.github.com/repos/${full}/contents/${encodePath(d.file.path)}?ref=${head.sha}`,
          ...(d.patch !== undefined ? { patch: d.patch } : {}),
        })),
      },
    };
  }

  private deletePendingReview(owner: string, name: string, number: number, id: number): Reply {
    const { pull } = this.model.requirePull(owner, name, number);
    const index = pull.reviews.findIndex((r) => r.id === id);
    if (index < 0) throw notFound();
    if (pull.reviews[index].state !== "PENDING") throw unprocessable(["Can not delete a non-pending pull request review"], `${DOCS}/pulls/reviews#delete-a-pending-review-for-a-pull-request`);
    const [review] = pull.reviews.splice(index, 1);
    return { status: 200, body: reviewShape(review) };
  }
}
