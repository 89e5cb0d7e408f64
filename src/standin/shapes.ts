/**
 * JSON shapes GitHub answers with (field names and URL forms as in GitHub's OpenAPI description),
 * built from the model.
 */
import { DEFAULT_BRANCH, WEB, nodeId, timestamp, type Json, type Model, type PullState, type RepoState } from "./model.js";

export function user(login: string, type: "User" | "Bot" | "Organization" = "User"): Json {
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

export function bot(model: Model): Json {
  return user(model.botLogin, "Bot");
}

/**
 * The app as `GET /app` describes it, and as a check run names the app that made it (`app`): its
 * permissions and events are the manifest's. `other` describes another app (a test's impostor).
 */
export function app(model: Model, other?: { id: number; slug: string }): Json {
  const id = other?.id ?? model.appId;
  const slug = other?.slug ?? model.appSlug;
  return {
    id,
    slug,
    client_id: `Iv1.${String(id).padStart(16, "0")}`,
    node_id: nodeId("A", id),
    owner: user(other ? `${slug}-dev` : "hunkguard-dev", "Organization"),
    name: other ? slug : (model.manifest.name ?? "HunkGuard"),
    description: other ? null : "Security review of the Python a pull request changes",
    external_url: other ? `https://example.com/${slug}` : "https://github.com/hunkguard/hunkguard",
    html_url: `${WEB}/apps/${slug}`,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    permissions: other ? { checks: "write", metadata: "read" } : { ...model.manifest.default_permissions },
    events: other ? [] : [...model.manifest.default_events],
  };
}

export function repository(model: Model, repo: RepoState): Json {
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
    owner: user(repo.owner),
    html_url: `${WEB}/${full}`,
    description: null,
    fork: repo.forkOf !== undefined,
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

export function pullObject(model: Model, repo: RepoState, pull: PullState): Json {
  const full = `${repo.owner}/${repo.name}`;
  const api = `https://api.github.com/repos/${full}`;
  const n = pull.spec.number;
  const diffs = [...pull.heads.get(pull.headSha)!.values()];
  const state = pull.spec.state ?? "open";
  const repoJson = repository(model, repo);
  const owner = user(repo.owner);
  const branch = (ref: string, sha: string, where = repo) => ({ label: `${where.owner}:${ref}`, ref, sha, user: user(where.owner), repo: where === repo ? repoJson : repository(model, where) });
  // a fork's head branch lives in the fork (created in the model on first use)
  const headRepo = pull.spec.fork ? model.repo(pull.spec.fork.owner, pull.spec.fork.repo, true)! : repo;
  if (pull.spec.fork) headRepo.forkOf = `${repo.owner}/${repo.name}`;
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
    head: branch(pull.spec.headRef!, pull.headSha, headRepo),
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

export function reviewComment(model: Model, owner: string, name: string, number: number, fields: Json): Json {
  const id = model.ids.comment++;
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

/** A review without the comments the model keeps beside it. */
export function reviewShape({ comments: _c, ...review }: Json): Json {
  return structuredClone(review);
}

/** The REST shape of a check run: everything but the accumulated annotations. */
export function publicCheckRun(run: Json): Json {
  const { annotations: _a, ...shape } = run;
  return structuredClone(shape);
}
