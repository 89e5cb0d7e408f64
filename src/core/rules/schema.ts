/**
 * The one schema for rule files (rules/<category>/<id>.yml). The TypeScript types are inferred from
 * it and `npm run schema` writes rules/rule.schema.json from it for editors.
 */
import { z } from "zod";
import { CATEGORIES } from "./categories.js";

/** The categories (categories.ts: no zod, for the config and the start-up). */
export { CATEGORIES };

const Level = z.enum(["high", "medium", "low"]);

/** Kinds of taint sources: a request, the user at the terminal, the process environment. */
export const THREATS = ["remote", "local", "environment"] as const;
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
  /** the value resolves to a dotted name this regular expression matches */
  resolves_matches: z.string().optional(),
  /** the value names one of these classes or a class derived from one (bases followed through the file's own classes) */
  subclass_of: z.array(z.string()).min(1).optional(),
  /** the value names a class or function defined in this file (its behaviour is the file's own) */
  defined_in_file: z.literal(true).optional(),
  /** SQL built from values (an f-string, `%`, `.format()`, `+`), here or in a name assigned earlier in the function; `{how}` in the message says how */
  sql: z.literal("built").optional(),
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

/** Why an edit or a requirement cannot be met on this code: shown with the example, counted as a withheld fix. */
const Otherwise = z.string().optional();

export const Edit = z.union([
  /** the callee's last name: `y.load(…)` → `y.safe_load(…)`; a map renames by the current last name */
  z.object({
    rename_callee: z.union([
      z.string(),
      z.object({ to: z.union([z.string(), z.record(z.string(), z.string())]), otherwise: Otherwise }).strict(),
    ]),
  }).strict(),
  /**
   * the whole callee by a dotted name (a map: by the resolved callee's last name), written the way
   * the file reaches it: the same module's attribute, a `from` import, the module's import — or,
   * with `import: add`, a new `import module` (placed by the engine)
   */
  z.object({
    replace_callee: z
      .object({
        with: z.union([z.string(), z.record(z.string(), z.string())]),
        import: z.enum(["existing", "add"]).default("existing"),
        otherwise: Otherwise,
        /** for a map: the reason when the callee's name is not in it */
        unmapped: Otherwise,
      })
      .strict(),
  }).strict(),
  z.object({ remove_keyword: z.string() }).strict(),
  /** the keyword argument, else the positional one (nothing to remove is not an error) */
  z.object({ remove_argument: z.object({ keyword: z.string().optional(), position: z.number().int().min(0).optional() }).strict() }).strict(),
  /** add `name=value` or replace its value; `string:` writes a string literal in the call's own quote style */
  z.object({
    set_keyword: z.union([
      z.object({ name: z.string(), value: z.string() }).strict(),
      z.object({ name: z.string(), string: z.string() }).strict(),
    ]),
  }).strict(),
  /** remove a keyword argument and the blanks it leaves at the end of its line */
  z.object({ remove_keyword_tidy: z.string() }).strict(),
  /** drop `key` from the dict literal passed as `keyword` (the whole argument when it is the only key) */
  z.object({ remove_dict_key: z.object({ keyword: z.string(), key: z.string() }).strict() }).strict(),
  /** delete the flagged statement's line (not when it is alone in its block or shares its line) */
  z.object({ delete_statement: z.literal(true) }).strict(),
]);

/** A condition the call must meet for the fix to apply; else the fix is withheld with `otherwise`. */
export const Requirement = z
  .object({
    /** every argument condition holds */
    args: z.array(ArgCondition).optional(),
    /** no argument condition holds */
    unless: z.array(ArgCondition).optional(),
    /** these keywords are absent */
    missing: z.array(z.string()).optional(),
    /** at most `positional` positional arguments, only these keywords, no `*`/`**` */
    arguments: z
      .object({
        positional: z.number().int().min(0),
        keywords: z.array(z.string()).default([]),
        /** the reason for a positional argument too many (default: `otherwise`) */
        positional_reason: z.string().optional(),
        /** the reason for a keyword not allowed; `{keyword}` is its name (default: `otherwise`) */
        keyword_reason: z.string().optional(),
      })
      .strict()
      .optional(),
    otherwise: z.string(),
  })
  .strict();

/** What a call pattern may say about the fix of its own matches (else the rule's fix applies). */
export const FixOverride = z
  .object({
    /** declarative edits on the flagged call */
    edits: z.array(Edit).optional(),
    /** conditions for the edits to apply, checked after them, in order */
    requires: z.array(Requirement).optional(),
    /** no one-click fix for these matches, and why (shown with the example) */
    decline: z.string().optional(),
  })
  .strict();

export const CallPattern = z
  .object({
    /** callee names after import/alias resolution: `pickle.loads`, `eval`, `requests.Session().get`; `@group` names a group of rules/_models */
    calls: z.array(z.string().min(1)).min(1),
    /** every condition must hold */
    args: z.array(ArgCondition).optional(),
    /** keywords that must be absent (a `**kwargs` splat counts as "maybe present": no match) */
    missing: z.array(z.string()).optional(),
    /** any condition holding means no match */
    unless: z.array(ArgCondition).optional(),
    /** no match when the call passes `**kwargs` (a keyword condition may be in them) */
    no_kwargs_splat: z.boolean().optional(),
    /** only in files that import one of these modules */
    imports: z.array(z.string()).min(1).optional(),
    /** the name `{callee}` stands for in the message (default: the matched callee) */
    callee: z.string().optional(),
    /**
     * no match when the object the method is called on (the same text) also receives a call of
     * `method` whose arguments mention `mentions`: `s.mount("https://", TimeoutAdapter(timeout=5))`
     */
    unless_receiver_call: z.object({ method: z.string(), mentions: z.string() }).strict().optional(),
    /** overrides for this pattern */
    severity: Level.optional(),
    confidence: Level.optional(),
    message: z.string().optional(),
    fix: FixOverride.optional(),
  })
  .strict();

/** What the object of an attribute must be: resolved names, the `.attribute` it is read through, its text. */
const ObjectCondition = z
  .object({
    /** the object is `<x>.<attribute>`; the other conditions apply to `<x>` */
    attribute: z.string().optional(),
    resolves: z.array(z.string()).min(1).optional(),
    /** regular expression over the object's source text */
    text_matches: z.string().optional(),
  })
  .strict();

/** An assignment: `obj.attr = value`, `obj[key] = value`, or a target that resolves to a dotted name. The finding is the assignment. */
export const AssignmentPattern = z
  .object({
    target: z
      .object({
        /** `<object>.<attribute> = …` */
        attribute: z.string().optional(),
        /** `<object>[<key>] = …` with a constant key */
        key: z.string().optional(),
        object: ObjectCondition.optional(),
        /** the target itself resolves to one of these (`ssl._create_default_https_context`) */
        resolves: z.array(z.string()).min(1).optional(),
      })
      .strict()
      .refine((t) => t.attribute !== undefined || t.key !== undefined || t.resolves !== undefined, {
        message: "an assignment target needs `attribute`, `key` or `resolves`",
      }),
    value: ValueCondition.optional(),
    /** only in files that import one of these modules */
    imports: z.array(z.string()).min(1).optional(),
    /** the name `{callee}` stands for in the message; `{target}` is the target as written */
    callee: z.string().optional(),
    severity: Level.optional(),
    confidence: Level.optional(),
    message: z.string().optional(),
    fix: FixOverride.optional(),
  })
  .strict();

/** A dotted name used as a value: passed to a call, assigned, or a parameter's default. The finding is the name; `{text}` is how it is written. */
export const ReferencePattern = z
  .object({
    names: z.array(z.string().min(1)).min(1),
    in: z.array(z.enum(["argument", "assignment", "default"])).min(1),
    severity: Level.optional(),
    confidence: Level.optional(),
    message: z.string().optional(),
  })
  .strict();

/**
 * Hard-coded secrets (lib/secrets.ts): a string literal stored under a secret's name (`by: name`,
 * where the name is an assignment target or dict key, a keyword argument, or a parameter with that
 * default), or a value in a well-known credential format anywhere (`by: shape`).
 * `{name}` / `{what}` in the message say which.
 */
export const SecretsPattern = z
  .object({
    by: z.enum(["name", "shape"]),
    in: z.array(z.enum(["string", "argument", "default"])).min(1).optional(),
  })
  .strict()
  .refine((p) => p.by === "shape" || p.in, { message: "secrets by name need `in`" });

/**
 * String literals whose text starts with a pattern, where they are used as values of a kind: an
 * argument, the value of a name that says what it holds, a parameter default. The finding is the
 * literal; `{prefix}` is what the pattern matched (without a trailing `/`).
 */
export const StringPattern = z
  .object({
    /** a regular expression matched at the start of the literal's text (before any interpolation); `$` is the literal's end */
    starts: z.string().min(1),
    /** as an argument, except to these methods (by last name) and to calls under these modules */
    argument: z.object({ unless_methods: z.array(z.string()).default([]), unless_modules: z.array(z.string()).default([]) }).strict().optional(),
    /** as the value of a target whose name has one of these words (`log_path`, `self.lock_file`) */
    assigned_to_words: z.array(z.string()).optional(),
    /** as a parameter's default */
    default: z.boolean().optional(),
  })
  .strict();

/** Text patterns in the source: the finding is the comment or string literal holding the match (once per line). */
export const TextPattern = z
  .object({
    regex: z.string().min(1),
    /** names of the characters or words matched, for `{name}` */
    names: z.record(z.string(), z.string()).optional(),
    message: z.string().optional(),
  })
  .strict();

/** A key of a dict literal with a value that meets a condition: `{"verify_signature": False}`. The finding is the key's pair. */
export const DictKeyPattern = z
  .object({
    key: z.string().min(1),
    value: ValueCondition.optional(),
    /** only a dict passed directly to one of these calls (resolved names) */
    in_calls: z.array(z.string()).min(1).optional(),
    severity: Level.optional(),
    confidence: Level.optional(),
    message: z.string().optional(),
  })
  .strict();

/** A function decorated by a call or name that resolves to one of `calls` (and meets `args`). The finding is the decorator. */
export const DecoratorPattern = z
  .object({
    calls: z.array(z.string().min(1)).min(1),
    args: z.array(ArgCondition).optional(),
    /** not when the function also has a decorator resolving to one of these */
    unless_decorated: z.array(z.string()).min(1).optional(),
    severity: Level.optional(),
    confidence: Level.optional(),
    message: z.string().optional(),
  })
  .strict();

/** Facts about the whole file that silence the rule in it. */
export const UnlessFile = z
  .object({
    /** the file calls one of these (resolved names): `defusedxml.xmlrpc.monkey_patch()` */
    calls: z.array(z.string()).optional(),
    /** the file assigns an attribute of this name anywhere: `TarFile.extraction_filter = …` */
    assigns_attribute: z.array(z.string()).optional(),
    /** the file's text nowhere matches this regular expression (a template environment in a file that never mentions HTML) */
    lacks_text: z
      .string()
      .refine((r) => {
        try {
          new RegExp(r);
          return true;
        } catch {
          return false;
        }
      }, "not a valid regular expression")
      .optional(),
  })
  .strict();

/** Where untrusted data must not arrive: calls (resolved names) and the argument that counts (any when omitted). */
export const TaintSink = z
  .object({
    calls: z.array(z.string().min(1)).min(1),
    position: z.number().int().min(0).optional(),
    keyword: z.string().optional(),
    /** the argument is a URL: one whose scheme and host are constant text (`f"https://api.example.com/{x}"`) is not a finding */
    url: z.literal(true).optional(),
  })
  .strict();

/** A call that makes a value safe for this rule's sinks: `shlex.quote(x)`, `int(x)`, `os.path.basename(x)`. */
export const TaintSanitizer = z
  .object({
    calls: z.array(z.string().min(1)).min(1),
  })
  .strict();

/** Taint as data: the finding is a sink call that receives a value from one of the taint models' sources. */
export const TaintSpec = z
  .object({
    sinks: z.array(TaintSink).min(1),
    /** values passed through these calls are clean; a name checked against an allow-list (`if x in ALLOWED`, `if x not in ALLOWED: return`) too */
    sanitizers: z.array(TaintSanitizer).optional(),
    /** kinds of sources (default remote and local: requests, input(), sys.argv) */
    threats: z.array(z.enum(THREATS)).min(1).optional(),
    /** a name checked against an allow-list (`if x not in PLUGINS: raise`) is clean, with or without sanitizer calls */
    allow_lists: z.literal(true).optional(),
  })
  .strict();

export const FixSpec = z
  .object({
    safety: z.enum(["safe", "review", "explain"]),
    /** one line shown with a `review` suggestion */
    caveat: z.string().optional(),
    /** declarative edits on the flagged call (a rule with code may build its fix in `<id>.ts` instead) */
    edits: z.array(Edit).optional(),
    /** conditions for the edits to apply, checked after them, in order */
    requires: z.array(Requirement).optional(),
    /** the secure pattern, shown as plain code for `explain` and when a fix is withheld */
    example: z.string().optional(),
    /** why no fix is offered when another finding of the rule shares the lines (the engine withholds both) */
    overlap: z.string().optional(),
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
    /**
     * `quiet`: silent in test code (`tests/`, `test_*.py`, `*_test.py`, `conftest.py`) under the
     * repository's `tests: quiet` policy (the default) — dummy secrets and fixed paths are normal there.
     * `report` (the default): reported in test code like anywhere else.
     */
    tests: z.enum(["quiet", "report"]).optional(),
    /** parameters of the rule's code module (`<id>.ts`), checked by its own schema when the rule loads */
    options: z.record(z.string(), z.unknown()).optional(),
    match: z
      .object({
        patterns: z.array(CallPattern).optional(),
        /** a raw tree-sitter query; the `@finding` capture is reported */
        query: z.string().optional(),
        /** assignments to attributes, subscripts (config keys) or resolved names */
        assignments: z.array(AssignmentPattern).optional(),
        /** keys of dict literals: `{"verify_signature": False}` */
        dict_keys: z.array(DictKeyPattern).optional(),
        /** decorators of functions: `@app.route(...)`, `@csrf_exempt` */
        decorators: z.array(DecoratorPattern).optional(),
        /** dotted names used as arguments, assigned values or parameter defaults */
        references: z.array(ReferencePattern).optional(),
        /** hard-coded secrets, by name or by format */
        secrets: SecretsPattern.optional(),
        /** regular expressions over the source text */
        text: z.array(TextPattern).optional(),
        /** string literals by their leading text, where used as values */
        strings: z.array(StringPattern).optional(),
        /** untrusted data reaching a sink */
        taint: TaintSpec.optional(),
        /** no finding in a file where one of these holds */
        unless_file: UnlessFile.optional(),
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
export type RequirementSpec = z.infer<typeof Requirement>;
export type AssignmentPatternSpec = z.infer<typeof AssignmentPattern>;
export type ReferencePatternSpec = z.infer<typeof ReferencePattern>;
export type SecretsPatternSpec = z.infer<typeof SecretsPattern>;
export type TextPatternSpec = z.infer<typeof TextPattern>;
export type StringPatternSpec = z.infer<typeof StringPattern>;
export type DictKeyPatternSpec = z.infer<typeof DictKeyPattern>;
export type DecoratorPatternSpec = z.infer<typeof DecoratorPattern>;

/** Where untrusted values enter: an object's attributes, a call's result, a parameter, a route's parameters. */
export const TaintSource = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    threat: z.enum(THREATS),
    /** a resolved object (`flask.request`, `sys.argv`): reading it, or one of its `attributes` */
    object: z.string().optional(),
    /** calls whose result is untrusted (`input`) */
    calls: z.array(z.string()).optional(),
    /** a parameter of this name (`request`): reading one of its `attributes` */
    parameter: z.string().optional(),
    attributes: z.array(z.string()).optional(),
    /** only in files that import one of these modules */
    imports: z.array(z.string()).optional(),
    /** every parameter of a function decorated as a route of one of `routers` */
    route_parameters: z
      .object({
        routers: z.array(z.string()).min(1),
        methods: z.array(z.string()).min(1),
        skip_names: z.array(z.string()).default([]),
        /** a regular expression over the parameter's annotation */
        skip_types: z.string().optional(),
      })
      .strict()
      .optional(),
    /** `def handler(event, context)`: the parameter `name` of a function whose next parameter is `with` */
    handler_parameter: z.object({ name: z.string(), with: z.string() }).strict().optional(),
    /** how a finding names the source; `{attribute}` and `{name}` are filled in */
    label: z.string(),
  })
  .strict()
  .refine((s) => [s.object, s.calls, s.parameter, s.route_parameters, s.handler_parameter].some((x) => x !== undefined), {
    message: "a source needs `object`, `calls`, `parameter`, `route_parameters` or `handler_parameter`",
  });

/** A file of rules/_models/: shared data the rules name (call groups, taint sources). */
export const ModelFile = z
  .object({
    /** named groups of callee names, used as `@name` in a pattern's `calls` */
    calls: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
    sources: z.array(TaintSource).optional(),
  })
  .strict();

export type TaintSourceSpec = z.infer<typeof TaintSource>;
