/**
 * The repo config on disk: `.github/hunkguard.yml` at the git root (the app reads the default
 * branch's, usually the same), the same schema as the app (core/config.ts). Invalid keys fall
 * back to their defaults, as in the app.
 */
import { readFileSync, existsSync } from "node:fs";
import { join, resolve, relative, isAbsolute, sep } from "node:path";
import { CONFIG_PATH, DEFAULT_CONFIG, type ConfigReader, type ConfigResult, type RepoConfig } from "../core/config.js";
import { gitRoot } from "./git.js";
import { InputError } from "./io.js";

/** The repo config from a file on disk (no file: the defaults). */
export function fileConfigReader(file: string): ConfigReader {
  return {
    read: async (): Promise<ConfigResult> => {
      if (!existsSync(file)) return { config: { ...DEFAULT_CONFIG }, problems: [] };
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        return { config: { ...DEFAULT_CONFIG }, problems: [`the file could not be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`] };
      }
      // the schema and the YAML parser load only when there is a file to read (start-up)
      const { configYaml, parseConfig } = await import("../core/config-schema.js");
      const yaml = configYaml(text);
      const parsed = parseConfig(yaml.data);
      return { config: parsed.config, problems: [...yaml.problems, ...parsed.problems] };
    },
  };
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
export async function loadScope(cwd: string, configFile: string | undefined, warn: (line: string) => void): Promise<Scope> {
  const top = gitRoot(cwd);
  const root = top ?? cwd;
  let file: string;
  if (configFile !== undefined) {
    file = resolve(cwd, configFile);
    if (!existsSync(file)) throw new InputError(`--config ${configFile}: no such file`);
  } else file = join(root, CONFIG_PATH);
  const name = configFile ?? CONFIG_PATH;
  const { config, problems } = await fileConfigReader(file).read();
  for (const problem of problems) warn(`hunkguard: ${name}: ${problem} (the default is used)`);
  return { root, inRepo: top !== null, config, configName: name };
}

/** A reported path as a path relative to the root (for globs and baselines), `/` separators. */
export function repoPathOf(scope: Scope, cwd: string, reported: string): string {
  const rel = relative(scope.root, resolve(cwd, reported));
  return (rel.startsWith("..") || isAbsolute(rel) ? reported : rel).split(sep).join("/");
}
