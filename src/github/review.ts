/**
 * The pull-request review: one per analysed head, `event: COMMENT`, inline comments anchored on
 * new-side lines the diff holds, never a fingerprint that is already on the pull request.
 */
import type { AppIdentity, GitHub, LimitPolicy, RepoRef } from "./octokit.js";
import { DEFAULT_LIMIT_POLICY, installationGrants, statusOf, withSecondaryLimit } from "./octokit.js";
import type { Finding } from "../core/finding.js";
import { kindOf } from "../core/fingerprint.js";
import { MARKER_PREFIX, markersIn, reviewBody } from "../core/render.js";
import type { ReviewComment, ReviewPlan } from "../core/review-plan.js";

export { planReview, type ReviewComment, type ReviewPlan } from "../core/review-plan.js";
import type { RuleSet } from "../core/rules/load.js";


export interface PostedThread {
  threadId: string;
  isResolved: boolean;
  path: string;
  fingerprints: string[];
  /** only the bot wrote in this thread (a human reply means we never touch it) */
  botOnly: boolean;
  /** the new-side line GitHub shows the thread at on the current diff (it follows the code); null when outdated */
  line: number | null;
  /** the line the comment was made on */
  originalLine: number | null;
  /** the bot already replied that the finding is fixed (see resolveFixedThreads) */
  fixedNoted?: boolean;
}

export interface PullState {
  headSha: string;
  open: boolean;
  threads: PostedThread[];
  /** markers at the end of the bot's review bodies (findings listed there) */
  reviewMarkers: Set<string>;
  /** every fingerprint the bot has on the pull request, in threads and review bodies */
  fingerprints: Set<string>;
}

/** Reviews and threads are paged together, each until it is exhausted (`@include` drops a finished one). */
const PULL_STATE_QUERY = `query($owner: String!, $name: String!, $number: Int!, $threadsAfter: String, $reviewsAfter: String, $withThreads: Boolean!, $withReviews: Boolean!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      headRefOid
      state
      reviews(first: 50, after: $reviewsAfter) @include(if: $withReviews) {
        pageInfo { hasNextPage endCursor }
        nodes { body author { __typename login } }
      }
      reviewThreads(first: 100, after: $threadsAfter) @include(if: $withThreads) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved path line originalLine comments(first: 100) { nodes { body author { __typename login } } } }
      }
    }
  }
}`;

type Author = { __typename?: string; login: string } | null;
type Page = { hasNextPage: boolean; endCursor: string | null } | undefined;

interface PullStateData {
  repository: {
    pullRequest: {
      headRefOid: string;
      state: string;
      reviews?: { pageInfo?: Page; nodes: { body: string; author: Author }[] };
      reviewThreads?: {
        pageInfo?: Page;
        nodes: { id: string; isResolved: boolean; path: string; line?: number | null; originalLine?: number | null; comments: { nodes: { body: string; author: Author }[] } }[];
      };
    } | null;
  };
}

/** Whether a GraphQL author is this app's bot (GraphQL names it by the app's slug, a `Bot`). */
export function isOurBot(author: Author, app: AppIdentity): boolean {
  return !!author && author.__typename === "Bot" && (author.login === app.slug || author.login === `${app.slug}[bot]`);
}

/** The same over REST: `<slug>[bot]`, of type `Bot`. */
export function isOurBotUser(user: { login?: string; type?: string } | null | undefined, app: AppIdentity): boolean {
  return !!user && user.type === "Bot" && user.login === `${app.slug}[bot]`;
}

const MAX_PAGES = 100;

/**
 * The PR's current head and what the bot has on it: its threads (with the line GitHub moved each
 * to) and the markers of its review bodies, every page of both. Only this app's comments and
 * reviews count — a marker another bot or a person wrote is just text.
 */
export async function readPullState(gh: GitHub, repo: RepoRef, number: number, app: AppIdentity): Promise<PullState> {
  const threads: PostedThread[] = [];
  const reviewMarkers = new Set<string>();
  let headSha = "";
  let open = true;
  let threadsAfter: string | null = null;
  let reviewsAfter: string | null = null;
  let withThreads = true;
  let withReviews = true;
  for (let page = 0; page < MAX_PAGES && (withThreads || withReviews); page++) {
    let data: PullStateData;
    try {
      data = await gh.graphql<PullStateData>(PULL_STATE_QUERY, { owner: repo.owner, name: repo.repo, number, threadsAfter, reviewsAfter, withThreads, withReviews });
    } catch (e) {
      // GitHub answers a vanished pull request with `pullRequest: null` and a NOT_FOUND error, which Octokit throws
      const errors = (e as { errors?: { type?: string }[] }).errors;
      if (errors?.some((x) => x.type === "NOT_FOUND")) throw Object.assign(new Error("the pull request no longer exists"), { status: 404 });
      throw e;
    }
    const pr = data?.repository?.pullRequest;
    if (!pr) throw Object.assign(new Error("the pull request no longer exists"), { status: 404 });
    headSha = pr.headRefOid;
    open = pr.state === "OPEN";
    if (withReviews) {
      for (const r of pr.reviews?.nodes ?? []) if (isOurBot(r.author, app)) markersIn(r.body).forEach((fp) => reviewMarkers.add(fp));
      withReviews = !!pr.reviews?.pageInfo?.hasNextPage;
      reviewsAfter = pr.reviews?.pageInfo?.endCursor ?? null;
    }
    if (withThreads) {
      for (const t of pr.reviewThreads?.nodes ?? []) {
        const first = t.comments.nodes[0];
        if (!first || !isOurBot(first.author, app)) continue;
        const fps = markersIn(first.body);
        if (!fps.length) continue;
        threads.push({
          threadId: t.id,
          isResolved: t.isResolved,
          path: t.path,
          fingerprints: fps,
          botOnly: t.comments.nodes.every((c) => isOurBot(c.author, app)),
          line: typeof t.line === "number" ? t.line : null,
          originalLine: typeof t.originalLine === "number" ? t.originalLine : null,
          fixedNoted: t.comments.nodes.slice(1).some((c) => isOurBot(c.author, app) && c.body.trimEnd().endsWith(FIXED_MARKER)),
        });
      }
      withThreads = !!pr.reviewThreads?.pageInfo?.hasNextPage;
      threadsAfter = pr.reviewThreads?.pageInfo?.endCursor ?? null;
    }
  }
  const fingerprints = new Set(reviewMarkers);
  for (const t of threads) t.fingerprints.forEach((fp) => fingerprints.add(fp));
  return { headSha, open, threads, reviewMarkers, fingerprints };
}

/** Which paths the threads can be judged against. */
export interface MatchScope {
  /** files analysed in this run (a thread there whose finding is gone is fixed) */
  analysed: Set<string>;
  /** files the pull request removes (every finding there is gone) */
  removed: Set<string>;
  /** every path in the pull request's file list */
  listed: Set<string>;
  /** the file list is complete (GitHub lists at most 3,000 files): a path absent from it left the pull request */
  complete: boolean;
}

export interface PostedMatch {
  /** fingerprints of today's findings whose comment (or review-body entry) is already on the pull request */
  posted: Set<string>;
  /** the bot's own open threads, untouched by people, whose finding is gone */
  gone: PostedThread[];
}

/** The lines a finding's comment can sit on: its statement and the lines its suggestion replaces. */
function covers(f: Finding, line: number): boolean {
  const from = Math.min(f.statementLine, f.fix?.startLine ?? f.statementLine);
  const to = Math.max(f.statementEndLine, f.fix?.endLine ?? f.statementEndLine);
  return line >= from && line <= to;
}

const isCompanion = (fp: string) => fp.endsWith("-import");

/**
 * Today's findings against the bot's earlier comments. Per file and per kind (rule + statement
 * text): a thread GitHub still shows on the current diff belongs to the finding on its line;
 * then equal fingerprints pair up; a thread on a file that left the pull request (a renamed file)
 * belongs to a finding of its kind elsewhere. So fixing one of two identical statements closes
 * that one's thread, an identical statement added above a commented one gets the new comment,
 * and renaming a file repeats nothing. Review-body markers (findings without a thread) count by
 * fingerprint. What is left of the threads is gone.
 */
export function matchPosted(findings: Finding[], state: Pick<PullState, "threads" | "reviewMarkers">, scope: MatchScope): PostedMatch {
  const posted = new Set<string>();
  const open = new Set(findings);
  const kept = new Set<PostedThread>();
  const keptFps = new Set<string>();
  const pair = (t: PostedThread, f: Finding) => {
    open.delete(f);
    kept.add(t);
    t.fingerprints.forEach((fp) => keptFps.add(fp));
    posted.add(f.fingerprint);
  };
  const key = (path: string, fp: string) => `${path}\0${kindOf(fp)}`;
  const findingsAt = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = key(f.path, f.fingerprint);
    findingsAt.set(k, [...(findingsAt.get(k) ?? []), f]);
  }
  const mains = state.threads.filter((t) => !isCompanion(t.fingerprints[0]));
  const threadsAt = new Map<string, PostedThread[]>();
  for (const t of mains) {
    const k = key(t.path, t.fingerprints[0]);
    threadsAt.set(k, [...(threadsAt.get(k) ?? []), t]);
  }
  for (const [k, ts] of threadsAt) {
    const fs = findingsAt.get(k) ?? [];
    // 1. where GitHub shows the thread today
    for (const t of ts) {
      if (t.line === null) continue;
      const f = fs.find((x) => open.has(x) && covers(x, t.line!));
      if (f) pair(t, f);
    }
    // 2. the same fingerprint (the thread is outdated: its line changed, the statement did not)
    for (const t of ts) {
      if (kept.has(t)) continue;
      const f = fs.find((x) => open.has(x) && t.fingerprints.includes(x.fingerprint));
      if (f) pair(t, f);
    }
  }
  // 3. a file that left the pull request: its threads follow their findings to the file's new path
  if (scope.complete) {
    const moved = mains.filter((t) => !kept.has(t) && !scope.listed.has(t.path)).sort((a, b) => (a.originalLine ?? 0) - (b.originalLine ?? 0));
    for (const t of moved) {
      const f = findings.find((x) => open.has(x) && kindOf(x.fingerprint) === kindOf(t.fingerprints[0]));
      if (f) pair(t, f);
    }
  }
  // 4. findings listed in a review body
  for (const f of open) if (state.reviewMarkers.has(f.fingerprint)) posted.add(f.fingerprint);
  const judged = (path: string) => scope.analysed.has(path) || scope.removed.has(path) || (scope.complete && !scope.listed.has(path));
  const gone = state.threads.filter((t) => {
    if (t.isResolved || !t.botOnly || !judged(t.path)) return false;
    if (!isCompanion(t.fingerprints[0])) return !kept.has(t);
    // an import a fix needed stays while the fix's thread (or finding) does
    const base = t.fingerprints[0].replace(/-import$/, "");
    return !keptFps.has(base) && !posted.has(base);
  });
  return { posted, gone };
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
async function markersNow(gh: GitHub, repo: RepoRef, number: number, app: AppIdentity): Promise<Set<string>> {
  try {
    return (await readPullState(gh, repo, number, app)).fingerprints;
  } catch {
    return new Set();
  }
}

/** Whether a review of ours with exactly this body is already on this head (one without inline comments has no markers). */
async function reviewBodyNow(gh: GitHub, repo: RepoRef, number: number, headSha: string, body: string, app: AppIdentity): Promise<boolean> {
  try {
    const reviews = await gh.paginate(gh.rest.pulls.listReviews, { ...repo, pull_number: number, per_page: 100 });
    return reviews.some((r) => isOurBotUser(r.user, app) && r.commit_id === headSha && r.state !== "PENDING" && r.body === body);
  } catch {
    return false;
  }
}

/** A pending review of ours left by an earlier run blocks new reviews: remove it. */
async function deletePendingReviews(gh: GitHub, repo: RepoRef, number: number, app: AppIdentity, limits: LimitPolicy): Promise<boolean> {
  const reviews = await gh.paginate(gh.rest.pulls.listReviews, { ...repo, pull_number: number, per_page: 100 });
  let removed = false;
  for (const r of reviews) {
    if (r.state === "PENDING" && isOurBotUser(r.user, app)) {
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
  app: AppIdentity,
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
      const message = String((e as Error).message ?? "").slice(0, 2000);
      if (status !== undefined && status >= 500) {
        const created = comments.length
          ? await markersNow(gh, repo, number, app).then((markers) => comments.every((c) => markersIn(c.body).every((fp) => markers.has(fp))))
          : await reviewBodyNow(gh, repo, number, headSha, body, app);
        if (created) {
          notes.push("GitHub answered the review with an error but had created it; it was not posted again.");
          return { reviewId: null, inlinePosted: comments.length, notes };
        }
        if (++serverErrors > 1) throw e;
        await limits.sleep(1000);
        continue;
      }
      if (status === 422 && /pending review/i.test(message) && (await deletePendingReviews(gh, repo, number, app, limits))) {
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
 * The bot's own threads whose findings are gone (`matchPosted` chose them; none a human replied
 * to): reply once "Fixed in <sha>." (with a hidden marker, so later pushes do not reply again),
 * and resolve the thread only when the installation was granted `contents: write` — GitHub
 * refuses `resolveReviewThread` to an app without it, and a security bot does not ask for it. A
 * refusal is not a failure: the reply stands. Nothing is minimized.
 */
export async function resolveFixedThreads(
  gh: GitHub,
  gone: PostedThread[],
  headSha: string,
  limits: LimitPolicy = DEFAULT_LIMIT_POLICY,
): Promise<FixedThreads> {
  const done: FixedThreads = { replied: 0, resolved: 0 };
  let mayResolve: boolean | undefined;
  for (const t of gone) {
    if (t.isResolved || !t.botOnly) continue;
    if (!t.fixedNoted) {
      const body = `Fixed in ${headSha.slice(0, 7)}.\n\n${FIXED_MARKER}`;
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
