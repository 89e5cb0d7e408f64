/**
 * The repo config on disk: `.github/hunkguard.yml` at the git root (the app reads the default
 * branch's, usually the same), the same schema as the app (core/config.ts). Invalid keys fall
 * back to their defaults, as in the app.
 */
import { readFileSync, existsSync } from "node:fs";
import { join, resolve, relative, isAbsolute, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { parseConfig, DEFAULT_CONFIG, type RepoConfig } from "../core/config.js";
import { gitRoot } from "./git.js";
import { InputError } from "./io.js";

export const CONFIG_PATH = join(".github", "hunkguard.yml");

export function readConfigFile(file: string): { config: RepoConfig; problems: string[] } {
  if (!existsSync(file)) return { config: { ...DEFAULT_CONFIG }, problems: [] };
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    return { config: { ...DEFAULT_CONFIG }, problems: [`not valid YAML: ${(e as Error).message.split("\n")[0]}`] };
  }
  return parseConfig(raw);
}

export function readRepoConfig(root: string): { config: RepoConfig; problems: string[] } {
  return readConfigFile(join(root, CONFIG_PATH));
}

/** Where a command runs: the repository (or folder) root, its config, and what it selects. */
export interface Scope {
  /** the git work tree's top, else the working directory */
  root: string;
  inRepo: boolean;
  config: RepoConfig;
  /** the config file read, as given or found (for messages) */
  configName: string;
}

/**
 * The config for a command run in `cwd`: `--config FILE` when given (it must exist), else
 * `.github/hunkguard.yml` at the git root. Problems are printed; their keys take the default.
 */
export function loadScope(cwd: string, configFile: string | undefined, warn: (line: string) => void): Scope {
  const top = gitRoot(cwd);
  const root = top ?? cwd;
  let file: string;
  if (configFile !== undefined) {
    file = resolve(cwd, configFile);
    if (!existsSync(file)) throw new InputError(`--config ${configFile}: no such file`);
  } else file = join(root, CONFIG_PATH);
  const name = configFile ?? CONFIG_PATH.split(sep).join("/");
  const { config, problems } = readConfigFile(file);
  for (const problem of problems) warn(`hunkguard: ${name}: ${problem} (the default is used)`);
  return { root, inRepo: top !== null, config, configName: name };
}

/** A reported path as a path relative to the root (for globs and baselines), `/` separators. */
export function repoPathOf(scope: Scope, cwd: string, reported: string): string {
  const rel = relative(scope.root, resolve(cwd, reported));
  return (rel.startsWith("..") || isAbsolute(rel) ? reported : rel).split(sep).join("/");
}
