/**
 * The contract of a rule's code module (`rules/<category>/<id>.ts`, beside its `.yml`): one default
 * export made with `defineRule`, typed end to end — the options a zod schema parsed when the rule
 * loads, and the data a match hands to its fix one type per rule (no bags, no casts).
 */
import { z } from "zod";
import type { FileModel } from "./scope.js";
import type { TaintSourceSpec } from "./rules/schema.js";
import type { BoundRuleCode, FixDecline, FixProposal, Hit, RawMatch, Rule, RuleCode } from "./types.js";
import { fillMessage } from "./messages.js";

export type { RuleCode, Hit, MatchContext, FixContext, FixProposal, FixDecline } from "./types.js";

/** Options of a rule that takes none: the rule file must not give any. */
export const NO_OPTIONS = z.object({}).strict();

/** The one export of a rule's code module. */
export function defineRule<O, D = undefined>(code: RuleCode<O, D>): RuleCode<O, D> {
  return code;
}

/** A module's shape as loaded from disk, before it is trusted. */
export function isRuleCode(x: unknown): x is RuleCode<unknown, unknown> {
  if (!x || typeof x !== "object") return false;
  const c = x as Record<string, unknown>;
  return c.options instanceof z.ZodType && (c.match === undefined || typeof c.match === "function") && (c.fix === undefined || typeof c.fix === "function");
}

/**
 * Parse the rule's options with the module's schema and bind both halves to them. Each match of the
 * module carries a closure that builds its fix from the match's own data, so the data's type never
 * leaves the module.
 */
export function bindRuleCode<O, D>(code: RuleCode<O, D>, rawOptions: unknown): BoundRuleCode | { error: string } {
  const parsed = code.options.safeParse(rawOptions ?? {});
  if (!parsed.success) {
    return { error: `options: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}` };
  }
  const options = parsed.data;
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
