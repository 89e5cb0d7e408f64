/**
 * Changed files, their contents and the repo config. Files come from pulls.listFiles (100 a page,
 * GitHub stops at 3,000). Contents are read at the head commit in two GraphQL steps: first every
 * blob's size (tiny answers; the first request also reads `.github/hunkguard.yml` on the default
 * branch, and the owner's `.github` repository's as its fallback), then the texts in batches of at
 * most 100 blobs and 2 MB — one big file must never make a whole answer too large to parse. A file
 * over the size limit is skipped by name without being read; a large one within it is read alone
 * over REST (raw). When GitHub omits a file's patch, the hunks are computed from the base and head
 * texts.
 */
import type { GitHub, RepoRef } from "./octokit.js";
import { describeError, statusOf } from "./octokit.js";
import type { SkippedFile } from "../core/finding.js";
import { parseFilePatch, filePatchFromContents, changedLinesOf, type FilePatch } from "../core/hunks.js";
import type { SourceFile } from "../core/report.js";
import { decodePythonSource, declaresOtherEncoding } from "../core/decode.js";
import { CONFIG_FIELDS, OWNER_CONFIG, configFromGraphql, type ConfigText } from "./config.js";

export const MAX_FILES = 3000;
/** objects per GraphQL request: GitHub's node limit allows far more; 100 keeps an answer of big files reasonable */
export const GRAPHQL_BATCH = 100;
/** bytes of text per GraphQL request: Octokit cannot parse an answer of much more than 8 MB (escaping can double the text) */
export const GRAPHQL_TEXT_BYTES = 2 * 1024 * 1024;
/** a text larger than this is read alone over REST in the raw media type (no JSON to parse) */
export const GRAPHQL_SINGLE_TEXT_BYTES = 1024 * 1024;

export interface ChangedFile {
  path: string;
  previousPath?: string;
  status: string;
  /** head blob sha */
  sha: string;
  patch?: string;
}

/**
 * The pull request's changed files. GitHub lists at most 3,000: exactly 3,000 is a complete list
 * unless the pull request counts more (`changed_files`, from the event or asked once).
 */
export async function listChangedFiles(gh: GitHub, repo: RepoRef, pullNumber: number, changedFiles?: number): Promise<{ files: ChangedFile[]; truncated: boolean }> {
  const raw = await gh.paginate(gh.rest.pulls.listFiles, { ...repo, pull_number: pullNumber, per_page: 100 });
  const files = raw.slice(0, MAX_FILES).map((f) => ({
    path: f.filename,
    ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
    status: f.status,
    sha: typeof f.sha === "string" ? f.sha : "",
    ...(typeof f.patch === "string" ? { patch: f.patch } : {}),
  }));
  let truncated = raw.length > MAX_FILES;
  if (!truncated && raw.length === MAX_FILES) {
    const total = changedFiles ?? (await gh.rest.pulls.get({ ...repo, pull_number: pullNumber })).data.changed_files;
    truncated = total > MAX_FILES;
  }
  return { files, truncated };
}

export interface BlobText {
  text: string | null;
  isBinary: boolean;
  byteSize: number;
  /** GraphQL cuts the text of large blobs: such a text must be read again over REST */
  isTruncated?: boolean;
}

/** A blob's size, asked before its text. */
export interface BlobSize {
  byteSize: number;
  isBinary: boolean;
}

export interface SizesRead {
  /** by "REV:path": null when GitHub has no blob there; undefined when GraphQL could not answer */
  sizes: Map<string, BlobSize | null | undefined>;
  /** undefined when GraphQL could not answer: the caller reads the config another way */
  config?: ConfigText;
}

interface GraphqlError {
  type?: string;
  path?: (string | number)[];
  message?: string;
}

type BatchData = { repository?: Record<string, (Partial<BlobText> & BlobSize) | null> | null; org?: { object: { text?: string | null; isTruncated?: boolean } | null } | null };

/**
 * One GraphQL request; partial data is used. GitHub answers a query naming a repository that does
 * not exist (the owner has no `.github` repository) with errors *and* the data of the rest; Octokit
 * throws that as a GraphqlResponseError that carries the data. An answer that is not an object
 * (too large for Octokit to parse comes back as a string) counts as no answer.
 */
async function batchQuery(gh: GitHub, repo: RepoRef, query: string): Promise<{ data: BatchData; errors: GraphqlError[] } | null> {
  const usable = (d: unknown): d is BatchData => !!d && typeof d === "object" && !Array.isArray(d);
  try {
    const data = await gh.graphql<BatchData>(query, { owner: repo.owner, name: repo.repo });
    return usable(data) ? { data, errors: [] } : null;
  } catch (e) {
    const partial = e as { data?: BatchData | null; errors?: GraphqlError[] };
    if (usable(partial.data) && Array.isArray(partial.errors)) return { data: partial.data, errors: partial.errors };
    // GraphQL refused (5xx, permissions, a GitHub Enterprise without it): the callers fall back to REST
    return null;
  }
}

/**
 * The sizes of many blobs (no text: the answers stay small), 100 a request, by GraphQL
 * `object(expression: "REV:path")`. With `withConfig`, the first request also reads the repo
 * config (see ConfigText).
 */
export async function readSizes(gh: GitHub, repo: RepoRef, expressions: string[], opts: { withConfig?: boolean } = {}): Promise<SizesRead> {
  const sizes = new Map<string, BlobSize | null | undefined>();
  let config: ConfigText | undefined;
  const batches = Math.max(opts.withConfig ? 1 : 0, Math.ceil(expressions.length / GRAPHQL_BATCH));
  for (let b = 0; b < batches; b++) {
    const batch = expressions.slice(b * GRAPHQL_BATCH, (b + 1) * GRAPHQL_BATCH);
    const withConfig = opts.withConfig && b === 0;
    const fields = batch.map((expr, j) => `s${j}: object(expression: ${JSON.stringify(expr)}) { ... on Blob { byteSize isBinary } }`);
    if (withConfig) fields.push(CONFIG_FIELDS());
    const query = `query($owner: String!, $name: String!) {\nrepository(owner: $owner, name: $name) {\n${fields.join("\n")}\n}${withConfig ? `\n${OWNER_CONFIG()}` : ""}\n}`;
    const answer = await batchQuery(gh, repo, query);
    batch.forEach((expr, j) => {
      if (!answer) return sizes.set(expr, undefined);
      const o = answer.data.repository?.[`s${j}`];
      sizes.set(expr, o && typeof o.byteSize === "number" ? { byteSize: o.byteSize, isBinary: o.isBinary === true } : null);
    });
    if (withConfig && answer) config = configFromGraphql(answer.data, answer.errors);
  }
  return { sizes, ...(config ? { config } : {}) };
}

/**
 * The texts of blobs whose sizes are known to be small, in GraphQL requests of at most 100 blobs
 * and `GRAPHQL_TEXT_BYTES` bytes. A blob missing from the answer maps to null (read over REST).
 */
export async function readTexts(gh: GitHub, repo: RepoRef, blobs: { expression: string; byteSize: number }[]): Promise<Map<string, BlobText | null>> {
  const texts = new Map<string, BlobText | null>();
  const batches: string[][] = [];
  let batch: string[] = [];
  let bytes = 0;
  for (const b of blobs) {
    if (batch.length && (batch.length >= GRAPHQL_BATCH || bytes + b.byteSize > GRAPHQL_TEXT_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(b.expression);
    bytes += b.byteSize;
  }
  if (batch.length) batches.push(batch);
  for (const exprs of batches) {
    const fields = exprs.map((expr, j) => `f${j}: object(expression: ${JSON.stringify(expr)}) { ... on Blob { text isBinary byteSize isTruncated } }`);
    const answer = await batchQuery(gh, repo, `query($owner: String!, $name: String!) {\nrepository(owner: $owner, name: $name) {\n${fields.join("\n")}\n}\n}`);
    exprs.forEach((expr, j) => {
      const o = answer?.data.repository?.[`f${j}`];
      texts.set(expr, o && typeof o.byteSize === "number" ? { text: typeof o.text === "string" ? o.text : null, isBinary: o.isBinary === true, byteSize: o.byteSize, isTruncated: o.isTruncated === true } : null);
    });
  }
  return texts;
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
  /** sizes already asked (by `readSizes`, keyed "REV:path"; undefined: GraphQL could not say): only the others are asked */
  sizes?: Map<string, BlobSize | null | undefined>;
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

/** The sizes of `files`' blobs and the repo config, in one GraphQL request per 100 blobs. */
export async function readContentsAndConfig(gh: GitHub, repo: RepoRef, files: ChangedFile[], opts: Pick<PrepareOptions, "headSha" | "baseSha">): Promise<SizesRead> {
  const { expressions } = await expressionsFor(files, opts);
  return readSizes(gh, repo, expressions, { withConfig: true });
}

const isBlobSha = (sha: string) => /^[0-9a-f]{40}$/.test(sha);

/**
 * Contents and changed lines for every selected file; what cannot be read is listed as skipped,
 * by name with the reason. Sizes first: a file over `maxFileBytes` is never read, one over 1 MB is
 * read alone over REST, the rest in GraphQL batches bounded in bytes.
 */
export async function prepareFiles(gh: GitHub, repo: RepoRef, files: ChangedFile[], opts: PrepareOptions): Promise<PreparedFiles> {
  const sources: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  const patches = new Map<string, FilePatch>();
  const { expressions, base } = await expressionsFor(files, opts);
  const sizes = new Map(opts.sizes ?? []);
  const unsized = expressions.filter((expr) => !sizes.has(expr));
  if (unsized.length) {
    const read = await readSizes(gh, repo, unsized);
    for (const expr of unsized) sizes.set(expr, read.sizes.get(expr));
  }
  const inGraphql = (z: BlobSize | null | undefined): z is BlobSize => !!z && !z.isBinary && z.byteSize <= Math.min(opts.maxFileBytes, GRAPHQL_SINGLE_TEXT_BYTES);
  const wanted = expressions.flatMap((expression) => {
    const z = sizes.get(expression);
    return inGraphql(z) ? [{ expression, byteSize: z.byteSize }] : [];
  });
  const texts = wanted.length ? await readTexts(gh, repo, wanted) : new Map<string, BlobText | null>();
  const tooLarge = (size: number) => `${size} bytes, over the ${opts.maxFileBytes}-byte limit`;

  for (const f of files) {
    const known = sizes.get(`${opts.headSha}:${f.path}`);
    if (known?.isBinary) {
      skipped.push({ path: f.path, reason: "binary content" });
      continue;
    }
    if (known && known.byteSize > opts.maxFileBytes) {
      skipped.push({ path: f.path, reason: tooLarge(known.byteSize) });
      continue;
    }
    const blob = texts.get(`${opts.headSha}:${f.path}`);
    // GitHub's text is UTF-8: a file declaring another encoding (PEP 263) is read again as bytes
    const asBytes = (t: string | null | undefined) => !!t && declaresOtherEncoding(t);
    let text: string | null = null;
    let binary = false;
    let size = 0;
    let read = false;
    if (blob && !blob.isTruncated && (blob.text !== null || blob.isBinary) && !asBytes(blob.text)) {
      ({ text, isBinary: binary, byteSize: size } = blob);
      read = true;
    } else if (known && known.byteSize > GRAPHQL_SINGLE_TEXT_BYTES) {
      const raw = await readTextAtRest(gh, repo, f.path, opts.headSha);
      if (raw === null) {
        skipped.push({ path: f.path, reason: "could not read the file" });
        continue;
      }
      if (!asBytes(raw)) {
        text = raw;
        size = known.byteSize;
        read = true;
      }
    }
    if (!read) {
      // GraphQL could not say, cut the text, has no blob there, or the file is in another encoding: the blob by its sha over REST
      if (!isBlobSha(f.sha)) {
        skipped.push({ path: f.path, reason: "GitHub gave no blob id for this file and its text could not be read" });
        continue;
      }
      try {
        ({ text, binary, size } = await readBlobRest(gh, repo, f.sha));
      } catch (e) {
        skipped.push({ path: f.path, reason: `could not read the file (${describeError(e, 200)})` });
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
      skipped.push({ path: f.path, reason: tooLarge(size) });
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
        const baseSize = sizes.get(`${base}:${basePath}`);
        if (baseSize && baseSize.byteSize > opts.maxFileBytes) {
          skipped.push({ path: f.path, reason: `GitHub gave no diff for this file and its base version is over the ${opts.maxFileBytes}-byte limit` });
          continue;
        }
        const read = texts.get(`${base}:${basePath}`);
        const baseText = read && !read.isTruncated && read.text !== null ? read.text : await readTextAtRest(gh, repo, basePath, base);
        if (baseText === null) {
          skipped.push({ path: f.path, reason: "GitHub gave no diff for this file and its base version could not be read" });
          continue;
        }
        patch = filePatchFromContents(baseText.replace(/^\uFEFF/, ""), text);
      }
    } catch (e) {
      skipped.push({ path: f.path, reason: `the diff could not be read (${describeError(e, 200)})` });
      continue;
    }
    patches.set(f.path, patch);
    sources.push({
      path: f.path,
      text,
      changed: changedLinesOf(patch),
    });
  }
  return { sources, skipped, patches };
}
