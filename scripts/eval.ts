/**
 * Recall and false alarms on the repository's own labelled corpora (eval/README.md):
 *
 *   npm run eval -- [--vs bandit] [--vs ruff] [--corpus apps,rule-tests,real] [--details] [--json]
 *                   [--real-root DIR] [--unlabelled FILE] [--hunkguard-arg ARG ...]
 *
 * - eval/apps/<app>/truth.yml: known vulnerabilities of small realistic apps (recall per app, per
 *   class, line-level only) and `ok` lines that must stay quiet (false alarms);
 * - eval/rule-tests/<concern>/: Semgrep-style `# ruleid: <concern>` / `# ok: <concern>` annotations
 *   (recall and false-alarm rate per concern);
 * - eval/real/: whole Debian-installed packages, every HunkGuard finding labelled tp/fp by reading
 *   (precision per rule, findings nobody labelled yet, labels no finding matches any more).
 *
 * HunkGuard runs as the built CLI (`bin/hunkguard.js scan --format json`), so the scorer measures
 * exactly what users get and does not depend on the engine's internals. `--vs bandit` / `--vs ruff`
 * score Debian's Bandit and Ruff's `S` rules on the same truth (neither is a dependency: a missing
 * one is reported and skipped). Findings map to truth classes through eval/classes.yml.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

// ---------------------------------------------------------------------------------------------
// Findings and the class table

export type Tool = "hunkguard" | "bandit" | "ruff";
export const TOOLS: Tool[] = ["hunkguard", "bandit", "ruff"];

/** One finding of any tool, its path relative to the corpus folder it was run in. */
export interface ToolFinding {
  tool: Tool;
  /** HunkGuard rule id, Bandit test id or Ruff code */
  rule: string;
  /** HunkGuard's rule category */
  category?: string;
  path: string;
  line: number;
  endLine: number;
}

const ClassSpecSchema = z
  .object({
    concern: z.string().regex(/^[a-z][a-z0-9-]*$/),
    level: z.enum(["line", "route"]).default("line"),
    hunkguard: z
      .object({ categories: z.array(z.string()).default([]), rules: z.array(z.string()).default([]) })
      .strict(),
    bandit: z.array(z.string().regex(/^B\d{3}$/)).default([]),
    ruff: z.array(z.string().regex(/^S\d{3}$/)).default([]),
  })
  .strict();
const ClassFileSchema = z.object({ classes: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), ClassSpecSchema) }).strict();

export type ClassSpec = z.infer<typeof ClassSpecSchema> & { name: string };

export interface ClassTable {
  classes: Map<string, ClassSpec>;
  /** concern → the classes it covers */
  concerns: Map<string, Set<string>>;
}

/** Thrown for corpus files that are not what the scorer expects; the message names the file. */
export class CorpusError extends Error {}

function schemaProblems(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(top)"}: ${i.message}`).join("; ");
}

function parseYamlFile(text: string, file: string): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    throw new CorpusError(`${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

export function parseClassTable(text: string, file = "eval/classes.yml"): ClassTable {
  const parsed = ClassFileSchema.safeParse(parseYamlFile(text, file));
  if (!parsed.success) throw new CorpusError(`${file}: ${schemaProblems(parsed.error)}`);
  const classes = new Map<string, ClassSpec>();
  const concerns = new Map<string, Set<string>>();
  for (const [name, spec] of Object.entries(parsed.data.classes)) {
    classes.set(name, { ...spec, name });
    const set = concerns.get(spec.concern) ?? new Set<string>();
    set.add(name);
    concerns.set(spec.concern, set);
  }
  return { classes, concerns };
}

/**
 * The truth classes a finding stands for. A HunkGuard rule named by id in some class maps to those
 * classes only; any other rule maps through its category. Bandit and Ruff map by id.
 */
export function classesOf(f: Pick<ToolFinding, "tool" | "rule" | "category">, table: ClassTable): string[] {
  const out: string[] = [];
  if (f.tool === "hunkguard") {
    for (const c of table.classes.values()) if (c.hunkguard.rules.includes(f.rule)) out.push(c.name);
    if (out.length) return out;
    for (const c of table.classes.values()) if (f.category && c.hunkguard.categories.includes(f.category)) out.push(c.name);
    return out;
  }
  for (const c of table.classes.values()) if ((f.tool === "bandit" ? c.bandit : c.ruff).includes(f.rule)) out.push(c.name);
  return out;
}

/**
 * HunkGuard rules that stand for several classes only because their category is shared (e.g. a new
 * `tls` rule counts for verification, versions and cleartext alike): the table should name them.
 */
export function ambiguousRules(rules: { id: string; category: string }[], table: ClassTable): string[] {
  const named = new Set([...table.classes.values()].flatMap((c) => c.hunkguard.rules));
  return rules
    .filter((r) => !named.has(r.id) && classesOf({ tool: "hunkguard", rule: r.id, category: r.category }, table).length > 1)
    .map((r) => r.id)
    .sort();
}

/** HunkGuard rules no class stands for: their findings count nowhere (listed so the table stays current). */
export function unmappedRules(rules: { id: string; category: string }[], table: ClassTable): string[] {
  return rules.filter((r) => classesOf({ tool: "hunkguard", rule: r.id, category: r.category }, table).length === 0).map((r) => r.id).sort();
}

// ---------------------------------------------------------------------------------------------
// Lines

export interface Span {
  file: string;
  line: number;
  endLine: number;
}

/** The lines a finding may sit on to count for a truth item: ±1 around a multi-line item. */
export function truthWindow(s: Pick<Span, "line" | "endLine">): [number, number] {
  return s.endLine > s.line ? [s.line - 1, s.endLine + 1] : [s.line, s.line];
}

export function meets(f: Pick<ToolFinding, "line" | "endLine">, lo: number, hi: number): boolean {
  return f.line <= hi && Math.max(f.endLine, f.line) >= lo;
}

/** Whitespace collapsed, so indentation or spacing changes do not break a label or a truth line. */
export function normaliseCode(s: string): string {
  return s.trim().replace(/\s+/g, " ");
}

// ---------------------------------------------------------------------------------------------
// Apps: truth.yml

const LocationSchema = z
  .object({
    file: z.string().min(1),
    line: z.number().int().positive(),
    endLine: z.number().int().positive().optional(),
    code: z.string().min(1),
  })
  .strict();
const VulnSchema = LocationSchema.extend({
  class: z.string(),
  note: z.string().optional(),
  also: z.array(LocationSchema).default([]),
}).strict();
const OkSchema = LocationSchema.extend({
  class: z.string().optional(),
  note: z.string().optional(),
  also: z.array(LocationSchema).default([]),
}).strict();
const TruthSchema = z
  .object({
    app: z.string(),
    framework: z.string(),
    summary: z.string().optional(),
    vulns: z.array(VulnSchema).min(1),
    ok: z.array(OkSchema).nullish().transform((x) => x ?? []),
  })
  .strict();

export interface Location extends Span {
  code: string;
}
export interface TruthItem extends Location {
  class: string;
  note?: string;
  also: Location[];
}
export interface OkItem extends Location {
  /** the class the line resembles; without one, a finding of any class on it is a false alarm */
  class?: string;
  note?: string;
  /** other lines of the same safe code (e.g. where a constant query is built) */
  also: Location[];
}
export interface AppTruth {
  app: string;
  framework: string;
  summary?: string;
  vulns: TruthItem[];
  ok: OkItem[];
}

const located = <T extends { line: number; endLine?: number }>(x: T): T & { endLine: number } => ({ ...x, endLine: x.endLine ?? x.line });

/** Parses a truth.yml; classes must exist in the table. */
export function parseTruth(text: string, file: string, table: ClassTable): AppTruth {
  const parsed = TruthSchema.safeParse(parseYamlFile(text, file));
  if (!parsed.success) throw new CorpusError(`${file}: ${schemaProblems(parsed.error)}`);
  const t = parsed.data;
  const unknown = [...t.vulns.map((v) => v.class), ...t.ok.flatMap((o) => (o.class ? [o.class] : []))].filter((c) => !table.classes.has(c));
  if (unknown.length) throw new CorpusError(`${file}: unknown class ${[...new Set(unknown)].join(", ")} (classes are listed in eval/classes.yml)`);
  return {
    app: t.app,
    framework: t.framework,
    ...(t.summary ? { summary: t.summary } : {}),
    vulns: t.vulns.map((v) => ({ ...located(v), also: v.also.map(located) })),
    ok: t.ok.map((o) => ({ ...located(o), also: o.also.map(located) })),
  };
}

/**
 * Every location's `code` must be what its line holds (whitespace aside): truth that drifted from
 * its code would score the wrong lines. Returns one message per mismatch.
 */
export function truthDrift(truth: AppTruth, readLines: (file: string) => string[] | undefined): string[] {
  const problems: string[] = [];
  const check = (loc: Location, what: string) => {
    const lines = readLines(loc.file);
    if (!lines) return problems.push(`${what}: ${loc.file} does not exist`);
    const actual = lines[loc.line - 1];
    if (actual === undefined) return problems.push(`${what}: ${loc.file} has no line ${loc.line}`);
    if (normaliseCode(actual) !== normaliseCode(loc.code))
      problems.push(`${what}: expected \`${normaliseCode(loc.code)}\` at ${loc.file}:${loc.line}, the line reads \`${normaliseCode(actual)}\``);
  };
  truth.vulns.forEach((v, i) => {
    check(v, `vulns[${i}] (${v.class})`);
    v.also.forEach((a, j) => check(a, `vulns[${i}].also[${j}]`));
  });
  truth.ok.forEach((o, i) => {
    check(o, `ok[${i}]`);
    o.also.forEach((a, j) => check(a, `ok[${i}].also[${j}]`));
  });
  return problems;
}

export interface ItemResult {
  item: TruthItem;
  found: boolean;
  /** the findings that count for it */
  by: ToolFinding[];
}
export interface OkResult {
  item: OkItem;
  /** matching findings on an `ok` line: false alarms */
  hits: ToolFinding[];
}
export interface AppScore {
  app: string;
  items: ItemResult[];
  ok: OkResult[];
  /** findings on no truth item's window and no `ok` line */
  unlabelled: ToolFinding[];
}

/** One tool's findings (paths relative to the app folder) against one app's truth. */
export function scoreApp(truth: AppTruth, findings: ToolFinding[], table: ClassTable): AppScore {
  const withClasses = findings.map((f) => ({ f, classes: classesOf(f, table) }));
  const labelled = new Set<ToolFinding>();
  const items = truth.vulns.map((item) => {
    const by: ToolFinding[] = [];
    for (const { f, classes } of withClasses) {
      const here = [item, ...item.also].some((loc) => loc.file === f.path && meets(f, ...truthWindow(loc)));
      if (!here) continue;
      labelled.add(f);
      if (classes.includes(item.class)) by.push(f);
    }
    return { item, found: by.length > 0, by };
  });
  const ok = truth.ok.map((item) => {
    const hits: ToolFinding[] = [];
    for (const { f, classes } of withClasses) {
      if (![item, ...item.also].some((loc) => f.path === loc.file && meets(f, loc.line, loc.endLine))) continue;
      labelled.add(f);
      if (item.class ? classes.includes(item.class) : classes.length > 0) hits.push(f);
    }
    return { item, hits };
  });
  return { app: truth.app, items, ok, unlabelled: findings.filter((f) => !labelled.has(f)) };
}

// ---------------------------------------------------------------------------------------------
// Rule tests: `# ruleid: <concern>` / `# ok: <concern>` on the line before the labelled statement

export interface Annotation {
  kind: "ruleid" | "ok";
  concerns: string[];
  /** the comment's own line */
  at: number;
  /** the labelled statement: its first and last line (a decorated def ends at its `def` line) */
  line: number;
  endLine: number;
}

const ANNOTATION = /^\s*#\s*(ruleid|ok)\s*:\s*([a-z][a-z0-9-]*(?:\s*,\s*[a-z][a-z0-9-]*)*)\s*$/;
const COMMENT_OR_BLANK = /^\s*(#.*)?$/;

/**
 * The last line of the statement that starts on line `start` (0-based index): brackets are balanced
 * and backslash continuations followed, skipping string literals (triple-quoted ones may span lines)
 * and comments. A decorator line extends to the `def`/`class` it decorates.
 */
export function statementEnd(lines: string[], start: number): number {
  let i = start;
  if (/^\s*@/.test(lines[i] ?? "")) {
    while (i + 1 < lines.length && !/^\s*(async\s+def|def|class)\b/.test(lines[i])) i++;
  }
  let depth = 0;
  let quote: string | null = null; // the delimiter of a string still open at the end of a line
  for (; i < lines.length; i++) {
    const text = lines[i];
    let j = 0;
    while (j < text.length) {
      const ch = text[j];
      if (quote) {
        if (ch === "\\") j += 2;
        else if (text.startsWith(quote, j)) {
          j += quote.length;
          quote = null;
        } else j++;
        continue;
      }
      if (ch === "#") break;
      if (ch === '"' || ch === "'") {
        const triple = text.startsWith(ch.repeat(3), j);
        quote = triple ? ch.repeat(3) : ch;
        j += quote.length;
        continue;
      }
      if ("([{".includes(ch)) depth++;
      else if (")]}".includes(ch)) depth = Math.max(0, depth - 1);
      j++;
    }
    if (quote && quote.length === 1) quote = null; // an unterminated one-line string: give up on it
    const continued = depth > 0 || quote !== null || /\\\s*$/.test(text.replace(/#.*$/, ""));
    if (!continued) return i;
  }
  return lines.length - 1;
}

/** The annotations of one file, with the 1-based lines they label. */
export function parseAnnotations(text: string): Annotation[] {
  const lines = text.split(/\r?\n/);
  const out: Annotation[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ANNOTATION.exec(lines[i]);
    if (!m) continue;
    let target = i + 1;
    while (target < lines.length && COMMENT_OR_BLANK.test(lines[target])) target++;
    if (target >= lines.length) continue;
    out.push({
      kind: m[1] as "ruleid" | "ok",
      concerns: m[2].split(",").map((c) => c.trim()),
      at: i + 1,
      line: target + 1,
      endLine: statementEnd(lines, target) + 1,
    });
  }
  return out;
}

export interface ConcernScore {
  concern: string;
  ruleid: number;
  found: number;
  ok: number;
  /** `ok` lines with a finding of the concern */
  flagged: number;
  misses: { path: string; line: number }[];
  falseAlarms: { path: string; line: number; rule: string }[];
}
export interface RuleTestScore {
  concerns: ConcernScore[];
  total: ConcernScore;
  /** findings of a mapped class on no annotated statement */
  unlabelled: ToolFinding[];
}

/**
 * One tool's findings against the annotated files. A `ruleid` statement is found when a finding of
 * one of its concern's classes meets its lines; an `ok` statement is a false alarm when one does.
 */
export function scoreRuleTests(files: { path: string; annotations: Annotation[] }[], findings: ToolFinding[], table: ClassTable): RuleTestScore {
  const byConcern = new Map<string, ConcernScore>();
  const score = (concern: string) => {
    let s = byConcern.get(concern);
    if (!s) byConcern.set(concern, (s = { concern, ruleid: 0, found: 0, ok: 0, flagged: 0, misses: [], falseAlarms: [] }));
    return s;
  };
  for (const c of table.concerns.keys()) score(c);
  const byFile = new Map<string, { f: ToolFinding; concerns: Set<string> }[]>();
  for (const f of findings) {
    const concerns = new Set(classesOf(f, table).map((c) => table.classes.get(c)!.concern));
    const list = byFile.get(f.path) ?? [];
    list.push({ f, concerns });
    byFile.set(f.path, list);
  }
  const onAnnotated = new Set<ToolFinding>();
  for (const file of files) {
    const here = byFile.get(file.path) ?? [];
    for (const a of file.annotations) {
      for (const concern of a.concerns) {
        const s = score(concern);
        const hits = here.filter((x) => meets(x.f, a.line, a.endLine) && x.concerns.has(concern));
        for (const x of here) if (meets(x.f, a.line, a.endLine)) onAnnotated.add(x.f);
        if (a.kind === "ruleid") {
          s.ruleid++;
          if (hits.length) s.found++;
          else s.misses.push({ path: file.path, line: a.line });
        } else {
          s.ok++;
          if (hits.length) {
            s.flagged++;
            s.falseAlarms.push({ path: file.path, line: a.line, rule: [...new Set(hits.map((x) => x.f.rule))].join(",") });
          }
        }
      }
    }
  }
  const concerns = [...byConcern.values()].filter((s) => s.ruleid + s.ok > 0).sort((a, b) => a.concern.localeCompare(b.concern));
  const total: ConcernScore = { concern: "overall", ruleid: 0, found: 0, ok: 0, flagged: 0, misses: [], falseAlarms: [] };
  for (const s of concerns) {
    total.ruleid += s.ruleid;
    total.found += s.found;
    total.ok += s.ok;
    total.flagged += s.flagged;
  }
  const unlabelled = findings.filter((f) => !onAnnotated.has(f) && classesOf(f, table).length > 0);
  return { concerns, total, unlabelled };
}

/** Annotations naming a concern no class covers (a typo would silently score nothing). */
export function unknownConcerns(files: { path: string; annotations: Annotation[] }[], table: ClassTable): string[] {
  const out: string[] = [];
  for (const file of files)
    for (const a of file.annotations) for (const c of a.concerns) if (!table.concerns.has(c)) out.push(`${file.path}:${a.at}: unknown concern "${c}"`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Real code: labels keyed by (package-relative path, rule, normalised code of the finding's line)

const CorpusSchema = z
  .object({
    root: z.string(),
    packages: z.array(z.object({ name: z.string(), dist: z.string().optional() }).strict()).min(1),
  })
  .strict();
const LabelSchema = z
  .object({
    path: z.string(),
    rule: z.string(),
    code: z.string(),
    verdict: z.enum(["tp", "fp"]),
    reason: z.string().min(1),
  })
  .strict();
const LabelFileSchema = z.object({ labels: z.array(LabelSchema).nullish().transform((x) => x ?? []) }).strict();

export type RealCorpus = z.infer<typeof CorpusSchema>;
export type Label = z.infer<typeof LabelSchema>;

export function parseCorpus(text: string, file: string): RealCorpus {
  const parsed = CorpusSchema.safeParse(parseYamlFile(text, file));
  if (!parsed.success) throw new CorpusError(`${file}: ${schemaProblems(parsed.error)}`);
  return parsed.data;
}

export const labelKey = (path: string, rule: string, code: string) => `${path}\0${rule}\0${normaliseCode(code)}`;

export function parseLabels(text: string, file: string): Map<string, Label> {
  const parsed = LabelFileSchema.safeParse(parseYamlFile(text, file));
  if (!parsed.success) throw new CorpusError(`${file}: ${schemaProblems(parsed.error)}`);
  const out = new Map<string, Label>();
  for (const label of parsed.data.labels) {
    const key = labelKey(label.path, label.rule, label.code);
    if (out.has(key)) throw new CorpusError(`${file}: ${label.path} ${label.rule} \`${normaliseCode(label.code)}\` is labelled twice`);
    out.set(key, label);
  }
  return out;
}

/** Test code, where the test-aware noise policy applies: tests/, test/ and testing/ folders, test_*.py, *_test.py, conftest.py. */
export function isTestPath(path: string): boolean {
  const parts = path.split("/");
  const name = parts[parts.length - 1];
  return (
    parts.slice(0, -1).some((p) => p === "tests" || p === "test" || p === "testing") ||
    /^test_.*\.pyi?$/.test(name) ||
    /_test\.pyi?$/.test(name) ||
    name === "conftest.py"
  );
}

export interface RealFinding extends ToolFinding {
  /** the text of the finding's first line */
  code: string;
}
export interface RuleRealScore {
  rule: string;
  findings: number;
  inTests: number;
  tp: number;
  fp: number;
  unlabelled: number;
}
export interface RealScore {
  rules: RuleRealScore[];
  total: RuleRealScore;
  unlabelled: RealFinding[];
  /** labels no finding matches any more: a false positive fixed, or a true positive lost */
  stale: Label[];
}

export function scoreReal(findings: RealFinding[], labels: Map<string, Label>): RealScore {
  const byRule = new Map<string, RuleRealScore>();
  const used = new Set<string>();
  const unlabelled: RealFinding[] = [];
  for (const f of findings) {
    const s = byRule.get(f.rule) ?? { rule: f.rule, findings: 0, inTests: 0, tp: 0, fp: 0, unlabelled: 0 };
    byRule.set(f.rule, s);
    s.findings++;
    if (isTestPath(f.path)) s.inTests++;
    const key = labelKey(f.path, f.rule, f.code);
    const label = labels.get(key);
    if (!label) {
      s.unlabelled++;
      unlabelled.push(f);
      continue;
    }
    used.add(key);
    s[label.verdict]++;
  }
  const rules = [...byRule.values()].sort((a, b) => b.findings - a.findings || a.rule.localeCompare(b.rule));
  const total: RuleRealScore = { rule: "total", findings: 0, inTests: 0, tp: 0, fp: 0, unlabelled: 0 };
  for (const s of rules) for (const k of ["findings", "inTests", "tp", "fp", "unlabelled"] as const) total[k] += s[k];
  const stale = [...labels.entries()].filter(([k]) => !used.has(k)).map(([, l]) => l);
  return { rules, total, unlabelled, stale };
}

/** Precision, or undefined when nothing is labelled. */
export const precision = (s: Pick<RuleRealScore, "tp" | "fp">): number | undefined => (s.tp + s.fp ? s.tp / (s.tp + s.fp) : undefined);

// ---------------------------------------------------------------------------------------------
// Running the tools (I/O)

export interface ToolInfo {
  tool: Tool;
  version?: string;
  /** why it did not run */
  missing?: string;
}

interface RunResult {
  findings: ToolFinding[];
  /** files the tool could not analyse, with its reason */
  skipped: { path: string; reason: string }[];
}

const MAX_BUFFER = 512 * 1024 * 1024;

function runJson(cmd: string, args: string[], cwd: string, what: string): unknown {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: MAX_BUFFER });
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  try {
    return JSON.parse(r.stdout);
  } catch {
    const err = (r.stderr ?? "").trim().split("\n").slice(-5).join("\n");
    throw new Error(`${what} printed no JSON (exit ${r.status})${err ? `:\n${err}` : ""}`);
  }
}

/** Paths as the scorer keys them: relative to the corpus folder, `/`-separated. */
function corpusPath(cwd: string, p: string): string {
  const rel = isAbsolute(p) ? relative(cwd, p) : p.replace(/^\.\//, "");
  return rel.split(sep).join("/");
}

export function hunkguardInfo(bin: string): ToolInfo {
  if (!existsSync(join(dirname(bin), "..", "dist", "src", "cli", "index.js"))) return { tool: "hunkguard", missing: "not built: run npm run build" };
  const r = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
  return { tool: "hunkguard", version: /(\d+\.\d+\.\d+\S*)/.exec(r.stdout ?? "")?.[1] };
}

function runHunkGuard(bin: string, cwd: string, paths: string[], extra: string[]): RunResult {
  const data = runJson(process.execPath, [bin, "scan", "--format", "json", "--fail-on", "never", "--no-fixes", "--no-cache", ...extra, ...paths], cwd, "hunkguard scan") as {
    findings?: { rule: string; category: string; path: string; line: number; endLine: number }[];
    skipped?: { path: string; reason: string }[];
  };
  if (!Array.isArray(data.findings)) throw new Error("hunkguard scan: JSON without a findings list");
  return {
    findings: data.findings.map((f) => ({ tool: "hunkguard", rule: f.rule, category: f.category, path: corpusPath(cwd, f.path), line: f.line, endLine: f.endLine ?? f.line })),
    skipped: (data.skipped ?? []).map((s) => ({ path: corpusPath(cwd, s.path), reason: s.reason })),
  };
}

/** The rule catalogue of the built CLI (id and category), for the class table's coverage notes. */
function hunkguardRules(bin: string): { id: string; category: string }[] {
  const data = runJson(process.execPath, [bin, "rules", "--format", "json"], process.cwd(), "hunkguard rules") as { rules?: { id: string; category: string }[] };
  return (data.rules ?? []).map((r) => ({ id: r.id, category: r.category }));
}

export function banditInfo(): ToolInfo {
  const r = spawnSync("bandit", ["--version"], { encoding: "utf8" });
  if (r.error) return { tool: "bandit", missing: "bandit is not installed (Debian: apt-get install bandit; or pipx install bandit)" };
  return { tool: "bandit", version: /bandit\s+(\d+(?:\.\d+)*)/.exec(`${r.stdout}${r.stderr}`)?.[1] };
}

function runBandit(cwd: string, paths: string[]): RunResult {
  const data = runJson("bandit", ["-r", "-f", "json", "-q", ...paths], cwd, "bandit") as {
    results?: { filename: string; line_number: number; line_range?: number[]; test_id: string }[];
    errors?: { filename: string; reason: string }[];
  };
  if (!Array.isArray(data.results)) throw new Error("bandit: JSON without a results list");
  return {
    findings: data.results.map((r) => ({
      tool: "bandit",
      rule: r.test_id,
      path: corpusPath(cwd, r.filename),
      line: r.line_number,
      endLine: Math.max(r.line_number, ...(r.line_range ?? [])),
    })),
    skipped: (data.errors ?? []).map((e) => ({ path: corpusPath(cwd, e.filename), reason: e.reason })),
  };
}

export function ruffInfo(): ToolInfo {
  const r = spawnSync("ruff", ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) return { tool: "ruff", missing: "ruff is not installed (pipx install ruff)" };
  return { tool: "ruff", version: /ruff\s+(\S+)/.exec(r.stdout)?.[1] };
}

function runRuff(cwd: string, paths: string[]): RunResult {
  // --isolated: no project configuration; --no-force-exclude is the default, so explicit paths are read
  const data = runJson("ruff", ["check", "--isolated", "--no-cache", "--select", "S", "--output-format", "json", "--exit-zero", ...paths], cwd, "ruff") as {
    code: string | null;
    filename: string;
    location: { row: number };
    end_location?: { row: number };
  }[];
  if (!Array.isArray(data)) throw new Error("ruff: JSON is not a list of diagnostics");
  const findings: ToolFinding[] = [];
  const skipped: RunResult["skipped"] = [];
  for (const d of data) {
    if (!d.code) skipped.push({ path: corpusPath(cwd, d.filename), reason: "syntax error" });
    else findings.push({ tool: "ruff", rule: d.code, path: corpusPath(cwd, d.filename), line: d.location.row, endLine: d.end_location?.row ?? d.location.row });
  }
  return { findings, skipped };
}

// ---------------------------------------------------------------------------------------------
// Rendering

const ratio = (n: number, d: number) => (d ? (n / d).toFixed(2) : "–");

function table(head: string[], rows: string[][], right: boolean[]): string[] {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (right[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join("  ").trimEnd();
  return [line(head), line(width.map((w) => "-".repeat(w))), ...rows.map(line)];
}

export interface AppsReport {
  apps: { app: string; framework: string; vulns: number; ok: number }[];
  /** per tool, per app */
  scores: Map<Tool, AppScore[]>;
}

function appRecall(scores: AppScore[], pick: (r: ItemResult) => boolean = () => true) {
  const items = scores.flatMap((s) => s.items).filter(pick);
  return { found: items.filter((i) => i.found).length, total: items.length };
}

function renderApps(r: AppsReport, tbl: ClassTable, tools: Tool[], details: boolean): string[] {
  const out: string[] = [];
  const totalVulns = r.apps.reduce((s, a) => s + a.vulns, 0);
  const totalOk = r.apps.reduce((s, a) => s + a.ok, 0);
  out.push(`== Apps: eval/apps (${r.apps.length} apps, ${totalVulns} known vulnerabilities, ${totalOk} ok lines) ==`, "");
  out.push("recall = found / known; fa = ok lines flagged (a finding of the ok line's class on it)", "");
  const head = ["app", "framework", "vulns", "ok", ...tools.flatMap((t) => [`${t} recall`, "fa"])];
  const rows = r.apps.map((a) => {
    const cells = [a.app, a.framework, String(a.vulns), String(a.ok)];
    for (const t of tools) {
      const s = r.scores.get(t)!.find((x) => x.app === a.app)!;
      const found = s.items.filter((i) => i.found).length;
      cells.push(`${ratio(found, s.items.length)} (${found})`, String(s.ok.filter((o) => o.hits.length).length));
    }
    return cells;
  });
  const lineLevel = (i: ItemResult) => tbl.classes.get(i.item.class)?.level !== "route";
  const summary = (label: string, pick?: (i: ItemResult) => boolean) => {
    const n = appRecall(r.scores.get(tools[0])!, pick).total;
    const cells = [label, "", String(n), label === "overall" ? String(totalOk) : ""];
    for (const t of tools) {
      const { found, total } = appRecall(r.scores.get(t)!, pick);
      const fa = label === "overall" ? String(r.scores.get(t)!.flatMap((s) => s.ok).filter((o) => o.hits.length).length) : "";
      cells.push(`${ratio(found, total)} (${found})`, fa);
    }
    return cells;
  };
  rows.push(summary("overall"), summary("line-level", lineLevel));
  out.push(...table(head, rows, head.map((_, i) => i >= 2)), "");

  const classes = [...new Set(r.scores.get(tools[0])!.flatMap((s) => s.items.map((i) => i.item.class)))].sort();
  const chead = ["class", "items", ...tools];
  const crows = classes.map((c) => {
    const cells = [c, String(appRecall(r.scores.get(tools[0])!, (i) => i.item.class === c).total)];
    for (const t of tools) cells.push(String(appRecall(r.scores.get(t)!, (i) => i.item.class === c).found));
    return cells;
  });
  out.push("found per class:", ...table(chead, crows, chead.map((_, i) => i >= 1)), "");

  if (details) {
    for (const t of tools) {
      const scores = r.scores.get(t)!;
      const missed = scores.flatMap((s) => s.items.filter((i) => !i.found).map((i) => ({ app: s.app, i })));
      out.push(`${t}: missed (${missed.length})`);
      for (const { app, i } of missed) out.push(`  ${app}/${i.item.file}:${i.item.line}  ${i.item.class}${i.item.note ? ` — ${i.item.note}` : ""}`);
      const fas = scores.flatMap((s) => s.ok.filter((o) => o.hits.length).map((o) => ({ app: s.app, o })));
      out.push(`${t}: false alarms on ok lines (${fas.length})`);
      for (const { app, o } of fas) out.push(`  ${app}/${o.item.file}:${o.item.line}  ${[...new Set(o.hits.map((h) => h.rule))].join(", ")}${o.item.note ? ` — ok: ${o.item.note}` : ""}`);
      const extra = scores.flatMap((s) => s.unlabelled.map((f) => ({ app: s.app, f })));
      out.push(`${t}: findings on lines the truth does not mention (${extra.length}; neither counted for nor against)`);
      for (const { app, f } of extra) out.push(`  ${app}/${f.path}:${f.line}  ${f.rule}`);
      out.push("");
    }
  }
  return out;
}

function renderRuleTests(scores: Map<Tool, RuleTestScore>, tools: Tool[], files: number, details: boolean): string[] {
  const first = scores.get(tools[0])!;
  const out: string[] = [];
  out.push(
    `== Rule tests: eval/rule-tests (${files} files, ${first.concerns.length} concerns, ${first.total.ruleid} ruleid / ${first.total.ok} ok statements) ==`,
    "",
    "recall = ruleid statements with a finding of the concern; fa = share of ok statements with one",
    "",
  );
  const head = ["concern", "ruleid", "ok", ...tools.flatMap((t) => [`${t} recall`, "fa"])];
  const row = (c: string) => {
    const base = scores.get(tools[0])!;
    const s0 = c === "overall" ? base.total : base.concerns.find((x) => x.concern === c)!;
    const cells = [c, String(s0.ruleid), String(s0.ok)];
    for (const t of tools) {
      const sc = scores.get(t)!;
      const s = c === "overall" ? sc.total : sc.concerns.find((x) => x.concern === c)!;
      cells.push(`${ratio(s.found, s.ruleid)} (${s.found})`, `${ratio(s.flagged, s.ok)} (${s.flagged})`);
    }
    return cells;
  };
  const rows = [...first.concerns.map((c) => row(c.concern)), row("overall")];
  out.push(...table(head, rows, head.map((_, i) => i >= 1)), "");
  if (details) {
    for (const t of tools) {
      const sc = scores.get(t)!;
      const misses = sc.concerns.flatMap((c) => c.misses.map((m) => ({ c: c.concern, m })));
      out.push(`${t}: missed (${misses.length})`);
      for (const { c, m } of misses) out.push(`  ${m.path}:${m.line}  ${c}`);
      const fas = sc.concerns.flatMap((c) => c.falseAlarms.map((m) => ({ c: c.concern, m })));
      out.push(`${t}: false alarms (${fas.length})`);
      for (const { c, m } of fas) out.push(`  ${m.path}:${m.line}  ${c} ← ${m.rule}`);
      out.push(`${t}: findings of a mapped class on unannotated lines (${sc.unlabelled.length})`);
      for (const f of sc.unlabelled) out.push(`  ${f.path}:${f.line}  ${f.rule}`);
      out.push("");
    }
  }
  return out;
}

function renderReal(real: RealScore, corpus: RealCorpus, files: number, others: Map<Tool, ToolFinding[]>, tbl: ClassTable, details: boolean): string[] {
  const out: string[] = [];
  out.push(`== Real code: eval/real (${corpus.packages.length} packages under ${corpus.root}, ${files} files) ==`, "");
  out.push("precision = tp / (tp + fp) over labelled findings; unlabelled findings need labelling by reading (--unlabelled FILE)", "");
  const head = ["rule", "findings", "in tests", "tp", "fp", "unlabelled", "precision"];
  const rows = [...real.rules, real.total].map((s) => [
    s.rule,
    String(s.findings),
    String(s.inTests),
    String(s.tp),
    String(s.fp),
    String(s.unlabelled),
    precision(s)?.toFixed(2) ?? "–",
  ]);
  out.push(...table(head, rows, head.map((_, i) => i >= 1)), "");
  if (real.stale.length) {
    const fp = real.stale.filter((l) => l.verdict === "fp").length;
    out.push(`labels no finding matches any more: ${real.stale.length} (fp ${fp}: false positives gone; tp ${real.stale.length - fp}: true positives no longer reported)`);
    if (details) for (const l of real.stale) out.push(`  ${l.verdict} ${l.path} ${l.rule} \`${normaliseCode(l.code)}\``);
    out.push("");
  }
  if (details && real.unlabelled.length) {
    out.push(`unlabelled (${real.unlabelled.length}):`);
    for (const f of real.unlabelled) out.push(`  ${f.path}:${f.line} ${f.rule} \`${normaliseCode(f.code)}\``);
    out.push("");
  }
  for (const [tool, findings] of others) {
    const byId = new Map<string, { n: number; tests: number }>();
    for (const f of findings) {
      const e = byId.get(f.rule) ?? { n: 0, tests: 0 };
      e.n++;
      if (isTestPath(f.path)) e.tests++;
      byId.set(f.rule, e);
    }
    out.push(`${tool} on the same files: ${findings.length} findings (${findings.filter((f) => isTestPath(f.path)).length} in tests), not labelled:`);
    const rows2 = [...byId.entries()]
      .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
      .map(([id, v]) => [id, classesOf({ tool, rule: id }, tbl).join(", ") || "(no class)", String(v.n), String(v.tests)]);
    out.push(...table(["id", "classes", "findings", "in tests"], rows2, [false, false, true, true]), "");
  }
  return out;
}

/** Unlabelled findings as a labels.yml fragment to fill in, each with the code around it as comments. */
export function unlabelledSkeleton(findings: RealFinding[], readLines: (path: string) => string[]): string {
  const out = ["# Fill in verdict (tp | fp) and a one-line reason, then move the entries into eval/real/labels.yml.", "labels:"];
  const quote = (s: string) => JSON.stringify(s);
  const seen = new Set<string>();
  for (const f of findings) {
    const key = labelKey(f.path, f.rule, f.code);
    if (seen.has(key)) continue;
    seen.add(key);
    const lines = readLines(f.path);
    out.push(`  # ${f.path}:${f.line}`);
    for (let i = Math.max(1, f.line - 3); i <= Math.min(lines.length, f.endLine + 3); i++) out.push(`  #${i === f.line ? ">" : " "} ${String(i).padStart(5)}  ${lines[i - 1]}`);
    out.push(`  - path: ${quote(f.path)}`, `    rule: ${f.rule}`, `    code: ${quote(normaliseCode(f.code))}`, `    verdict: `, `    reason: `);
  }
  return `${out.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// main

const USAGE = `usage: npm run eval -- [--vs bandit] [--vs ruff] [--corpus apps,rule-tests,real] [--details] [--json]
                     [--real-root DIR] [--unlabelled FILE] [--hunkguard-arg ARG ...]
  --vs TOOL            also score bandit and/or ruff (S rules) on the same truth (repeat, or bandit,ruff)
  --corpus LIST        which corpora to score (default all three)
  --details            list every miss, false alarm, unlabelled finding and stale label
  --json               one JSON object instead of tables
  --real-root DIR      where the real corpus's packages are (default: eval/real/corpus.yml's root)
  --unlabelled FILE    write the real corpus's unlabelled findings as a labels.yml fragment to fill in
  --hunkguard-arg ARG  pass ARG to \`hunkguard scan\` (e.g. --hunkguard-arg=--min-severity=medium)`;

const CORPORA = ["apps", "rule-tests", "real"] as const;
type Corpus = (typeof CORPORA)[number];

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (name === "__pycache__") continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".py")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "eval", "classes.yml"))) return dir;
    dir = dirname(dir);
  }
  throw new Error("cannot find the repository root (package.json beside eval/classes.yml)");
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        vs: { type: "string", multiple: true },
        corpus: { type: "string" },
        details: { type: "boolean" },
        json: { type: "boolean" },
        "real-root": { type: "string" },
        unlabelled: { type: "string" },
        "hunkguard-arg": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message.split("\n")[0]}\n${USAGE}\n`);
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const vs = (values.vs ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  const badTool = vs.find((v) => v !== "bandit" && v !== "ruff");
  if (badTool) {
    process.stderr.write(`--vs takes bandit or ruff (got "${badTool}")\n`);
    return 2;
  }
  const corpora = (values.corpus ?? CORPORA.join(",")).split(",").map((c) => c.trim());
  const badCorpus = corpora.find((c) => !(CORPORA as readonly string[]).includes(c));
  if (badCorpus) {
    process.stderr.write(`--corpus takes ${CORPORA.join(", ")} (got "${badCorpus}")\n`);
    return 2;
  }
  const want = (c: Corpus) => corpora.includes(c);

  const root = repoRoot();
  const evalDir = join(root, "eval");
  const bin = join(root, "bin", "hunkguard.js");
  const hgArgs = values["hunkguard-arg"] ?? [];
  const say = (s: string) => process.stderr.write(`${s}\n`);

  let tbl: ClassTable;
  try {
    tbl = parseClassTable(readFileSync(join(evalDir, "classes.yml"), "utf8"));
  } catch (e) {
    say((e as Error).message);
    return 2;
  }

  // 1. which tools run
  const infos: ToolInfo[] = [hunkguardInfo(bin)];
  if (infos[0].missing) {
    say(`hunkguard: ${infos[0].missing}`);
    return 2;
  }
  for (const t of [...new Set(vs)]) {
    const info = t === "bandit" ? banditInfo() : ruffInfo();
    infos.push(info);
    if (info.missing) say(`${t}: ${info.missing} — left out`);
  }
  const tools = infos.filter((i) => !i.missing).map((i) => i.tool);
  const run = (tool: Tool, cwd: string, paths: string[]): RunResult => {
    if (tool === "hunkguard") return runHunkGuard(bin, cwd, paths, hgArgs);
    if (tool === "bandit") return runBandit(cwd, paths);
    return runRuff(cwd, paths);
  };
  const notes: string[] = [];
  const skippedNote = (tool: Tool, corpus: string, r: RunResult) => {
    if (r.skipped.length) notes.push(`${tool} could not analyse ${r.skipped.length} file(s) of ${corpus}: ${r.skipped.slice(0, 3).map((s) => `${s.path} (${s.reason})`).join(", ")}${r.skipped.length > 3 ? ", …" : ""}`);
  };

  const rules = hunkguardRules(bin);
  const ambiguous = ambiguousRules(rules, tbl);
  const unmapped = unmappedRules(rules, tbl);

  const text: string[] = [];
  const json: Record<string, unknown> = {
    version: 1,
    date: new Date().toISOString().slice(0, 10),
    tools: Object.fromEntries(infos.map((i) => [i.tool, i.missing ? { missing: i.missing } : { version: i.version ?? null }])),
    table: { ambiguousRules: ambiguous, rulesWithoutClass: unmapped },
  };
  text.push(
    `HunkGuard eval — ${json.date as string}; ${infos.map((i) => (i.missing ? `${i.tool} (missing)` : `${i.tool} ${i.version ?? "?"}`)).join(", ")}; ${rules.length} HunkGuard rules`,
    "",
  );

  try {
    // 2. apps
    if (want("apps")) {
      const appsDir = join(evalDir, "apps");
      const names = readdirSync(appsDir).filter((n) => existsSync(join(appsDir, n, "truth.yml"))).sort();
      const truths: AppTruth[] = [];
      const problems: string[] = [];
      for (const name of names) {
        const file = `eval/apps/${name}/truth.yml`;
        const truth = parseTruth(readFileSync(join(appsDir, name, "truth.yml"), "utf8"), file, tbl);
        const read = (f: string) => {
          const p = join(appsDir, name, f);
          return existsSync(p) ? readFileSync(p, "utf8").split(/\r?\n/) : undefined;
        };
        problems.push(...truthDrift(truth, read).map((p) => `${file}: ${p}`));
        truths.push(truth);
      }
      if (problems.length) throw new CorpusError(`the apps' truth does not match their code:\n  ${problems.join("\n  ")}`);
      const report: AppsReport = { apps: truths.map((t) => ({ app: t.app, framework: t.framework, vulns: t.vulns.length, ok: t.ok.length })), scores: new Map() };
      for (const tool of tools) {
        say(`apps: running ${tool}…`);
        const r = run(tool, appsDir, names);
        skippedNote(tool, "eval/apps", r);
        report.scores.set(
          tool,
          truths.map((t, i) => {
            const prefix = `${names[i]}/`;
            const mine = r.findings.filter((f) => f.path.startsWith(prefix)).map((f) => ({ ...f, path: f.path.slice(prefix.length) }));
            return scoreApp(t, mine, tbl);
          }),
        );
      }
      text.push(...renderApps(report, tbl, tools, Boolean(values.details)));
      json.apps = Object.fromEntries(
        tools.map((t) => [
          t,
          {
            overall: appRecall(report.scores.get(t)!),
            lineLevel: appRecall(report.scores.get(t)!, (i) => tbl.classes.get(i.item.class)?.level !== "route"),
            falseAlarms: report.scores.get(t)!.flatMap((s) => s.ok).filter((o) => o.hits.length).length,
            ok: report.apps.reduce((s, a) => s + a.ok, 0),
            apps: report.scores.get(t)!.map((s) => ({
              app: s.app,
              found: s.items.filter((i) => i.found).length,
              total: s.items.length,
              falseAlarms: s.ok.filter((o) => o.hits.length).length,
              missed: s.items.filter((i) => !i.found).map((i) => ({ file: i.item.file, line: i.item.line, class: i.item.class })),
            })),
          },
        ]),
      );
    }

    // 3. rule tests
    if (want("rule-tests")) {
      const dir = join(evalDir, "rule-tests");
      const files = pythonFiles(dir).map((p) => ({ path: corpusPath(dir, p), annotations: parseAnnotations(readFileSync(p, "utf8")) }));
      const unknown = unknownConcerns(files, tbl);
      if (unknown.length) throw new CorpusError(`eval/rule-tests: ${unknown.join("; ")}`);
      const scores = new Map<Tool, RuleTestScore>();
      const concernDirs = readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()).sort();
      for (const tool of tools) {
        say(`rule tests: running ${tool}…`);
        const r = run(tool, dir, concernDirs);
        skippedNote(tool, "eval/rule-tests", r);
        scores.set(tool, scoreRuleTests(files, r.findings, tbl));
      }
      text.push(...renderRuleTests(scores, tools, files.length, Boolean(values.details)));
      json.ruleTests = Object.fromEntries(
        tools.map((t) => {
          const s = scores.get(t)!;
          const pick = (c: ConcernScore) => ({ concern: c.concern, ruleid: c.ruleid, found: c.found, ok: c.ok, flagged: c.flagged });
          return [t, { overall: pick(s.total), concerns: s.concerns.map(pick) }];
        }),
      );
    }

    // 4. real code
    if (want("real")) {
      const corpus = parseCorpus(readFileSync(join(evalDir, "real", "corpus.yml"), "utf8"), "eval/real/corpus.yml");
      const base = resolve(values["real-root"] ?? corpus.root);
      const present = corpus.packages.filter((p) => existsSync(join(base, p.name)));
      const absent = corpus.packages.filter((p) => !present.includes(p));
      if (!present.length) {
        text.push(`== Real code: none of the packages of eval/real/corpus.yml is under ${base}: skipped ==`, "");
      } else {
        if (absent.length) notes.push(`real corpus: not installed under ${base}, left out: ${absent.map((p) => p.name).join(", ")}`);
        const otherVersion = present.filter((p) => p.dist && !existsSync(join(base, p.dist)));
        if (otherVersion.length) notes.push(`real corpus: other versions than labelled (labels may not match): ${otherVersion.map((p) => `${p.name} (labelled ${p.dist})`).join(", ")}`);
        const labels = parseLabels(readFileSync(join(evalDir, "real", "labels.yml"), "utf8"), "eval/real/labels.yml");
        const cache = new Map<string, string[]>();
        const readLines = (p: string) => {
          let lines = cache.get(p);
          if (!lines) {
            lines = readFileSync(join(base, p), "utf8").split(/\r?\n/);
            cache.set(p, lines);
          }
          return lines;
        };
        say("real code: running hunkguard…");
        const hg = run("hunkguard", base, present.map((p) => p.name));
        skippedNote("hunkguard", "the real corpus", hg);
        const realFindings: RealFinding[] = hg.findings.map((f) => ({ ...f, code: readLines(f.path)[f.line - 1] ?? "" }));
        const real = scoreReal(realFindings, labels);
        const others = new Map<Tool, ToolFinding[]>();
        for (const tool of tools.filter((t) => t !== "hunkguard")) {
          say(`real code: running ${tool}…`);
          const r = run(tool, base, present.map((p) => p.name));
          skippedNote(tool, "the real corpus", r);
          others.set(tool, r.findings);
        }
        const fileCount = present.reduce((n, p) => n + (statSync(join(base, p.name)).isDirectory() ? pythonFiles(join(base, p.name)).length : 1), 0);
        text.push(...renderReal(real, { ...corpus, root: base, packages: present }, fileCount, others, tbl, Boolean(values.details)));
        json.real = {
          root: base,
          packages: present.map((p) => p.name),
          rules: real.rules.map((s) => ({ ...s, precision: precision(s) ?? null })),
          total: { ...real.total, precision: precision(real.total) ?? null },
          stale: real.stale.map((l) => ({ path: l.path, rule: l.rule, verdict: l.verdict })),
          others: Object.fromEntries([...others].map(([t, f]) => [t, f.length])),
        };
        if (values.unlabelled) {
          writeFileSync(values.unlabelled, unlabelledSkeleton(real.unlabelled, readLines));
          say(`wrote ${real.unlabelled.length} unlabelled finding(s) to ${values.unlabelled}`);
        }
      }
    }
  } catch (e) {
    say(e instanceof CorpusError ? e.message : `eval failed: ${(e as Error).message}`);
    return 2;
  }

  if (ambiguous.length) notes.push(`HunkGuard rules that count for several classes through their shared category (name them in eval/classes.yml): ${ambiguous.join(", ")}`);
  if (unmapped.length) notes.push(`HunkGuard rules no class stands for (their findings count nowhere): ${unmapped.join(", ")}`);
  json.notes = notes;
  if (values.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else {
    if (notes.length) text.push("notes:", ...notes.map((n) => `- ${n}`));
    process.stdout.write(`${text.join("\n").trimEnd()}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
