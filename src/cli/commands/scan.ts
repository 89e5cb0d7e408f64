/**
 * `hunkguard scan [PATH...]` (whole files) and `hunkguard scan --diff FILE|-` (the lines a diff adds).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { RuleSet } from "../../core/rules/load.js";
import type { Options } from "../args.js";
import { collectPythonFiles, jobsFromDiff } from "../files.js";
import { parseDiffOrFail } from "../git.js";
import { InputError, readAll, type CliIO } from "../io.js";
import { analyzeFiles, defaultSettings, inputError, newRun, type Run } from "../run.js";

function settingsOf(opts: Options, rules: RuleSet) {
  return { ...defaultSettings(rules, opts.fixes, opts.minSeverity), progress: opts.format === "text" };
}

export async function scanPaths(opts: Options, rules: RuleSet, io: CliIO): Promise<Run> {
  const run = newRun();
  const { files, missing, outside } = collectPythonFiles(opts.paths.length ? opts.paths : ["."], io.cwd);
  for (const m of missing) {
    inputError(io, run, `no such file or directory: ${m}`);
    run.report.skipped.push({ path: m, reason: "no such file or directory" });
  }
  // not read, and said so: the file behind the link is not part of what was scanned
  for (const o of outside) run.report.skipped.push(o);
  await analyzeFiles(files, settingsOf(opts, rules), io, run);
  return run;
}

export async function scanDiff(opts: Options, rules: RuleSet, io: CliIO): Promise<Run> {
  const source = opts.diff!;
  let text: string;
  if (source === "-") {
    text = (await readAll(io.stdin)).toString("utf8");
  } else {
    try {
      // patch text, not code: undecodable bytes only touch content we do not read
      text = readFileSync(resolve(io.cwd, source)).toString("utf8");
    } catch (e) {
      throw new InputError(`cannot read the diff ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const diffs = parseDiffOrFail(text, source === "-" ? "standard input" : source);
  const run = newRun();
  const jobs = jobsFromDiff(diffs, io.cwd, (message, path, reason) => {
    inputError(io, run, message);
    run.report.skipped.push({ path, reason });
  });
  await analyzeFiles(jobs, settingsOf(opts, rules), io, run);
  return run;
}
