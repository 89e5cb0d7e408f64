/**
 * The repo config's schema and parsing: one zod schema; each key is validated on its own so an
 * invalid key is reported with the exact problem and its default used, while valid keys still apply.
 * Kept apart from config.ts so that a run without a config file loads neither zod nor the YAML parser.
 */
import { z } from "zod";
import { parseDocument } from "yaml";
import { CATEGORIES } from "./rules/categories.js";
import { DEFAULT_CONFIG, type ConfigResult, type RepoConfig } from "./config.js";
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
