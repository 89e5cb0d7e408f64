/**
 * A worker of the analysis pool (src/core/pool.ts): loads the rules once, then analyses one file per
 * message and answers with that file's report. tree-sitter's native addon is context-aware, so each
 * thread loads its own copy.
 */
import { parentPort, workerData } from "node:worker_threads";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadRules } from "./rules/load.js";
import { analyzeFileReport, type WorkerReply, type WorkerTask } from "./pool.js";

/**
 * tree-sitter keeps trees in native memory V8 does not see; they are freed by finalisers after a
 * collection, which a worker that only allocates small JS objects rarely triggers. Collect once the
 * process has grown by `budget` since the last time (the same remedy as the CLI's loop).
 */
class NativeMemoryRelease {
  private baseline = process.memoryUsage.rss();
  private gc: (() => void) | null = null;
  constructor(private readonly budget: number) {
    try {
      setFlagsFromString("--expose-gc");
      this.gc = runInNewContext("gc") as () => void;
    } catch {
      this.gc = null;
    }
  }
  afterFile(): void {
    if (!this.gc || process.memoryUsage.rss() - this.baseline < this.budget) return;
    this.gc();
    this.baseline = process.memoryUsage.rss();
  }
}

if (parentPort) {
  const port = parentPort;
  const { rulesDir } = workerData as { rulesDir: string };
  const rules = await loadRules(rulesDir);
  const memory = new NativeMemoryRelease(256 * 1024 * 1024);
  port.on("message", (task: WorkerTask) => {
    const report = analyzeFileReport(task.file, rules, task.opts);
    port.postMessage({ id: task.id, report } satisfies WorkerReply);
    memory.afterFile();
  });
  port.postMessage({ ready: true, rules: rules.rules.length } satisfies WorkerReply);
}
