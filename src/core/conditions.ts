/**
 * Conditions on values and arguments, as rule files write them: value kinds (constant, f-string,
 * built …), literal equality, regular expressions, resolved names, dict keys and list items.
 */
import type { Node } from "./python.js";
import type { FileModel, CallSite, Scope, ValueInfo } from "./scope.js";
import type { ArgConditionSpec as ArgCondition } from "./types.js";
import type { ValueCondition as ValueConditionSchema } from "./rules/schema.js";
import type { z } from "zod";
import { argument } from "./args.js";
import { builtQuery, describeBuilt } from "./lib/sql.js";

type ValueCondition = z.infer<typeof ValueConditionSchema>;

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

export const regexCache = new Map<string, RegExp>();
export function regex(src: string): RegExp {
  let r = regexCache.get(src);
  if (!r) regexCache.set(src, (r = new RegExp(src)));
  return r;
}

/** An argument condition: the argument is there and its value meets every condition given. */
export function conditionHolds(model: FileModel, call: CallSite, c: ArgCondition, vars?: Record<string, string>): boolean {
  const node = argument(model, call, c.position, c.keyword);
  if (!node) return false;
  return valueHolds(model, node, call.scope, c, vars);
}

/** Whether a value (an argument, an assigned value) meets every condition given. */
export function valueHolds(model: FileModel, node: Node, scope: Scope, c: ValueCondition, vars?: Record<string, string>): boolean {
  const v = model.classify(node, scope);
  if (c.kind && !kindMatches(c.kind, v)) return false;
  if (c.has_key !== undefined || c.item !== undefined) {
    if (!containerHas(model, scope, node, c)) return false;
  } else if (c.equals !== undefined && literalValue(model, node, v) !== c.equals) return false;
  if (c.matches !== undefined && (v.kind !== "constant" || !regex(c.matches).test(v.value!))) return false;
  if (c.resolves && !model.resolve(node, scope).some((q) => c.resolves!.includes(q))) return false;
  if (c.resolves_matches !== undefined && !model.resolve(node, scope).some((q) => regex(c.resolves_matches!).test(q))) return false;
  if (c.subclass_of && !derivesFrom(model, node, scope, new Set(c.subclass_of))) return false;
  if (c.defined_in_file) {
    const found = node.type === "identifier" ? model.lookup(model.text(node), scope, node.startIndex) : null;
    if (!found || (found.binding.kind !== "class" && found.binding.kind !== "function")) return false;
  }
  if (c.sql !== undefined) {
    const how = sqlBuiltIn(model, node, scope);
    if (!how) return false;
    if (vars) vars.how = how;
  }
  return true;
}

/**
 * SQL built from values (lib/sql.ts: an f-string, `%`, `.format()` or `+` with a value that is not a
 * constant, directly or through a name assigned earlier in the function), in the value or in the
 * values of a dict / items of a list it holds; how it is built, in words, or null.
 */
function sqlBuiltIn(model: FileModel, node: Node, scope: Scope): string | null {
  const items: Node[] = [];
  if (node.type === "dictionary") {
    for (const pair of node.namedChildren) if (pair.type === "pair" && pair.childForFieldName("value")) items.push(pair.childForFieldName("value")!);
  } else if (node.type === "list" || node.type === "tuple") items.push(...node.namedChildren);
  else items.push(node);
  for (const item of items) {
    const found = builtQuery(model, item, scope, false);
    if (found) return describeBuilt(found);
  }
  return null;
}

function containerHas(model: FileModel, scope: Scope, node: Node, c: ValueCondition): boolean {
  if (c.has_key !== undefined) {
    if (node.type !== "dictionary") return false;
    for (const pair of node.namedChildren) {
      if (pair.type !== "pair") continue;
      const k = pair.childForFieldName("key");
      const val = pair.childForFieldName("value");
      if (!k || !val) continue;
      const kv = model.classify(k, scope);
      if (kv.kind !== "constant" || kv.value !== c.has_key) continue;
      if (c.equals === undefined) return true;
      return literalValue(model, val, model.classify(val, scope)) === c.equals;
    }
    return false;
  }
  if (node.type !== "list" && node.type !== "tuple" && node.type !== "set") {
    const v = model.classify(node, scope);
    return literalValue(model, node, v) === c.item;
  }
  for (const item of node.namedChildren) {
    const iv = literalValue(model, item, model.classify(item, scope));
    if (typeof iv === "string" && typeof c.item === "string" ? iv.toLowerCase() === c.item.toLowerCase() : iv === c.item) return true;
  }
  return false;
}


/**
 * Whether `node` names one of `targets` or a class derived from one: `class ConfigLoader(yaml.SafeLoader)`,
 * `class Tagged(Reader, Scanner, Parser, Composer, SafeConstructor, Resolver)`, through any depth of
 * the file's own classes (imported classes are known by name only).
 */
export function derivesFrom(model: FileModel, node: Node, scope: Scope, targets: Set<string>, depth = 0): boolean {
  if (depth > 6) return false;
  if (model.resolve(node, scope).some((q) => targets.has(q))) return true;
  if (node.type !== "identifier") return false;
  const found = model.lookup(model.text(node), scope, node.startIndex);
  if (!found || found.binding.kind !== "class") return false;
  const cls = model.scopes.find((s) => s.kind === "class" && s.node && s.parent === found.scope && s.node.startIndex === found.binding.at);
  const bases = cls?.node?.childForFieldName("superclasses");
  if (!cls || !bases) return false;
  for (const b of bases.namedChildren) {
    if (b.type === "keyword_argument" || b.type === "comment") continue;
    if (derivesFrom(model, b, found.scope, targets, depth + 1)) return true;
  }
  return false;
}
