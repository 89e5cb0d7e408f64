/**
 * Loads rules/<category>/<id>.yml — and, when a rule needs code, the module `<id>.ts` beside it —
 * into the rule set, keyed by rule id. The folder is the registry: nothing else lists the rules.
 * An invalid file fails fast with its path and the reason. Loading is asynchronous because a rule's
 * code is an ES module (imported from dist/rules/… when built, from the .ts itself under ts-jest).
 */
import { readdirSync, readFileSync, statSync, existsSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, relative, basename, dirname, sep, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import type { z } from "zod";
import type { RuleFile, ModelFile, TaintSourceSpec } from "./schema.js";
import { compileQuery } from "../python.js";
import { bindRuleCode, isRuleCode, parseRuleOptions } from "../rule-code.js";
import { BUNDLE_FILE, builtHash, type RuleBundle } from "./bundle.js";
import type { Rule, RuleSet } from "../types.js";

export type { Rule, RuleSet } from "../types.js";

export class RuleLoadError extends Error {}

/** Folders under rules/ that hold shared data (taint models …), not rules. */
const DATA_FOLDER = /^_/;

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

/** Where compiled rule modules live when this file runs from dist/ (dist/rules/…), else null. */
function compiledRulesDir(): string | null {
  const here = fileURLToPath(import.meta.url);
  if (extname(here) === ".ts") return null;
  // dist/src/core/rules/load.js → dist/rules
  return join(dirname(here), "..", "..", "..", "rules");
}

/**
 * What validates a rule or model file that the build did not compile: the YAML parser and the rule
 * schema (zod). Loaded on demand — a run from the build with every file compiled never loads them.
 */
interface Validation {
  parseYaml: (text: string) => unknown;
  RuleFile: typeof RuleFile;
  ModelFile: typeof ModelFile;
}
let validation: Validation | null = null;

/** Load the YAML parser and the rule schema (once); `loadRules` does when a file needs them. */
export async function loadRuleValidation(): Promise<void> {
  if (validation) return;
  const [yaml, schema] = await Promise.all([import("yaml"), import("./schema.js")]);
  validation ??= { parseYaml: (text) => yaml.parse(text), RuleFile: schema.RuleFile, ModelFile: schema.ModelFile };
}

function needValidation(file: string): Validation {
  if (!validation) throw new RuleLoadError(`${file}: not in dist/rules/compiled.json, and the rule schema is not loaded (await loadRuleValidation() first)`);
  return validation;
}

// From src/ (ts-jest) nothing is compiled: load the schema with this module, so parseRule is synchronous
if (!compiledRulesDir()) await loadRuleValidation();

/**
 * The rule files under `root`, sorted; `seen` collects every file met on the way (so the code
 * module beside a rule is known without asking the file system again).
 */
function listRuleFiles(root: string, seen?: Set<string>): string[] {
  const out: string[] = [];
  const todo = [root];
  while (todo.length) {
    const d = todo.pop()!;
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const name = entry.name;
      const p = join(d, name);
      // a link is followed, as statSync did for every entry
      if (entry.isSymbolicLink() ? statSync(p).isDirectory() : entry.isDirectory()) {
        if (!DATA_FOLDER.test(name)) todo.push(p);
      } else {
        seen?.add(p);
        if (name.endsWith(".yml") || name.endsWith(".yaml")) out.push(p);
      }
    }
  }
  return out.sort();
}

/**
 * The rule and model files parsed and validated at build time (`npm run build` writes
 * dist/rules/compiled.json): YAML parsing and schema checks are most of a cold start. An entry is
 * used only when the file's text hashes the same as when it was compiled; any other file is parsed.
 */
export interface Compiled {
  version: 1;
  /** `options`: a rule file's options as its code's schema parsed them (when JSON holds them unchanged) */
  files: Record<string, { hash: string; data: unknown; options?: unknown; size?: number; lazy?: string[] }>;
  /** SHA-256 of the built engine (dist/src/core), the built rule code and every rule and model file: the result cache's version */
  codeHash?: string;
}

/**
 * The build's code hash, when the last rule set loaded came entirely from dist/rules/compiled.json
 * (no rule or model file edited since the build); else null. The result cache keys by it.
 */
let builtCodeHash: string | null = null;
export function compiledCodeHash(): string | null {
  return builtCodeHash;
}

const textHash = (text: string) => createHash("sha256").update(text).digest("base64");

function validatedRule(text: string, file: string, compiled?: Compiled | null): z.infer<typeof RuleFile> {
  const pre = compiled?.files[file];
  if (pre && pre.hash === textHash(text)) return pre.data as z.infer<typeof RuleFile>;
  const { parseYaml, RuleFile } = needValidation(file);
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
  return parsed.data;
}

function validatedModel(text: string, file: string, compiled?: Compiled | null): z.infer<typeof ModelFile> {
  const pre = compiled?.files[file];
  if (pre && pre.hash === textHash(text)) return pre.data as z.infer<typeof ModelFile>;
  const { parseYaml, ModelFile } = needValidation(file);
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new RuleLoadError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = ModelFile.safeParse(data);
  if (!parsed.success) throw new RuleLoadError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

/** SHA-256 of every .js file under `dirs` (contents, by relative name) and of the rule and model texts' hashes. */
function codeHashOf(dirs: string[], compiled: Compiled): string {
  const h = createHash("sha256");
  for (const root of dirs) {
    const todo = [root];
    const files: string[] = [];
    while (todo.length) {
      const d = todo.pop()!;
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) todo.push(p);
        // the bundle (bundle.ts) is made from the rule modules hashed here, with their modification times
        else if (name.endsWith(".js") && name !== BUNDLE_FILE) files.push(p);
      }
    }
    for (const f of files.sort()) h.update(`${relative(root, f)}\0`).update(readFileSync(f)).update("\0");
  }
  for (const [file, { hash }] of Object.entries(compiled.files).sort()) h.update(`${file}\0${hash}\0`);
  return h.digest("hex").slice(0, 32);
}

function modelFiles(dir: string): { file: string; path: string }[] {
  const folder = join(dir, "_models");
  if (!existsSync(folder)) return [];
  return readdirSync(folder).sort().filter((n) => n.endsWith(".yml")).map((n) => ({ file: `rules/_models/${n}`, path: join(folder, n) }));
}

/** A rule's fields that compiled.json leaves to compiled-docs.json (two thirds of its size), read the first time one is. */
const LAZY_KEYS = ["docs", "examples"] as const;
const DOCS_FILE = "compiled-docs.json";
const compiledDocs = new WeakMap<Compiled, Record<string, Record<string, unknown>>>();

/** Give a rule built from its compiled entry the fields the entry left to compiled-docs.json, read when first used. */
function withCompiledDocs(rule: Rule, compiled: Compiled, file: string): Rule {
  const lazy = compiled.files[file]?.lazy;
  for (const key of lazy ?? []) {
    const settle = (value: unknown) => Object.defineProperty(rule, key, { value, writable: true, enumerable: true, configurable: true });
    // redefining the key keeps its place among the rule's keys
    Object.defineProperty(rule, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        let docs = compiledDocs.get(compiled);
        if (!docs) {
          const path = join(compiledRulesDir() ?? ".", DOCS_FILE);
          try {
            docs = (JSON.parse(readFileSync(path, "utf8")) as { files: Record<string, Record<string, unknown>> }).files;
          } catch (e) {
            throw new RuleLoadError(`${path}: cannot read (${(e as Error).message}): run npm run build`);
          }
          compiledDocs.set(compiled, docs);
        }
        const value = docs[file]?.[key];
        settle(value);
        return value;
      },
      set: settle,
    });
  }
  return rule;
}

/** When each compiled file read was written (its modification time). */
const compiledAt = new WeakMap<Compiled, number>();

/**
 * A rule file that is as the build compiled it, known without reading it: the size it had, and not
 * modified since compiled.json was written (strictly before). Anything else is read and hashed.
 */
function unchangedSinceBuild(compiled: Compiled | null, file: string, path: string): boolean {
  const entry = compiled?.files[file];
  const at = compiled ? compiledAt.get(compiled) : undefined;
  if (!entry || entry.size === undefined || at === undefined) return false;
  try {
    const st = statSync(path);
    return st.size === entry.size && st.mtimeMs < at;
  } catch {
    return false;
  }
}

/** The compiled file next to the built rule code, when running from dist/ and it was written. */
function readCompiled(): Compiled | null {
  const dir = compiledRulesDir();
  if (!dir) return null;
  try {
    const path = join(dir, "compiled.json");
    const c = JSON.parse(readFileSync(path, "utf8")) as Compiled;
    if (c.version !== 1) return null;
    compiledAt.set(c, statSync(path).mtimeMs);
    return c;
  } catch {
    return null;
  }
}

/**
 * Parse and validate every rule and model file of `dir` — and each rule's options with its code's
 * schema — and write them to `out` (the build does, for dist/rules/compiled.json).
 */
export async function writeCompiledRules(dir: string = defaultRulesDir(), out: string = join(compiledRulesDir() ?? dir, "compiled.json")): Promise<number> {
  await loadRuleValidation();
  const compiled: Compiled = { version: 1, files: {} };
  const docs: Record<string, Record<string, unknown>> = {};
  for (const path of listRuleFiles(dir)) {
    const file = `rules/${relative(dir, path).split(sep).join("/")}`;
    const text = readFileSync(path, "utf8");
    const data = validatedRule(text, file);
    const entry: Compiled["files"][string] = { hash: textHash(text), data, size: statSync(path).size };
    const url = codeModuleOf(dir, path);
    if (url) {
      const code = await importRuleCode(file, url);
      const parsed = await parseRuleOptions(code, data.options);
      if ("error" in parsed) throw new RuleLoadError(`${file}: ${parsed.error}`);
      // kept only when JSON gives the same value back (a schema may transform to something JSON cannot hold)
      if (parsed.options !== undefined && isDeepStrictEqual(JSON.parse(JSON.stringify(parsed.options)), parsed.options)) entry.options = parsed.options;
    }
    // the long texts a scan does not read wait in compiled-docs.json (null here keeps the key's place)
    const moved: Record<string, unknown> = {};
    for (const key of LAZY_KEYS) {
      if (!(key in data)) continue;
      moved[key] = (data as Record<string, unknown>)[key];
      (data as Record<string, unknown>)[key] = null;
      (entry.lazy ??= []).push(key);
    }
    if (entry.lazy) docs[file] = moved;
    compiled.files[file] = entry;
  }
  const folder = join(dir, "_models");
  for (const name of existsSync(folder) ? readdirSync(folder).sort() : []) {
    if (!name.endsWith(".yml")) continue;
    const file = `rules/_models/${name}`;
    const text = readFileSync(join(folder, name), "utf8");
    compiled.files[file] = { hash: textHash(text), data: validatedModel(text, file) };
  }
  compiled.codeHash = codeHashOf([join(dirname(fileURLToPath(import.meta.url)), ".."), dirname(out)], compiled);
  writeFileSync(out, JSON.stringify(compiled));
  writeFileSync(join(dirname(out), DOCS_FILE), JSON.stringify({ version: 1, files: docs }));
  return Object.keys(compiled.files).length;
}

/** Parse and validate one rule file (its code, if any, is attached by `loadRules`). */
export function parseRule(text: string, file: string, compiled?: Compiled | null): Rule {
  return checkedRule({ ...validatedRule(text, file, compiled), file });
}

/** The checks of a rule's query and regular expressions (the schema cannot make). */
function checkedRule(rule: Rule): Rule {
  const file = rule.file;
  const m = rule.match;
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

/** The checks that need the rule's code known: something matches, a fix has a way to be built. */
function checkComplete(rule: Rule): void {
  const m = rule.match;
  if (!m.patterns?.length && !m.assignments?.length && !m.references?.length && !m.secrets && !m.text?.length && !m.strings?.length && !m.dict_keys?.length && !m.decorators?.length && !m.query && !m.taint && !rule.code?.match) {
    throw new RuleLoadError(`${rule.file}: match needs patterns, assignments, references, a query or taint sinks, or the rule's code (${rule.id}.ts) must export a match`);
  }
  if (rule.options && !rule.code) throw new RuleLoadError(`${rule.file}: \`options\` are for the rule's code, and there is no ${rule.id}.ts`);
  const fix = rule.fix;
  if (fix && fix.safety !== "explain" && !fix.edits && !rule.code?.fix && ![...(m.patterns ?? []), ...(m.assignments ?? [])].some((p) => p.fix)) {
    throw new RuleLoadError(`${rule.file}: a safe or review fix needs \`edits\`, or a fix in the rule's code (${rule.id}.ts)`);
  }
}

/**
 * Build the rule set: ids unique, `@group` callees expanded and every callee checked to be a dotted
 * name, call patterns indexed by their callee's last name. `models` defaults to the packaged ones.
 */
export function buildRuleSet(rules: Rule[], models: Models = packagedModels()): RuleSet {
  const byId = new Map<string, Rule>();
  const callIndex: RuleSet["callIndex"] = new Map();
  for (const rule of rules) {
    if (byId.has(rule.id)) throw new RuleLoadError(`${rule.file}: duplicate rule id "${rule.id}" (also in ${byId.get(rule.id)!.file})`);
    byId.set(rule.id, rule);
    resolveNames(rule, models);
    for (const pattern of rule.match.patterns ?? []) {
      const lasts = new Set(pattern.calls.map((c) => c.replace(/\(\)/g, "").split(".").pop()!));
      for (const last of lasts) {
        const list = callIndex.get(last) ?? [];
        list.push({ rule, pattern });
        callIndex.set(last, list);
      }
    }
  }
  return { rules, byId, callIndex, taintSources: models.sources };
}

let packaged: Models | null = null;
/** The models shipped with the package (for a rule set built by hand). */
export function packagedModels(): Models {
  return (packaged ??= readModels(defaultRulesDir(), readCompiled()));
}

/** The code module beside a rule file, if there is one: its URL to import. */
function codeModuleOf(dir: string, yml: string, seen?: Set<string>): string | null {
  const stem = yml.replace(/\.ya?ml$/, "");
  const ts = `${stem}.ts`;
  const js = `${stem}.js`;
  const exists = (p: string) => (seen ? seen.has(p) : existsSync(p));
  if (exists(js)) return pathToFileURL(js).href;
  if (!exists(ts)) return null;
  const compiled = compiledRulesDir();
  if (!compiled) return pathToFileURL(ts).href;
  const built = join(compiled, `${relative(dir, stem)}.js`);
  if (!existsSync(built)) throw new RuleLoadError(`${relative(dirname(dir), ts)} is not compiled (no ${built}): run npm run build`);
  return pathToFileURL(built).href;
}

/** The built rules' bundle (bundle.ts), when running from dist/ and the build wrote it. */
async function readBundle(): Promise<RuleBundle | null> {
  const dir = compiledRulesDir();
  if (!dir || !existsSync(join(dir, BUNDLE_FILE))) return null;
  try {
    return (await import(pathToFileURL(join(dir, BUNDLE_FILE)).href)) as RuleBundle;
  } catch {
    return null; // each rule imports its own file, and reports its own error
  }
}

/** A rule's built module as bundled, while its file is still the one bundled; else null. */
function bundledModule(bundle: RuleBundle | null, url: string): RuleBundle["files"][string] | null {
  const dir = compiledRulesDir();
  if (!bundle || !dir) return null;
  const path = fileURLToPath(url);
  const entry = bundle.files[relative(dir, path).split(sep).join("/")];
  if (!entry) return null;
  try {
    const st = statSync(path);
    if (st.size !== entry.size) return null;
    return st.mtimeMs === entry.mtimeMs || builtHash(readFileSync(path, "utf8")) === entry.hash ? entry : null;
  } catch {
    return null;
  }
}

async function importRuleCode(file: string, url: string, bundled?: RuleBundle["files"][string] | null) {
  let mod: { default?: unknown };
  try {
    mod = bundled ? bundled.load() : ((await import(url)) as { default?: unknown });
  } catch (e) {
    throw new RuleLoadError(`${file.replace(/\.ya?ml$/, ".ts")}: cannot load: ${(e as Error).message}`);
  }
  if (!isRuleCode(mod.default)) {
    throw new RuleLoadError(`${file.replace(/\.ya?ml$/, ".ts")}: the default export must be defineRule({ options, match, fix })`);
  }
  return mod.default;
}

/** Bind the rule's code; `parsed`: its options as the build parsed them (the rule file unchanged since). */
async function attachCode(rule: Rule, url: string, parsed?: { options: unknown }, bundled?: RuleBundle["files"][string] | null): Promise<void> {
  const bound = await bindRuleCode(await importRuleCode(rule.file, url, bundled), rule.options, parsed);
  if ("error" in bound) throw new RuleLoadError(`${rule.file}: ${bound.error}`);
  rule.code = bound;
}

const cache = new Map<string, Promise<RuleSet>>();

/** Load every rule under `dir`. Each file's id must match its name and its category its folder. */
export function loadRules(dir: string = defaultRulesDir()): Promise<RuleSet> {
  let hit = cache.get(dir);
  if (!hit) {
    hit = readRules(dir);
    cache.set(dir, hit);
    // a failed load is not cached: the next caller sees the same error again
    hit.catch(() => cache.delete(dir));
  }
  return hit;
}

/** The shared data of rules/_models/ that rules name. */
export interface Models {
  calls: Map<string, string[]>;
  sources: TaintSourceSpec[];
}

function readModels(dir: string, compiled?: Compiled | null): Models {
  const models: Models = { calls: new Map(), sources: [] };
  const folder = join(dir, "_models");
  if (!existsSync(folder)) return models;
  for (const name of readdirSync(folder).sort()) {
    if (!name.endsWith(".yml")) continue;
    const file = `rules/_models/${name}`;
    const parsed = { data: validatedModel(readFileSync(join(folder, name), "utf8"), file, compiled) };
    for (const [group, calls] of Object.entries(parsed.data.calls ?? {})) {
      if (models.calls.has(group)) throw new RuleLoadError(`${file}: the call group "${group}" is defined twice`);
      models.calls.set(group, calls);
    }
    for (const src of parsed.data.sources ?? []) {
      if (models.sources.some((o) => o.id === src.id)) throw new RuleLoadError(`${file}: the source "${src.id}" is defined twice`);
      models.sources.push(src);
    }
  }
  return models;
}

/** `a.b().c`, or `*.c` (any callee of that last name) */
const CALLEE_NAME = /^(?:\*|[A-Za-z_]\w*(?:\(\))?)(?:\.[A-Za-z_]\w*(?:\(\))?)*$/;

/** Expand `@group` in the rule's call patterns (once), and check every callee is a dotted name. */
function resolveNames(rule: Rule, models: Models): void {
  for (const p of rule.match.patterns ?? []) {
    const calls: string[] = [];
    for (const c of p.calls) {
      if (c.startsWith("@")) {
        const group = models.calls.get(c.slice(1));
        if (!group) throw new RuleLoadError(`${rule.file}: unknown call group "${c}" (groups live in rules/_models/)`);
        calls.push(...group);
      } else calls.push(c);
    }
    for (const c of calls) if (!CALLEE_NAME.test(c)) throw new RuleLoadError(`${rule.file}: "${c}" is not a dotted callee name`);
    p.calls = calls;
  }
  for (const sink of rule.match.taint?.sinks ?? []) {
    for (const c of sink.calls) if (!CALLEE_NAME.test(c)) throw new RuleLoadError(`${rule.file}: "${c}" is not a dotted callee name`);
  }
}

async function readRules(dir: string): Promise<RuleSet> {
  const rules: Rule[] = [];
  const compiled = readCompiled();
  const seen = new Set<string>();
  const ruleFiles = listRuleFiles(dir, seen).map((path) => {
    const rel = relative(dir, path).split(sep).join("/");
    // text null: unchanged since the build by its size and time, its compiled entry used unread
    if (unchangedSinceBuild(compiled, `rules/${rel}`, path)) return { path, rel, text: null, hash: compiled!.files[`rules/${rel}`].hash };
    const text = readFileSync(path, "utf8");
    return { path, rel, text, hash: textHash(text) };
  });
  const models = modelFiles(dir);
  const precompiled = (file: string, hash: string) => compiled?.files[file]?.hash === hash;
  const modelsPrecompiled = models.every((f) => precompiled(f.file, textHash(readFileSync(f.path, "utf8"))));
  // a file the build did not compile (or edited since) is parsed and validated: load the schema for it
  if (!modelsPrecompiled || !ruleFiles.every((f) => precompiled(`rules/${f.rel}`, f.hash))) await loadRuleValidation();
  const modelSet = readModels(dir, compiled);
  // every rule and model file as the build compiled it (and no other): the build's code hash holds
  // options the build parsed belong to the packaged rules' code: a rule elsewhere with the same text may have other code
  const packagedCode = compiled !== null && dir === defaultRulesDir();
  let fresh = !!compiled?.codeHash && ruleFiles.length + models.length === Object.keys(compiled.files).length && modelsPrecompiled;
  // the rules' code modules are fetched together (start-up); each is awaited in turn below, so the
  // first rule in order that fails is the one reported, as when they were imported one by one
  const bundle = await readBundle();
  const codeOf = new Map<string, string | null | RuleLoadError>();
  const bundledOf = new Map<string, RuleBundle["files"][string]>();
  for (const { path } of ruleFiles) {
    let url: string | null | RuleLoadError;
    try {
      url = codeModuleOf(dir, path, seen);
    } catch (e) {
      if (!(e instanceof RuleLoadError)) throw e;
      url = e; // reported in order by the loop below
    }
    codeOf.set(path, url);
    if (typeof url !== "string") continue;
    const bundled = bundledModule(bundle, url);
    if (bundled) bundledOf.set(path, bundled);
    else import(url).catch(() => undefined);
  }
  for (const { path, rel, text, hash } of ruleFiles) {
    const parsed = text === null ? checkedRule({ ...(compiled!.files[`rules/${rel}`].data as z.infer<typeof RuleFile>), file: `rules/${rel}` }) : parseRule(text, `rules/${rel}`, compiled);
    const pre = compiled?.files[`rules/${rel}`];
    const unchanged = pre?.hash === hash;
    // built from its compiled entry (text null, or the same hash): its docs and examples come from compiled-docs.json
    const rule = unchanged && compiled ? withCompiledDocs(parsed, compiled, `rules/${rel}`) : parsed;
    if (fresh && !unchanged) fresh = false;
    const stem = basename(path).replace(/\.ya?ml$/, "");
    if (stem !== rule.id) throw new RuleLoadError(`rules/${rel}: id "${rule.id}" does not match the file name "${stem}"`);
    const folder = rel.split("/")[0];
    if (rel.includes("/") && folder !== rule.category) {
      throw new RuleLoadError(`rules/${rel}: category "${rule.category}" does not match the folder "${folder}"`);
    }
    const code = codeOf.get(path) ?? null;
    if (code instanceof RuleLoadError) throw code;
    if (code) await attachCode(rule, code, packagedCode && unchanged && pre && "options" in pre ? { options: pre.options } : undefined, bundledOf.get(path));
    checkComplete(rule);
    rules.push(rule);
  }
  if (!rules.length) throw new RuleLoadError(`no rules found in ${dir}`);
  builtCodeHash = fresh && compiled?.codeHash ? compiled.codeHash : null;
  return buildRuleSet(rules, modelSet);
}
