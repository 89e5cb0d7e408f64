/**
 * The GraphQL side of the stand-in's model: view objects whose properties and methods graphql-js
 * resolves against GitHub's schema (see graphql.ts). Only what HunkGuard reads and writes is
 * modelled — repositories, blobs by `object(expression:)`, pull requests with their reviews and
 * review threads, and the thread mutations — each field checked against the caller's permissions.
 */
import { gitBlobSha } from "./diff.js";
import { connection, GitHubGraphqlError, type PageArgs } from "./graphql.js";
import { GRAPHQL_REQUIREMENTS, NOT_ACCESSIBLE, allows } from "./permissions.js";
import { reviewComment, user } from "./shapes.js";
import { nodeId, timestamp, type Caller, type Json, type Model, type PullState, type RepoState, type Thread } from "./model.js";

const MAX_COMMENT_BODY = 65536;

/** Throws GitHub's FORBIDDEN error when the caller lacks what `field` requires. */
function need(caller: Caller, field: keyof typeof GRAPHQL_REQUIREMENTS | string): void {
  const required = GRAPHQL_REQUIREMENTS[field];
  if (!required) return;
  const granted = caller.kind === "installation" ? caller.permissions : {};
  if (!allows(granted, required.permission, required.access)) throw new GitHubGraphqlError("FORBIDDEN", NOT_ACCESSIBLE);
}

/** GraphQL names a GitHub App's bot without the "[bot]" suffix REST uses. */
function actor(u: Json | null | undefined): Json | null {
  if (!u) return null;
  const isBot = u.type === "Bot";
  const login = isBot ? String(u.login).replace(/\[bot\]$/, "") : u.login;
  return { __typename: isBot ? "Bot" : "User", login, url: u.html_url, avatarUrl: () => u.avatar_url, resourcePath: new URL(u.html_url).pathname };
}

export function graphqlRoots(model: Model, caller: Caller): { query: object; mutation: object } {
  const repoView = (repo: RepoState): Json => ({
    __typename: "Repository",
    id: nodeId("R", repo.id),
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: `${repo.owner}/${repo.name}`,
    isFork: repo.forkOf !== undefined,
    owner: { __typename: "User", login: repo.owner },
    object: ({ expression }: { expression?: string }) => {
      need(caller, "Repository.object");
      return objectView(repo, expression ?? "");
    },
    pullRequest: ({ number }: { number: number }) => {
      need(caller, "Repository.pullRequest");
      const pull = repo.pulls.get(number);
      if (!pull) throw new GitHubGraphqlError("NOT_FOUND", `Could not resolve to a PullRequest with the number of ${number}.`);
      return pullView(repo, pull);
    },
  });

  const objectView = (repo: RepoState, expression: string): Json | null => {
    const overridden = model.blobOverride?.(expression);
    if (overridden !== undefined) return overridden === null ? null : { __typename: "Blob", oid: "0".repeat(40), abbreviatedOid: "0000000", ...overridden };
    const colon = expression.indexOf(":");
    const commit = colon > 0 ? model.resolveRef(repo, expression.slice(0, colon)) : undefined;
    if (!commit) return null;
    const path = expression.slice(colon + 1).replace(/^\/+|\/+$/g, "");
    const content = model.fileAt(repo, commit, path);
    if (content === undefined) {
      const isDir = path === "" || [...commit.files.keys()].some((p) => p.startsWith(`${path}/`));
      return isDir ? { __typename: "Tree", oid: gitBlobSha(`tree ${commit.sha}:${path}`) } : null;
    }
    const binary = content.includes("\u0000");
    const oid = gitBlobSha(content);
    return { __typename: "Blob", id: nodeId("B", oid), oid, abbreviatedOid: oid.slice(0, 7), byteSize: Buffer.byteLength(content), isBinary: binary, isTruncated: false, text: binary ? null : content };
  };

  const commentView = (repo: RepoState, pull: PullState, c: Json): Json => ({
    __typename: "PullRequestReviewComment",
    id: c.node_id,
    databaseId: c.id,
    body: c.body,
    author: actor(c.user),
    createdAt: c.created_at,
    path: c.path,
    url: c.html_url,
    outdated: c.line === null,
    line: c.line,
    originalLine: c.original_line,
    diffHunk: c.diff_hunk,
    pullRequest: () => pullView(repo, pull),
  });

  const threadView = (repo: RepoState, pull: PullState, thread: Thread): Json => {
    const root = pull.comments.find((c) => c.id === thread.rootId)!;
    const comments = pull.comments.filter((c) => c.id === root.id || c.in_reply_to_id === root.id);
    const granted = caller.kind === "installation" ? caller.permissions : {};
    return {
      __typename: "PullRequestReviewThread",
      id: thread.id,
      isResolved: thread.isResolved,
      isCollapsed: thread.isResolved,
      isOutdated: root.line === null,
      path: root.path,
      line: root.line,
      originalLine: root.original_line,
      startLine: root.start_line,
      originalStartLine: root.original_start_line,
      diffSide: root.side,
      startDiffSide: root.start_side,
      subjectType: "LINE",
      resolvedBy: thread.resolvedBy ? { __typename: "User", login: thread.resolvedBy } : null,
      viewerCanResolve: allows(granted, "contents", "write") && !thread.isResolved,
      viewerCanUnresolve: allows(granted, "contents", "write") && thread.isResolved,
      viewerCanReply: allows(granted, "pull_requests", "write"),
      comments: (args: PageArgs) => connection(comments, args, "comments", (c) => commentView(repo, pull, c)),
      pullRequest: () => pullView(repo, pull),
      repository: () => repoView(repo),
    };
  };

  const pullView = (repo: RepoState, pull: PullState): Json => ({
    __typename: "PullRequest",
    id: nodeId("PR", pull.id),
    databaseId: pull.id,
    number: pull.spec.number,
    title: `Pull request #${pull.spec.number}`,
    state: (pull.spec.state ?? "open") === "closed" ? "CLOSED" : "OPEN",
    isDraft: pull.spec.draft ?? false,
    headRefOid: pull.headSha,
    headRefName: pull.spec.headRef,
    baseRefOid: pull.spec.baseSha,
    baseRefName: "main",
    isCrossRepository: pull.spec.fork !== undefined,
    url: `https://github.com/${repo.owner}/${repo.name}/pull/${pull.spec.number}`,
    // a pending review is visible to its author only
    reviews: (args: PageArgs) =>
      connection(
        pull.reviews.filter((r) => r.state !== "PENDING"),
        args,
        "reviews",
        (r) => ({ __typename: "PullRequestReview", id: r.node_id, databaseId: r.id, body: r.body ?? "", state: r.state, author: actor(r.user), submittedAt: r.submitted_at ?? null }),
      ),
    reviewThreads: (args: PageArgs) => connection(pull.threads, args, "reviewThreads", (t) => threadView(repo, pull, t)),
    repository: () => repoView(repo),
  });

  const thread = (id: unknown) => {
    const found = typeof id === "string" ? model.findThread(id) : undefined;
    if (!found) throw new GitHubGraphqlError("NOT_FOUND", `Could not resolve to a node with the global id of '${String(id)}'`);
    return found;
  };

  const setResolved = (field: string, resolved: boolean) => ({ input }: { input: Json }) => {
    need(caller, field);
    const { repo, pull, thread: t } = thread(input.threadId);
    t.isResolved = resolved;
    t.resolvedBy = resolved ? model.appSlug : null;
    return { clientMutationId: input.clientMutationId ?? null, thread: threadView(repo, pull, t) };
  };

  const query = {
    repository: ({ owner, name }: { owner: string; name: string }) => {
      need(caller, "Query.repository");
      const repo = model.repo(owner, name);
      if (!repo) throw new GitHubGraphqlError("NOT_FOUND", `Could not resolve to a Repository with the name '${owner}/${name}'.`);
      if (repo.refusal) throw new GitHubGraphqlError(repo.refusal.type, repo.refusal.message);
      return repoView(repo);
    },
  };

  const mutation = {
    resolveReviewThread: setResolved("Mutation.resolveReviewThread", true),
    unresolveReviewThread: setResolved("Mutation.unresolveReviewThread", false),
    /** A reply joins the thread as a comment of its own (single-comment) review, as GitHub records it. */
    addPullRequestReviewThreadReply: ({ input }: { input: Json }) => {
      need(caller, "Mutation.addPullRequestReviewThreadReply");
      const { repo, pull, thread: t } = thread(input.pullRequestReviewThreadId);
      const body = String(input.body ?? "");
      if (body.trim() === "") throw new GitHubGraphqlError("UNPROCESSABLE", "Body can't be blank");
      if (body.length > MAX_COMMENT_BODY) throw new GitHubGraphqlError("UNPROCESSABLE", `Body is too long (maximum is ${MAX_COMMENT_BODY} characters)`);
      const root = pull.comments.find((c) => c.id === t.rootId)!;
      const author = caller.kind === "installation" ? user(model.botLogin, "Bot") : user("octocat");
      const reviewId = model.ids.review++;
      const comment = reviewComment(model, repo.owner, repo.name, pull.spec.number, {
        ...root,
        user: author,
        body,
        in_reply_to_id: root.id,
        pull_request_review_id: reviewId,
        commit_id: root.commit_id,
        original_commit_id: root.original_commit_id,
        author_association: "NONE",
      });
      pull.reviews.push({
        id: reviewId,
        node_id: nodeId("PRR", reviewId),
        user: author,
        body: "",
        state: "COMMENTED",
        html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${pull.spec.number}#pullrequestreview-${reviewId}`,
        pull_request_url: `https://api.github.com/repos/${repo.owner}/${repo.name}/pulls/${pull.spec.number}`,
        author_association: "NONE",
        _links: { html: { href: "" }, pull_request: { href: "" } },
        submitted_at: timestamp(),
        commit_id: root.commit_id,
        comments: [comment],
      });
      pull.comments.push(comment);
      return { clientMutationId: input.clientMutationId ?? null, comment: commentView(repo, pull, comment) };
    },
  };

  return { query, mutation };
}

/** A thread as GraphQL lists it, for the stand-in's own inspection API (full permissions). */
export function threadSnapshot(model: Model, owner: string, name: string, number: number): Json[] {
  const repo = model.repo(owner, name);
  const pull = repo?.pulls.get(number);
  if (!repo || !pull) return [];
  return pull.threads.map((t) => {
    const root = pull.comments.find((c) => c.id === t.rootId)!;
    const comments = pull.comments.filter((c) => c.id === root.id || c.in_reply_to_id === root.id);
    return {
      id: t.id,
      isResolved: t.isResolved,
      isOutdated: root.line === null,
      path: root.path,
      line: root.line,
      originalLine: root.original_line,
      startLine: root.start_line,
      diffSide: root.side,
      resolvedBy: t.resolvedBy ? { login: t.resolvedBy } : null,
      comments: {
        totalCount: comments.length,
        nodes: comments.map((c) => ({ id: c.node_id, databaseId: c.id, body: c.body, author: actor(c.user) && { __typename: actor(c.user)!.__typename, login: actor(c.user)!.login }, createdAt: c.created_at, path: c.path, url: c.html_url, outdated: c.line === null })),
      },
    };
  });
}
