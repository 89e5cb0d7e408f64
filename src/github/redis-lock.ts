/**
 * At most one running job per installation, across every worker, and a pause when GitHub asks an
 * installation to slow down. BullMQ (open source) has no job groups, so this is a lock per
 * installation in Redis:
 *
 * - the lock's value is the job id, with a TTL the running worker keeps extending; a worker that
 *   dies stops extending it. The job it held comes back (BullMQ's stalled-job check) under the same
 *   id, so whichever worker picks it up takes the lock over at once; any other job waits for it;
 * - a job that finds the lock taken (or the installation paused) goes back to the queue as a
 *   delayed job, and joins the installation's waiting list (oldest first);
 * - releasing the lock promotes the oldest waiting job, so the hand-over does not wait for the
 *   delay to run out; the delay is only the fallback (a holder that died hands over nothing);
 * - a pause is a key with the `retry-after` as its TTL: every job of the installation waits it out.
 */
import type { Redis } from "ioredis";
import { defineScript, type QueueKeys } from "./redis-queue.js";

export type Admission = { state: "acquired" } | { state: "busy" | "paused"; waitMs: number };

/** KEYS: lock, paused, waiting. ARGV: job id, TTL ms, now ms, waiting-list TTL ms. */
const ACQUIRE = `
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then
  redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[1])
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
  return {'paused', paused}
end
local holder = redis.call('GET', KEYS[1])
if (not holder) or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('ZREM', KEYS[3], ARGV[1])
  return {'acquired', 0}
end
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return {'busy', redis.call('PTTL', KEYS[1])}
`;

/** KEYS: lock. ARGV: job id, TTL ms. */
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** KEYS: lock, paused, waiting. ARGV: job id, how many waiters to return. Returns the oldest waiters (none while paused). */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('PTTL', KEYS[2]) > 0 then return {} end
return redis.call('ZRANGE', KEYS[3], 0, tonumber(ARGV[2]) - 1)
`;

/** KEYS: paused. ARGV: ms. A pause only ever grows. */
const PAUSE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

const WAITING_MEMORY_MS = 24 * 60 * 60 * 1000;

export class InstallationLocks {
  private readonly acquireScript;
  private readonly extendScript;
  private readonly releaseScript;
  private readonly pauseScript;

  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    /** the lock's TTL; the holder extends it every third of it */
    readonly ttlMs: number,
  ) {
    this.acquireScript = defineScript(redis, "hunkguardAcquireInstallation", 3, ACQUIRE);
    this.extendScript = defineScript(redis, "hunkguardExtendInstallation", 1, EXTEND);
    this.releaseScript = defineScript(redis, "hunkguardReleaseInstallation", 3, RELEASE);
    this.pauseScript = defineScript(redis, "hunkguardPauseInstallation", 1, PAUSE);
  }

  private lockKeys(installationId: number) {
    return [this.keys.installationLock(installationId), this.keys.installationPaused(installationId), this.keys.installationWaiting(installationId)];
  }

  async acquire(installationId: number, jobId: string): Promise<Admission> {
    const [state, waitMs] = (await this.acquireScript(...this.lockKeys(installationId), jobId, this.ttlMs, Date.now(), WAITING_MEMORY_MS)) as [string, number];
    return state === "acquired" ? { state } : { state: state as "busy" | "paused", waitMs: Math.max(0, waitMs) };
  }

  /** Keep holding the lock while the job runs; false when it was lost (the job ran past its TTL unrenewed). */
  async extend(installationId: number, jobId: string): Promise<boolean> {
    return Number(await this.extendScript(this.keys.installationLock(installationId), jobId, this.ttlMs)) === 1;
  }

  /** Let go; returns the installation's oldest waiting job ids, for the caller to hand over to (none while paused). */
  async release(installationId: number, jobId: string, waiters = 5): Promise<string[]> {
    return (await this.releaseScript(...this.lockKeys(installationId), jobId, waiters)) as string[];
  }

  /** Hold every job of the installation back for `ms` (GitHub's `retry-after`). */
  async pause(installationId: number, ms: number): Promise<void> {
    await this.pauseScript(this.keys.installationPaused(installationId), Math.max(1, Math.ceil(ms)));
  }

  /** A job that will not come back (finished elsewhere, removed) leaves the waiting list. */
  async forgetWaiter(installationId: number, jobId: string): Promise<void> {
    await this.redis.zrem(this.keys.installationWaiting(installationId), jobId);
  }
}
