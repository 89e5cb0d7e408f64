/**
 * Shared setup for the app tests: a real Probot with the real HunkGuard app, real webhook
 * payloads, captured logs — and GitHub, from ./github-mock.ts: nock in front of the one fake GitHub
 * (src/standin), one helper per request an analysis makes.
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { pino } from "pino";
import { Probot, ProbotOctokit, createNodeMiddleware, type Logger } from "probot";
import { hunkGuard, type HunkGuardOptions } from "../../src/app.js";
import { AnalysisQueue } from "../../src/github/queue.js";
import { loadRules } from "../../src/core/rules/load.js";
import { BASE_SHA, HEAD_SHA, INSTALLATION_ID, PULL } from "./github-mock.js";

export * from "./github-mock.js";

/** One RSA key per test file (each file loads this module in its own registry). */
export const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** A 40-hex sha that reads as its purpose in failures: sha("c2") = "c2c2c2…". */
export function sha(seed: string): string {
  const hex = Buffer.from(seed).toString("hex");
  return hex.repeat(Math.ceil(40 / hex.length)).slice(0, 40);
}

// ---------------------------------------------------------------------------------------------
// Webhook payloads: the recorded ones from @octokit/webhooks-examples, adapted.

type Json = Record<string, any>;

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), "utf8"));
}

export interface PullPayloadOptions {
  action?: "opened" | "synchronize" | "reopened" | "ready_for_review";
  headSha?: string;
  draft?: boolean;
  updatedAt?: string;
  number?: number;
}

/** A real `pull_request.<action>` payload pointed at our repo, pull request and installation. */
export function pullRequestPayload(opts: PullPayloadOptions = {}): Json {
  const action = opts.action ?? "opened";
  const payload = fixture(`pull_request.${action}`);
  const number = opts.number ?? PULL;
  // the recorded `opened` and `ready_for_review` deliveries come from a repo webhook: no installation
  payload.installation = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" };
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.head.sha = opts.headSha ?? HEAD_SHA;
  payload.pull_request.base.sha = BASE_SHA;
  payload.pull_request.draft = opts.draft ?? false;
  payload.pull_request.state = "open";
  if (opts.updatedAt) payload.pull_request.updated_at = opts.updatedAt;
  if (action === "synchronize") payload.after = payload.pull_request.head.sha;
  return payload;
}

// ---------------------------------------------------------------------------------------------
// Logs: every line Probot and the app write, captured.

export interface CapturedLog {
  logger: Logger;
  lines: string[];
  /** parsed lines */
  entries(): Json[];
}

export function captureLog(level: "trace" | "debug" | "info" | "warn" = "trace"): CapturedLog {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      cb();
    },
  });
  const logger = pino({ level }, stream) as unknown as Logger;
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l)) };
}

// ---------------------------------------------------------------------------------------------
// The app.

export interface TestApp {
  probot: Probot;
  queue: AnalysisQueue;
  log: CapturedLog;
  /** deliver an event the way Probot's webhook server would, then wait for every analysis */
  deliver(name: string, payload: unknown, id?: string): Promise<void>;
}

/**
 * Octokit without retries and without throttling. `ProbotOctokit.defaults({ throttle: { enabled:
 * false } })` is not enough: Probot 14 replaces the whole `throttle` object with its own handlers
 * (no `enabled` key), so throttling stays on and spaces every mutation a second apart. The function
 * form runs after Probot's options are merged in, so `enabled: false` sticks.
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...options.throttle, enabled: false },
}));

let deliveries = 0;
/** loading the rule catalogue takes a second: once per test file */
export const RULES = await loadRules();

/** As in production, Octokit's retry plugin re-sends after a 5xx (with a 1 ms instead of a 1 s back-off base). */
export const RetryingOctokit = ProbotOctokit.defaults((options: Record<string, any>) => ({
  ...options,
  retry: { retryAfterBaseValue: 1 },
  throttle: { ...options.throttle, enabled: false },
}));

export type AppOptions = Omit<HunkGuardOptions, "queue"> & { secret?: string; log?: CapturedLog; octokitRetries?: boolean };

function setUp(options: AppOptions) {
  const { secret, log: given, octokitRetries, ...appOptions } = options;
  const log = given ?? captureLog("info");
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret,
    log: log.logger,
    Octokit: octokitRetries ? RetryingOctokit : TestOctokit,
  });
  const queue = new AnalysisQueue();
  // waiting on purpose in tests is never wanted: a secondary-limit back-off sleeps instantly
  const appFn = hunkGuard({ queue, rules: RULES, sleep: async () => {}, ...appOptions });
  return { probot, queue, log, appFn };
}

/** The app loaded into Probot; events go in through `probot.receive` (no signature). */
export async function createApp(options: AppOptions = {}): Promise<TestApp> {
  const { probot, queue, log, appFn } = setUp(options);
  await probot.load(appFn);
  return {
    probot,
    queue,
    log,
    async deliver(name, payload, id = `delivery-${++deliveries}`) {
      await probot.receive({ id, name, payload } as never);
      await queue.idle();
    },
  };
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface HttpApp extends TestApp {
  url: string;
  /** POST raw bytes with the given headers; resolves with GitHub's view of the answer */
  post(body: string, headers: Record<string, string>): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/**
 * The app as it runs in production: Probot's Node middleware on a loopback HTTP server, webhooks
 * verified against `secret`. `deliver` signs the body properly.
 */
export async function createHttpApp(options: AppOptions & { secret: string }): Promise<HttpApp> {
  const { probot, queue, log, appFn } = setUp(options);
  const middleware = await createNodeMiddleware(appFn, { probot });
  const server: Server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  const post = async (body: string, headers: Record<string, string>) => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    return { status: res.status, text: await res.text() };
  };
  return {
    probot,
    queue,
    log,
    url,
    post,
    async deliver(name, payload, id = `delivery-${++deliveries}`) {
      const body = JSON.stringify(payload);
      const { status, text } = await post(body, { "x-github-event": name, "x-github-delivery": id, "x-hub-signature-256": signature(options.secret, body) });
      if (status !== 200) throw new Error(`delivery answered ${status}: ${text}`);
      await queue.idle();
    },
    async close() {
      await queue.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
