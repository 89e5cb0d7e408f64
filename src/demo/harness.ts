/**
 * The real app over real HTTP on loopback: a Probot server whose GitHub is the local stand-in.
 * Used by `npm run demo`, the end-to-end test and the latency benchmark.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { Probot, ProbotOctokit, createNodeMiddleware } from "probot";
import { hunkGuard } from "../app.js";
import type { RuleSet } from "../core/rules/load.js";
import type { ResultCache } from "../core/result-cache.js";
import { AnalysisQueue } from "../github/queue.js";
import { GitHubStandin, type StandinOptions } from "../standin/github-standin.js";

export interface Harness {
  standin: GitHubStandin;
  queue: AnalysisQueue;
  webhookUrl: string;
  secret: string;
  /** POST a signed delivery; resolves with the HTTP status */
  deliver(event: string, payload: unknown, deliveryId?: string): Promise<number>;
  stop(): Promise<void>;
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface HarnessOptions {
  latencyMs?: number;
  logLevel?: "fatal" | "error" | "warn" | "info";
  /** more for the stand-in (the tests add GitHub's OpenAPI checks) */
  standin?: StandinOptions;
  /** the rule set (default: the app loads rules/) */
  rules?: RuleSet;
  /** the app's result cache (default: the app's own in-memory one; null: none) */
  resultCache?: ResultCache | null;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const standin = new GitHubStandin({ ...opts.standin, latencyMs: opts.latencyMs });
  const baseUrl = await standin.start();
  const secret = randomUUID();
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret,
    baseUrl,
    logLevel: opts.logLevel ?? "fatal",
    // the function form: Probot 14 replaces a plain `throttle` object with its own (which spaces
    // mutations a second apart, right for GitHub, pointless against the local stand-in)
    Octokit: ProbotOctokit.defaults((options: Record<string, any>) => ({ ...options, retry: { enabled: false }, throttle: { ...options.throttle, enabled: false } })),
  });
  const queue = new AnalysisQueue();
  const middleware = await createNodeMiddleware(hunkGuard({ queue, rules: opts.rules, ...(opts.resultCache !== undefined ? { resultCache: opts.resultCache } : {}) }), { probot });
  const server: Server = createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  return {
    standin,
    queue,
    webhookUrl,
    secret,
    async deliver(event, payload, deliveryId = randomUUID()) {
      const body = JSON.stringify(payload);
      const res = await fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": event, "x-github-delivery": deliveryId, "x-hub-signature-256": sign(secret, body) },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    },
    async stop() {
      await queue.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await standin.stop();
    },
  };
}
