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
  scan --diff FILE|-     Scan only the lines a unified diff adds (as \`git diff\` prints it; - reads
                         standard input), reading the new files from the working tree.
  review [--base REF]    Show what the bot would post for this branch: the review and its comments
                         for the lines \`git diff MERGE-BASE\` adds, under .github/hunkguard.yml like
                         the app. REF defaults to the upstream branch, then origin/HEAD,
                         origin/main, main, master.
  rules                  List the rules.

Options:
  --format text|json|sarif        Output format (default text; \`rules\` takes text or json).
  --fail-on high|medium|low|never Exit 1 when a finding at or above this severity is reported
                                  (default high; review: the repo config's fail_on).
  --min-severity high|medium|low  Report only findings at or above this severity (default low).
  --no-fixes                      Do not build suggested fixes.
  --allow-unanalysed              Exit by the findings alone when a file could not be analysed
                                  (by default such a file makes the exit code 2).
  -h, --help                      Show this help.
  --version                       Print the version.

Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 usage or input error (a missing
path, a diff that is not a diff, no base for review), or a file that could not be analysed (not
Python text, over the size limit, a rule that failed on it, code on the scanned lines that does not
parse) unless --allow-unanalysed. Such files are named, and do not stop the scan.
Folders not entered: ${[...SKIPPED_DIRS].join(", ")}.
Suppress a finding with \`# nosec\`, \`# noqa: S301\` or \`# hunkguard: ignore[rule-id]\` on its line.
`;


export type Format = "text" | "json" | "sarif";
export type FailOn = Severity | "never";

export interface Options {
  command: "scan" | "review" | "rules";
  paths: string[];
  format: Format;
  /** unset: the repo config's `fail_on` for review, else high */
  failOn?: FailOn;
  minSeverity?: Severity;
  fixes: boolean;
  diff?: string;
  base?: string;
  /** a file not analysed does not make the exit code 2 */
  allowUnanalysed: boolean;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(", ")} (got "${value}")`);
  }
  return value as T;
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
        "no-fixes": { type: "boolean" },
        "allow-unanalysed": { type: "boolean" },
        diff: { type: "string" },
        base: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (values.version) return "version";
  const [command, ...paths] = positionals;
  if (command === undefined) throw new UsageError("missing command: scan, review or rules");
  if (command !== "scan" && command !== "review" && command !== "rules") {
    throw new UsageError(`unknown command "${command}" (expected scan, review or rules)`);
  }
  const opts: Options = {
    command,
    paths,
    format: oneOf("format", values.format, ["text", "json", "sarif"] as const) ?? "text",
    failOn: oneOf("fail-on", values["fail-on"], ["high", "medium", "low", "never"] as const),
    minSeverity: oneOf("min-severity", values["min-severity"], ["high", "medium", "low"] as const),
    fixes: !values["no-fixes"],
    diff: values.diff,
    base: values.base,
    allowUnanalysed: values["allow-unanalysed"] === true,
  };
  if (opts.diff !== undefined && command !== "scan") throw new UsageError("--diff goes with scan");
  if (opts.diff !== undefined && paths.length) throw new UsageError("scan takes either paths or --diff, not both");
  if (opts.base !== undefined && command !== "review") throw new UsageError("--base goes with review");
  if (command !== "scan" && paths.length) throw new UsageError(`${command} takes no paths (got ${paths.join(" ")})`);
  if (command === "rules" && opts.format === "sarif") throw new UsageError("rules prints text or json");
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
