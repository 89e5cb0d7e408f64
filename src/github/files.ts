/**
 * Changed files and their contents. Files come from pulls.listFiles (100 a page, GitHub stops at
 * 3,000); contents are read at the head commit in GraphQL batches (one request per 50 files), with
 * REST blobs as the fallback. When GitHub omits a file's patch (large files), the hunks are computed
 * from the base and head texts.
 */
import type { GitHub, RepoRef } from "./octokit.js";
import type { SkippedFile } from "../core/finding.js";
import { parseFilePatch, filePatchFromContents, inOneHunk, type FilePatch } from "../core/hunks.js";
import type { SourceFile } from "../core/report.js";

export const MAX_FILES = 3000;
const GRAPHQL_BATCH = 50;

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

/** Read many blobs in few requests: GraphQL `object(expression: "REV:path")` with aliases. */
export async function readTexts(gh: GitHub, repo: RepoRef, expressions: string[]): Promise<Map<string, BlobText | null>> {
  const out = new Map<string, BlobText | null>();
  for (let i = 0; i < expressions.length; i += GRAPHQL_BATCH) {
    const batch = expressions.slice(i, i + GRAPHQL_BATCH);
    const fields = batch
      .map((expr, j) => `f${j}: object(expression: ${JSON.stringify(expr)}) { ... on Blob { text isBinary byteSize isTruncated } }`)
      .join("\n");
    const query = `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {\n${fields}\n} }`;
    try {
      const data = await gh.graphql<{ repository: Record<string, BlobText | null> }>(query, { owner: repo.owner, name: repo.repo });
      batch.forEach((expr, j) => out.set(expr, data.repository?.[`f${j}`] ?? null));
    } catch {
      // GraphQL refused (permissions, a GitHub Enterprise without it): the callers fall back to REST
      batch.forEach((expr) => out.set(expr, null));
    }
  }
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decode file bytes: strips a BOM; null when not UTF-8. */
export function decodeText(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return null;
  }
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
  /** commit the PR diff is taken against (the merge base), needed only when a patch is missing */
  baseSha: () => Promise<string>;
  maxFileBytes: number;
}

/** Contents and changed lines for every selected file; what cannot be read is listed as skipped. */
export async function prepareFiles(gh: GitHub, repo: RepoRef, files: ChangedFile[], opts: PrepareOptions): Promise<PreparedFiles> {
  const sources: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  const patches = new Map<string, FilePatch>();
  const needBase = files.filter((f) => f.patch === undefined && f.status !== "added");
  const base = needBase.length ? await opts.baseSha() : "";
  const heads = files.map((f) => `${opts.headSha}:${f.path}`);
  const bases = needBase.map((f) => `${base}:${f.previousPath ?? f.path}`);
  const texts = await readTexts(gh, repo, [...heads, ...bases]);

  for (const f of files) {
    let blob = texts.get(`${opts.headSha}:${f.path}`) ?? null;
    if (blob?.isTruncated) blob = null;
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
