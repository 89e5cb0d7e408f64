import { createRequire } from "node:module";

/**
 * tree-sitter keeps each tree in native memory V8 does not see, freed by a finaliser after a garbage
 * collection, on a later turn of the event loop. A synchronous loop over many files therefore keeps
 * every tree until it ends (one pass over the Python stdlib, 1,800 files: 3.1 GiB RSS). After each
 * file this collects and yields once the process has grown by `budget` bytes since the last time
 * (same pass: 1 GiB, 3 collections; what remains above the budget is malloc fragmentation).
 * Used by the CLI and the benches.
 */
export class NativeMemoryGuard {
  private baseline = process.memoryUsage.rss();
  releases = 0;
  constructor(private readonly budget = 256 * 1024 * 1024) {}

  async afterFile(): Promise<void> {
    if (process.memoryUsage.rss() - this.baseline < this.budget) return;
    exposedGc()?.();
    await new Promise((resolve) => setImmediate(resolve));
    this.releases++;
    this.baseline = process.memoryUsage.rss();
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
