/**
 * In-process scheduling: the same delivery twice runs once; analyses for one installation run one
 * at a time (GitHub's secondary limits punish concurrent mutations); for one pull request, the
 * newest head wins — older queued work is dropped, and an event older than one already seen is ignored.
 */
import type { AnalysisOutcome, Logger, PullTarget } from "./pipeline.js";
import { describeError } from "./octokit.js";

export interface JobKey {
  installationId: number;
  /** owner/repo#number */
  pull: string;
  headSha: string;
  /** when the pull request was last updated per the event (orders out-of-order deliveries); absent for re-runs */
  updatedAt?: number;
  /** the head this push replaced (synchronize events): it is older whatever the timestamps say */
  before?: string;
}

export type JobResult = "ran" | "dropped" | "duplicate";

const DELIVERY_MEMORY = 5000;
/** pull requests whose newest head this process remembers (the least recently seen is forgotten first) */
export const PULL_MEMORY = 10_000;

/**
 * A bounded map that forgets the least recently touched entry: the queue's memory of pull
 * requests must not grow with every event a long-running process receives.
 */
class RecentMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }

  touch(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    while (this.size > this.capacity) this.delete(this.keys().next().value as K);
    return this;
  }
}

/** A bounded set of keys (heads already analysed here): the oldest is forgotten first. */
export class HeadMemory {
  private readonly keys: RecentMap<string, true>;

  constructor(capacity = PULL_MEMORY) {
    this.keys = new RecentMap(capacity);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.touch(key, true);
  }

  get size(): number {
    return this.keys.size;
  }
}

export class AnalysisQueue {
  private readonly deliveries = new Set<string>();
  private readonly chains = new Map<number, Promise<unknown>>();
  /** per pull request: the latest `updated_at` seen and every head that carried it (GitHub's timestamps have whole seconds: two pushes can tie) */
  private readonly newest = new RecentMap<string, { shas: Set<string>; at: number }>(PULL_MEMORY);
  /** per pull request: heads a later push named as replaced (at most 100 a pull request) */
  private readonly replaced = new RecentMap<string, Set<string>>(PULL_MEMORY);
  private readonly running = new Set<Promise<unknown>>();

  /** Remember a delivery id; true when it was seen before. */
  isDuplicate(deliveryId: string | undefined): boolean {
    if (!deliveryId) return false;
    if (this.deliveries.has(deliveryId)) return true;
    this.deliveries.add(deliveryId);
    if (this.deliveries.size > DELIVERY_MEMORY) this.deliveries.delete(this.deliveries.values().next().value!);
    return false;
  }

  enqueue(key: JobKey, work: () => Promise<unknown>): Promise<JobResult> {
    const replaced = this.replaced.get(key.pull) ?? new Set<string>();
    if (key.before) {
      replaced.add(key.before);
      replaced.delete(key.headSha); // a force-push back to an older head makes it current again
      if (replaced.size > 100) replaced.delete(replaced.values().next().value!);
      this.replaced.touch(key.pull, replaced);
      this.newest.get(key.pull)?.shas.delete(key.before);
    }
    if (replaced.has(key.headSha)) return Promise.resolve("dropped");
    if (key.updatedAt !== undefined) {
      const seen = this.newest.get(key.pull);
      if (seen && seen.at > key.updatedAt && !seen.shas.has(key.headSha)) return Promise.resolve("dropped");
      // a tie keeps both heads: the pipeline's head check before posting decides which one speaks
      if (seen && seen.at === key.updatedAt) {
        if (seen.shas.size < 100) seen.shas.add(key.headSha);
        this.newest.touch(key.pull, seen);
      } else if (!seen || seen.at < key.updatedAt) this.newest.touch(key.pull, { shas: new Set([key.headSha]), at: key.updatedAt });
    }
    const previous = this.chains.get(key.installationId) ?? Promise.resolve();
    const job = previous.then(async (): Promise<JobResult> => {
      const newest = this.newest.get(key.pull);
      if (key.updatedAt !== undefined && newest && !newest.shas.has(key.headSha)) return "dropped";
      if (this.replaced.get(key.pull)?.has(key.headSha)) return "dropped";
      await work();
      return "ran";
    });
    const settled = job.catch(() => "ran" as const);
    this.chains.set(key.installationId, settled);
    this.running.add(settled);
    void settled.finally(() => {
      this.running.delete(settled);
      if (this.chains.get(key.installationId) === settled) this.chains.delete(key.installationId);
    });
    return job;
  }

  /** How many entries each of the queue's memories holds (all bounded). */
  get memory(): { deliveries: number; pulls: number; replaced: number; installations: number } {
    return { deliveries: this.deliveries.size, pulls: this.newest.size, replaced: this.replaced.size, installations: this.chains.size };
  }

  /** Resolves when no work is queued or running. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  get size(): number {
    return this.running.size;
  }
}

/**
 * Where an analysis runs. Both modes answer GitHub as soon as the work is accepted: in process
 * (the embedded default, an AnalysisQueue) or on a Redis-backed job queue that workers on any
 * machine take from (src/github/redis-queue.ts). The webhook handlers see only this interface.
 */
export interface Scheduler {
  /** Remember a delivery id; true when it was seen before (by any receiver sharing this scheduler's store). */
  isDuplicate(deliveryId: string | undefined): Promise<boolean>;
  /** Accept one analysis. Resolves once it is queued, not once it has run. */
  schedule(request: ScheduleRequest): Promise<Scheduled>;
  /** Resolves when nothing this process accepted is still queued or running here. */
  idle(): Promise<void>;
  /** Stop accepting work and let go of connections. */
  close(): Promise<void>;
}

export interface ScheduleRequest {
  target: PullTarget & { updatedAt?: number; before?: string };
  /** the X-GitHub-Delivery that asked for it */
  delivery: string;
  log: Logger;
  /** the analysis with this delivery's GitHub client and config, for a scheduler that runs it in this process */
  analyseHere: () => Promise<AnalysisOutcome>;
}

/** "queued": new work; "already queued": the same head is waiting already; "dropped": an older head than one seen. */
export type Scheduled = "queued" | "already queued" | "dropped";

export const pullKey = (target: PullTarget) => `${target.repo.owner}/${target.repo.repo}#${target.number}`;

/** The embedded mode: one process receives and analyses. */
export class InProcessScheduler implements Scheduler {
  constructor(readonly queue: AnalysisQueue = new AnalysisQueue()) {}

  async isDuplicate(deliveryId: string | undefined): Promise<boolean> {
    return this.queue.isDuplicate(deliveryId);
  }

  async schedule({ target, delivery, log, analyseHere }: ScheduleRequest): Promise<Scheduled> {
    const job = this.queue.enqueue({ installationId: target.installationId, pull: pullKey(target), headSha: target.headSha, updatedAt: target.updatedAt, before: target.before }, analyseHere);
    job.then(
      (result) => log.info({ delivery, pull: target.number, sha: target.headSha, result }, "analysis scheduled work finished"),
      (e) => log.error({ delivery, err: describeError(e) }, "analysis crashed"),
    );
    return "queued";
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  async close(): Promise<void> {
    await this.queue.idle();
  }
}
