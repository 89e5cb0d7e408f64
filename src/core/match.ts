/**
 * Rules → raw matches. One pass over the call sites the file model collected (dispatch by the
 * callee's last name), plus each rule's compiled query and named matcher. A rule that throws is
 * reported as a rule failure; the run goes on.
 */
import type { Node } from "./python.js";
import type { FileModel, CallSite, ValueInfo } from "./scope.js";
import type { ArgCondition, CallPattern } from "./rules/schema.js";
import type { Rule, RuleSet } from "./rules/load.js";
import type { Confidence, Severity } from "./finding.js";
import { MATCHERS } from "./matchers/index.js";
import { AnalysisStopped } from "./stopped.js";
import { argument, keywordArgument, hasKwargsSplat } from "./args.js";

// matchers and fixes import these from ./args.js (importing them from here would be a cycle)
export { argument, keywordArgument, hasKwargsSplat };

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
  /** free-form data a matcher hands to its fix builder */
  data?: Record<string, unknown>;
}

export interface MatchOutcome {
  matches: RawMatch[];
  failures: { rule: string; error: string }[];
}

function literalValue(model: FileModel, n: Node, v: ValueInfo): string | number | boolean | null | undefined {
  if (v.kind === "constant") return v.value;
  if (v.kind !== "literal") return undefined;
  switch (n.type) {
    case "true":
      return true;
    case "false":
      return false;
    case "none":
      return null;
    default: {
      const num = Number(model.text(n).replace(/_/g, ""));
      return Number.isNaN(num) ? undefined : num;
    }
  }
}

function kindMatches(wanted: string[], v: ValueInfo): boolean {
  for (const k of wanted) {
    if (k === v.kind) return true;
    if (k === "dynamic" && v.kind !== "constant" && v.kind !== "literal") return true;
    if (k === "built" && (v.kind === "fstring" || v.kind === "percent" || v.kind === "format" || v.kind === "concat")) return true;
  }
  return false;
}

const regexCache = new Map<string, RegExp>();
function regex(src: string): RegExp {
  let r = regexCache.get(src);
  if (!r) regexCache.set(src, (r = new RegExp(src)));
  return r;
}

export function conditionHolds(model: FileModel, call: CallSite, c: ArgCondition): boolean {
  const node = argument(model, call, c.position, c.keyword);
  if (!node) return false;
  const v = model.classify(node, call.scope);
  if (c.kind && !kindMatches(c.kind, v)) return false;
  if (c.has_key !== undefined || c.item !== undefined) {
    if (!containerHas(model, call, node, c)) return false;
  } else if (c.equals !== undefined && literalValue(model, node, v) !== c.equals) return false;
  if (c.matches !== undefined && (v.kind !== "constant" || !regex(c.matches).test(v.value!))) return false;
  if (c.resolves && !model.resolve(node, call.scope).some((q) => c.resolves!.includes(q))) return false;
  return true;
}

function containerHas(model: FileModel, call: CallSite, node: Node, c: ArgCondition): boolean {
  if (c.has_key !== undefined) {
    if (node.type !== "dictionary") return false;
    for (const pair of node.namedChildren) {
      if (pair.type !== "pair") continue;
      const k = pair.childForFieldName("key");
      const val = pair.childForFieldName("value");
      if (!k || !val) continue;
      const kv = model.classify(k, call.scope);
      if (kv.kind !== "constant" || kv.value !== c.has_key) continue;
      if (c.equals === undefined) return true;
      return literalValue(model, val, model.classify(val, call.scope)) === c.equals;
    }
    return false;
  }
  if (node.type !== "list" && node.type !== "tuple" && node.type !== "set") {
    const v = model.classify(node, call.scope);
    return literalValue(model, node, v) === c.item;
  }
  for (const item of node.namedChildren) {
    const iv = literalValue(model, item, model.classify(item, call.scope));
    if (typeof iv === "string" && typeof c.item === "string" ? iv.toLowerCase() === c.item.toLowerCase() : iv === c.item) return true;
  }
  return false;
}

export function patternMatches(model: FileModel, call: CallSite, pattern: CallPattern): boolean {
  for (const c of pattern.args ?? []) if (!conditionHolds(model, call, c)) return false;
  if (pattern.missing?.length) {
    if (hasKwargsSplat(call)) return false;
    for (const k of pattern.missing) if (keywordArgument(model, call, k)) return false;
  }
  for (const c of pattern.unless ?? []) if (conditionHolds(model, call, c)) return false;
  return true;
}

export function fillMessage(template: string, vars: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

/** Run every enabled rule over one file model; `checkpoint` is called between rules (it may throw to stop). */
export function matchRules(model: FileModel, rules: RuleSet, enabled?: (rule: Rule) => boolean, checkpoint: () => void = () => {}): MatchOutcome {
  const matches: RawMatch[] = [];
  const failures: MatchOutcome["failures"] = [];
  const isOn = enabled ?? (() => true);
  const byCall = new Map<CallSite, Set<Rule>>();

  // 1. call patterns: one pass over call sites
  for (const [k, call] of model.calls.entries()) {
    if ((k & 1023) === 0) checkpoint();
    // a call pattern's finding is the call itself
    if (!model.inFocus(call.start)) continue;
    let candidates = rules.callIndex.get(call.lastName);
    if (call.fnType === "identifier") {
      const imported = model.importedLastNames.get(call.lastName);
      const more = imported ? rules.callIndex.get(imported) : undefined;
      if (more) candidates = candidates ? [...candidates, ...more] : more;
    }
    if (!candidates) continue;
    const names = model.calleeNames(call);
    if (!names.length) continue;
    for (const { rule, pattern } of candidates) {
      if (!isOn(rule)) continue;
      const callee = pattern.calls.find((c) => names.includes(c));
      if (!callee) continue;
      try {
        if (!patternMatches(model, call, pattern)) continue;
      } catch (e) {
        failures.push({ rule: rule.id, error: (e as Error).message });
        continue;
      }
      // one finding per rule and call, even when several patterns of the rule match (a set: not a scan of every match so far)
      const ruled = byCall.get(call) ?? new Set<Rule>();
      if (ruled.has(rule)) continue;
      ruled.add(rule);
      byCall.set(call, ruled);
      matches.push({
        rule,
        node: call.node,
        call,
        callee,
        severity: pattern.severity ?? rule.severity,
        confidence: pattern.confidence ?? rule.confidence,
        message: fillMessage(pattern.message ?? rule.message, { callee }),
      });
    }
  }

  // 2. raw queries and named matchers
  for (const rule of rules.rules) {
    if (!isOn(rule)) continue;
    checkpoint();
    try {
      if (rule.compiledQuery) {
        for (const cap of rule.compiledQuery.captures(model.parsed.tree.rootNode)) {
          if (cap.name !== "finding") continue;
          matches.push({ rule, node: cap.node, severity: rule.severity, confidence: rule.confidence, message: rule.message });
        }
      }
      if (rule.match.matcher) {
        const found = MATCHERS[rule.match.matcher]({ model, rule, options: rule.match.options ?? {} });
        for (const f of found) {
          matches.push({
            rule,
            node: f.node,
            call: f.call,
            callee: f.callee,
            severity: f.severity ?? rule.severity,
            confidence: f.confidence ?? rule.confidence,
            message: f.message ?? fillMessage(rule.message, { callee: f.callee }),
            source: f.source,
            data: f.data,
          });
        }
      }
    } catch (e) {
      // a stop asked for by the checkpoint is not this rule's failure
      if (e instanceof AnalysisStopped) throw e;
      failures.push({ rule: rule.id, error: (e as Error).message });
    }
  }
  return { matches, failures };
}
