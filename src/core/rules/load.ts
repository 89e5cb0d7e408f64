/** Loads and validates rules/<category>/<id>.yml. An invalid file fails fast with its path and the reason. */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join, relative, basename, dirname, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type Parser from "tree-sitter";
import { RuleFile, type CallPattern } from "./schema.js";
import { compileQuery } from "../python.js";
import { MATCHERS } from "../matchers/index.js";
import { FIX_BUILDERS } from "../fixes/index.js";

export interface Rule extends RuleFile {
  /** where the rule was loaded from, relative to the rules folder */
  file: string;
  compiledQuery?: Parser.Query;
}

export interface RuleSet {
  rules: Rule[];
  byId: Map<string, Rule>;
  /** call patterns indexed by the last segment of the callee, for the one pass over call sites */
  callIndex: Map<string, { rule: Rule; pattern: CallPattern }[]>;
}

export class RuleLoadError extends Error {}

/** The rules folder shipped with the package (works from src/ under ts-jest and from dist/src/). */
export function defaultRulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "rules");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new RuleLoadError("cannot find the rules/ folder next to package.json");
}

function listRuleFiles(root: string): string[] {
  const out: string[] = [];
  const todo = [root];
  while (todo.length) {
    const d = todo.pop()!;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) todo.push(p);
      else if (name.endsWith(".yml") || name.endsWith(".yaml")) out.push(p);
    }
  }
  return out.sort();
}

export function parseRule(text: string, file: string): Rule {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new RuleLoadError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = RuleFile.safeParse(data);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new RuleLoadError(`${file}: ${why}`);
  }
  const rule: Rule = { ...parsed.data, file };
  const m = rule.match;
  if (m.matcher && !MATCHERS[m.matcher]) throw new RuleLoadError(`${file}: unknown matcher "${m.matcher}"`);
  if (rule.fix?.builder && !FIX_BUILDERS[rule.fix.builder]) {
    throw new RuleLoadError(`${file}: unknown fix builder "${rule.fix.builder}"`);
  }
  if (m.query) {
    try {
      rule.compiledQuery = compileQuery(m.query);
    } catch (e) {
      throw new RuleLoadError(`${file}: invalid tree-sitter query: ${(e as Error).message}`);
    }
    if (!/@finding\b/.test(m.query)) {
      throw new RuleLoadError(`${file}: the query needs a @finding capture`);
    }
  }
  for (const p of m.patterns ?? []) {
    for (const c of [...(p.args ?? []), ...(p.unless ?? [])]) {
      if (c.matches) {
        try {
          new RegExp(c.matches);
        } catch (e) {
          throw new RuleLoadError(`${file}: invalid regular expression ${c.matches}: ${(e as Error).message}`);
        }
      }
    }
  }
  return rule;
}

export function buildRuleSet(rules: Rule[]): RuleSet {
  const byId = new Map<string, Rule>();
  const callIndex: RuleSet["callIndex"] = new Map();
  for (const rule of rules) {
    if (byId.has(rule.id)) throw new RuleLoadError(`${rule.file}: duplicate rule id "${rule.id}" (also in ${byId.get(rule.id)!.file})`);
    byId.set(rule.id, rule);
    for (const pattern of rule.match.patterns ?? []) {
      const lasts = new Set(pattern.calls.map((c) => c.replace(/\(\)/g, "").split(".").pop()!));
      for (const last of lasts) {
        const list = callIndex.get(last) ?? [];
        list.push({ rule, pattern });
        callIndex.set(last, list);
      }
    }
  }
  return { rules, byId, callIndex };
}

const cache = new Map<string, RuleSet>();

/** Load every rule file under `dir`. Each file's id must match its name and its category its folder. */
export function loadRules(dir: string = defaultRulesDir()): RuleSet {
  const hit = cache.get(dir);
  if (hit) return hit;
  const rules: Rule[] = [];
  for (const path of listRuleFiles(dir)) {
    const rel = relative(dir, path).split(sep).join("/");
    const rule = parseRule(readFileSync(path, "utf8"), `rules/${rel}`);
    const stem = basename(path).replace(/\.ya?ml$/, "");
    if (stem !== rule.id) throw new RuleLoadError(`rules/${rel}: id "${rule.id}" does not match the file name "${stem}"`);
    const folder = rel.split("/")[0];
    if (rel.includes("/") && folder !== rule.category) {
      throw new RuleLoadError(`rules/${rel}: category "${rule.category}" does not match the folder "${folder}"`);
    }
    rules.push(rule);
  }
  if (!rules.length) throw new RuleLoadError(`no rules found in ${dir}`);
  const set = buildRuleSet(rules);
  cache.set(dir, set);
  return set;
}
