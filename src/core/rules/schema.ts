/**
 * The one schema for rule files (rules/<category>/<id>.yml). The TypeScript types are inferred from
 * it and `npm run schema` writes rules/rule.schema.json from it for editors.
 */
import { z } from "zod";

export const CATEGORIES = [
  "deserialization", "code-exec", "command-injection", "tls", "secrets", "auth", "sqli",
  "crypto-hash", "crypto-cipher", "random", "jwt", "xml", "yaml", "tempfile", "debug", "bind-all",
  "ssrf", "path-traversal", "xss-template", "archive", "rate-limit", "other",
] as const;

const Level = z.enum(["high", "medium", "low"]);
const Literal = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const VALUE_KINDS = [
  "constant", "fstring", "percent", "format", "concat", "name", "call", "literal", "collection", "other",
  // shorthands
  "dynamic", // anything but a constant string or literal
  "built", // fstring, percent, format or concat
] as const;

/** A condition on one argument, found by position and/or keyword. A missing argument fails it. */
export const ArgCondition = z
  .object({
    position: z.number().int().min(0).optional(),
    keyword: z.string().optional(),
    /** value classes (see ValueKind) */
    kind: z.array(z.enum(VALUE_KINDS)).min(1).optional(),
    /** literal equality: True → true, None → null, numbers, strings */
    equals: Literal.optional(),
    /** regular expression over a constant string value */
    matches: z.string().optional(),
    /** the value resolves (imports and aliases applied) to one of these dotted names */
    resolves: z.array(z.string()).min(1).optional(),
    /** a dict with this key (constant) whose value equals `equals`, or a list/tuple holding an item equal to `item` */
    has_key: z.string().optional(),
    item: Literal.optional(),
  })
  .strict()
  .refine((c) => c.position !== undefined || c.keyword !== undefined, {
    message: "an argument condition needs `position` or `keyword`",
  });

export const CallPattern = z
  .object({
    /** callee names after import/alias resolution: `pickle.loads`, `eval`, `requests.Session().get` */
    calls: z.array(z.string().min(1)).min(1),
    /** every condition must hold */
    args: z.array(ArgCondition).optional(),
    /** keywords that must be absent (a `**kwargs` splat counts as "maybe present": no match) */
    missing: z.array(z.string()).optional(),
    /** any condition holding means no match */
    unless: z.array(ArgCondition).optional(),
    /** overrides for this pattern */
    severity: Level.optional(),
    confidence: Level.optional(),
    message: z.string().optional(),
  })
  .strict();

export const Edit = z.union([
  z.object({ rename_callee: z.string() }).strict(),
  z.object({ remove_keyword: z.string() }).strict(),
  z.object({ set_keyword: z.object({ name: z.string(), value: z.string() }).strict() }).strict(),
]);

export const FixSpec = z
  .object({
    safety: z.enum(["safe", "review", "explain"]),
    /** one line shown with a `review` suggestion */
    caveat: z.string().optional(),
    /** declarative edits on the flagged call */
    edits: z.array(Edit).optional(),
    /** a named fix builder in src/core/fixes/ for what data cannot say */
    builder: z.string().optional(),
    /** the secure pattern, shown as plain code for `explain` and when a fix is withheld */
    example: z.string().optional(),
  })
  .strict()
  .refine((f) => f.safety === "explain" || f.edits || f.builder, {
    message: "a safe or review fix needs `edits` or a `builder`",
  })
  .refine((f) => f.safety !== "explain" || f.example, { message: "an explain fix needs an `example`" })
  .refine((f) => f.safety !== "review" || f.caveat, { message: "a review fix needs a one-line `caveat`" });

const BadExample = z
  .object({
    code: z.string(),
    /** lines (1-based) where the rule must report, one entry per finding */
    lines: z.array(z.number().int().min(1)).min(1),
    /** for fixable rules: the exact file text after applying every offered suggestion */
    fixed: z.string().optional(),
    /** the fix expected to be withheld (shown as text) for this example, with a reason fragment */
    no_fix: z.string().optional(),
  })
  .strict();

export const RuleFile = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "id must be a kebab-case slug"),
    title: z.string().min(3),
    category: z.enum(CATEGORIES),
    severity: Level,
    confidence: Level,
    cwe: z.array(z.string().regex(/^CWE-\d+$/)).min(1),
    bandit: z.string().regex(/^B\d{3}$/).optional(),
    ruff: z.string().regex(/^S\d{3}$/).optional(),
    /** the comment body and the rules reference are rendered from these */
    docs: z
      .object({
        what: z.string(),
        why: z.string(),
        instead: z.string(),
        references: z.array(z.string()).default([]),
        /** where HunkGuard is quieter than Bandit/Ruff on purpose, and why */
        noise: z.string().optional(),
      })
      .strict(),
    /** the finding message; `{callee}` is replaced with the resolved callee */
    message: z.string(),
    match: z
      .object({
        patterns: z.array(CallPattern).optional(),
        /** a raw tree-sitter query; the `@finding` capture is reported */
        query: z.string().optional(),
        /** a named TypeScript matcher in src/core/matchers/ */
        matcher: z.string().optional(),
        /** matcher parameters */
        options: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .refine((m) => m.patterns || m.query || m.matcher, { message: "match needs patterns, a query or a matcher" }),
    fix: FixSpec.optional(),
    examples: z
      .object({
        bad: z.array(BadExample).min(1),
        good: z.array(z.string()).min(1),
      })
      .strict(),
  })
  .strict()
  .refine((r) => !r.fix || r.fix.safety === "explain" || r.examples.bad.some((b) => b.fixed !== undefined), {
    message: "a fixable rule needs at least one `bad` example with its `fixed` text",
  });

export type RuleFile = z.infer<typeof RuleFile>;
export type CallPattern = z.infer<typeof CallPattern>;
export type ArgCondition = z.infer<typeof ArgCondition>;
export type FixSpec = z.infer<typeof FixSpec>;
export type EditSpec = z.infer<typeof Edit>;
