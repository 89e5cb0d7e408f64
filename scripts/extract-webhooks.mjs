#!/usr/bin/env node
// Copies real webhook payloads from @octokit/webhooks-examples into test/fixtures/webhooks/,
// one file per event.action HunkGuard handles, untrimmed.
//
// Usage:
//   mkdir -p /tmp/wh && cd /tmp/wh && npm init -y && npm i @octokit/webhooks-examples
//   node scripts/extract-webhooks.mjs /tmp/wh/node_modules/@octokit/webhooks-examples [outDir]
//
// The first example of each action is taken. When the package has no example for an action,
// the payload is derived from the event's `opened` example (or its first example) with `action`
// replaced, and a top-level `"_note"` says so.

import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const WANTED = [
  ["pull_request", "opened"],
  ["pull_request", "synchronize"],
  ["pull_request", "reopened"],
  ["pull_request", "ready_for_review"],
  ["pull_request", "closed"],
  ["check_run", "rerequested"],
  ["check_suite", "rerequested"],
];

const pkgDir = process.argv[2];
if (!pkgDir) {
  console.error("usage: node scripts/extract-webhooks.mjs <path to @octokit/webhooks-examples> [outDir]");
  process.exit(2);
}
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = resolve(process.argv[3] ?? join(repoRoot, "test/fixtures/webhooks"));
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
const definitions = JSON.parse(readFileSync(join(pkgDir, "api.github.com/index.json"), "utf8"));

mkdirSync(outDir, { recursive: true });
for (const [event, action] of WANTED) {
  const definition = definitions.find((d) => d.name === event);
  if (!definition) throw new Error(`${pkg.name} has no ${event} event`);
  let payload = definition.examples.find((e) => e.action === action);
  if (!payload) {
    const base = definition.examples.find((e) => e.action === "opened") ?? definition.examples[0];
    payload = {
      _note: `${pkg.name}@${pkg.version} has no ${event}.${action} example; derived from ${event}.${base.action} by changing "action"`,
      ...structuredClone(base),
      action,
    };
    console.error(`note: ${event}.${action} derived from ${event}.${base.action}`);
  }
  const file = join(outDir, `${event}.${action}.json`);
  writeFileSync(file, JSON.stringify(payload, null, 2) + "\n");
  console.log(`wrote ${file}`);
}
