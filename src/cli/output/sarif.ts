/**
 * `--format sarif`: SARIF 2.1.0 for code scanning (core/sarif.ts builds it).
 */
import { toSarif } from "../../core/sarif.js";
import type { Rule } from "../../core/rules/load.js";
import { readPackageInfo } from "../args.js";
import type { Run } from "../run.js";

export function sarifText(run: Run, rules: Rule[]): string {
  return `${JSON.stringify(toSarif(run.report, rules, readPackageInfo()), null, 2)}\n`;
}
