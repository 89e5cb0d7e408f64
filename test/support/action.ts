/**
 * A GitHub Actions job's surroundings for `runAction`: the event file (a `pull_request` payload as a
 * workflow gets it, with no app installation), an empty step summary, the job's environment, and
 * the lines the Action writes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RuleSet } from "../../src/core/rules/load.js";

export function actionWorkflow(o: { payload: Record<string, unknown>; token: string; apiUrl: string; rules: RuleSet; event?: string }) {
  const dir = mkdtempSync(join(tmpdir(), "hunkguard-action-"));
  // a workflow's event names no app installation
  const { installation: _installation, ...payload } = o.payload;
  writeFileSync(join(dir, "event.json"), JSON.stringify(payload));
  writeFileSync(join(dir, "summary.md"), "");
  const lines: string[] = [];
  return {
    lines,
    dir,
    summary: () => readFileSync(join(dir, "summary.md"), "utf8"),
    opts: {
      env: {
        GITHUB_EVENT_NAME: o.event ?? "pull_request",
        GITHUB_EVENT_PATH: join(dir, "event.json"),
        GITHUB_TOKEN: o.token,
        GITHUB_API_URL: o.apiUrl,
        GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
        GITHUB_WORKSPACE: dir,
      },
      rules: o.rules,
      pool: null,
      write: (line: string) => void lines.push(line),
      limits: { sleep: async () => {} },
    },
  };
}
