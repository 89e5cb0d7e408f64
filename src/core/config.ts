/**
 * The repo config, `.github/hunkguard.yml`. One zod schema; each key is validated on its own so an
 * invalid key is reported with the exact problem and its default used, while valid keys still apply.
 */
import { z } from "zod";
import { parseDocument } from "yaml";
import { CATEGORIES } from "./rules/schema.js";
import type { Rule } from "./rules/load.js";
import { SEVERITY_RANK, type Severity } from "./finding.js";
import { codeSpan } from "./render.js";

const Level = z.enum(["high", "medium", "low"]);

export const CONFIG_KEYS = {
  /** rule ids to turn off */
  disable_rules: z.array(z.string()),
  /** rule ids to run even when their category is disabled */
  enable_rules: z.array(z.string()),
  /** categories to turn off */
  disable_categories: z.array(z.enum(CATEGORIES)),
  /** findings below this severity are not reported */
  min_severity: Level,
  /** the check fails when a finding at or above this severity is on an added line */
  fail_on: z.enum(["high", "medium", "low", "never"]),
  /** globs of paths to analyse (default: every .py and .pyi file) */
  include: z.array(z.string()),
  /** globs of paths to leave alone */
  exclude: z.array(z.string()),
  /** `added`: report a finding when a line of its statement was added; `diff_context`: when any line is inside a hunk */
  filter: z.enum(["added", "diff_context"]),
  /** inline comments per review (GitHub rejects bursts of more than ~30) */
  max_inline_comments: z.number().int().min(0).max(30),
  /** analyse draft pull requests */
  drafts: z.boolean(),
  /** files larger than this many bytes are skipped and listed in the check */
  max_file_bytes: z.number().int().min(1024).max(50 * 1024 * 1024),
  /** `skip`: leave vendored code alone (see VENDORED_PATH); `report`: analyse it like the rest */
  vendored: z.enum(["skip", "report"]),
  /** the conclusion when a file could not be analysed (skipped, a rule failed, code that did not parse): never `success` */
  unanalysed: z.enum(["neutral", "failure"]),
  /** `quiet`: rules marked `tests: quiet` (dummy secrets, /tmp paths…) are silent in test code; `report`: test code is reviewed like the rest */
  tests: z.enum(["quiet", "report"]),
} as const;

export type RepoConfig = { [K in keyof typeof CONFIG_KEYS]: z.infer<(typeof CONFIG_KEYS)[K]> };

export const DEFAULT_CONFIG: RepoConfig = {
  disable_rules: [],
  enable_rules: [],
  disable_categories: [],
  min_severity: "low",
  fail_on: "high",
  include: ["**/*.py", "**/*.pyi"],
  exclude: [],
  filter: "added",
  max_inline_comments: 30,
  drafts: true,
  max_file_bytes: 2 * 1024 * 1024,
  vendored: "skip",
  unanalysed: "neutral",
  tests: "quiet",
};

/** How findings in test code are treated: see `CONFIG_KEYS.tests`. */
export type TestsPolicy = "quiet" | "report";

/**
 * Test code: a file under a `tests/`, `test/` or `testing/` folder, or named `test_*.py`, `*_test.py`
 * or `conftest.py` (pytest's and unittest's conventions).
 */
export const TEST_PATH = /(?:^|\/)(?:tests?|testing)\/|(?:^|\/)(?:test_[^/]*|[^/]*_test|conftest|tests)\.pyi?$/;

export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path.replace(/\\/g, "/"));
}

/**
 * Code a repository carries but does not write: a folder named `vendor`, `vendored`, `_vendor`,
 * `third_party`, `thirdparty` or `3rdparty`, and copies of CPython's standard library (`Lib/`, as
 * in CPython's source tree and Windows installs, and `lib/python3.X/`). Its findings belong
 * upstream; with `vendored: skip` (the default) it is left out like an `exclude`.
 */
export const VENDORED_PATH = /(?:^|\/)(?:vendor|vendored|_vendor|third_party|thirdparty|3rdparty|Lib|lib\/python[23](?:\.\d+)?)\//;

export interface ConfigResult {
  config: RepoConfig;
  problems: string[];
}

/** Where the repo config lives in a repository (the app reads the default branch's). */
export const CONFIG_PATH = ".github/hunkguard.yml";

/**
 * One way to read the repo config, whoever reads it: the app and the Action from GitHub
 * (`githubConfigReader` in github/config.ts: GraphQL, else REST, `_extends` within the owner's
 * `.github`), the CLI from disk (`fileConfigReader` in cli/config.ts). Never throws: what cannot be
 * read or used is a problem, and its keys take their defaults.
 */
export interface ConfigReader {
  read(): Promise<ConfigResult>;
}

/** The config file's YAML as data: invalid YAML is a problem, and the defaults apply. */
export function configYaml(text: string): { data: unknown; problems: string[] } {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    // the first line says what and where ("… at line 2, column 3:"); the rest is a quote of the file
    const what = doc.errors[0].message.split("\n")[0].replace(/:$/, "").slice(0, 200);
    return { data: null, problems: [`the file is not valid YAML (${what}); every key uses its default`] };
  }
  return { data: doc.toJS({ maxAliasCount: 100 }), problems: [] };
}

/** Validate raw config data (already parsed from YAML). Unknown keys and invalid values are problems. */
export function parseConfig(raw: unknown): ConfigResult {
  const config: RepoConfig = { ...DEFAULT_CONFIG };
  const problems: string[] = [];
  if (raw === null || raw === undefined) return { config, problems };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    return { config, problems: ["the file must be a mapping of keys to values"] };
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // own keys only: `constructor`, `toString` or `__proto__` are unknown keys, not Object's members
    if (!Object.hasOwn(CONFIG_KEYS, key)) {
      problems.push(`${codeSpan(key)}: unknown key (known: ${Object.keys(CONFIG_KEYS).join(", ")})`);
      continue;
    }
    const schema = CONFIG_KEYS[key as keyof typeof CONFIG_KEYS];
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ` : "") + i.message).join("; ");
      problems.push(`${codeSpan(key)}: ${why}`);
      continue;
    }
    (config as Record<string, unknown>)[key] = parsed.data;
  }
  return { config, problems };
}

/** A config file another one names in `_extends` (read with the installation's token). */
export interface ExtendedConfig {
  /** how the check names it, e.g. `octo-org/.github:.github/hunkguard.yml` */
  name: string;
  data: unknown;
}

/**
 * This repository's config over the files it extends (its own keys win, as Probot merges them).
 * Problems name keys of this repository's file only: an extended file belongs to another
 * repository, so its problems are counted, never quoted (the check is public where it may not be).
 */
export function parseLayeredConfig(own: unknown, extended: ExtendedConfig[]): ConfigResult {
  const mine = parseConfig(own);
  if (!extended.length) return mine;
  const problems = [...mine.problems];
  const layers: Record<string, unknown>[] = [];
  for (const layer of extended) {
    const n = parseConfig(layer.data).problems.length;
    if (n) problems.push(`\`_extends\`: ${layer.name} has ${n} invalid or unknown setting(s), ignored (not shown: the file is another repository's)`);
    if (isMapping(layer.data)) layers.push(layer.data);
  }
  if (isMapping(own)) layers.unshift(own);
  const merged: Record<string, unknown> = {};
  // the file read first wins; defineProperty keeps a `__proto__` key an ordinary (unknown) key
  for (const layer of layers.reverse()) {
    for (const [k, v] of Object.entries(layer)) Object.defineProperty(merged, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return { config: parseConfig(merged).config, problems };
}

const isMapping = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/** Which rules run under a config. */
export function ruleFilter(config: RepoConfig): (rule: Rule) => boolean {
  const off = new Set(config.disable_rules);
  const on = new Set(config.enable_rules);
  const offCats = new Set<string>(config.disable_categories);
  return (rule) => !off.has(rule.id) && (on.has(rule.id) || !offCats.has(rule.category));
}

export function failsCheck(config: RepoConfig, severity: Severity): boolean {
  return config.fail_on !== "never" && SEVERITY_RANK[severity] >= SEVERITY_RANK[config.fail_on];
}

/**
 * A compiled glob: `**` spans folders (followed by a slash: zero or more whole folders), `*` and
 * `?` stay inside one, `{a,b}` alternates literal texts. Matched by simulating its automaton one
 * character at a time — linear in the path for any glob (a regular expression of stacked globstars
 * or stars backtracks for minutes on a long path that does not match).
 */
export interface GlobMatcher {
  test(path: string): boolean;
}

interface GlobState {
  /** consuming state: which character it accepts, and where it goes */
  accepts?: (c: string) => boolean;
  to?: number;
  /** states reached without consuming */
  next: number[];
}

const notSlash = (c: string) => c !== "/";
const anyChar = () => true;

export function compileGlob(glob: string): GlobMatcher {
  const states: GlobState[] = [{ next: [] }];
  const add = (st: GlobState) => states.push(st) - 1;
  let tails = [0];
  const link = (to: number) => tails.forEach((t) => states[t].next.push(to));
  const consume = (accepts: (c: string) => boolean) => {
    const after = add({ next: [] });
    const s = add({ accepts, to: after, next: [] });
    link(s);
    tails = [after];
  };
  const loop = (accepts: (c: string) => boolean) => {
    const hub = add({ next: [] });
    link(hub);
    states[hub].next.push(add({ accepts, to: hub, next: [] }));
    tails = [hub];
  };
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      if (glob[i + 2] === "/") {
        // zero or more whole folders; `**/**/` is the same set, so a run of them is one
        while (glob.startsWith("**/", i + 3)) i += 3;
        const hub = add({ next: [] });
        const inside = add({ next: [] });
        link(hub);
        const letter = add({ accepts: notSlash, to: inside, next: [] });
        const slash = add({ accepts: (x) => x === "/", to: hub, next: [] });
        states[hub].next.push(letter, slash);
        states[inside].next.push(letter, slash);
        tails = [hub];
        i += 2;
      } else {
        while (glob[i + 2] === "*") i++;
        loop(anyChar);
        i += 1;
      }
    } else if (c === "*") loop(notSlash);
    else if (c === "?") consume(notSlash);
    else if (c === "{" && glob.indexOf("}", i) !== -1) {
      const close = glob.indexOf("}", i);
      const start = tails;
      const ends: number[] = [];
      for (const alt of glob.slice(i + 1, close).split(",")) {
        tails = start;
        const head = add({ next: [] });
        link(head);
        tails = [head];
        for (let k = 0; k < alt.length; k++) {
          const ch = alt[k];
          consume((x) => x === ch);
        }
        ends.push(...tails);
      }
      tails = ends;
      i = close;
    } else consume((x) => x === c);
  }
  const accept = add({ next: [] });
  link(accept);
  const closure = (set: Set<number>) => {
    const stack = [...set];
    while (stack.length) for (const n of states[stack.pop()!].next) if (!set.has(n)) (set.add(n), stack.push(n));
    return set;
  };
  const start = closure(new Set([0]));
  return {
    test(path: string): boolean {
      let current = start;
      for (let i = 0; i < path.length; i++) {
        const ch = path[i];
        const next = new Set<number>();
        for (const s of current) {
          const st = states[s];
          if (st.accepts && st.accepts(ch)) next.add(st.to!);
        }
        if (!next.size) return false;
        current = closure(next);
      }
      return current.has(accept);
    },
  };
}

/** Whether a repository path is analysed under the config's include/exclude globs. */
export function pathSelector(config: RepoConfig): (path: string) => boolean {
  const inc = config.include.map(compileGlob);
  const exc = config.exclude.map(compileGlob);
  const vendored = config.vendored === "skip";
  return (path) => inc.some((r) => r.test(path)) && !exc.some((r) => r.test(path)) && !(vendored && VENDORED_PATH.test(path));
}
