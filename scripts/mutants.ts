/**
 * Plant bugs on purpose, one at a time, and check that the tests catch each one (mutation testing
 * by hand-picked mutations on the guarantees that matter: fix validation, suppression, the diff
 * filter, fingerprints, the conclusion, redaction, escaping, `exclude`, decoding, the scan's root,
 * the per-file time limit). Each mutation is a search/replace on one source file of a copy of the
 * repository (node_modules linked in); its focused tests run there; a mutation is killed when they
 * fail. Prints each outcome and the kill ratio; exits 1 when a mutation survives.
 *
 *   npm run mutants                     # all of them (several minutes: one jest run each)
 *   npm run mutants -- --only NAME,...  # some of them
 *   npm run mutants -- --list
 *
 * A mutation whose search text is no longer in its file is reported as stale (the code moved):
 * update it rather than let it pass silently.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";

interface Mutation {
  name: string;
  /** what the planted bug breaks, in words */
  breaks: string;
  file: string;
  search: string;
  replace: string;
  /** the focused tests that must catch it */
  tests: string[];
}

const GATE = ["test/gate-app.test.ts", "test/gate-cli.test.ts"];

export const MUTATIONS: Mutation[] = [
  {
    name: "validation-keeps-finding",
    breaks: "fix validation accepts a fix whose finding is still there (one by one)",
    file: "src/core/fix.ts",
    search: 'if ((now.get(match.rule.id) ?? 0) >= (was.get(match.rule.id) ?? 0)) return "the finding is still there after the fix";',
    replace: "",
    tests: ["test/gate-app.test.ts", "test/engine.test.ts"],
  },
  {
    name: "validation-keeps-finding-batch",
    breaks: "fix validation accepts a fix whose finding is still there (in batches)",
    file: "src/core/fix.ts",
    search: 'if ((now[k].get(id) ?? 0) >= (was[k].get(id) ?? 0)) return "the finding is still there after the fix";',
    replace: "",
    tests: ["test/gate-app.test.ts"],
  },
  {
    name: "validation-ignores-parse-batch",
    breaks: "in a batch, fixes that do not parse are offered (the halving never runs)",
    file: "src/core/fix.ts",
    search: 'if (after.partial) return "unparsable";',
    replace: "",
    tests: ["test/gate-app.test.ts"],
  },
  {
    name: "validation-ignores-parse",
    breaks: "a fix that does not parse is offered",
    file: "src/core/fix.ts",
    search: 'if (after.partial) return "the fixed code would not parse";',
    replace: "",
    tests: ["test/gate-app.test.ts", "test/engine.test.ts", "test/fix-properties.test.ts"],
  },
  {
    name: "validation-ignores-new-finding",
    breaks: "a fix that raises another finding is offered",
    file: "src/core/fix.ts",
    search: "if (rule !== match.rule.id && n > (was.get(rule) ?? 0)) return `the fix would raise another finding (${rule})`;",
    replace: "",
    tests: ["test/gate-app.test.ts", "test/engine.test.ts"],
  },
  {
    name: "validation-ignores-new-finding-batch",
    breaks: "in a batch, a fix that raises another rule's finding is offered",
    file: "src/core/fix.ts",
    search: "for (const [rule, n] of now[k]) if (rule !== id && n > (was[k].get(rule) ?? 0)) return `the fix would raise another finding (${rule})`;",
    replace: "",
    tests: ["test/gate-app.test.ts"],
  },
  {
    name: "suppression-in-strings",
    breaks: "`# nosec` inside a string literal suppresses the finding",
    file: "src/core/engine.ts",
    search: "      suppressedBy(comments(line), m.rule) ||",
    replace: "      suppressedBy(lineText(parsed, line), m.rule) ||",
    tests: GATE,
  },
  {
    name: "suppression-nosec-any-id",
    breaks: "`# nosec B602` silences every rule, not only B602",
    file: "src/core/suppress.ts",
    search: "if (!listed.length) return true;",
    replace: "return true;",
    tests: ["test/suppress.test.ts"],
  },
  {
    name: "diff-filter-off",
    breaks: "findings on lines the pull request did not change are reported",
    file: "src/core/engine.ts",
    search: "for (let l = st.start; l <= st.end && !touched; l++) touched = lines.has(l);",
    replace: "touched = true;",
    tests: ["test/engine.test.ts", "test/app.test.ts"],
  },
  {
    name: "fingerprint-occurrence",
    breaks: "two identical findings in a file share a fingerprint",
    file: "src/core/engine.ts",
    search: "const occurrence = seen.get(key) ?? 0;",
    replace: "const occurrence = 0;",
    tests: ["test/hostile.test.ts", "test/engine.test.ts"],
  },
  {
    name: "conclusion-unanalysed-success",
    breaks: "a file not analysed leaves the check `success`",
    file: "src/github/pipeline.ts",
    search: "if (unanalysed) return config.unanalysed;",
    replace: "",
    tests: ["test/gate-app.test.ts"],
  },
  {
    name: "conclusion-fail-on",
    breaks: "a finding at exactly `fail_on` does not fail the check",
    file: "src/core/config.ts",
    search: "SEVERITY_RANK[severity] >= SEVERITY_RANK[config.fail_on]",
    replace: "SEVERITY_RANK[severity] > SEVERITY_RANK[config.fail_on]",
    tests: ["test/app.test.ts", "test/cli.test.ts"],
  },
  {
    name: "rule-failure-not-counted",
    breaks: "a rule that fails on a file does not make it not analysed",
    file: "src/core/report.ts",
    search: "...report.tally.ruleFailures.map((f) =>",
    replace: "...([] as typeof report.tally.ruleFailures).map((f) =>",
    tests: ["test/gate-app.test.ts"],
  },
  {
    name: "syntax-error-not-counted",
    breaks: "code on an added line that does not parse passes as analysed",
    file: "src/core/engine.ts",
    search: "if (gap) result.incomplete.push(gap);",
    replace: "",
    tests: GATE,
  },
  {
    name: "redaction-suggestion",
    breaks: "a suggestion that repeats a secret of the file is posted",
    file: "src/core/engine.ts",
    search: "redactor.holds(fix.replacement!)",
    replace: "false",
    tests: [...GATE, "test/secrets-redaction.test.ts"],
  },
  {
    name: "redaction-mask",
    breaks: "outputs show secrets unmasked",
    file: "src/core/redact.ts",
    search: "if (text === undefined || this.empty) return text;",
    replace: "return text;",
    tests: [...GATE, "test/secrets-redaction.test.ts", "test/cli.test.ts"],
  },
  {
    name: "escaping-fence",
    breaks: "the suggestion fence no longer grows past backticks in the code",
    file: "src/core/render.ts",
    search: "Math.max(3, longestBacktickRun(content) + 1)",
    replace: "3",
    tests: ["test/gate-github.test.ts", "test/app.test.ts", "test/hostile.test.ts", "test/cli.test.ts"],
  },
  {
    name: "exclude-ignored",
    breaks: "`exclude` globs in the repo config are ignored (app and CLI review)",
    file: "src/core/config.ts",
    search: "!exc.some((r) => r.test(path))",
    replace: "true",
    tests: ["test/gate-cli.test.ts", "test/app.test.ts"],
  },
  {
    name: "coding-cookie-ignored",
    breaks: "a file in a declared encoding (PEP 263) is read as UTF-8 and skipped",
    file: "src/core/decode.ts",
    search: "if (cookie === null) return decodeAs(body, \"utf_8\", \"UTF-8\");",
    replace: "return decodeAs(body, \"utf_8\", \"UTF-8\");",
    tests: GATE,
  },
  {
    name: "walk-budget",
    breaks: "a query joined from many pieces stops being read (a silent walk budget)",
    file: "src/core/lib/sql.ts",
    search: "  // no budget: a query joined from thousands of pieces is still read to its first word (linear)\n  while (todo.length) {",
    replace: "  let budget = 200;\n  while (todo.length && budget-- > 0) {",
    tests: ["test/gate-cli.test.ts", "test/hostile.test.ts"],
  },
  {
    name: "symlink-followed",
    breaks: "`scan .` follows a symlink out of the scanned folder",
    file: "src/core/walk.ts",
    search: "if (target !== null && isInside(root, target)) add(p);",
    replace: "if (target !== null) add(p);",
    tests: ["test/gate-cli.test.ts"],
  },
  {
    name: "diff-path-escape",
    breaks: "`scan --diff` reads a path outside the repository",
    file: "src/cli/files.ts",
    search: "if (isAbsolute(d.newPath) || !isInside(root, abs)) {",
    replace: "if (false) {",
    tests: ["test/gate-cli.test.ts"],
  },
  {
    name: "unanalysed-exit-code",
    breaks: "the CLI exits by the findings alone when a file was not analysed",
    file: "src/cli/index.ts",
    search: "if (!allowUnanalysed && notAnalysed(run.report).length) return 2;",
    replace: "",
    tests: ["test/gate-cli.test.ts", "test/cli.test.ts"],
  },
  {
    name: "companions-repeated",
    breaks: "two fixes needing one import post two suggestions on the same line",
    file: "src/core/engine.ts",
    search: "if (group.length < 2) continue;",
    replace: "continue;",
    tests: ["test/gate-app.test.ts"],
  },
  {
    name: "shell-kept-by-fix",
    breaks: "a command-injection fix quotes values with shlex.quote and keeps the local shell",
    file: "src/core/lib/command-fix.ts",
    search: 'if (LOCAL_PROCESS.test(match.callee ?? "") || d.viaArgv || keywordArgument(model, call, "shell")) {',
    replace: "if (false) {",
    tests: ["test/gate-app.test.ts", "test/rules.test.ts"],
  },
  {
    name: "action-refused-check-fails",
    breaks: "in the GitHub Action, a check run the token may not write (a fork's pull request) fails the job instead of falling back to annotations",
    file: "src/github/action.ts",
    search: "const refused = (e: unknown) => statusOf(e) === 403 || statusOf(e) === 404;",
    replace: "const refused = (e: unknown) => statusOf(e) === -1;",
    tests: ["test/action.test.ts"],
  },
  {
    name: "pipeline-time-limit-unset",
    breaks: "the pipeline sets no per-file time limit: a pathological file runs as long as it likes",
    file: "src/github/pipeline.ts",
    search: "fileTimeoutMs: deps.fileTimeoutMs ?? DEFAULT_FILE_TIMEOUT_MS,",
    replace: "",
    tests: ["test/gate-pool-app.test.ts"],
  },
  {
    name: "pool-backstop-off",
    breaks: "a worker stuck on a file (between the engine's checkpoints) is waited for forever",
    file: "src/core/pool.ts",
    search: "slot.timer = setTimeout(() => this.abandon(slot, `the analysis took longer than ${ms} ms`, ms), ms + Math.min(ms, 2_000));",
    replace: "",
    tests: ["test/pool.test.ts"],
  },
];

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      if (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name === "hunkguard") return dir;
    } catch {
      // not here
    }
    dir = dirname(dir);
  }
  throw new Error("cannot find the repository root (package.json of hunkguard)");
}

/** A copy of the repository to plant bugs in: sources and tests copied, node_modules linked. */
function workingCopy(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), "hunkguard-mutants-"));
  for (const entry of ["src", "test", "rules", "bench", "scripts", "docs", "examples", "bin", "package.json", "tsconfig.json", "jest.config.js", "README.md", "app.yml"]) {
    try {
      cpSync(join(root, entry), join(copy, entry), { recursive: true });
    } catch {
      // an optional entry that is not there
    }
  }
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
  return copy;
}

/** Jest on the copy; a run that hangs past the limit counts as failing (a planted hang was caught). */
function runTests(copy: string, tests: string[], limitMs = 10 * 60_000): { passed: boolean; seconds: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(copy, "node_modules", "jest", "bin", "jest.js"), "--ci", "--silent", "--forceExit", ...tests], {
    cwd: copy,
    env: { ...process.env, NODE_OPTIONS: "--experimental-vm-modules" },
    stdio: "pipe",
    encoding: "utf8",
    timeout: limitMs,
    killSignal: "SIGKILL",
  });
  return { passed: r.status === 0, seconds: (Date.now() - started) / 1000 };
}

function main(argv: string[]): number {
  if (argv.includes("--list")) {
    for (const m of MUTATIONS) console.log(`${m.name.padEnd(32)} ${m.breaks}`);
    return 0;
  }
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1]?.split(",") ?? []) : null;
  const chosen = MUTATIONS.filter((m) => !only || only.has(m.name));
  const root = repoRoot();
  const copy = workingCopy(root);
  let killed = 0;
  let survived = 0;
  let stale = 0;
  try {
    // the tests pass on the unmutated copy, or no outcome below means anything
    const baseline = runTests(copy, [...new Set(chosen.flatMap((m) => m.tests))]);
    if (!baseline.passed) {
      console.error("the focused tests fail without any mutation: fix them first");
      return 2;
    }
    for (const m of chosen) {
      const path = join(copy, m.file);
      const original = readFileSync(path, "utf8");
      const at = original.indexOf(m.search);
      if (at < 0 || original.indexOf(m.search, at + 1) >= 0) {
        stale++;
        console.log(`STALE     ${m.name.padEnd(32)} the search text is ${at < 0 ? "not" : "more than once"} in ${m.file}`);
        continue;
      }
      writeFileSync(path, original.slice(0, at) + m.replace + original.slice(at + m.search.length));
      try {
        const { passed, seconds } = runTests(copy, m.tests);
        if (passed) survived++;
        else killed++;
        console.log(`${passed ? "SURVIVED" : "killed  "}  ${m.name.padEnd(32)} ${m.breaks} (${m.tests.join(" ")}, ${seconds.toFixed(0)} s)`);
      } finally {
        writeFileSync(path, original);
      }
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
  const tried = killed + survived;
  console.log(`\nkill ratio: ${killed}/${tried}${tried ? ` (${Math.round((100 * killed) / tried)}%)` : ""}${stale ? `; ${stale} stale mutation(s) not run` : ""}`);
  return survived || stale ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
