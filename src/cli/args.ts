/**
 * The command line: commands, options, the help text, the package's version.
 */
import { readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { SKIPPED_DIRS } from "../core/walk.js";
import type { Severity } from "../core/finding.js";
import { UsageError } from "./io.js";

export const USAGE = `Usage: hunkguard <command> [options]

Commands:
  scan [PATH...]         Scan whole files; folders recursively (.py, .pyi). Default: the current folder.
                         In a git repository, files git ignores (.gitignore) are not scanned.
  scan -                 Scan Python source read from standard input (--stdin-filename names it).
  scan --diff FILE|-     Scan only the lines a unified diff adds (as \`git diff\` prints it; - reads
                         standard input), reading the new files from the repository's working tree.
  scan --staged          Scan only the lines the staged changes add, as staged (for pre-commit).
  review [--base REF]    Show what the bot would post for this branch: the review and its comments
                         for the lines \`git diff MERGE-BASE\` adds. REF defaults to the upstream
                         branch, then origin/HEAD, origin/main, main, master.
  rules                  List the rules.
  help                   Show this help.

Options:
  --format text|json|sarif        Output format (default text; \`rules\` takes text or json).
  -o, --output FILE               Write the report to FILE instead of standard output.
  --fail-on high|medium|low|never Exit 1 when a finding at or above this severity is reported
                                  (default: the repo config's fail_on, else high).
  --min-severity high|medium|low  Report only findings at or above this severity (default: the
                                  repo config's min_severity, else low).
  --min-confidence high|medium|low
                                  Report only findings at or above this confidence (default low).
  --select ID[,ID...]             Run only these rules: HunkGuard rule ids, Bandit ids (B301) or
                                  Ruff ids (S301). Repeatable.
  --ignore ID[,ID...]             Do not run these rules (same ids). Repeatable.
  --exclude GLOB                  Leave out paths matching GLOB (relative to the repository root,
                                  as in the config's exclude). Repeatable.
  --config FILE                   Read the config from FILE instead of .github/hunkguard.yml at the
                                  repository root.
  --baseline FILE                 Do not report findings recorded in FILE (see --write-baseline).
  --write-baseline FILE           Record the current findings in FILE and exit 0.
  --stdin-filename PATH           The path reported for \`scan -\` (default: stdin.py).
  -q, --quiet                     Text output: the findings and errors only, no summary.
  --no-fixes                      Do not build suggested fixes.
  --allow-unanalysed              Exit by the findings alone when a file could not be analysed
                                  (by default such a file makes the exit code 2).
  --tests quiet|report            Test code (tests/, test_*.py, *_test.py, conftest.py): quiet leaves
                                  out dummy secrets, /tmp paths and the like there; real-format
                                  secrets are still reported (default: the repo config's tests, else
                                  quiet).
  --no-cache                      Analyse every file again: do not read or write .hunkguard_cache/
                                  (HUNKGUARD_CACHE_DIR moves it).
  --github                        review: in a GitHub Actions workflow, post the review and the
                                  check run for the pull request of GITHUB_EVENT_PATH with
                                  GITHUB_TOKEN (takes --fail-on, --min-severity, --config).
  -h, --help                      Show this help.
  --version                       Print the version.

Config: scan and review read .github/hunkguard.yml at the git root (the app's config: exclude,
include, disable_rules, enable_rules, disable_categories, min_severity, fail_on, filter, …).
Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 usage or input error (a missing
path, a diff that is not a diff, no base for review), or a file that could not be analysed (not
Python text, over the size limit, a rule that failed on it, code on the scanned lines that does not
parse) unless --allow-unanalysed. Such files are named, and do not stop the scan.
Folders not entered: ${[...SKIPPED_DIRS].join(", ")}.
Suppress a finding with \`# nosec\`, \`# noqa: S301\` or \`# hunkguard: ignore[rule-id]\` on its line.
`;

export type Format = "text" | "json" | "sarif";
export type FailOn = Severity | "never";
export type Confidence = "high" | "medium" | "low";

export interface Options {
  command: "scan" | "review" | "rules";
  paths: string[];
  format: Format;
  /** unset: the repo config's `fail_on`, else high */
  failOn?: FailOn;
  /** unset: the repo config's `min_severity` */
  minSeverity?: Severity;
  minConfidence?: Confidence;
  fixes: boolean;
  diff?: string;
  /** scan the staged changes (`git diff --cached`), reading files from the index */
  staged: boolean;
  /** scan standard input as one Python file (`scan -`) */
  stdin: boolean;
  stdinFilename?: string;
  base?: string;
  /** a file not analysed does not make the exit code 2 */
  allowUnanalysed: boolean;
  config?: string;
  exclude: string[];
  select: string[];
  ignore: string[];
  baseline?: string;
  writeBaseline?: string;
  output?: string;
  quiet: boolean;
  github: boolean;
  /** unset: the repo config's `tests` */
  tests?: "quiet" | "report";
  /** do not read or write the on-disk result cache */
  noCache: boolean;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(", ")} (got "${value}")`);
  }
  return value as T;
}

/** `--select a,b --select c` → [a, b, c] */
function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
}

export function parseOptions(argv: string[]): Options | "help" | "version" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string" },
        "fail-on": { type: "string" },
        "min-severity": { type: "string" },
        "min-confidence": { type: "string" },
        "no-fixes": { type: "boolean" },
        "allow-unanalysed": { type: "boolean" },
        diff: { type: "string" },
        staged: { type: "boolean" },
        "stdin-filename": { type: "string" },
        base: { type: "string" },
        config: { type: "string" },
        exclude: { type: "string", multiple: true },
        select: { type: "string", multiple: true },
        ignore: { type: "string", multiple: true },
        baseline: { type: "string" },
        "write-baseline": { type: "string" },
        output: { type: "string", short: "o" },
        quiet: { type: "boolean", short: "q" },
        github: { type: "boolean" },
        tests: { type: "string" },
        "no-cache": { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0].replace(/\. To specify a positional argument.*$/, ""));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (values.version) return "version";
  const [command, ...rest] = positionals;
  if (command === "help") return "help";
  if (command === undefined) throw new UsageError("missing command: scan, review or rules");
  if (command !== "scan" && command !== "review" && command !== "rules") {
    throw new UsageError(`unknown command "${command}" (expected scan, review, rules or help)`);
  }
  const stdin = command === "scan" && rest.length === 1 && rest[0] === "-";
  const opts: Options = {
    command,
    paths: stdin ? [] : rest,
    format: oneOf("format", values.format, ["text", "json", "sarif"] as const) ?? "text",
    failOn: oneOf("fail-on", values["fail-on"], ["high", "medium", "low", "never"] as const),
    minSeverity: oneOf("min-severity", values["min-severity"], ["high", "medium", "low"] as const),
    minConfidence: oneOf("min-confidence", values["min-confidence"], ["high", "medium", "low"] as const),
    fixes: !values["no-fixes"],
    diff: values.diff,
    staged: values.staged === true,
    stdin,
    stdinFilename: values["stdin-filename"],
    base: values.base,
    allowUnanalysed: values["allow-unanalysed"] === true,
    config: values.config,
    exclude: values.exclude ?? [],
    select: list(values.select),
    ignore: list(values.ignore),
    baseline: values.baseline,
    writeBaseline: values["write-baseline"],
    output: values.output,
    quiet: values.quiet === true,
    github: values.github === true,
    tests: oneOf("tests", values.tests, ["quiet", "report"] as const),
    noCache: values["no-cache"] === true,
  };
  const modes = [opts.diff !== undefined && "--diff", opts.staged && "--staged", stdin && "-", opts.paths.length > 0 && "paths"].filter(Boolean);
  if (command !== "scan" && (opts.diff !== undefined || opts.staged)) throw new UsageError(`${opts.staged ? "--staged" : "--diff"} goes with scan`);
  if (modes.length > 1) throw new UsageError(`scan takes one of paths, -, --diff or --staged (got ${modes.join(" and ")})`);
  if (opts.stdinFilename !== undefined && !stdin) throw new UsageError("--stdin-filename goes with scan -");
  if (opts.base !== undefined && command !== "review") throw new UsageError("--base goes with review");
  if (opts.github && command !== "review") throw new UsageError("--github goes with review");
  if (command !== "scan" && rest.length) throw new UsageError(`${command} takes no paths (got ${rest.join(" ")})`);
  if (command === "rules" && opts.format === "sarif") throw new UsageError("rules prints text or json");
  if (opts.baseline !== undefined && opts.writeBaseline !== undefined) throw new UsageError("--baseline and --write-baseline do not go together");
  if (command === "rules" && (opts.baseline ?? opts.writeBaseline ?? opts.config) !== undefined) throw new UsageError("rules takes no --baseline, --write-baseline or --config");
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Package metadata

export interface PackageInfo {
  version: string;
  informationUri: string;
}

let packageInfo: PackageInfo | undefined;

/** package.json next to src/ (ts-jest) or dist/src/ (built). */
export function readPackageInfo(): PackageInfo {
  if (packageInfo) return packageInfo;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as {
        name?: string;
        version?: string;
        homepage?: string;
        repository?: string | { url?: string };
      };
      if (pkg.name === "hunkguard") {
        const repo = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
        const informationUri =
          pkg.homepage ?? (repo ? repo.replace(/^git\+/, "").replace(/\.git$/, "") : "https://github.com/hunkguard/hunkguard");
        packageInfo = { version: pkg.version ?? "0.0.0", informationUri };
        return packageInfo;
      }
    }
    dir = dirname(dir);
  }
  packageInfo = { version: "0.0.0", informationUri: "https://github.com/hunkguard/hunkguard" };
  return packageInfo;
}
