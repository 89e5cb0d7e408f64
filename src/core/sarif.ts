/**
 * A report as SARIF 2.1.0, the format GitHub code scanning (and most CI dashboards) ingest.
 * Pure: the caller passes the report, the rule set and the tool's version.
 *
 * Choices worth knowing:
 * - every loaded rule is listed under `tool.driver.rules`, so `ruleIndex` is stable across runs;
 * - paths are relative to `%SRCROOT%` (the directory the scan ran in); columns are UTF-16 code units,
 *   as in the `Finding`;
 * - a `safe`/`review` fix becomes a SARIF fix: `deletedRegion` is the suggestion's whole lines
 *   (startLine..endLine, no columns: SARIF then means "to the end of endLine, line break excluded"),
 *   so `insertedContent` is the replacement without its final line break;
 * - no snippet is embedded: a secret's value never leaves the file through SARIF.
 */
import type { Finding, Fix, Severity, Confidence } from "./finding.js";
import type { Report } from "./report.js";
import type { Rule } from "./rules/load.js";
import { fence } from "./render.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
export const FINGERPRINT_KEY = "hunkguard/v1";

type SarifLevel = "error" | "warning" | "note";

const LEVEL: Record<Severity, SarifLevel> = { high: "error", medium: "warning", low: "note" };
/** GitHub reads `security-severity` as a CVSS-like score: ≥ 7 high, ≥ 4 medium, > 0 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { high: "8.0", medium: "5.5", low: "3.0" };
const PRECISION: Record<Confidence, string> = { high: "high", medium: "medium", low: "low" };

export interface SarifOptions {
  /** the tool's version (package.json) */
  version: string;
  /** where the tool is documented */
  informationUri: string;
}

export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifRun[];
}

export interface SarifRun {
  tool: { driver: Record<string, unknown> };
  columnKind: "utf16CodeUnits";
  originalUriBaseIds?: Record<string, unknown>;
  results: Record<string, unknown>[];
  invocations: Record<string, unknown>[];
}

/** `pickle-load` → `PickleLoad`: SARIF's `name` is meant to read as an identifier, distinct from the id. */
function ruleName(id: string): string {
  return id
    .split("-")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}

function helpText(rule: Rule): string {
  const lines = [rule.title, "", `What it finds: ${rule.docs.what}`, `Why it matters: ${rule.docs.why}`, `Instead: ${rule.docs.instead}`];
  if (rule.docs.noise) lines.push(`Kept quiet on purpose: ${rule.docs.noise}`);
  if (rule.fix) lines.push(`Fix: ${rule.fix.safety}${rule.fix.caveat ? ` (${rule.fix.caveat})` : ""}`);
  if (rule.docs.references.length) lines.push("", "References:", ...rule.docs.references.map((r) => `- ${r}`));
  return lines.join("\n");
}

function helpMarkdown(rule: Rule): string {
  const parts = [
    `**${rule.title}** (\`${rule.id}\`, ${rule.severity} severity, ${rule.confidence} confidence; ${rule.cwe.join(", ")}` +
      `${rule.bandit ? `; Bandit ${rule.bandit}` : ""}${rule.ruff ? `; Ruff ${rule.ruff}` : ""})`,
    `### What it finds\n${rule.docs.what}`,
    `### Why it matters\n${rule.docs.why}`,
    `### Instead\n${rule.docs.instead}`,
  ];
  if (rule.fix?.example) parts.push(fence(rule.fix.example, "python"));
  if (rule.docs.noise) parts.push(`### Kept quiet on purpose\n${rule.docs.noise}`);
  if (rule.fix) parts.push(`### Fix\n\`${rule.fix.safety}\`${rule.fix.caveat ? `: ${rule.fix.caveat}` : ""}`);
  if (rule.docs.references.length) parts.push(`### References\n${rule.docs.references.map((r) => `- <${r}>`).join("\n")}`);
  return parts.join("\n\n");
}

function describeRule(rule: Rule): Record<string, unknown> {
  const tags = ["security", rule.category, ...rule.cwe, ...rule.cwe.map((c) => `external/cwe/${c.toLowerCase()}`)];
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.docs.what },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags,
      precision: PRECISION[rule.confidence],
      "security-severity": SECURITY_SEVERITY[rule.severity],
      ...(rule.bandit ? { bandit: rule.bandit } : {}),
      ...(rule.ruff ? { ruff: rule.ruff } : {}),
    },
  };
}

/** Relative paths under %SRCROOT%, each segment percent-encoded; absolute ones as file: URIs. */
export function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  const posix = path.split("\\").join("/");
  const encoded = posix
    .split("/")
    .map((seg) => encodeURIComponent(seg))
    .join("/");
  if (posix.startsWith("/")) return { uri: `file://${encoded}` };
  return { uri: encoded.replace(/^\.\//, ""), uriBaseId: "%SRCROOT%" };
}

function withoutFinalBreak(text: string): string {
  if (text.endsWith("\r\n")) return text.slice(0, -2);
  if (text.endsWith("\n")) return text.slice(0, -1);
  return text;
}

function replacementOf(startLine: number, endLine: number, text: string): Record<string, unknown> {
  return { deletedRegion: { startLine, endLine }, insertedContent: { text: withoutFinalBreak(text) } };
}

function sarifFixes(finding: Finding, fix: Fix): Record<string, unknown>[] {
  if (fix.safety === "explain" || fix.replacement === undefined) return [];
  const parts = [{ startLine: fix.startLine, endLine: fix.endLine, replacement: fix.replacement }];
  if (fix.companion) parts.push(fix.companion);
  // bottom-up: correct whether a consumer reads every region against the original text or applies them in turn
  parts.sort((a, b) => b.startLine - a.startLine);
  const replacements = parts.map((s) => replacementOf(s.startLine, s.endLine, s.replacement));
  const notes = [fix.caveat, fix.companion?.note]
    .filter((s): s is string => Boolean(s))
    .map((s) => (/[.!?]$/.test(s) ? s : `${s}.`))
    .join(" ");
  return [
    {
      description: { text: `${fix.safety === "safe" ? "Safe fix" : "Fix to review"}${notes ? `: ${notes}` : ""}` },
      artifactChanges: [{ artifactLocation: artifactLocation(finding.path), replacements }],
    },
  ];
}

function describeResult(finding: Finding, ruleIndex: number | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {
    ruleId: finding.rule,
    ...(ruleIndex !== undefined ? { ruleIndex } : {}),
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(finding.path),
          region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    properties: { severity: finding.severity, confidence: finding.confidence, category: finding.category },
  };
  const fixes = finding.fix ? sarifFixes(finding, finding.fix) : [];
  if (fixes.length) result.fixes = fixes;
  return result;
}

export function toSarif(report: Report, rules: Rule[], opts: SarifOptions): SarifLog {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const notifications = report.skipped.map((s) => ({
    level: "warning",
    message: { text: `${s.path} was not analysed: ${s.reason}` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(s.path) } }],
  }));
  for (const f of report.tally.ruleFailures) {
    notifications.push({
      level: "error",
      message: { text: `rule ${f.rule} failed on ${f.path}: ${f.error}` },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(f.path) } }],
    });
  }
  for (const f of report.tally.incomplete ?? []) {
    notifications.push({
      level: "error",
      message: { text: `${f.path} was not fully analysed: ${f.reason}` },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(f.path) } }],
    });
  }
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "HunkGuard",
            informationUri: opts.informationUri,
            version: opts.version,
            semanticVersion: opts.version,
            rules: rules.map(describeRule),
          },
        },
        columnKind: "utf16CodeUnits",
        results: report.findings.map((f) => describeResult(f, index.get(f.rule))),
        invocations: [{ executionSuccessful: true, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
      },
    ],
  };
}
