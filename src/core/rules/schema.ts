/**
 * The one schema for rule files (rules/<category>/<id>.yml). The TypeScript types are inferred from
 * it and `npm run schema` writes rules/rule.schema.json from it for editors.
 */
import { z } from "zod";

/** The categories (design.md): what a finding is about. No catch-all: a rule that fits none names a new one. */
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

/** Conditions on a value (an argument, the right side of an assignment, a dict value). Every one given must hold. */
const valueFields = {
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
};

export const ValueCondition = z.object(valueFields).strict();

/** A condition on one argument, found by position and/or keyword. A missing argument fails it. */
export const ArgCondition = z
  .object({
    position: z.number().int().min(0).optional(),
    keyword: z.string().optional(),
    ...valueFields,
  })
  .strict()
  .refine((c) => c.position !== undefined || c.keyword !== undefined, {
    message: "an argument condition needs `position` or `keyword`",
  });

export const Edit = z.union([
  z.object({ rename_callee: z.string() }).strict(),
  z.object({ remove_keyword: z.string() }).strict(),
  z.object({ set_keyword: z.object({ name: z.string(), value: z.string() }).strict() }).strict(),
]);

/** What a call pattern may say about the fix of its own matches (else the rule's fix applies). */
export const FixOverride = z
  .object({
    /** declarative edits on the flagged call */
    edits: z.array(Edit).optional(),
    /** no one-click fix for these matches, and why (shown with the example) */
    decline: z.string().optional(),
  })
  .strict();

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
    fix: FixOverride.optional(),
  })
  .strict();

/** Where untrusted data must not arrive: calls (resolved names) and the argument that counts (any when omitted). */
export const TaintSink = z
  .object({
    calls: z.array(z.string().min(1)).min(1),
    position: z.number().int().min(0).optional(),
    keyword: z.string().optional(),
  })
  .strict();

/** Taint as data: the finding is a sink call that receives a value from one of the taint models' sources. */
export const TaintSpec = z
  .object({
    sinks: z.array(TaintSink).min(1),
  })
  .strict();

export const FixSpec = z
  .object({
    safety: z.enum(["safe", "review", "explain"]),
    /** one line shown with a `review` suggestion */
    caveat: z.string().optional(),
    /** declarative edits on the flagged call (a rule with code may build its fix in `<id>.ts` instead) */
    edits: z.array(Edit).optional(),
    /** the secure pattern, shown as plain code for `explain` and when a fix is withheld */
    example: z.string().optional(),
  })
  .strict()
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
    /** parameters of the rule's code module (`<id>.ts`), checked by its own schema when the rule loads */
    options: z.record(z.string(), z.unknown()).optional(),
    match: z
      .object({
        patterns: z.array(CallPattern).optional(),
        /** a raw tree-sitter query; the `@finding` capture is reported */
        query: z.string().optional(),
        /** untrusted data reaching a sink */
        taint: TaintSpec.optional(),
      })
      .strict()
      .default({}),
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

export type CallPattern = z.infer<typeof CallPattern>;
export type ArgCondition = z.infer<typeof ArgCondition>;
export type EditSpec = z.infer<typeof Edit>;
