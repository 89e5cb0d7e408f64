/**
 * Worker threads run JavaScript: the pool worker, the core it imports and the rules' code modules
 * (imported by path when the rules load) are compiled here with the project's compiler settings.
 * Each test process compiles into its own fresh folder under node_modules/.cache, so two runs (or two
 * test files) never read each other's half-written output, and a stale build can never pass for a
 * failed one.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "..");

function ruleModules(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? ruleModules(p) : n.endsWith(".ts") ? [p] : [];
  });
}

/** Compile the worker for one test file; returns its URL and a function that removes the build. */
export function compilePoolWorker(name: string): { url: URL; remove: () => void } {
  const out = join(ROOT, "node_modules", ".cache", `${name}-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const worker = join(out, "src", "core", "pool-worker.js");
  try {
    execFileSync(
      "npx",
      ["tsc", "--outDir", out, "--rootDir", ROOT, "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022", "--strict", "--esModuleInterop", "--skipLibCheck", "--resolveJsonModule", "--isolatedModules", "--types", "node", join(ROOT, "src/core/pool-worker.ts"), ...ruleModules(join(ROOT, "rules"))],
      { cwd: ROOT, stdio: "pipe" },
    );
  } catch (e) {
    // tsc exits non-zero on a type error anywhere it looks, yet still writes the files: the worker's existence decides
    if (!existsSync(worker)) throw new Error(`could not compile the pool worker: ${String((e as { stdout?: Buffer }).stdout ?? e)}`);
  }
  return { url: pathToFileURL(worker), remove: () => rmSync(out, { recursive: true, force: true }) };
}
