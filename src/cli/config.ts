/**
 * The repo config on disk: `.github/hunkguard.yml` at the git root (the app reads the default
 * branch's, usually the same), the same schema as the app (core/config.ts). Invalid keys fall
 * back to their defaults, as in the app.
 */
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { parseConfig, DEFAULT_CONFIG, type RepoConfig } from "../core/config.js";

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
