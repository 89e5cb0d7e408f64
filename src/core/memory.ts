import { createRequire } from "node:module";

/**
 * tree-sitter keeps each tree in native memory V8 does not see, freed by a finaliser after a garbage
 * collection, on a later turn of the event loop. A synchronous loop over many files therefore keeps
 * every tree until it ends (one pass over the Python stdlib, 1,800 files: 3.1 GiB RSS). After each
 * file this yields (`afterFile`), and collects once the process has grown by `budget` bytes
 * since the last time. V8 frees most trees on its own; the guard catches the rest: with 64 MiB, a
 * one-thread scan of the stdlib (640 files) peaks at 250–280 MiB after two collections (256 MiB:
 * 340–360 MiB, one collection). The size of the process is read at most every `everyMs` (reading it costs
 * about a tenth of a millisecond: per file, that is a few percent of the analysis).
 * Used by the CLI, the pool's workers and the benches.
 */
export class NativeMemoryGuard {
  private baseline = process.memoryUsage.rss();
  private lastCheck = 0;
  releases = 0;
  constructor(
    private readonly budget = 64 * 1024 * 1024,
    private readonly everyMs = 50,
  ) {}

  /** Collect when the process has grown past the budget; true when it did. */
  collectIfGrown(): boolean {
    const now = performance.now();
    if (now - this.lastCheck < this.everyMs) return false;
    this.lastCheck = now;
    if (process.memoryUsage.rss() - this.baseline < this.budget) return false;
    const gc = exposedGc();
    if (!gc) return false;
    gc();
    this.releases++;
    return true;
  }

  /**
   * Yield to the event loop after each file, always: the finalisers of the trees V8 has already
   * found dead run there, so the next parse reuses their memory while it is warm (one pass over the
   * stdlib: 20–30% faster, and a third less memory, than yielding only after a collection).
   */
  async afterFile(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.collectIfGrown()) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.baseline = process.memoryUsage.rss();
  }

  /** For a thread that never yields between files (a pool worker answers and returns to its event loop anyway). */
  afterFileSync(): void {
    if (this.collectIfGrown()) this.baseline = process.memoryUsage.rss();
  }
}

let gcFunction: (() => void) | null | undefined;

/** `global.gc` without `node --expose-gc` on the command line (the flag applies to contexts made after it). */
function exposedGc(): (() => void) | null {
  if (gcFunction === undefined) {
    try {
      // node:v8 and node:vm loaded only here (start-up)
      const builtin = createRequire(import.meta.url);
      (builtin("node:v8") as typeof import("node:v8")).setFlagsFromString("--expose-gc");
      gcFunction = (builtin("node:vm") as typeof import("node:vm")).runInNewContext("gc") as () => void;
    } catch {
      gcFunction = null;
    }
  }
  return gcFunction;
}
