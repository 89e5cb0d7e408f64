/**
 * The types every stage shares, in one module that holds no values: importing it never creates a
 * value import cycle. The rule-file shape is inferred from the zod schema (the one source of truth).
 */
import type Parser from "tree-sitter";
import type { z } from "zod";
import type { Node } from "./python.js";
import type { FileModel, CallSite } from "./scope.js";
import type { RuleFile as RuleFileSchema, FixSpec as FixSpecSchema, FixOverride as FixOverrideSchema, TaintSourceSpec } from "./rules/schema.js";

export type Severity = "high" | "medium" | "low";
export type Confidence = "high" | "medium" | "low";
export type FixSafety = "safe" | "review" | "explain";

/** A byte-range edit on the original text (offsets are JavaScript string indices). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  safety: FixSafety;
  /** Lines the suggestion replaces (inclusive). For `explain` the flagged statement. */
  startLine: number;
  endLine: number;
  /** Full text of lines startLine..endLine after the fix — exactly the suggestion block. */
  replacement?: string;
  /** One-line caveat shown with a `review` suggestion. */
  caveat?: string;
  /** The secure pattern as plain code (explain tier, or a withheld fix shown as text). */
  example?: string;
  /** An extra suggestion on other lines that belongs with this one (an import the fix needs). */
  companion?: { startLine: number; endLine: number; replacement: string; note: string };
  /** Why a one-click fix was not offered although the rule has one (validation failed, …). */
  withheld?: string;
}

/**
 * The one record that travels through every stage: match → suppress → filter → fix → render → post.
 * Lines and columns are 1-based; columns count UTF-16 code units like JavaScript strings.
 */
export interface Finding {
  rule: string;
  title: string;
  category: string;
  severity: Severity;
  confidence: Confidence;
  path: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  /** First and last line of the statement holding the finding (compound statements: up to the finding; from the origin statement when the finding has one). */
  statementLine: number;
  statementEndLine: number;
  message: string;
  cwe: string[];
  bandit?: string;
  ruff?: string;
  fingerprint: string;
  fix: Fix | null;
  /** Where an untrusted value came from, when taint tracking raised the confidence. */
  source?: string;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

/** Summary counts that must never be lost between stages (shown in the check summary). */
export interface Tally {
  suppressed: number;
  outsideDiff: number;
  partiallyParsed: string[];
  ruleFailures: { rule: string; path: string; error: string }[];
  withheldFixes: { rule: string; path: string; line: number; reason: string }[];
  /** files analysed only in part (code on the lines that count did not parse); see `notAnalysed` in report.ts */
  incomplete: { path: string; reason: string }[];
}

// ---------------------------------------------------------------------------------------------
// Rules

/** A rule file as written (rules/<category>/<id>.yml), after schema validation. */
export type RuleFile = z.infer<typeof RuleFileSchema>;
export type FixSpec = z.infer<typeof FixSpecSchema>;
/** The declarative part of a fix a pattern may override: its edits, requirements, or a reason to decline. */
export type FixOverride = z.infer<typeof FixOverrideSchema>;
export type Category = RuleFile["category"];

export interface Rule extends RuleFile {
  /** where the rule was loaded from, relative to the repository (`rules/xml/xml-etree.yml`) */
  file: string;
  compiledQuery?: Parser.Query;
  /** the rule's own code (`<id>.ts` beside the rule file), bound to its parsed options */
  code?: BoundRuleCode;
}

export interface RuleSet {
  rules: Rule[];
  byId: Map<string, Rule>;
  /** call patterns indexed by the last segment of the callee, for the one pass over call sites */
  callIndex: Map<string, { rule: Rule; pattern: CallPatternSpec }[]>;
  /** where untrusted values enter (rules/_models/taint.yml) */
  taintSources: TaintSourceSpec[];
}

export type CallPatternSpec = NonNullable<RuleFile["match"]["patterns"]>[number];
export type ArgConditionSpec = NonNullable<CallPatternSpec["args"]>[number];

/** What a rule's code module is once loaded: its match and fix with the options already parsed. */
export interface BoundRuleCode {
  /** the module's own matches, each carrying the fix built from its own data */
  match?: (model: FileModel, rule: Rule, taintSources: readonly TaintSourceSpec[]) => RawMatch[];
  /** the fix for a match the rule's declarative part made (a call pattern) */
  fix?: (model: FileModel, match: RawMatch) => FixProposal | FixDecline;
}

/** How the fix of one match is made. */
export type MatchFix =
  /** by the rule's code, with the data its match handed over */
  | { kind: "code"; build: (model: FileModel) => FixProposal | FixDecline }
  /** by the declarative edits of the pattern that matched (or the rule's) */
  | { kind: "data"; spec: FixOverride };

export interface RawMatch {
  rule: Rule;
  node: Node;
  call?: CallSite;
  callee?: string;
  severity: Severity;
  confidence: Confidence;
  message: string;
  /** where an untrusted value came from (taint) */
  source?: string;
  /**
   * where the flagged value was written, when that is an earlier statement of the same scope
   * (`url = "http://…"` then `requests.get(url)`; a query built, then executed): the finding spans
   * from it to the node, and counts as changed when either statement is
   */
  origin?: Node;
  /** how this match's fix is built (absent: the rule's declarative fix, if any) */
  fix?: MatchFix;
}

export interface MatchOutcome {
  matches: RawMatch[];
  failures: { rule: string; error: string }[];
}

// ---------------------------------------------------------------------------------------------
// Fixes

export interface FixProposal {
  edits: Edit[];
  /** a fix may lower the tier the rule declares (never raise it) */
  safety?: FixSafety;
  caveat?: string;
  /** import statements the fix needs that the file lacks, e.g. "import ast" */
  imports?: string[];
  /** the import may go just above the statement (inside a function, say) when nothing better exists */
  localImportOk?: boolean;
}

/** No one-click fix for this finding: why, and the secure pattern to show instead. */
export interface FixDecline {
  decline: string;
  example?: string;
  /** true when this code shape simply has no one-click fix (not a failure): not counted as withheld */
  byDesign?: boolean;
}

// ---------------------------------------------------------------------------------------------
// A rule's code module (rules/<category>/<id>.ts)

export interface MatchContext<O> {
  model: FileModel;
  rule: Rule;
  options: O;
  /** where untrusted values enter (rules/_models/taint.yml), for rules that use the taint index */
  taintSources: readonly TaintSourceSpec[];
}

interface HitBase {
  node: Node;
  call?: CallSite;
  callee?: string;
  severity?: Severity;
  confidence?: Confidence;
  message?: string;
  source?: string;
  /** where the flagged value was written, in an earlier statement of the same scope (see RawMatch.origin) */
  origin?: Node;
}

/** One match of a rule's code, with the data its fix needs (typed per rule). */
export interface Hit<D> extends HitBase {
  data?: D;
}

export interface FixContext<O, D> {
  model: FileModel;
  match: RawMatch;
  rule: Rule;
  options: O;
  /** what the rule's own match handed over; undefined for a match of the rule's call patterns */
  data: D | undefined;
}

/**
 * What `rules/<category>/<id>.ts` exports (default): its options (a zod schema, parsed when the rule
 * loads), its own matcher, and its fix. Either part may be missing when the rule file says it as data.
 */
export interface RuleCode<O, D> {
  /** a zod schema, or `lazyOptions(…)` (rule-code.ts) so that loading the rule does not load zod */
  options: z.ZodType<O> | { readonly lazyOptions: () => Promise<z.ZodType<O>> };
  match?: (ctx: MatchContext<O>) => Hit<D>[];
  fix?: (ctx: FixContext<O, D>) => FixProposal | FixDecline;
}
