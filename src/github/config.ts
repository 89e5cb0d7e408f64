/**
 * The repository configuration, `.github/hunkguard.yml`: its path, and every way it is read — in
 * the first GraphQL request of an analysis (with the changed files' sizes, see files.ts), over
 * REST when GraphQL could not answer, and the owner's `.github` repository it may extend. Read from
 * the default branch; when the repository has none, the owner's `.github` repository's is used.
 * This is the one place that knows the config's path and how to read it.
 */
import type { GitHub, RepoRef } from "./octokit.js";
import { describeError, statusOf } from "./octokit.js";
import { CONFIG_PATH, DEFAULT_CONFIG, type ConfigReader, type ExtendedConfig, type RepoConfig } from "../core/config.js";
import { configYaml, parseLayeredConfig } from "../core/config-schema.js";

export { CONFIG_PATH };

/** The repo config's text as found: in the repository, in the owner's `.github` repository, or nowhere. */
export interface ConfigText {
  text: string | null;
  /** where the text was read (for the check's problems list) */
  from: "repository" | "owner" | null;
  /** a part of the config could not be read (e.g. the owner's `.github` repository refused) */
  problem?: string;
}

/** The GraphQL field (inside `repository`) that reads this repository's config, as `cfg`. */
export const CONFIG_FIELDS = (path: string = CONFIG_PATH) => `cfg: object(expression: ${JSON.stringify(`HEAD:${path}`)}) { ... on Blob { text isTruncated } }`;
/** The top-level GraphQL field that reads the owner's `.github` repository's config, as `org`. */
export const OWNER_CONFIG = (path: string = CONFIG_PATH) =>
  `org: repository(owner: $owner, name: ".github") { object(expression: ${JSON.stringify(`HEAD:${path}`)}) { ... on Blob { text isTruncated } } }`;

/** The part of a GraphQL answer that `CONFIG_FIELDS` and `OWNER_CONFIG` fill. */
export interface ConfigAnswer {
  repository?: Record<string, unknown> | null;
  org?: { object: { text?: string | null; isTruncated?: boolean } | null } | null;
}

export function configFromGraphql(data: ConfigAnswer, errors: { type?: string; path?: (string | number)[]; message?: string }[]): ConfigText | undefined {
  if (!data.repository) return undefined;
  const own = data.repository.cfg as { text?: string | null; isTruncated?: boolean } | null | undefined;
  if (own && typeof own.text === "string" && !own.isTruncated) return { text: own.text, from: "repository" };
  if (own) return undefined; // there, but not as text GraphQL gives whole: read over REST
  const ownerErrors = errors.filter((x) => x.path?.[0] === "org");
  const org = data.org?.object;
  if (org && typeof org.text === "string" && !org.isTruncated) return { text: org.text, from: "owner" };
  if (org) return undefined;
  // no `.github` repository (or none the app may read: GitHub says NOT_FOUND for both) means no config
  const refused = ownerErrors.find((x) => x.type !== "NOT_FOUND");
  return refused ? { text: null, from: null, problem: `the owner's \`.github\` repository could not be read (${describeError({ message: refused.message ?? refused.type })})` } : { text: null, from: null };
}

/** What `.github/hunkguard.yml` holds, as data for parseConfig, with what could not be used. */
export interface ConfigData {
  /** this repository's file (or, when it has none, the owner's `.github` one), `_extends` removed */
  data: unknown;
  problems: string[];
  /** the files it extends, nearest first (see `parseLayeredConfig`) */
  extended?: ExtendedConfig[];
}

/** Parse the config's YAML: invalid YAML is a problem shown in the check, and the defaults apply. */
export function configData(found: ConfigText): ConfigData {
  const problems = found.problem ? [found.problem] : [];
  if (found.text === null) return { data: null, problems };
  const parsed = configYaml(found.text);
  return { data: parsed.data, problems: [...problems, ...parsed.problems] };
}

/**
 * `_extends` may name only this owner's `.github` repository — `.github`, `<owner>/.github`, with an
 * optional `:path.yml` — the place a GitHub App's shared settings live. Any other repository would
 * be read with this installation's token and its content could surface in this repository's check.
 */
const EXTENDS = /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?\.github(?::((?:[-\w]+\/)*[-\w][-.\w]*\.ya?ml))?$/i;

/**
 * The config over REST (the repository's file on the default branch, else the owner's `.github`
 * repository's), following `_extends` within the owner's `.github` repository: used when GraphQL
 * could not answer, or when the config extends another file.
 */
export async function readConfigRest(gh: GitHub, repo: RepoRef, start?: { text: string; from: "repository" | "owner" }): Promise<ConfigData> {
  const read = async (where: RepoRef, path = CONFIG_PATH): Promise<string | null> => {
    try {
      const { data } = await gh.rest.repos.getContent({ ...where, path, mediaType: { format: "raw" } });
      return typeof data === "string" ? data : null;
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  };
  let first: string | null;
  let at: RepoRef;
  if (start) {
    first = start.text;
    at = start.from === "repository" ? repo : { owner: repo.owner, repo: ".github" };
  } else {
    first = await read(repo);
    at = repo;
    if (first === null && repo.repo !== ".github") {
      at = { owner: repo.owner, repo: ".github" };
      first = await read(at);
    }
  }
  const head = configData({ text: first, from: null });
  const problems = [...head.problems];
  const extended: ExtendedConfig[] = [];
  const seen = new Set([`${at.owner}/${at.repo}:${CONFIG_PATH}`.toLowerCase()]);
  let top: unknown = head.data;
  for (let depth = 0; depth < 5; depth++) {
    if (!top || typeof top !== "object" || Array.isArray(top) || !Object.hasOwn(top, "_extends")) break;
    const ext = (top as Record<string, unknown>)._extends;
    delete (top as Record<string, unknown>)._extends;
    const m = typeof ext === "string" ? EXTENDS.exec(ext.trim()) : null;
    if (!m || (m[1] && m[1].toLowerCase() !== repo.owner.toLowerCase()) || m[2]?.split("/").includes("..")) {
      // said without repeating the value: it is this repository's own, but keep the check plain
      problems.push(`\`_extends\` may name only this owner's \`.github\` repository (\`.github\` or \`.github:path.yml\`); ignored`);
      break;
    }
    const path = m[2] || CONFIG_PATH;
    const name = `${repo.owner}/.github:${path}`;
    if (seen.has(name.toLowerCase())) {
      problems.push(`\`_extends\`: ${name} is extended twice (a loop); ignored`);
      break;
    }
    seen.add(name.toLowerCase());
    const text = await read({ owner: repo.owner, repo: ".github" }, path);
    if (text === null) {
      problems.push(`\`_extends\`: ${name} was not found; ignored`);
      break;
    }
    const parsed = configData({ text, from: null });
    // another repository's file: say that it is unusable, never what it holds
    if (parsed.problems.length) {
      problems.push(`\`_extends\`: ${name} is not valid YAML; ignored`);
      break;
    }
    extended.push({ name, data: parsed.data });
    top = parsed.data;
  }
  return { data: head.data, problems, ...(extended.length ? { extended } : {}) };
}

/**
 * The repo config, parsed: from what the first GraphQL request read (`read`), else over REST. A
 * config that extends another (`_extends`, only to the owner's `.github` repository) is followed
 * over REST. A config that cannot be read is a problem shown in the check; the defaults apply.
 */
export async function resolveConfig(gh: GitHub, repo: RepoRef, read: ConfigText | undefined, override?: ConfigOverride): Promise<{ config: RepoConfig; problems: string[] }> {
  const resolved = await resolveRepoConfig(gh, repo, override?.text !== undefined ? { text: override.text, from: "repository" } : read);
  return override?.settings ? { ...resolved, config: { ...resolved.config, ...override.settings } } : resolved;
}

/** The repo config as the app and the Action read it from GitHub (see `resolveConfig`). */
export function githubConfigReader(gh: GitHub, repo: RepoRef, read: ConfigText | undefined, override?: ConfigOverride): ConfigReader {
  return { read: () => resolveConfig(gh, repo, read, override) };
}

/**
 * What wins over the repository's config: a config file's text read elsewhere (the Action's
 * `config` input, from the workspace), then single settings (`--fail-on`, `--min-severity`).
 */
export interface ConfigOverride {
  text?: string;
  settings?: Partial<Pick<RepoConfig, "fail_on" | "min_severity">>;
}

async function resolveRepoConfig(gh: GitHub, repo: RepoRef, read: ConfigText | undefined): Promise<{ config: RepoConfig; problems: string[] }> {
  let found: ConfigData;
  try {
    if (read) {
      found = configData(read);
      const data = found.data;
      if (read.text !== null && data && typeof data === "object" && Object.hasOwn(data, "_extends")) {
        found = await readConfigRest(gh, repo, { text: read.text, from: read.from ?? "repository" });
      }
    } else found = await readConfigRest(gh, repo);
  } catch (e) {
    return { config: { ...DEFAULT_CONFIG }, problems: [`the file could not be read: ${describeError(e)}`] };
  }
  const parsed = parseLayeredConfig(found.data, found.extended ?? []);
  return { config: parsed.config, problems: [...found.problems, ...parsed.problems] };
}
