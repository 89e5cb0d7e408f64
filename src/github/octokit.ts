/** The Octokit the app is handed by Probot (REST methods, paginate, graphql). */
import type { ProbotOctokit } from "probot";

export type GitHub = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * Whether the installation behind `gh` was granted `permission` at `access` (or more): read from
 * the permissions GitHub returned with the installation token (Probot's auth caches them; no
 * request). False when the client is not an installation's or says nothing.
 */
export async function installationGrants(gh: GitHub, permission: string, access: "read" | "write"): Promise<boolean> {
  try {
    const auth = (await (gh.auth as (o: { type: string }) => Promise<unknown>)({ type: "installation" })) as { permissions?: Record<string, string> } | undefined;
    const have = auth?.permissions?.[permission];
    return have === "write" || (have === "read" && access === "read");
  } catch {
    return false;
  }
}

/** A request GitHub did not answer in time (the analysis reports it; nothing waits for minutes). */
export class RequestTimeout extends Error {}

const bounded = new WeakSet<object>();

/**
 * Bound every request `gh` makes — with the retries Octokit's retry plugin adds to it — to `ms`.
 * A GitHub that does not answer (a connection that went quiet waits minutes for headers) then
 * ends in an error the pipeline reports within its budget, instead of a silent wait. Once per client.
 */
export function boundRequests(gh: GitHub, ms: number): void {
  if (bounded.has(gh)) return;
  bounded.add(gh);
  gh.hook.wrap("request", async (request, options) => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        const params = options as unknown as Record<string, unknown>;
        const path = String(options.url).replace(/\{(\w+)\}/g, (m, k: string) => (params[k] === undefined ? m : encodeURIComponent(String(params[k])))).replace(/\?.*/, "").replace(/^https?:\/\/[^/]+/, "");
        reject(new RequestTimeout(`GitHub did not answer ${options.method} ${path} within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`));
      }, ms);
      timer.unref?.();
    });
    const sent = Promise.resolve(request({ ...options, request: { ...options.request, signal: options.request?.signal ?? controller.signal } }));
    sent.catch(() => {}); // after a timeout, its late failure is nobody's
    try {
      return await Promise.race([sent, timeout]);
    } finally {
      clearTimeout(timer);
    }
  });
}

/** HTTP status of an Octokit error, if any. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { status?: unknown })?.status;
  return typeof s === "number" ? s : undefined;
}

/** Waits; passed in so tests do not wait for real. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LimitPolicy {
  sleep: Sleep;
  /** attempts in all, the first included */
  attempts: number;
  /** a `retry-after` longer than this is not waited for: the error goes up */
  maxWaitMs: number;
}

export const DEFAULT_LIMIT_POLICY: LimitPolicy = { sleep: realSleep, attempts: 3, maxWaitMs: 120_000 };

/**
 * How long GitHub asks us to wait after a secondary rate limit (403/429 with `retry-after`, or the
 * documented message without it: then at least a minute); null for any other error.
 */
export function secondaryLimitWaitMs(e: unknown): number | null {
  const status = statusOf(e);
  if (status !== 403 && status !== 429) return null;
  const headers = ((e as { response?: { headers?: Record<string, unknown> } })?.response?.headers ?? {}) as Record<string, unknown>;
  const after = Number(headers["retry-after"]);
  if (Number.isFinite(after) && after >= 0 && headers["retry-after"] !== undefined && headers["retry-after"] !== "") return after * 1000;
  if (/secondary rate limit/i.test(String((e as Error)?.message ?? ""))) return 60_000;
  return null;
}

/**
 * Run a mutation, honouring secondary rate limits: wait what `retry-after` says and try again, a
 * bounded number of times. Octokit's throttling plugin only recognises the limit by its message
 * (and may be disabled); a 429 with `retry-after` alone would otherwise fail the analysis.
 */
export async function withSecondaryLimit<T>(policy: LimitPolicy, mutation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mutation();
    } catch (e) {
      const wait = secondaryLimitWaitMs(e);
      if (wait === null || attempt >= policy.attempts || wait > policy.maxWaitMs) throw e;
      await policy.sleep(wait);
    }
  }
}

/**
 * An error in one short line for a summary or a log: never a response body (a 72 KB HTML error
 * page, a parse error quoting a file) — the status and the first line of the message, cut short.
 */
export function describeError(e: unknown, max = 300): string {
  const status = statusOf(e);
  const raw = typeof (e as Error)?.message === "string" ? (e as Error).message : String(e ?? "unknown error");
  const head = raw.slice(0, 4096).trimStart();
  if (/^<(?:!doctype|html|head|body|\?xml)\b/i.test(head)) return `GitHub answered${status ? ` ${status}` : ""} with an HTML error page`;
  const firstLine = head.split(/\r\n|[\r\n]/, 1)[0] ?? "";
  const line = firstLine.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  const text = line.length > max ? `${line.slice(0, max - 1)}…` : line;
  return text || (status ? `GitHub answered ${status}` : "unknown error");
}

/** The GitHub App behind a client: its bot writes the comments whose markers we trust. */
export interface AppIdentity {
  id: number | null;
  /** the app's slug: its bot is `<slug>[bot]` over REST and `<slug>` (a `Bot`) over GraphQL */
  slug: string;
}

/**
 * This app's id from the client's own credentials: the app JWT is made locally, so this costs no
 * request. Null for a client that is not a GitHub App's (a plain token).
 */
export async function appIdOf(gh: GitHub): Promise<number | null> {
  try {
    const auth = (await (gh.auth as (o: object) => Promise<unknown>)({ type: "app" })) as { appId?: unknown };
    const id = Number(auth?.appId);
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/** The app's identity over `GET /app` with its JWT (one request; used only when no check run told us). */
export async function appIdentityFromApi(gh: GitHub): Promise<AppIdentity | null> {
  try {
    const { token } = (await (gh.auth as (o: object) => Promise<unknown>)({ type: "app" })) as { token: string };
    const { data } = await gh.request("GET /app", { headers: { authorization: `bearer ${token}` } });
    return data && typeof data.slug === "string" ? { id: data.id, slug: data.slug } : null;
  } catch {
    return null;
  }
}
