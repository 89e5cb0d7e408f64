/**
 * The contract of a rule's code module (`rules/<category>/<id>.ts`, beside its `.yml`): one default
 * export made with `defineRule`, typed end to end — the options a zod schema parsed when the rule
 * loads, and the data a match hands to its fix one type per rule (no bags, no casts).
 */
import type { z } from "zod";
import type { FileModel } from "./scope.js";
import type { TaintSourceSpec } from "./rules/schema.js";
import type { BoundRuleCode, FixDecline, FixProposal, Hit, RawMatch, Rule, RuleCode } from "./types.js";
import { fillMessage } from "./messages.js";

export type { RuleCode, Hit, MatchContext, FixContext, FixProposal, FixDecline } from "./types.js";

/**
 * A rule's options schema built only when it is needed: the build validates every packaged rule's
 * options (dist/rules/compiled.json carries them parsed), so a CLI start-up never loads zod. The
 * module that `load` imports holds the zod schema; a rule's code imports only this handle.
 */
export interface LazyOptions<O> {
  readonly lazyOptions: () => Promise<z.ZodType<O>>;
}

/** What a rule's `options` may be: a zod schema, or one built lazily (`lazyOptions`). */
export type OptionsSchema<O> = z.ZodType<O> | LazyOptions<O>;

/** A lazily built options schema: `lazyOptions(() => import("./my-options.js").then((m) => m.Options))`. */
export function lazyOptions<O>(load: () => Promise<z.ZodType<O>>): LazyOptions<O> {
  let schema: Promise<z.ZodType<O>> | null = null;
  return { lazyOptions: () => (schema ??= load()) };
}

/** The zod schema of a rule's options, built if it is lazy. */
export async function optionsSchema<O>(options: OptionsSchema<O>): Promise<z.ZodType<O>> {
  return "lazyOptions" in options ? options.lazyOptions() : options;
}

/** Options of a rule that takes none: the rule file must not give any. */
export const NO_OPTIONS: LazyOptions<Record<string, never>> = lazyOptions(async () => {
  const { z } = await import("zod");
  return z.object({}).strict() as unknown as z.ZodType<Record<string, never>>;
});

/** The one export of a rule's code module. */
export function defineRule<O, D = undefined>(code: RuleCode<O, D>): RuleCode<O, D> {
  return code;
}

/** A module's shape as loaded from disk, before it is trusted. */
export function isRuleCode(x: unknown): x is RuleCode<unknown, unknown> {
  if (!x || typeof x !== "object") return false;
  const c = x as Record<string, unknown>;
  return isOptionsSchema(c.options) && (c.match === undefined || typeof c.match === "function") && (c.fix === undefined || typeof c.fix === "function");
}

/** A zod schema (anything with safeParse: zod is not loaded to ask instanceof) or a lazy one. */
function isOptionsSchema(x: unknown): boolean {
  if (!x || typeof x !== "object") return false;
  const o = x as Record<string, unknown>;
  return typeof o.lazyOptions === "function" || (typeof o.safeParse === "function" && typeof o._zod === "object");
}

/** The rule file's options parsed with the module's schema, or why they are not valid. */
export async function parseRuleOptions<O>(code: RuleCode<O, unknown>, rawOptions: unknown): Promise<{ options: O } | { error: string }> {
  const parsed = (await optionsSchema(code.options)).safeParse(rawOptions ?? {});
  if (!parsed.success) {
    return { error: `options: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}` };
  }
  return { options: parsed.data };
}

/**
 * Parse the rule's options with the module's schema (unless the build already did: `parsed`) and
 * bind both halves to them. Each match of the module carries a closure that builds its fix from the
 * match's own data, so the data's type never leaves the module.
 */
export async function bindRuleCode<O, D>(code: RuleCode<O, D>, rawOptions: unknown, parsed?: { options: O }): Promise<BoundRuleCode | { error: string }> {
  const result = parsed ?? (await parseRuleOptions(code as RuleCode<O, unknown>, rawOptions));
  if ("error" in result) return result;
  const options = result.options;
  const { match, fix } = code;
  const bound: BoundRuleCode = {};
  if (match) {
    bound.match = (model: FileModel, rule: Rule, taintSources: readonly TaintSourceSpec[] = []): RawMatch[] =>
      match({ model, rule, options, taintSources }).map((hit: Hit<D>) => {
        const raw: RawMatch = {
          rule,
          node: hit.node,
          call: hit.call,
          callee: hit.callee,
          severity: hit.severity ?? rule.severity,
          confidence: hit.confidence ?? rule.confidence,
          message: hit.message ?? fillMessage(rule.message, { callee: hit.callee }),
          source: hit.source,
          ...(hit.origin ? { origin: hit.origin } : {}),
        };
        if (fix) {
          const data = hit.data;
          raw.fix = { kind: "code", build: (m: FileModel): FixProposal | FixDecline => fix({ model: m, match: raw, rule, options, data }) };
        }
        return raw;
      });
  }
  if (fix) bound.fix = (model: FileModel, m: RawMatch) => fix({ model, match: m, rule: m.rule, options, data: undefined });
  return bound;
}
