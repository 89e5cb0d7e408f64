/**
 * `npm run worker` (node dist/src/worker.js): one worker of the Redis-backed mode. Run any number,
 * on any machine, next to receivers started with the same REDIS_URL (README, "Deployment"). It takes
 * analysis jobs from the queue and runs the same pipeline the embedded mode runs; SIGTERM lets the
 * running analyses finish (or sends them back to the queue after HUNKGUARD_SHUTDOWN_GRACE_MS) and exits.
 */
import { createProbot } from "probot";
import { loadRules } from "./core/rules/load.js";
import { queueSettingsFromEnv } from "./github/redis-queue.js";
import { AnalysisWorker, probotOverridesFromEnv } from "./github/redis-worker.js";
import { fileTimeoutFromEnv, poolFromEnv } from "./github/pipeline.js";

async function main(): Promise<void> {
  // 1. settings, failing fast with the name of a variable that is wrong
  const settings = queueSettingsFromEnv(process.env);
  // 2. the app's identity and GitHub's address from Probot's variables; its throttle shares the Redis
  const probot = createProbot({ overrides: probotOverridesFromEnv(process.env) });
  await probot.ready();
  const log = probot.log.child({ role: "worker" });
  // 3. the rule catalogue, checked once at start
  const rules = await loadRules();
  // 4. take jobs until told to stop
  const worker = new AnalysisWorker({ settings, probot, rules, log, pool: poolFromEnv(process.env), fileTimeoutMs: fileTimeoutFromEnv(process.env) });
  await worker.start();
  log.info({ queue: settings.queueName, concurrency: settings.concurrency }, "worker ready");

  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    if (++signals > 1) return worker.returnRunningJobs();
    log.info({ signal, graceMs: settings.shutdownGraceMs }, "shutting down: finishing the running analyses");
    void worker.shutdown().then(
      () => {
        log.info({}, "worker stopped");
        // Probot's throttle keeps its own Redis connection open
        process.exit(0);
      },
      (e) => {
        log.error({ err: (e as Error).message }, "unclean shutdown");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(`hunkguard worker: ${(e as Error).message}`);
  process.exit(1);
});
