/**
 * The repo config, `.github/hunkguard.yml`. One zod schema; each key is validated on its own so an
 * invalid key is reported with the exact problem and its default used, while valid keys still apply.
 */
import { z } from "zod";
import { CATEGORIES } from "./rules/schema.js";
import type { Rule } from "./rules/load.js";
import { SEVERITY_RANK, type Severity } from "./finding.js";

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
  /** the conclusion when a file could not be analysed (skipped, a rule failed, code that did not parse): never `success` */
  unanalysed: z.enum(["neutral", "failure"]),
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
  unanalysed: "neutral",
};

export interface ConfigResult {
  config: RepoConfig;
  problems: string[];
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
    const schema = CONFIG_KEYS[key as keyof typeof CONFIG_KEYS];
    if (!schema) {
      problems.push(`\`${key}\`: unknown key (known: ${Object.keys(CONFIG_KEYS).join(", ")})`);
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ` : "") + i.message).join("; ");
      problems.push(`\`${key}\`: ${why}`);
      continue;
    }
    (config as Record<string, unknown>)[key] = parsed.data;
  }
  return { config, problems };
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

/** A glob as a regular expression: `**` spans folders, `*` and `?` stay inside one, `{a,b}` alternates. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        re += slash ? "(?:[^/]*/)*" : ".*";
        i += slash ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "{") {
      const close = glob.indexOf("}", i);
      if (close === -1) re += "\\{";
      else {
        re += `(?:${glob.slice(i + 1, close).split(",").map(escapeRe).join("|")})`;
        i = close;
      }
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(s: string): string {
  return s.replace(/[.+^${}()|[\]\\*?]/g, "\\$&");
}

/** Whether a repository path is analysed under the config's include/exclude globs. */
export function pathSelector(config: RepoConfig): (path: string) => boolean {
  const inc = config.include.map(globToRegExp);
  const exc = config.exclude.map(globToRegExp);
  return (path) => inc.some((r) => r.test(path)) && !exc.some((r) => r.test(path));
}
