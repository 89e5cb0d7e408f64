#!/usr/bin/env node
// The package as the registry would serve it: `npm pack` (which builds dist/ first, `prepack`),
// `npm install -g` of the tarball into a temporary prefix, then the installed `hunkguard` runs
// `rules` and a scan. Exits non-zero with the reason when any step fails; prints what it measured.
//
// Usage: node scripts/check-package.mjs        (npm run check:package; CI runs it after the tests)
//
// Installing fetches the dependencies from the npm registry (or npm's cache) and builds
// tree-sitter's native addon where its prebuilt binary does not load (see README, prerequisites).

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "hunkguard-package-"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function fail(message) {
  console.error(`check-package: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
}

try {
  // 1. pack (prepack builds dist/)
  let t0 = Date.now();
  const packed = JSON.parse(run(npm, ["pack", "--json", "--pack-destination", work], { cwd: root }))[0];
  const tarball = join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  console.log(`packed ${packed.filename}: ${files.length} files, ${(statSync(tarball).size / 1024).toFixed(0)} KiB (${((Date.now() - t0) / 1000).toFixed(1)} s with the build)`);
  for (const needed of ["bin/hunkguard.js", "dist/src/cli/index.js", "dist/src/app.js", "dist/src/core/pool-worker.js", "rules/deserialization/pickle-load.yml", "app.yml"]) {
    if (!files.includes(needed)) fail(`the package lacks ${needed}`);
  }
  // a rule's code module (rules/<category>/<id>.ts) runs from its build in dist/rules
  const ruleCode = files.filter((f) => /^rules\/.+\.ts$/.test(f) && !f.endsWith(".d.ts"));
  for (const ts of ruleCode) if (!files.includes(`dist/${ts.replace(/\.ts$/, ".js")}`)) fail(`the package lacks dist/${ts.replace(/\.ts$/, ".js")}, the build of ${ts}`);
  const stray = files.filter((f) => /^(test|src|bench|scripts|examples)\//.test(f) || /^dist\/(test|bench|scripts)\//.test(f) || /^dist\/src\/(standin|demo)\//.test(f) || f.endsWith(".map"));
  if (stray.length) fail(`the package carries what only the repository needs: ${stray.slice(0, 5).join(", ")}${stray.length > 5 ? ", …" : ""}`);

  // 2. install the tarball into a temporary prefix, as `npm install -g` would
  t0 = Date.now();
  const prefix = join(work, "prefix");
  run(npm, ["install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel", "error", tarball], { cwd: work });
  console.log(`installed into ${prefix} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const bin = join(prefix, "bin", "hunkguard");

  // 3. the installed CLI: the rule catalogue, and a scan that finds what it must
  const rules = run(bin, ["rules"], { cwd: work });
  if (!rules.includes("pickle-load")) fail("`hunkguard rules` does not list pickle-load");
  const sample = join(work, "sample.py");
  writeFileSync(sample, "import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n");
  let report;
  try {
    run(bin, ["scan", sample, "--format", "json"], { cwd: work });
    fail("`hunkguard scan` exited 0 on a high finding (expected 1)");
  } catch (e) {
    if (e.status !== 1) fail(`\`hunkguard scan\` failed (exit ${e.status}): ${e.stderr || e.message}`);
    report = JSON.parse(e.stdout);
  }
  const found = report.findings.map((f) => `${f.rule}:${f.line}`);
  if (found.join() !== "pickle-load:5") fail(`\`hunkguard scan\` reported ${JSON.stringify(found)}, expected ["pickle-load:5"]`);
  console.log(`hunkguard rules: ${rules.trim().split("\n").length} lines; hunkguard scan: ${found.join(", ")} (exit 1)`);
  console.log("check-package: ok");
} catch (e) {
  if (!process.exitCode) {
    console.error(`check-package: ${e.stderr || e.message}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
