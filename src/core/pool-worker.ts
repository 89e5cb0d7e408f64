/**
 * A worker of the analysis pool (src/core/pool.ts): loads the rules once, then analyses one file per
 * message and answers with that file's report. tree-sitter's native addon is context-aware, so each
 * thread loads its own copy.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadRules } from "./rules/load.js";
import { NativeMemoryGuard } from "./memory.js";
import { analyzeFileReport, type WorkerReply, type WorkerTask } from "./pool.js";

if (parentPort) {
  const port = parentPort;
  const { rulesDir } = workerData as { rulesDir: string };
  const rules = await loadRules(rulesDir);
  // tree-sitter's trees live in native memory V8 does not count (see NativeMemoryGuard)
  const memory = new NativeMemoryGuard();
  port.on("message", (task: WorkerTask) => {
    const report = analyzeFileReport(task.file, rules, task.opts);
    port.postMessage({ id: task.id, report } satisfies WorkerReply);
    memory.afterFileSync();
  });
  port.postMessage({ ready: true, rules: rules.rules.length } satisfies WorkerReply);
}
