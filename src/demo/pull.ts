/**
 * The bundled example pull request (examples/demo-pr): files for the GitHub stand-in and a real
 * `pull_request.opened` payload (from @octokit/webhooks-examples) adapted to it.
 */
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, relative, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { StandinFile, StandinPull } from "../standin/github-standin.js";

export const DEMO = { owner: "Codertocat", repo: "Hello-World", number: 2, installationId: 4242 };
export const BASE_SHA = "b".repeat(40);
export const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

export function examplesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "examples", "demo-pr"))) return join(dir, "examples", "demo-pr");
    dir = dirname(dir);
  }
  throw new Error("cannot find examples/demo-pr");
}

function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const todo = [root];
  while (todo.length) {
    const d = todo.pop()!;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) todo.push(p);
      else out.set(relative(root, p).split(sep).join("/"), readFileSync(p, "utf8"));
    }
  }
  return out;
}

export function demoPull(dir = examplesDir()): StandinPull {
  const base = readTree(join(dir, "base"));
  const head = readTree(join(dir, "head"));
  const paths = [...new Set([...base.keys(), ...head.keys()])].sort();
  const files: StandinFile[] = paths
    .filter((p) => base.get(p) !== head.get(p))
    .map((p) => ({ path: p, base: base.get(p) ?? null, head: head.get(p) ?? null }));
  return { owner: DEMO.owner, repo: DEMO.repo, number: DEMO.number, baseSha: BASE_SHA, headSha: HEAD_SHA, files };
}

/** The real example payload, pointed at the demo pull request and installation. */
export function demoPayload(dir = examplesDir(), headSha = HEAD_SHA): Record<string, unknown> {
  const payload = JSON.parse(readFileSync(join(dir, "pull_request.opened.json"), "utf8"));
  payload.installation = { id: DEMO.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" };
  payload.number = DEMO.number;
  payload.pull_request.number = DEMO.number;
  payload.pull_request.head.sha = headSha;
  payload.pull_request.base.sha = BASE_SHA;
  payload.pull_request.draft = false;
  payload.pull_request.state = "open";
  return payload;
}
