/**
 * The CLI's on-disk result cache, like `.ruff_cache`: one JSON file per analysed file, keyed as in
 * `result-cache.ts` (path, text, hunks, options, HunkGuard's code and rules), so a second scan of
 * an unchanged tree reads reports instead of analysing.
 *
 *   .hunkguard_cache/              (or HUNKGUARD_CACHE_DIR)
 *     .gitignore                   "*": never committed
 *     CACHEDIR.TAG                 backup tools skip it
 *     <version>/<2 hex>/<key>.json one file's report
 *
 * Opening the cache removes the folders of other versions (an upgrade, an edited rule). Writes go to
 * a temporary name and are renamed into place, so a reader never sees half a file; any failure
 * (read-only folder, full disk, a damaged entry) is a miss, never an error.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { Report } from "./report.js";
import { analysisVersion, cacheable, resultKey, type CacheKeyInput, type ResultCache } from "./result-cache.js";
import type { AnalyzeManyOptions } from "./pool.js";

export const CACHE_DIR_NAME = ".hunkguard_cache";

export type DiskCacheOptions = Omit<AnalyzeManyOptions, "rules" | "minFiles" | "minLines" | "fileTimeoutMs">;

export class DiskResultCache implements ResultCache {
  readonly dir: string;
  hits = 0;
  misses = 0;
  private readonly made = new Set<string>();

  private constructor(
    readonly root: string,
    private readonly version: string,
  ) {
    this.dir = join(root, version);
  }

  /**
   * The cache for a scan run in `cwd`: `HUNKGUARD_CACHE_DIR` (relative to `cwd`) else
   * `cwd/.hunkguard_cache`; null when `disabled` (`--no-cache`) or the folder cannot be made.
   */
  static open(opts: { cwd: string; env?: Record<string, string | undefined>; disabled?: boolean; version?: string }): DiskResultCache | null {
    if (opts.disabled) return null;
    const given = opts.env?.HUNKGUARD_CACHE_DIR;
    const root = given ? (isAbsolute(given) ? given : resolve(opts.cwd, given)) : join(opts.cwd, CACHE_DIR_NAME);
    const version = opts.version ?? analysisVersion();
    try {
      const fresh = !existsSync(root);
      mkdirSync(join(root, version), { recursive: true });
      if (fresh) {
        writeFileSync(join(root, ".gitignore"), "# Automatically created by hunkguard.\n*\n");
        writeFileSync(join(root, "CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by hunkguard.\n");
      }
      // entries of another version can never be read again
      for (const name of readdirSync(root)) {
        if (name !== version && /^[0-9a-f]{32}$/.test(name)) rmSync(join(root, name), { recursive: true, force: true });
      }
    } catch {
      return null;
    }
    return new DiskResultCache(root, version);
  }

  /** The key of one file under the scan's options. */
  key(file: CacheKeyInput, opts: DiskCacheOptions): string {
    return resultKey(file, opts, this.version);
  }

  private pathOf(key: string): { folder: string; file: string } {
    const folder = join(this.dir, key.slice(0, 2));
    return { folder, file: join(folder, `${key}.json`) };
  }

  getSync(key: string): Report | undefined {
    try {
      const report = JSON.parse(readFileSync(this.pathOf(key).file, "utf8")) as Report;
      this.hits++;
      return report;
    } catch {
      this.misses++;
      return undefined;
    }
  }

  /** Store a one-file report (only a complete one: see `cacheable`). */
  setSync(key: string, report: Report): void {
    if (!cacheable(report)) return;
    const { folder, file } = this.pathOf(key);
    try {
      if (!this.made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        this.made.add(folder);
      }
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(report));
      renameSync(tmp, file);
    } catch {
      // a cache that cannot be written is no cache
    }
  }

  async get(key: string): Promise<Report | undefined> {
    return this.getSync(key);
  }

  async set(key: string, report: Report): Promise<void> {
    this.setSync(key, report);
  }
}
