/** Test code (`tests: quiet | report`): which paths are test code, the config key, the rule field, the engine. */
import { isTestPath, DEFAULT_CONFIG } from "../src/core/config.js";
import { parseConfig } from "../src/core/config-schema.js";
import { analyzeSource } from "../src/core/engine.js";
import { analyzeMany } from "../src/core/pool.js";
import { loadRules } from "../src/core/rules/load.js";

const rules = await loadRules();

test("tests/, test/, testing/, test_*.py, *_test.py, conftest.py and Django's tests.py are test code; look-alikes are not", () => {
  const tests = ["tests/test_auth.py", "app/tests/helpers.py", "test/x.py", "pkg/testing/fixtures.py", "test_login.py", "src/app/login_test.py", "conftest.py", "app/conftest.py", "store/tests.py", "tests\\win.py"];
  const code = ["app/testimony.py", "app/contest.py", "latest/x.py", "app/attest.py", "protests.py", "app/test_data/x.txt.py.bak", "src/testsuite_runner.py"];
  expect(tests.filter((p) => !isTestPath(p))).toEqual([]);
  expect(code.filter((p) => isTestPath(p))).toEqual([]);
});

test("the config key defaults to quiet and accepts report only", () => {
  expect(DEFAULT_CONFIG.tests).toBe("quiet");
  expect(parseConfig({}).config.tests).toBe("quiet");
  expect(parseConfig({ tests: "report" })).toEqual({ config: { ...DEFAULT_CONFIG, tests: "report" }, problems: [] });
  expect(parseConfig({ tests: "loud" }).problems[0]).toMatch(/^`tests`: /);
});

test("rules marked `tests: quiet` exist and the token-format rule is not one of them", () => {
  const quiet = rules.rules.filter((r) => r.tests === "quiet").map((r) => r.id);
  expect(quiet).toEqual(expect.arrayContaining(["hardcoded-password-string", "hardcoded-password-argument", "hardcoded-password-default", "hardcoded-tmp-path"]));
  expect(quiet).not.toContain("hardcoded-token");
});

const CODE = [
  'PASSWORD = "s3cr3t-Pa55"',
  'TOKEN = "ghp_4nQ8rT2vX6zB1cE5gH9jL3mP7sU0wY2aD4fK"',
  'open("/tmp/out.txt", "w")',
  "",
].join("\n");

const rulesOf = (path: string, tests?: "quiet" | "report") =>
  analyzeSource(path, CODE, { rules, fixes: false, ...(tests ? { tests } : {}) }).findings.map((f) => `${f.line}:${f.rule}`);

test("in test code, quiet rules are silent by default; real-format secrets are still reported", () => {
  for (const path of ["tests/test_api.py", "conftest.py", "api_test.py"]) {
    expect(rulesOf(path)).toEqual(["2:hardcoded-token"]);
    expect(rulesOf(path, "quiet")).toEqual(["2:hardcoded-token"]);
  }
});

test("with `tests: report`, test code is reviewed like the rest; other code is never quieted", () => {
  const everything = ["1:hardcoded-password-string", "2:hardcoded-token", "3:hardcoded-tmp-path"];
  expect(rulesOf("tests/test_api.py", "report")).toEqual(everything);
  expect(rulesOf("app/api.py")).toEqual(everything);
  expect(rulesOf("app/api.py", "quiet")).toEqual(everything);
});

test("the policy travels through the analysis of many files (the app's and the CLI's path)", async () => {
  const files = [{ path: "tests/test_api.py", text: CODE }];
  const quiet = await analyzeMany(files, { rules, minFiles: 0, minLines: 0, fixes: false });
  expect(quiet[0].findings.map((f) => f.rule)).toEqual(["hardcoded-token"]);
  const report = await analyzeMany(files, { rules, minFiles: 0, minLines: 0, fixes: false, tests: "report" });
  expect(report[0].findings.map((f) => f.rule).sort()).toEqual(["hardcoded-password-string", "hardcoded-tmp-path", "hardcoded-token"]);
});
