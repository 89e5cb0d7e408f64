/**
 * The stand-in's in-memory GitHub: repositories with commits, branches and blobs; pull requests
 * with every head they had, their reviews, comments and threads; check runs; the app, its
 * installations and the tokens they were given. REST routes and GraphQL views both read and
 * change this one model.
 */
import { diffFile, findLine, gitBlobSha, unchangedLines, type FileDiff } from "./diff.js";
import type { Access, Manifest, Permissions } from "./permissions.js";
import { CONFIG_PATH } from "../github/config.js";

export type Json = Record<string, any>;

export const DEFAULT_BRANCH = "main";
export { CONFIG_PATH } from "../github/config.js";
export const WEB = "https://github.com";
export const DOCS = "https://docs.github.com/rest";
/** GitHub lists at most this many files of a pull request. */
export const MAX_LISTED_FILES = 3000;

export interface StandinFile {
  path: string;
  /** Content at the PR's base; null when the PR adds the file. */
  base: string | null;
  /** Content at the PR's head; null when the PR removes the file. */
  head: string | null;
  /** Set for a rename: the path at the base. */
  previousPath?: string;
  /** Answer without `patch`, as GitHub does for very large diffs (binary files never get one). */
  omitPatch?: boolean;
  /** Answer `sha: null` in the files list (GitHub's schema allows it, e.g. for a submodule). */
  nullSha?: boolean;
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
  /**
   * The head lives in a fork: its commits are in the base repository only as the pull request's
   * head (GitHub's `refs/pull/N/head`), so `GET /commits/{sha}/pulls` there does not know them.
   */
  fork?: { owner: string; repo: string };
}

export interface Commit {
  sha: string;
  files: Map<string, string>;
}

export interface Thread {
  id: string;
  rootId: number;
  isResolved: boolean;
  resolvedBy: string | null;
}

export interface PullState {
  spec: StandinPull;
  id: number;
  headSha: string;
  /** The merge base of base and head (compare's `merge_base_commit`); the base sha unless set. */
  mergeBaseSha?: string;
  /** Every head this PR has had, oldest first, with the diff at that head. */
  heads: Map<string, Map<string, FileDiff>>;
  reviews: Json[];
  comments: Json[];
  threads: Thread[];
  createdAt: string;
  updatedAt: string;
}

export interface RepoState {
  id: number;
  owner: string;
  name: string;
  config?: string;
  blobs: Map<string, string>;
  commits: Map<string, Commit>;
  branches: Map<string, string>;
  pulls: Map<number, PullState>;
  checkRuns: Json[];
  /** Set on a fork: the repository it was forked from ("owner/name"). */
  forkOf?: string;
  /** This repository refuses the app with this GraphQL error type and message (REST: 403). */
  refusal?: { type: string; message: string };
}

export interface Installation {
  id: number;
  account: string;
  permissions: Permissions;
  events: string[];
}

export interface IssuedToken {
  token: string;
  installationId: number;
  permissions: Permissions;
  expiresAt: number;
}

/** Who is asking: the app (JWT), an installation (its token), or nobody. */
export type Caller = { kind: "app" } | { kind: "installation"; installation: Installation; permissions: Permissions } | { kind: "anonymous" };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

export function errorBody(status: number, message: string, extra: Json = {}, doc = DOCS): Json {
  return { message, ...extra, documentation_url: doc, status: String(status) };
}

export const notFound = (message = "Not Found") => new HttpError(404, errorBody(404, message));
export const unprocessable = (errors: unknown[], doc?: string) => new HttpError(422, errorBody(422, "Unprocessable Entity", { errors }, doc));
export const forbidden = (message: string, doc?: string) => new HttpError(403, errorBody(403, message, {}, doc));

export function timestamp(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString("base64url")}`;
}

export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

export class Model {
  readonly repos = new Map<string, RepoState>();
  readonly installations = new Map<number, Installation>();
  readonly tokens = new Map<string, IssuedToken>();
  /** Manifests registered through the manifest flow, by their one-time code. */
  readonly manifests = new Map<string, Json>();
  /** The ids the next objects get (tests may set one to pin an id). */
  readonly ids = { repo: 1296269, pull: 1000000, review: 80000000, comment: 500000000, checkRun: 4000000, app: 1 };
  /** Answers for `object(expression:)` that replace the model's, for tests of GitHub's edge cases. */
  blobOverride?: (expression: string) => Json | null | undefined;
  /** The app's id: what its check runs name as their `app`, and what `GET /app` says. */
  appId = 1;

  constructor(
    readonly botLogin: string,
    readonly manifest: Manifest,
    private readonly tokenValue?: (installationId: number) => string,
  ) {}

  get appSlug(): string {
    return this.botLogin.replace(/\[bot\]$/, "");
  }

  // ----- installations and tokens -----------------------------------------------------------

  /** The installation with this id, created with the manifest's permissions on first use. */
  installation(id: number, account = "Codertocat"): Installation {
    let inst = this.installations.get(id);
    if (!inst) {
      inst = { id, account, permissions: { ...this.manifest.default_permissions }, events: [...this.manifest.default_events] };
      this.installations.set(id, inst);
    }
    return inst;
  }

  /** A token for the installation; `requested` narrows the permissions (never widens them). */
  issueToken(installationId: number, requested?: Record<string, string>, token?: string): IssuedToken {
    const inst = this.installation(installationId);
    let permissions: Permissions = { ...inst.permissions };
    if (requested) {
      permissions = {};
      for (const [name, access] of Object.entries(requested)) {
        const have = inst.permissions[name];
        if (!have || (have === "read" && access === "write") || (access !== "read" && access !== "write")) {
          throw unprocessable([`The permissions requested are not granted to this installation.`], `${DOCS}/apps/apps#create-an-installation-access-token-for-an-app`);
        }
        permissions[name] = access as Access;
      }
    }
    const value = token ?? this.tokenValue?.(installationId) ?? `ghs_standin${String(installationId).padStart(8, "0")}${String(this.tokens.size).padStart(18, "0")}`;
    const issued = { token: value, installationId, permissions, expiresAt: Date.now() + 3600_000 };
    this.tokens.set(value, issued);
    return issued;
  }

  // ----- repositories, commits, pulls -------------------------------------------------------

  repo(owner: string, name: string, create = false): RepoState | undefined {
    const key = `${owner}/${name}`.toLowerCase();
    let repo = this.repos.get(key);
    if (!repo && create) {
      repo = { id: this.ids.repo++, owner, name, blobs: new Map(), commits: new Map(), branches: new Map(), pulls: new Map(), checkRuns: [] };
      this.repos.set(key, repo);
    }
    return repo;
  }

  addCommit(repo: RepoState, sha: string, files: [string, string][]): Commit {
    let commit = repo.commits.get(sha);
    if (!commit) repo.commits.set(sha, (commit = { sha, files: new Map() }));
    for (const [path, content] of files) {
      commit.files.set(path, content);
      repo.blobs.set(gitBlobSha(content), content);
    }
    return commit;
  }

  diffs(files: StandinFile[]): Map<string, FileDiff> {
    return new Map(files.map((f) => [f.path, diffFile(f)]));
  }

  /** A ref is a commit sha (full or at least 7 hex digits), a branch name, or HEAD (the default branch). */
  resolveRef(repo: RepoState, ref: string | undefined): Commit | undefined {
    const name = ref === undefined || ref === "HEAD" ? DEFAULT_BRANCH : ref;
    const sha = repo.branches.get(name.replace(/^refs\/heads\//, "")) ?? name;
    const exact = repo.commits.get(sha);
    if (exact) return exact;
    if (/^[0-9a-f]{7,39}$/.test(sha)) return [...repo.commits.values()].find((c) => c.sha.startsWith(sha));
    return undefined;
  }

  /** The config lives on the default branch; PR branches are cut from it, so every ref sees it. */
  fileAt(repo: RepoState, commit: Commit, path: string): string | undefined {
    if (path === CONFIG_PATH && repo.config !== undefined) return repo.config;
    return commit.files.get(path);
  }

  requirePull(owner: string, name: string, number: number): { repo: RepoState; pull: PullState } {
    const repo = this.repo(owner, name);
    const pull = repo?.pulls.get(number);
    if (!repo || !pull) throw notFound();
    return { repo, pull };
  }

  addPull(p: StandinPull): PullState {
    const repo = this.repo(p.owner, p.repo, true)!;
    if (p.config !== undefined) repo.config = p.config;
    this.addCommit(repo, p.baseSha, p.files.filter((f) => f.base !== null).map((f) => [f.previousPath ?? f.path, f.base!]));
    this.addCommit(repo, p.headSha, p.files.filter((f) => f.head !== null).map((f) => [f.path, f.head!]));
    if (!repo.branches.has(DEFAULT_BRANCH)) repo.branches.set(DEFAULT_BRANCH, p.baseSha);
    const headRef = p.headRef ?? `pr-${p.number}`;
    // a fork's branch is not a branch of this repository
    if (!p.fork) repo.branches.set(headRef, p.headSha);
    const now = timestamp();
    const pull: PullState = {
      spec: { ...p, headRef, files: [...p.files] },
      id: this.ids.pull++,
      headSha: p.headSha,
      heads: new Map([[p.headSha, this.diffs(p.files)]]),
      reviews: [],
      comments: [],
      threads: [],
      createdAt: now,
      updatedAt: now,
    };
    repo.pulls.set(p.number, pull);
    return pull;
  }

  pushHead(owner: string, name: string, number: number, newHeadSha: string, files: StandinFile[]): void {
    const r = this.repo(owner, name);
    const pull = r?.pulls.get(number);
    if (!r || !pull) throw new Error(`no pull ${owner}/${name}#${number}`);
    this.addCommit(r, newHeadSha, files.filter((f) => f.head !== null).map((f) => [f.path, f.head!]));
    // Base-side contents of newly touched files belong to the base commit.
    const base = this.addCommit(r, pull.spec.baseSha, []);
    for (const f of files) if (f.base !== null) base.files.set(f.previousPath ?? f.path, f.base), r.blobs.set(gitBlobSha(f.base), f.base);
    const diffs = this.diffs(files);
    pull.heads.set(newHeadSha, diffs);
    pull.headSha = newHeadSha;
    pull.spec.files = [...files];
    pull.spec.headSha = newHeadSha;
    pull.updatedAt = timestamp();
    if (!pull.spec.fork) r.branches.set(pull.spec.headRef!, newHeadSha);
    // GitHub carries each comment through the push: a line the push left unchanged keeps its
    // comment, moved to where that line is now (lines added or removed above shift it), as long as
    // the new diff still shows it; a comment whose line changed, or whose file left the diff, is
    // outdated (`line` null, `original_line` kept).
    const maps = new Map<string, Map<number, number> | undefined>();
    const carried = (c: Json): Map<number, number> | undefined => {
      const key = `${c.commit_id}:${c.path}`;
      if (!maps.has(key)) {
        const before = r.commits.get(c.commit_id)?.files.get(c.path);
        const after = r.commits.get(newHeadSha)?.files.get(c.path);
        maps.set(key, before === undefined || after === undefined ? undefined : unchangedLines(before, after));
      }
      return maps.get(key);
    };
    for (const c of pull.comments) {
      if (c.line == null) continue;
      const diff = diffs.get(c.path);
      const moved = diff ? this.carry(c, diff, c.side === "LEFT" ? undefined : carried(c)) : undefined;
      if (moved) Object.assign(c, moved, { commit_id: newHeadSha });
      else Object.assign(c, { line: null, start_line: null, position: null });
    }
  }

  /**
   * A comment's anchor on the new diff: its line (and its range's first line) where the push moved
   * them (`lines`; the base side does not move), both still shown in one hunk; else undefined.
   */
  private carry(c: Json, diff: FileDiff, lines: Map<number, number> | undefined): Json | undefined {
    const side = c.side === "LEFT" ? "LEFT" : "RIGHT";
    const moveTo = (line: number, onSide: string) => (onSide === "LEFT" ? line : lines?.get(line));
    const line = moveTo(c.line, side);
    const at = line === undefined ? undefined : findLine(diff, side, line);
    if (!at) return undefined;
    if (c.start_line == null) return { line, position: at.position };
    const startSide = c.start_side === "LEFT" ? "LEFT" : "RIGHT";
    const startLine = moveTo(c.start_line, startSide);
    const start = startLine === undefined ? undefined : findLine(diff, startSide, startLine);
    if (!start || start.hunk !== at.hunk) return undefined;
    return { line, start_line: startLine, position: at.position };
  }

  /** A pull request's thread by its node id. */
  threadOf(pull: PullState, threadId: string): Thread | undefined {
    return pull.threads.find((t) => t.id === threadId);
  }

  findThread(threadId: string): { repo: RepoState; pull: PullState; thread: Thread } | undefined {
    for (const repo of this.repos.values()) {
      for (const pull of repo.pulls.values()) {
        const thread = this.threadOf(pull, threadId);
        if (thread) return { repo, pull, thread };
      }
    }
    return undefined;
  }
}
