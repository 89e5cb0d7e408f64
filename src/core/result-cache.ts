/**
 * A content-addressed cache of per-file analyses. The report of one file is a pure function of
 * (its path and text, the lines its diff changes, the rule set, the effective options, HunkGuard's
 * code): the key hashes exactly those, so a hit is the report the analysis would give, byte for byte.
 *
 * - `MemoryResultCache`: an LRU bounded by bytes (the app in process mode; `HUNKGUARD_CACHE_MB`).
 * - `RedisResultCache` (src/github/redis-result-cache.ts, core has no network): shared by the
 *   workers in Redis mode, every entry with a TTL, bounded in entries and in bytes per entry.
 * - `analyzeManyCached`: `analyzeMany` that looks every file up first and analyses only the misses.
 *
 * Only complete analyses are stored: a report with a skipped file (time limit, crash, size) or a
 * failed rule is analysed again next time.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FilePatch } from "./hunks.js";
import { analyzeMany, type AnalysisPool, type AnalyzeManyOptions, type PoolFile } from "./pool.js";
import type { Report } from "./report.js";
import { compiledCodeHash, defaultRulesDir } from "./rules/load.js";

export interface ResultCache {
  /** the stored report (a fresh copy), or undefined; never throws (a cache that fails is a miss) */
  get(key: string): Promise<Report | undefined>;
  /** store; never throws */
  set(key: string, report: Report): Promise<void>;
}

/** Bumped when the cached value's shape changes. */
const FORMAT = 1;

let versionMemo: string | undefined;

/**
 * HunkGuard's version and a fingerprint of the code and rules that analyse: the package version and
 * the build's hash of the engine, the rule code and every rule file (`npm run build`, see
 * `compiledCodeHash`) — the same on every machine running the same build, so workers share entries.
 * Without a build (ts-jest), or with a rule file edited since the build: the name, size and
 * modification time of every file of the engine (`core/`) and of the rules folder. Once per process.
 */
export function analysisVersion(): string {
  if (versionMemo) return versionMemo;
  const h = createHash("sha256");
  const built = compiledCodeHash();
  const rulesDir = defaultRulesDir();
  const root = dirname(rulesDir);
  try {
    h.update(`hunkguard@${(JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version}\0`);
  } catch {
    h.update("hunkguard@?\0");
  }
  if (built) {
    h.update(`build:${built}`);
    versionMemo = h.digest("hex").slice(0, 32);
    return versionMemo;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  // from dist/src/core the rule code runs from dist/rules
  const compiledRules = join(here, "..", "..", "rules");
  const dirs = [here, rulesDir, ...(here.includes(`${join("dist", "src")}`) && existsSync(compiledRules) ? [compiledRules] : [])];
  for (const d of dirs) statTree(d, h);
  versionMemo = h.digest("hex").slice(0, 32);
  return versionMemo;
}

function statTree(root: string, h: ReturnType<typeof createHash>): void {
  const todo = [root];
  while (todo.length) {
    const d = todo.pop()!;
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) todo.push(p);
      else if (/\.(ya?ml|[cm]?[jt]s|json)$/.test(name)) h.update(`${p}\0${st.size}\0${st.mtimeMs}\0`);
    }
  }
}

/** What the diff says about a file, as far as the analysis reads it (added, commentable lines, hunks). */
function patchSignature(patch: FilePatch | undefined): unknown {
  if (!patch) return null;
  return { h: patch.hunks.map((k) => [k.newStart, k.newLines, k.newRange, k.added]), a: patch.approximate === true };
}

export interface CacheKeyInput {
  path: string;
  text: string;
  /** a content id already known (GitHub's blob sha): saves hashing the text */
  contentId?: string;
  patch?: FilePatch;
}

/** The key of one file's analysis under the options (`analysisVersion()` by default). */
export function resultKey(file: CacheKeyInput, opts: Omit<AnalyzeManyOptions, "rules" | "minFiles" | "minLines" | "fileTimeoutMs">, version = analysisVersion()): string {
  const content = file.contentId ? `blob:${file.contentId}` : `sha256:${createHash("sha256").update(file.text).digest("hex")}`;
  const options = {
    e: opts.enabledRules ? [...opts.enabledRules].sort() : null,
    m: opts.mode ?? "added",
    f: opts.fixes !== false,
    s: opts.minSeverity ?? null,
    b: opts.maxFileBytes ?? null,
    t: opts.tests ?? "quiet",
  };
  return createHash("sha256")
    .update(JSON.stringify([FORMAT, version, file.path, content, options, patchSignature(file.patch)]))
    .digest("hex");
}

/** Whether a one-file report may be stored: complete, deterministic (no skip, no rule failure). */
export function cacheable(report: Report): boolean {
  return report.skipped.length === 0 && report.tally.ruleFailures.length === 0;
}

// ---------------------------------------------------------------------------------------------

/** Megabytes of `HUNKGUARD_CACHE_MB`, else `fallback`. */
export function cacheMegabytes(env: NodeJS.ProcessEnv = process.env, fallback = 64): number {
  const n = Number.parseFloat(env.HUNKGUARD_CACHE_MB ?? "");
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** In-process LRU, bounded by the bytes of the stored JSON (UTF-16 length × 2). */
export class MemoryResultCache implements ResultCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;
  hits = 0;
  misses = 0;
  /** reports stored (one per file analysed and kept) */
  stores = 0;
  constructor(private readonly maxBytes = cacheMegabytes() * 1024 * 1024) {}

  get size(): number {
    return this.entries.size;
  }
  get usedBytes(): number {
    return this.bytes;
  }

  async get(key: string): Promise<Report | undefined> {
    const v = this.entries.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    // most recently used last
    this.entries.delete(key);
    this.entries.set(key, v);
    this.hits++;
    return JSON.parse(v) as Report;
  }

  async set(key: string, report: Report): Promise<void> {
    const v = JSON.stringify(report);
    const size = v.length * 2;
    if (size > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.bytes -= old.length * 2;
      this.entries.delete(key);
    }
    this.entries.set(key, v);
    this.bytes += size;
    this.stores++;
    for (const [k, old2] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= old2.length * 2;
    }
  }
}

// ---------------------------------------------------------------------------------------------

export interface CachedFile extends PoolFile {
  /** GitHub's blob sha of the text, when known */
  contentId?: string;
}

export interface CacheStats {
  hits: number;
  /** files analysed (misses) */
  analysed: number;
}

/**
 * `analyzeMany` with a cache in front: one report per file in the input's order, the same as
 * without the cache; only the misses are analysed (on the pool or here, as `analyzeMany` decides).
 */
export async function analyzeManyCached(
  files: CachedFile[],
  opts: AnalyzeManyOptions,
  pool: AnalysisPool | null | undefined,
  cache: ResultCache | null | undefined,
  stats?: CacheStats,
): Promise<Report[]> {
  const strip = (f: CachedFile): PoolFile => ({ path: f.path, text: f.text, ...(f.patch ? { patch: f.patch } : {}) });
  if (!cache) {
    if (stats) stats.analysed += files.length;
    return analyzeMany(files.map(strip), opts, pool);
  }
  const version = analysisVersion();
  const keys = files.map((f) => resultKey(f, opts, version));
  const found = await Promise.all(keys.map((k) => cache.get(k)));
  const missing = files.map((_, i) => i).filter((i) => found[i] === undefined);
  if (stats) {
    stats.hits += files.length - missing.length;
    stats.analysed += missing.length;
  }
  if (missing.length) {
    const fresh = await analyzeMany(missing.map((i) => strip(files[i])), opts, pool);
    await Promise.all(
      missing.map(async (i, k) => {
        found[i] = fresh[k];
        if (cacheable(fresh[k])) await cache.set(keys[i], fresh[k]);
      }),
    );
  }
  return found as Report[];
}
