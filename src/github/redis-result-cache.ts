/** The result cache of the Redis-backed mode, shared by every worker (see src/core/result-cache.ts). */
import type { Redis } from "ioredis";
import type { Report } from "../core/report.js";
import type { ResultCache } from "../core/result-cache.js";

export interface RedisResultCacheOptions {
  /** key prefix (default `hunkguard:results:`) */
  prefix?: string;
  /** time to live of an entry (default a day; `HUNKGUARD_CACHE_TTL_S`) */
  ttlMs?: number;
  /** entries at most: the oldest are dropped past it (default 20,000) */
  maxEntries?: number;
  /** an entry larger than this is not stored (default 512 KiB) */
  maxEntryBytes?: number;
  /** a lookup slower than this counts as a miss (default 1 s) */
  timeoutMs?: number;
}

/**
 * Shared by every worker: `SET key value PX ttl`, and an index (a sorted set by time of writing)
 * that keeps at most `maxEntries`. Worst case in Redis: maxEntries × maxEntryBytes, and every
 * entry expires. A Redis that fails or is slow is a miss, never an error.
 */
export class RedisResultCache implements ResultCache {
  private readonly prefix: string;
  private readonly index: string;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly maxEntryBytes: number;
  private readonly timeoutMs: number;
  constructor(private readonly redis: Redis, opts: RedisResultCacheOptions = {}) {
    this.prefix = opts.prefix ?? "hunkguard:results:";
    this.index = `${this.prefix}index`;
    const ttlEnv = Number.parseInt(process.env.HUNKGUARD_CACHE_TTL_S ?? "", 10);
    this.ttlMs = opts.ttlMs ?? (Number.isInteger(ttlEnv) && ttlEnv > 0 ? ttlEnv * 1000 : 24 * 3600 * 1000);
    this.maxEntries = opts.maxEntries ?? 20_000;
    this.maxEntryBytes = opts.maxEntryBytes ?? 512 * 1024;
    this.timeoutMs = opts.timeoutMs ?? 1000;
  }

  private bounded<T>(p: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      p.catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), this.timeoutMs);
        timer.unref?.();
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async get(key: string): Promise<Report | undefined> {
    const v = await this.bounded(this.redis.get(this.prefix + key));
    if (typeof v !== "string") return undefined;
    try {
      return JSON.parse(v) as Report;
    } catch {
      return undefined;
    }
  }

  async set(key: string, report: Report): Promise<void> {
    const v = JSON.stringify(report);
    if (Buffer.byteLength(v) > this.maxEntryBytes) return;
    const now = Date.now();
    await this.bounded(
      (async () => {
        await this.redis
          .multi()
          .set(this.prefix + key, v, "PX", this.ttlMs)
          .zadd(this.index, now, key)
          .zremrangebyscore(this.index, 0, now - this.ttlMs)
          .exec();
        const over = (await this.redis.zcard(this.index)) - this.maxEntries;
        if (over > 0) {
          const old = (await this.redis.zpopmin(this.index, over)).filter((_, i) => i % 2 === 0);
          if (old.length) await this.redis.del(...old.map((k) => this.prefix + k));
        }
      })(),
    );
  }
}

