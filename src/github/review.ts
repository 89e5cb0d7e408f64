/**
 * The pull-request review: one per analysed head, `event: COMMENT`, inline comments anchored on
 * new-side lines the diff holds, never a fingerprint that is already on the pull request.
 */
import type { GitHub, LimitPolicy, RepoRef } from "./octokit.js";
import { DEFAULT_LIMIT_POLICY, installationGrants, statusOf, withSecondaryLimit } from "./octokit.js";
import { bySeverityThenPlace, type Finding } from "../core/finding.js";
import type { FilePatch } from "../core/hunks.js";
import { inOneHunk } from "../core/hunks.js";
import { MARKER_PREFIX, commentBody, companionBody, markersIn, reviewBody } from "../core/render.js";
import type { RuleSet } from "../core/rules/load.js";

export interface ReviewComment {
  path: string;
  line: number;
  side: "RIGHT";
  start_line?: number;
  start_side?: "RIGHT";
  body: string;
}

export interface PostedThread {
  threadId: string;
  isResolved: boolean;
  path: string;
  fingerprints: string[];
  /** only the bot wrote in this thread (a human reply means we never touch it) */
  botOnly: boolean;
  /** the bot already replied that the finding is fixed (see resolveFixedThreads) */
  fixedNoted?: boolean;
}

export interface PullState {
  headSha: string;
  open: boolean;
  threads: PostedThread[];
  fingerprints: Set<string>;
}

const THREADS_QUERY = `query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      headRefOid
      state
      reviews(last: 100) { nodes { body author { __typename login } } }
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved path comments(first: 100) { nodes { body author { __typename login } } } }
      }
    }
  }
}`;

interface ThreadsData {
  repository: {
    pullRequest: {
      headRefOid: string;
      state: string;
      /** the bodies of the latest reviews: findings past the inline cap are listed there with markers */
      reviews?: { nodes: { body: string; author: { __typename?: string; login: string } | null }[] };
      reviewThreads: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: { id: string; isResolved: boolean; path: string; comments: { nodes: { body: string; author: { __typename?: string; login: string } | null }[] } }[];
      };
    } | null;
  };
}

const isBot = (a: { __typename?: string; login: string } | null) => !!a && (a.__typename === "Bot" || a.login.endsWith("[bot]"));

/**
 * The PR's current head and the bot's threads, in one GraphQL request per 100 threads:
 * it tells whether a newer push landed and which fingerprints are already posted.
 */
export async function readPullState(gh: GitHub, repo: RepoRef, number: number): Promise<PullState> {
  const threads: PostedThread[] = [];
  const fingerprints = new Set<string>();
  let after: string | null = null;
  let headSha = "";
  let open = true;
  for (let page = 0; page < 50; page++) {
    let data: ThreadsData;
    try {
      data = await gh.graphql<ThreadsData>(THREADS_QUERY, { owner: repo.owner, name: repo.repo, number, after });
    } catch (e) {
      // GitHub answers a vanished pull request with `pullRequest: null` and a NOT_FOUND error, which Octokit throws
      const errors = (e as { errors?: { type?: string }[] }).errors;
      if (errors?.some((x) => x.type === "NOT_FOUND")) throw Object.assign(new Error("the pull request no longer exists"), { status: 404 });
      throw e;
    }
    const pr = data.repository.pullRequest;
    if (!pr) throw Object.assign(new Error("the pull request no longer exists"), { status: 404 });
    headSha = pr.headRefOid;
    open = pr.state === "OPEN";
    if (page === 0) for (const r of pr.reviews?.nodes ?? []) if (isBot(r.author)) markersIn(r.body).forEach((fp) => fingerprints.add(fp));
    for (const t of pr.reviewThreads.nodes) {
      const first = t.comments.nodes[0];
      if (!first || !isBot(first.author)) continue;
      const fps = markersIn(first.body);
      if (!fps.length) continue;
      fps.forEach((fp) => fingerprints.add(fp));
      threads.push({ threadId: t.id, isResolved: t.isResolved, path: t.path, fingerprints: fps, botOnly: t.comments.nodes.every((c) => isBot(c.author)), fixedNoted: t.comments.nodes.slice(1).some((c) => isBot(c.author) && c.body.includes(FIXED_MARKER)) });
    }
    if (!pr.reviewThreads.pageInfo.hasNextPage) break;
    after = pr.reviewThreads.pageInfo.endCursor;
  }
  return { headSha, open, threads, fingerprints };
}

export interface ReviewPlan {
  comments: ReviewComment[];
  /** findings that get an inline comment now */
  inline: Finding[];
  /** new findings that did not fit (cap) or could not be anchored: listed in the review body */
  overflow: Finding[];
  /** findings whose comment is already on the pull request */
  alreadyPosted: Finding[];
}

function firstCommentable(patch: FilePatch, from: number, to: number, prefer: number): number | null {
  if (patch.commentableLines.has(prefer)) return prefer;
  for (let l = from; l <= to; l++) if (patch.commentableLines.has(l)) return l;
  return null;
}

/** Anchor each new finding, most severe first, up to `max` inline comments. */
export function planReview(findings: Finding[], patches: Map<string, FilePatch>, posted: Set<string>, rules: RuleSet, max: number): ReviewPlan {
  const plan: ReviewPlan = { comments: [], inline: [], overflow: [], alreadyPosted: [] };
  // GitHub cannot apply two suggestions on the same lines in one batch: the first (most severe) wins
  const suggested = new Map<string, [number, number][]>();
  const overlaps = (path: string, a: number, b: number) => (suggested.get(path) ?? []).some(([s, e]) => a <= e && s <= b);
  for (const f0 of [...findings].sort(bySeverityThenPlace)) {
    let f = f0;
    if (posted.has(f.fingerprint)) {
      plan.alreadyPosted.push(f);
      continue;
    }
    if (f.fix?.replacement !== undefined && f.fix.safety !== "explain" && overlaps(f.path, f.fix.startLine, f.fix.endLine)) {
      f = { ...f, fix: { ...f.fix, replacement: undefined, safety: "explain", withheld: "another suggestion changes the same lines; accept it first and this one is offered on the next push" } };
    }
    const patch = patches.get(f.path);
    const comments: ReviewComment[] = [];
    const rule = rules.byId.get(f.rule);
    const fix = f.fix;
    if (patch && fix?.replacement !== undefined && fix.safety !== "explain" && inOneHunk(patch, fix.startLine, fix.endLine)) {
      comments.push(anchor(f.path, fix.startLine, fix.endLine, commentBody(f, rule)));
      const c = fix.companion;
      const cBody = companionBody(f);
      if (c && cBody && inOneHunk(patch, c.startLine, c.endLine)) comments.push(anchor(f.path, c.startLine, c.endLine, cBody));
    } else if (patch) {
      // no suggestion to place: one line of the statement, the flagged line when the diff has it
      const shown = fix && fix.replacement !== undefined && fix.safety !== "explain" ? { ...f, fix: { ...fix, replacement: undefined, safety: "explain" as const, withheld: "the lines to change are not all inside one hunk of the diff" } } : f;
      const line = firstCommentable(patch, f.statementLine, f.statementEndLine, f.line);
      if (line !== null) comments.push(anchor(f.path, line, line, commentBody(shown, rule)));
    }
    if (!comments.length || plan.comments.length + comments.length > max) {
      plan.overflow.push(f);
      continue;
    }
    plan.comments.push(...comments);
    plan.inline.push(f0);
    for (const c of comments) {
      if (!c.body.includes("```suggestion") && !/`{4,}suggestion/.test(c.body)) continue;
      const list = suggested.get(c.path) ?? [];
      list.push([c.start_line ?? c.line, c.line]);
      suggested.set(c.path, list);
    }
  }
  return plan;
}

function anchor(path: string, start: number, end: number, body: string): ReviewComment {
  const c: ReviewComment = { path, line: end, side: "RIGHT", body };
  if (start < end) {
    c.start_line = start;
    c.start_side = "RIGHT";
  }
  return c;
}

export interface PostResult {
  reviewId: number | null;
  /** inline comments that reached GitHub */
  inlinePosted: number;
  notes: string[];
}

async function createReview(gh: GitHub, repo: RepoRef, number: number, headSha: string, body: string, comments: ReviewComment[], limits: LimitPolicy): Promise<number> {
  const { data } = await withSecondaryLimit(limits, () => gh.rest.pulls.createReview({
    ...repo,
    pull_number: number,
    commit_id: headSha,
    event: "COMMENT",
    body,
    comments,
    // a retried POST after a 5xx can duplicate a review that was in fact created: we retry ourselves
    request: { retries: 0 },
  }));
  return data.id;
}

/** Markers already on the pull request (after an error that may have hidden a success). */
async function markersNow(gh: GitHub, repo: RepoRef, number: number): Promise<Set<string>> {
  try {
    return (await readPullState(gh, repo, number)).fingerprints;
  } catch {
    return new Set();
  }
}

/** Whether a review with exactly this body is already on this head (one without inline comments has no markers). */
async function reviewBodyNow(gh: GitHub, repo: RepoRef, number: number, headSha: string, body: string): Promise<boolean> {
  try {
    const reviews = await gh.paginate(gh.rest.pulls.listReviews, { ...repo, pull_number: number, per_page: 100 });
    return reviews.some((r) => r.user?.type === "Bot" && r.commit_id === headSha && r.state !== "PENDING" && r.body === body);
  } catch {
    return false;
  }
}

/** A pending review of ours left by an earlier run blocks new reviews: remove it. */
async function deletePendingReviews(gh: GitHub, repo: RepoRef, number: number, limits: LimitPolicy): Promise<boolean> {
  const reviews = await gh.paginate(gh.rest.pulls.listReviews, { ...repo, pull_number: number, per_page: 100 });
  let removed = false;
  for (const r of reviews) {
    if (r.state === "PENDING" && r.user?.type === "Bot") {
      await withSecondaryLimit(limits, () => gh.rest.pulls.deletePendingReview({ ...repo, pull_number: number, review_id: r.id }));
      removed = true;
    }
  }
  return removed;
}

/**
 * Post the review. A 5xx may hide a success: look for our markers before posting again. A 422 on
 * anchors: retry once with the anchors we are surest of (lines from GitHub's own patch), then
 * without inline comments — the check run keeps every finding either way.
 */
export async function postReview(
  gh: GitHub,
  repo: RepoRef,
  number: number,
  headSha: string,
  plan: ReviewPlan,
  trusted: (path: string) => boolean,
  limits: LimitPolicy = DEFAULT_LIMIT_POLICY,
): Promise<PostResult> {
  const notes: string[] = [];
  let comments = plan.comments;
  let overflow = plan.overflow;
  let inline = plan.inline;
  let serverErrors = 0;
  for (let tries = 0; tries < 4; tries++) {
    const body = reviewBody(inline, overflow);
    try {
      return { reviewId: await createReview(gh, repo, number, headSha, body, comments, limits), inlinePosted: comments.length, notes };
    } catch (e) {
      const status = statusOf(e);
      const message = String((e as Error).message ?? "");
      if (status !== undefined && status >= 500) {
        const created = comments.length
          ? await markersNow(gh, repo, number).then((markers) => comments.every((c) => markersIn(c.body).every((fp) => markers.has(fp))))
          : await reviewBodyNow(gh, repo, number, headSha, body);
        if (created) {
          notes.push("GitHub answered the review with an error but had created it; it was not posted again.");
          return { reviewId: null, inlinePosted: comments.length, notes };
        }
        if (++serverErrors > 1) throw e;
        await limits.sleep(1000);
        continue;
      }
      if (status === 422 && /pending review/i.test(message) && (await deletePendingReviews(gh, repo, number, limits))) {
        notes.push("A pending review left by an earlier run was removed.");
        continue;
      }
      if (status === 422 && comments.length) {
        const kept = comments.filter((c) => trusted(c.path));
        if (kept.length && kept.length < comments.length) {
          notes.push(`GitHub rejected some comment anchors; ${comments.length - kept.length} comment(s) moved to the review body.`);
          const keptPaths = new Set(kept.map((c) => c.path));
          overflow = [...overflow, ...inline.filter((f) => !keptPaths.has(f.path))];
          inline = inline.filter((f) => keptPaths.has(f.path));
          comments = kept;
          continue;
        }
        notes.push("GitHub rejected the inline comment anchors; the findings are listed in the review body and the check run instead.");
        overflow = [...inline, ...overflow];
        inline = [];
        comments = [];
        continue;
      }
      throw e;
    }
  }
  throw new Error("the review could not be posted");
}

/** Hidden in the bot's "fixed" reply, so a thread is answered once however many pushes follow. */
export const FIXED_MARKER = `${MARKER_PREFIX}fixed -->`;

const REPLY_MUTATION = `mutation($thread: ID!, $body: String!) {
  addPullRequestReviewThreadReply(input: { pullRequestReviewThreadId: $thread, body: $body }) { comment { id } }
}`;
const RESOLVE_MUTATION = `mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id isResolved } } }`;

export interface FixedThreads {
  /** threads answered "Fixed in …" now */
  replied: number;
  /** threads resolved now (only where the installation may) */
  resolved: number;
}

const refused = (e: unknown) => ((e as { errors?: { type?: string }[] }).errors ?? []).some((x) => x.type === "FORBIDDEN") || statusOf(e) === 403;

/**
 * The bot's own threads whose findings are gone: reply once "Fixed in <sha>." (with a hidden
 * marker, so later pushes do not reply again), and resolve the thread only when the installation
 * was granted `contents: write` — GitHub refuses `resolveReviewThread` to an app without it, and a
 * security bot does not ask for it. A refusal is not a failure: the reply stands. Never a thread a
 * human replied to; nothing is minimized.
 */
export async function resolveFixedThreads(
  gh: GitHub,
  state: PullState,
  current: Set<string>,
  analysedPaths: Set<string>,
  limits: LimitPolicy = DEFAULT_LIMIT_POLICY,
): Promise<FixedThreads> {
  const done: FixedThreads = { replied: 0, resolved: 0 };
  let mayResolve: boolean | undefined;
  for (const t of state.threads) {
    if (t.isResolved || !t.botOnly || !analysedPaths.has(t.path)) continue;
    if (t.fingerprints.some((fp) => current.has(fp) || current.has(fp.replace(/-import$/, "")))) continue;
    if (!t.fixedNoted) {
      const body = `Fixed in ${state.headSha.slice(0, 7)}.\n\n${FIXED_MARKER}`;
      await withSecondaryLimit(limits, () => gh.graphql(REPLY_MUTATION, { thread: t.threadId, body }));
      done.replied++;
    }
    mayResolve ??= await installationGrants(gh, "contents", "write");
    if (!mayResolve) continue;
    try {
      await withSecondaryLimit(limits, () => gh.graphql(RESOLVE_MUTATION, { id: t.threadId }));
      done.resolved++;
    } catch (e) {
      if (!refused(e)) throw e;
      mayResolve = false; // the grant was withdrawn since the token was made: the replies say it all
    }
  }
  return done;
}
