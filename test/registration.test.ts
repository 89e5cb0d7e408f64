/**
 * Registering the app from app.yml (issue 12, item 1), through Probot's own setup pages and
 * GitHub's manifest flow as the stand-in runs it: the manifest Probot builds from our app.yml must
 * send the browser back to Probot's `/probot/setup`, whose handler exchanges the one-time code for
 * the app's credentials and writes them to `.env`; the webhook URL must be the one Probot fills in
 * (the smee.io channel in `WEBHOOK_PROXY_URL`, for local use).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import nock from "nock";
import { parse as parseYaml } from "yaml";
import { GitHubStandin } from "../src/standin/github-standin.js";
import { OPENAPI_CHECKS } from "./support/openapi.js";
import { captureLog } from "./support/probot.js";

const APP_YML = new URL("../app.yml", import.meta.url);
const BASE_URL = "http://localhost:3000";
const PROXY = "https://smee.io/hunkguard-test-channel";

// Probot's setup app is not in its package's exports: load it from its file, as Probot's server does
const probotDir = dirname(createRequire(import.meta.url).resolve("probot"));
type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
type SetupFactory = (options: Record<string, unknown>) => () => Promise<Handler>;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One GET through Probot's setup handler, with a minimal request and response. */
async function get(handler: Handler, url: string): Promise<Answer> {
  const answer: Answer = { status: 200, headers: {}, body: "" };
  const req = { method: "GET", url, headers: { host: new URL(BASE_URL).host }, socket: {} } as unknown as IncomingMessage;
  const res = {
    writeHead(status: number, headers: Record<string, string> = {}) {
      answer.status = status;
      answer.headers = headers;
      return res;
    },
    end(body = "") {
      answer.body = String(body);
    },
  } as unknown as ServerResponse;
  const handled = await handler(req, res);
  if (!handled) throw new Error(`Probot's setup handler did not handle GET ${url}`);
  return answer;
}

let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
  nock.disableNetConnect();
});
afterEach(() => {
  process.env = saved;
  nock.cleanAll();
  nock.enableNetConnect();
});

test("the manifest Probot builds from app.yml brings the user back to /probot/setup, which writes the app's credentials", async () => {
  process.env.WEBHOOK_PROXY_URL = PROXY;
  delete process.env.NODE_ENV;
  const written: Record<string, string>[] = [];
  const { setupAppFactory } = (await import(pathToFileURL(join(probotDir, "apps", "setup.js")).href)) as { setupAppFactory: SetupFactory };
  const handler = await setupAppFactory({ host: "localhost", port: 3000, log: captureLog("info").logger, updateEnv: (env: Record<string, string>) => (written.push(env), env) })();

  // 1. Probot's page posts this manifest to GitHub
  const page = await get(handler, "/probot");
  const manifest = JSON.parse(/name="manifest" id="manifest" value='([^']*)'/.exec(page.body)![1]);
  const appYml = parseYaml(readFileSync(APP_YML, "utf8"));
  expect(manifest).toMatchObject({
    name: "HunkGuard",
    redirect_url: `${BASE_URL}/probot/setup`,
    hook_attributes: { url: PROXY },
    public: false,
    default_events: appYml.default_events,
    default_permissions: { checks: "write", pull_requests: "write", contents: "read", metadata: "read" },
  });

  // 2. GitHub creates the app and sends the browser to the manifest's redirect_url with a code
  const standin = new GitHubStandin(OPENAPI_CHECKS);
  const back = new URL(standin.registerManifest(manifest));
  nock("https://api.github.com")
    .post(/^\/app-manifests\/\w+\/conversions$/)
    .reply(async function (this: { req: { headers: Record<string, string> } }, uri, body) {
      const reply = await standin.respond({ method: "POST", path: uri, headers: this.req.headers, body });
      return [reply.status, reply.body as never, reply.headers];
    });

  // 3. Probot exchanges the code and writes .env; the browser goes on to install the app
  const setup = await get(handler, `${back.pathname}${back.search}`);
  expect(setup.status).toBe(302);
  expect(setup.headers.location).toBe("https://github.com/apps/hunkguard/installations/new");
  expect(written).toHaveLength(1);
  expect(Object.keys(written[0]).sort()).toStrictEqual(["APP_ID", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "PRIVATE_KEY", "WEBHOOK_SECRET"]);
  expect(standin.violations).toStrictEqual([]);
});

test("without a webhook proxy Probot fills in its own address, never one from app.yml", async () => {
  delete process.env.WEBHOOK_PROXY_URL;
  const { ManifestCreation } = (await import(pathToFileURL(join(probotDir, "manifest-creation.js")).href)) as {
    ManifestCreation: new () => { getManifest(o: { pkg: object; baseUrl: string; readFileSync?: (path: string, encoding: string) => string }): string };
  };
  const manifest = JSON.parse(new ManifestCreation().getManifest({ pkg: {}, baseUrl: "https://hunkguard.example.com", readFileSync: () => readFileSync(APP_YML, "utf8") }));
  expect(manifest.redirect_url).toBe("https://hunkguard.example.com/probot/setup");
  expect(manifest.hook_attributes).toStrictEqual({ url: "https://hunkguard.example.com/" });
  expect(manifest.url).toBe("https://github.com/hunkguard/hunkguard");
});
