/**
 * Changed files, their contents and the repo config. Files come from pulls.listFiles (100 a page,
 * GitHub stops at 3,000); contents are read at the head commit in GraphQL batches (one request per
 * 100 files), with REST blobs as the fallback. The first batch also reads `.github/hunkguard.yml`
 * on the default branch, and the owner's `.github` repository's as its fallback, so the config costs
 * no request of its own. When GitHub omits a file's patch (large files), the hunks are computed from
 * the base and head texts.
 */
import { parseDocument } from "yaml";
import type { GitHub, RepoRef } from "./octokit.js";
import { statusOf } from "./octokit.js";
import type { SkippedFile } from "../core/finding.js";
import { parseFilePatch, filePatchFromContents, inOneHunk, type FilePatch } from "../core/hunks.js";
import type { SourceFile } from "../core/report.js";
import { decodePythonSource, declaresOtherEncoding } from "../core/decode.js";

export const MAX_FILES = 3000;
/** objects per GraphQL request: GitHub's node limit allows far more; 100 keeps an answer of big files reasonable */
export const GRAPHQL_BATCH = 100;
export const CONFIG_PATH = ".github/hunkguard.yml";

export interface ChangedFile {
  path: string;
  previousPath?: string;
  status: string;
  /** head blob sha */
  sha: string;
  patch?: string;
}

export async function listChangedFiles(gh: GitHub, repo: RepoRef, pullNumber: number): Promise<{ files: ChangedFile[]; truncated: boolean }> {
  const raw = await gh.paginate(gh.rest.pulls.listFiles, { ...repo, pull_number: pullNumber, per_page: 100 });
  const files = raw.slice(0, MAX_FILES).map((f) => ({
    path: f.filename,
    ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
    status: f.status,
    sha: f.sha ?? "",
    ...(typeof f.patch === "string" ? { patch: f.patch } : {}),
  }));
  return { files, truncated: raw.length >= MAX_FILES };
}

export interface BlobText {
  text: string | null;
  isBinary: boolean;
  byteSize: number;
  /** GraphQL cuts the text of large blobs: such a text must be read again over REST */
  isTruncated?: boolean;
}

/** The repo config's text as found: in the repository, in the owner's `.github` repository, or nowhere. */
export interface ConfigText {
  text: string | null;
  /** where the text was read (for the check's problems list) */
  from: "repository" | "owner" | null;
  /** a part of the config could not be read (e.g. the owner's `.github` repository refused) */
  problem?: string;
}

export interface TextsRead {
  texts: Map<string, BlobText | null>;
  /** undefined when GraphQL could not answer: the caller reads the config another way */
  config?: ConfigText;
}

const CONFIG_FIELDS = (path: string) => `cfg: object(expression: ${JSON.stringify(`HEAD:${path}`)}) { ... on Blob { text isTruncated } }`;
const OWNER_CONFIG = (path: string) =>
  `org: repository(owner: $owner, name: ".github") { object(expression: ${JSON.stringify(`HEAD:${path}`)}) { ... on Blob { text isTruncated } } }`;

interface GraphqlError {
  type?: string;
  path?: (string | number)[];
  message?: string;
}

type BatchData = { repository?: Record<string, (BlobText & { text: string | null }) | null> | null; org?: { object: { text?: string | null; isTruncated?: boolean } | null } | null };

/**
 * One GraphQL request; partial data is used. GitHub answers a query naming a repository that does
 * not exist (the owner has no `.github` repository) with errors *and* the data of the rest; Octokit
 * throws that as a GraphqlResponseError that carries the data.
 */
async function batchQuery(gh: GitHub, repo: RepoRef, query: string): Promise<{ data: BatchData; errors: GraphqlError[] } | null> {
  try {
    return { data: await gh.graphql<BatchData>(query, { owner: repo.owner, name: repo.repo }), errors: [] };
  } catch (e) {
    const partial = e as { data?: BatchData | null; errors?: GraphqlError[] };
    if (partial.data && Array.isArray(partial.errors)) return { data: partial.data, errors: partial.errors };
    // GraphQL refused (5xx, permissions, a GitHub Enterprise without it): the callers fall back to REST
    return null;
  }
}

function configFrom(data: BatchData, errors: GraphqlError[]): ConfigText | undefined {
  if (!data.repository) return undefined;
  const own = data.repository.cfg;
  if (own && typeof own.text === "string" && !own.isTruncated) return { text: own.text, from: "repository" };
  if (own) return undefined; // there, but not as text GraphQL gives whole: read over REST
  const ownerErrors = errors.filter((x) => x.path?.[0] === "org");
  const org = data.org?.object;
  if (org && typeof org.text === "string" && !org.isTruncated) return { text: org.text, from: "owner" };
  if (org) return undefined;
  // no `.github` repository (or none the app may read: GitHub says NOT_FOUND for both) means no config
  const refused = ownerErrors.find((x) => x.type !== "NOT_FOUND");
  return refused ? { text: null, from: null, problem: `the owner's \`.github\` repository could not be read (${refused.message ?? refused.type})` } : { text: null, from: null };
}

/**
 * Read many blobs in few requests: GraphQL `object(expression: "REV:path")` with aliases, 100 a
 * request. With `withConfig`, the first request also reads the repo config (see ConfigText).
 */
export async function readTexts(gh: GitHub, repo: RepoRef, expressions: string[], opts: { withConfig?: boolean } = {}): Promise<TextsRead> {
  const texts = new Map<string, BlobText | null>();
  let config: ConfigText | undefined;
  const batches = Math.max(opts.withConfig ? 1 : 0, Math.ceil(expressions.length / GRAPHQL_BATCH));
  for (let b = 0; b < batches; b++) {
    const batch = expressions.slice(b * GRAPHQL_BATCH, (b + 1) * GRAPHQL_BATCH);
    const withConfig = opts.withConfig && b === 0;
    const fields = batch.map((expr, j) => `f${j}: object(expression: ${JSON.stringify(expr)}) { ... on Blob { text isBinary byteSize isTruncated } }`);
    if (withConfig) fields.push(CONFIG_FIELDS(CONFIG_PATH));
    const query = `query($owner: String!, $name: String!) {\nrepository(owner: $owner, name: $name) {\n${fields.join("\n")}\n}${withConfig ? `\n${OWNER_CONFIG(CONFIG_PATH)}` : ""}\n}`;
    const answer = await batchQuery(gh, repo, query);
    batch.forEach((expr, j) => texts.set(expr, answer?.data.repository?.[`f${j}`] ?? null));
    if (withConfig && answer) config = configFrom(answer.data, answer.errors);
  }
  return { texts, ...(config ? { config } : {}) };
}

/** What `.github/hunkguard.yml` holds, as data for parseConfig, with what could not be used. */
export interface ConfigData {
  data: unknown;
  problems: string[];
}

/** Parse the config's YAML: invalid YAML is a problem shown in the check, and the defaults apply. */
export function configData(found: ConfigText): ConfigData {
  const problems = found.problem ? [found.problem] : [];
  if (found.text === null) return { data: null, problems };
  const doc = parseDocument(found.text, { uniqueKeys: true });
  if (doc.errors.length) {
    // the first line says what and where ("… at line 2, column 3:"); the rest is a quote of the file
    const what = doc.errors[0].message.split("\n")[0].replace(/:$/, "");
    return { data: null, problems: [...problems, `the file is not valid YAML (${what}); every key uses its default`] };
  }
  return { data: doc.toJS({ maxAliasCount: 100 }), problems };
}

/**
 * The config over REST, as Probot's `context.config` reads it (the repository's file on the default
 * branch, else the owner's `.github` repository's, following `_extends`): used only when GraphQL
 * could not answer, or when the config extends another.
 */
export async function readConfigRest(gh: GitHub, repo: RepoRef, start?: { text: string; from: "repository" | "owner" }): Promise<ConfigData> {
  const read = async (where: RepoRef, path = CONFIG_PATH): Promise<string | null> => {
    try {
      const { data } = await gh.rest.repos.getContent({ ...where, path, mediaType: { format: "raw" } });
      return typeof data === "string" ? data : null;
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  };
  let first: string | null;
  let at: RepoRef;
  if (start) {
    first = start.text;
    at = start.from === "repository" ? repo : { owner: repo.owner, repo: ".github" };
  } else {
    first = await read(repo);
    at = repo;
    if (first === null && repo.repo !== ".github") {
      at = { owner: repo.owner, repo: ".github" };
      first = await read(at);
    }
  }
  const head = configData({ text: first, from: null });
  // `_extends: [owner/]repo[:path]`: the named file's keys under this one's, as Probot merges them
  const layers: unknown[] = [head.data];
  const problems = [...head.problems];
  const seen = new Set([`${at.owner}/${at.repo}:${CONFIG_PATH}`]);
  for (let depth = 0; depth < 5; depth++) {
    const top = layers[layers.length - 1] as Record<string, unknown> | null;
    const ext = top && typeof top === "object" && !Array.isArray(top) ? top._extends : undefined;
    if (ext === undefined) break;
    delete top!._extends;
    const m = typeof ext === "string" ? /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i.exec(ext) : null;
    if (!m) {
      problems.push(`\`_extends\`: ${JSON.stringify(ext)} is not \`[owner/]repo[:path.yml]\``);
      break;
    }
    const next = { owner: m[1] || repo.owner, repo: m[2] };
    const path = m[3] || CONFIG_PATH;
    const key = `${next.owner}/${next.repo}:${path}`;
    if (seen.has(key)) {
      problems.push(`\`_extends\`: ${key} is extended twice (a loop); ignored`);
      break;
    }
    seen.add(key);
    const parsed = configData({ text: await read(next, path), from: null });
    problems.push(...parsed.problems.map((p) => `${key}: ${p}`));
    layers.push(parsed.data);
  }
  const objects = layers.filter((l): l is Record<string, unknown> => !!l && typeof l === "object" && !Array.isArray(l));
  const data = layers.length === 1 ? layers[0] : Object.assign({}, ...objects.reverse());
  return { data, problems };
}

/** Decode file bytes as Python does (BOM, PEP 263 coding cookie, else UTF-8); null when they are not Python source text. */
export function decodeText(bytes: Uint8Array): string | null {
  const decoded = decodePythonSource(bytes);
  return "text" in decoded ? decoded.text : null;
}

/** A file's text at a commit over REST (raw media type: works up to 100 MB); null when unreadable. */
async function readTextAtRest(gh: GitHub, repo: RepoRef, path: string, ref: string): Promise<string | null> {
  try {
    const { data } = await gh.rest.repos.getContent({ ...repo, path, ref, mediaType: { format: "raw" } });
    return typeof data === "string" ? data : null;
  } catch {
    return null;
  }
}

async function readBlobRest(gh: GitHub, repo: RepoRef, sha: string): Promise<{ text: string | null; binary: boolean; size: number }> {
  const { data } = await gh.rest.git.getBlob({ ...repo, file_sha: sha });
  const bytes = Buffer.from(data.content, (data.encoding as BufferEncoding) || "base64");
  const binary = bytes.includes(0);
  return { text: binary ? null : decodeText(bytes), binary, size: bytes.length };
}

export interface PreparedFiles {
  sources: SourceFile[];
  skipped: SkippedFile[];
  patches: Map<string, FilePatch>;
}

export interface PrepareOptions {
  headSha: string;
  /** texts already read (by `readTexts`, keyed "REV:path"): only the others are requested */
  texts?: Map<string, BlobText | null>;
  /** commit the PR diff is taken against (the merge base), needed only when a patch is missing */
  baseSha: () => Promise<string>;
  maxFileBytes: number;
}

/** The blobs a set of files needs: each head text, and the base text of those GitHub gave no patch for. */
async function expressionsFor(files: ChangedFile[], opts: Pick<PrepareOptions, "headSha" | "baseSha">): Promise<{ expressions: string[]; base: string }> {
  const needBase = files.filter((f) => f.patch === undefined && f.status !== "added");
  const base = needBase.length ? await opts.baseSha() : "";
  const heads = files.map((f) => `${opts.headSha}:${f.path}`);
  const bases = needBase.map((f) => `${base}:${f.previousPath ?? f.path}`);
  return { expressions: [...heads, ...bases], base };
}

/** The contents of `files` and the repo config, in one GraphQL request per 100 blobs. */
export async function readContentsAndConfig(gh: GitHub, repo: RepoRef, files: ChangedFile[], opts: Pick<PrepareOptions, "headSha" | "baseSha">): Promise<TextsRead> {
  const { expressions } = await expressionsFor(files, opts);
  return readTexts(gh, repo, expressions, { withConfig: true });
}

/** Contents and changed lines for every selected file; what cannot be read is listed as skipped. */
export async function prepareFiles(gh: GitHub, repo: RepoRef, files: ChangedFile[], opts: PrepareOptions): Promise<PreparedFiles> {
  const sources: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  const patches = new Map<string, FilePatch>();
  const { expressions, base } = await expressionsFor(files, opts);
  const texts = new Map(opts.texts ?? []);
  const unread = expressions.filter((expr) => !texts.has(expr));
  if (unread.length) for (const [expr, blob] of (await readTexts(gh, repo, unread)).texts) texts.set(expr, blob);

  for (const f of files) {
    let blob = texts.get(`${opts.headSha}:${f.path}`) ?? null;
    // GitHub's text is UTF-8: a file declaring another encoding is read again as bytes
    if (blob?.isTruncated || (blob?.text && declaresOtherEncoding(blob.text))) blob = null;
    let text: string | null = blob?.text ?? null;
    let binary = blob?.isBinary ?? false;
    let size = blob?.byteSize ?? (text?.length ?? 0);
    if (!blob || (text === null && !binary)) {
      try {
        const r = await readBlobRest(gh, repo, f.sha);
        ({ text, binary, size } = r);
        blob = { text, isBinary: binary, byteSize: size };
      } catch (e) {
        skipped.push({ path: f.path, reason: `could not read the file (${(e as Error).message})` });
        continue;
      }
    }
    if (binary) {
      skipped.push({ path: f.path, reason: "binary content" });
      continue;
    }
    if (text === null) {
      skipped.push({ path: f.path, reason: "not valid UTF-8" });
      continue;
    }
    if (size > opts.maxFileBytes) {
      skipped.push({ path: f.path, reason: `${size} bytes, over the ${opts.maxFileBytes}-byte limit` });
      continue;
    }
    text = text.replace(/^\uFEFF/, "");
    let patch: FilePatch;
    try {
      if (f.patch !== undefined) patch = parseFilePatch(f.patch);
      else if (f.status === "added") patch = filePatchFromContents("", text);
      else {
        // the base text decides which lines are added: a guess (or a cut text) would report unchanged code
        const basePath = f.previousPath ?? f.path;
        const read = texts.get(`${base}:${basePath}`);
        const baseText = read && !read.isTruncated && read.text !== null ? read.text : await readTextAtRest(gh, repo, basePath, base);
        if (baseText === null) {
          skipped.push({ path: f.path, reason: "GitHub gave no diff for this file and its base version could not be read" });
          continue;
        }
        patch = filePatchFromContents(baseText.replace(/^\uFEFF/, ""), text);
      }
    } catch (e) {
      skipped.push({ path: f.path, reason: `the diff could not be read (${(e as Error).message})` });
      continue;
    }
    patches.set(f.path, patch);
    sources.push({
      path: f.path,
      text,
      changed: {
        added: patch.addedLines,
        commentable: patch.commentableLines,
        inOneHunk: (s, e) => inOneHunk(patch, s, e),
      },
    });
  }
  return { sources, skipped, patches };
}
