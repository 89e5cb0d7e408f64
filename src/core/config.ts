/**
 * The repo config, `.github/hunkguard.yml`: its keys and defaults and what they select. The schema
 * and the parsing (zod, YAML) live in config-schema.ts, loaded only when there is a file to read.
 */
import type { z } from "zod";
import type { CONFIG_KEYS } from "./config-schema.js";
import type { Rule } from "./rules/load.js";
import { SEVERITY_RANK, type Severity } from "./finding.js";

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

export type { ExtendedConfig } from "./config-schema.js";

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
