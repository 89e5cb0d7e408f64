/**
 * Baselines: adopt the gate on an existing codebase. `--write-baseline FILE` records the current
 * findings; `--baseline FILE` stops reporting them (they are counted, never silently dropped).
 *
 * The file (documented in README.md, "Baselines"), stable for review in a pull request:
 *
 *   { "version": 1, "tool": "hunkguard",
 *     "findings": [ { "path": "app/x.py", "rule": "pickle-load", "fingerprint": "3f1a…" }, … ] }
 *
 * entries sorted by path, rule, fingerprint; `path` relative to the repository root. A finding is
 * in the baseline when an entry has its path and the *kind* of its fingerprint (the first 12
 * characters: the rule and the statement's normalised text), each entry matching one finding: a
 * recorded finding stays hidden when the code around it moves, and is reported again when its
 * statement changes, or when a second identical one is added.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { kindOf } from "../core/fingerprint.js";
import type { Finding } from "../core/finding.js";
import { InputError } from "./io.js";

export interface BaselineEntry {
  path: string;
  rule: string;
  fingerprint: string;
}

export interface BaselineFile {
  version: 1;
  tool: "hunkguard";
  findings: BaselineEntry[];
}

export function baselineOf(findings: Finding[], repoPath: (reported: string) => string): BaselineFile {
  const entries = findings.map((f) => ({ path: repoPath(f.path), rule: f.rule, fingerprint: f.fingerprint }));
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  return { version: 1, tool: "hunkguard", findings: entries };
}

export function writeBaseline(file: string, baseline: BaselineFile): void {
  try {
    writeFileSync(file, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (e) {
    throw new InputError(`cannot write the baseline ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function readBaseline(file: string): BaselineFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InputError(`cannot read the baseline ${file}: ${why}`);
  }
  const b = raw as Partial<BaselineFile> | null;
  const ok =
    !!b && b.version === 1 && Array.isArray(b.findings) &&
    b.findings.every((e) => !!e && typeof e.path === "string" && typeof e.rule === "string" && typeof e.fingerprint === "string");
  if (!ok) throw new InputError(`${file} is not a HunkGuard baseline (version 1; written by --write-baseline)`);
  return b as BaselineFile;
}

/** The findings not in the baseline, and how many were. */
export function applyBaseline(findings: Finding[], baseline: BaselineFile, repoPath: (reported: string) => string): { kept: Finding[]; hidden: number } {
  const left = new Map<string, number>();
  for (const e of baseline.findings) {
    const key = `${e.path}\0${kindOf(e.fingerprint)}`;
    left.set(key, (left.get(key) ?? 0) + 1);
  }
  const kept: Finding[] = [];
  for (const f of findings) {
    const key = `${repoPath(f.path)}\0${kindOf(f.fingerprint)}`;
    const n = left.get(key) ?? 0;
    if (n > 0) left.set(key, n - 1);
    else kept.push(f);
  }
  return { kept, hidden: findings.length - kept.length };
}
