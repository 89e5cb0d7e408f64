/**
 * The README's first quick-start command, end to end over real HTTP on loopback, against the GitHub
 * stand-in held to GitHub's contract: a newcomer's first look shows what HunkGuard is for (issue 12,
 * item 8b) — HTTPS, authentication, input validation, rate limiting, and the classic sinks — with
 * the one-click change each gets, and a legend of what was posted.
 */
import { runDemo } from "../src/demo/run.js";
import { OPENAPI_CHECKS } from "./support/openapi.js";
import { RULES } from "./support/probot.js";
import type { StandinOptions } from "../src/standin/github-standin.js";

let printed = "";
let code: number;
/** what broke GitHub's contract: every request the demo's app sends, and every answer, is checked */
const violations: string[] = [];

beforeAll(async () => {
  const checked: StandinOptions = {
    checkRequest: (id, parts) => {
      const p = OPENAPI_CHECKS.checkRequest(id, parts);
      violations.push(...p.path, ...p.query, ...p.body);
      return p;
    },
    checkResponse: (id, status, body) => {
      const p = OPENAPI_CHECKS.checkResponse(id, status, body);
      violations.push(...p);
      return p;
    },
  };
  code = await runDemo((s) => (printed += s), { standin: checked, rules: RULES });
});

/** The body printed for the inline comment at `where`. */
function comment(where: string): string {
  const start = printed.indexOf(` Inline comment on ${where} `);
  expect(start).toBeGreaterThan(0);
  const end = printed.indexOf("\n════", printed.indexOf("\n", start));
  return printed.slice(start, end);
}

test("npm run demo posts one review and completes the check, keeping GitHub's contract", () => {
  expect(code).toBe(0);
  expect(printed).toContain("→ HTTP 200");
  expect(printed).toContain('Check run "HunkGuard": completed / failure');
  expect(violations).toStrictEqual([]);
});

test("HTTPS: verify=False is removed with one click, credentials over plain http move to https", () => {
  expect(comment("app/billing.py:14")).toContain("verification turned off");
  expect(comment("app/billing.py:14")).toContain("```suggestion\n```"); // deletes the `verify=False,` line
  expect(comment("app/billing.py:20")).toContain('```suggestion\n    return requests.get("https://reports.example.com/export", auth=(user, password), timeout=10)\n```');
});

test("authentication: the hard-coded API key is read from the environment, the JWT's signature is checked", () => {
  expect(comment("app/billing.py:6")).toContain('```suggestion\nAPI_KEY = os.environ["API_KEY"]\n```');
  expect(comment("app/billing.py:6")).not.toContain("9f3Kq2Lm8Zt4Rw7Y"); // the key itself is never repeated
  expect(comment("app/auth.py:23")).toContain('```suggestion\n    claims = jwt.decode(token, SECRET, algorithms=["HS256"])\n```');
});

test("input validation: SQL from an f-string gets parameters, yaml.load becomes safe_load", () => {
  expect(comment("app/reports.py:15")).toContain('```suggestion\n    return conn.execute("SELECT id, total FROM orders WHERE customer = ?", (customer,)).fetchall()\n```');
  expect(comment("app/config.py:10")).toContain("```suggestion\n    return yaml.safe_load(stream)\n```");
});

test("rate limiting: the login route gets the Limiter the module already has", () => {
  expect(comment("app/auth.py:16")).toContain('```suggestion\n@app.route("/login", methods=["POST"])\n@limiter.limit("5 per minute")\n```');
});

test("pickle is explained, eval becomes ast.literal_eval, os.system becomes subprocess.run with an argument list", () => {
  expect(comment("app/reports.py:7")).not.toContain("```suggestion");
  expect(comment("app/reports.py:7")).toContain("```python\nimport json");
  expect(comment("app/reports.py:11")).toContain("```suggestion\n    return ast.literal_eval(raw)\n```");
  expect(comment("app/tasks.py:7")).toContain('```suggestion\n    subprocess.run(["git", "clone", "--mirror", repo_url, dest], check=False)\n```');
  // the untouched eval in legacy_total stays quiet
  expect(printed).not.toContain("Inline comment on app/reports.py:20");
});

test("a legend says what was posted, where, and the change offered", () => {
  const legend = printed.slice(printed.indexOf("What HunkGuard posted"));
  expect(legend).toContain('One review with 10 inline comment(s) on lines this pull request adds, and the check run "HunkGuard" (failure) with 10 annotation(s):');
  const rows = legend
    .split("\n")
    .filter((l) => /^ {2}\S/.test(l))
    .map((l) => l.trim().split(/\s{2,}/));
  expect(rows).toStrictEqual([
    ["practice", "where", "rule", "change offered"],
    ["HTTPS", "app/billing.py:14", "requests-verify", "one-click suggestion, with a caveat"],
    ["HTTPS", "app/billing.py:20", "credentials-over-http", "one-click suggestion, with a caveat"],
    ["authentication", "app/auth.py:23", "jwt-signature-unverified", "one-click suggestion"],
    ["authentication", "app/billing.py:6", "hardcoded-password-string", "one-click suggestion, with a caveat"],
    ["input validation", "app/config.py:10", "yaml-load", "one-click suggestion"],
    ["input validation", "app/reports.py:15", "sql-injection", "one-click suggestion, with a caveat"],
    ["rate limiting", "app/auth.py:16", "rate-limit-auth-route", "one-click suggestion, with a caveat"],
    ["deserialization", "app/reports.py:7", "pickle-load", "explained; no one-click change"],
    ["code execution", "app/reports.py:11", "eval", "one-click suggestion, with a caveat"],
    ["shell commands", "app/tasks.py:7", "os-system", "one-click suggestion, with a caveat"],
  ]);
  expect(legend).toContain("Not flagged: the eval() in app/reports.py's legacy_total — the pull request does not touch it.");
});
