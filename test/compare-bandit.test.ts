/**
 * The Bandit comparison's matching, on hand-made Bandit results and HunkGuard findings: no Bandit
 * runs here (CI may not have it).
 */
import {
  compareResults,
  parseBanditJson,
  renderMarkdown,
  noteFor,
  spread,
  maskSecretLine,
  type BanditResult,
  type ComparedFinding,
  type RuleInfo,
  type RunInfo,
} from "../bench/compare-bandit.js";

const RULES: RuleInfo[] = [
  { id: "pickle-load", category: "deserialization", bandit: "B301" },
  { id: "weak-hash", category: "crypto-hash", bandit: "B324" },
  { id: "weak-hash-library", category: "crypto-hash", bandit: "B303" },
  { id: "hardcoded-password-string", category: "secrets", bandit: "B105" },
  { id: "hardcoded-password-argument", category: "secrets", bandit: "B106" },
  { id: "hardcoded-token", category: "secrets" },
  { id: "django-mark-safe", category: "xss-template", bandit: "B308" },
  { id: "subprocess-shell", category: "command-injection", bandit: "B602" },
  { id: "os-system", category: "command-injection", bandit: "B605" },
  { id: "yaml-load", category: "yaml", bandit: "B506" },
  { id: "requests-timeout", category: "denial-of-service", bandit: "B113" },
  { id: "api-key-in-url", category: "auth" },
];

function b(filename: string, line: number, testId: string): BanditResult {
  return { filename, line, testId, testName: "blacklist", severity: "MEDIUM", confidence: "HIGH" };
}

function hg(rule: string, path: string, line: number, more: Partial<ComparedFinding> = {}): ComparedFinding {
  const info = RULES.find((r) => r.id === rule)!;
  return {
    rule,
    category: info.category,
    path,
    line,
    endLine: line,
    statementLine: line,
    statementEndLine: line,
    ...(info.bandit ? { bandit: info.bandit } : {}),
    ...more,
  };
}

const counts = (c: ReturnType<typeof compareResults>) =>
  Object.fromEntries(c.rows.map((r) => [r.id, [r.both, r.onlyBandit, r.onlyHunkGuard]]));

test("same id, same file and line: found by both", () => {
  const c = compareResults([b("a.py", 3, "B301")], [hg("pickle-load", "a.py", 3)], { rules: RULES });
  expect(counts(c).B301).toEqual([1, 0, 0]);
  expect(c.totals).toEqual({ both: 1, onlyBandit: 0, onlyHunkGuard: 0 });
});

test("another file or another line is not the same finding", () => {
  const c = compareResults(
    [b("a.py", 3, "B301"), b("a.py", 9, "B301")],
    [hg("pickle-load", "b.py", 3), hg("pickle-load", "a.py", 4)],
    { rules: RULES },
  );
  expect(counts(c).B301).toEqual([0, 2, 2]);
  expect(c.rows.find((r) => r.id === "B301")!.onlyBanditPlaces.map((p) => `${p.path}:${p.line}`)).toEqual(["a.py:3", "a.py:9"]);
  expect(c.rows.find((r) => r.id === "B301")!.onlyHunkGuardPlaces.map((p) => `${p.path}:${p.line}`)).toEqual(["a.py:4", "b.py:3"]);
});

test("Bandit's line inside the finding's node or its statement matches", () => {
  const c = compareResults(
    [b("a.py", 10, "B106"), b("a.py", 20, "B301")],
    [
      // a keyword argument on line 11 of a call that starts on line 10
      hg("hardcoded-password-argument", "a.py", 11, { endLine: 11, statementLine: 10, statementEndLine: 12 }),
      // a multi-line node starting before Bandit's line
      hg("pickle-load", "a.py", 19, { endLine: 21, statementLine: 19, statementEndLine: 21 }),
    ],
    { rules: RULES },
  );
  expect(counts(c).B106).toEqual([1, 0, 0]);
  expect(counts(c).B301).toEqual([1, 0, 0]);
});

test("a rule of the same family matches: pickle for marshal, weak-hash (B324) for Bandit 1.6's md5 (B303)", () => {
  const c = compareResults(
    [b("a.py", 5, "B303"), b("a.py", 6, "B302")],
    [hg("weak-hash", "a.py", 5), hg("pickle-load", "a.py", 6)],
    { rules: RULES },
  );
  expect(counts(c).B303).toEqual([1, 0, 0]);
  expect(counts(c).B302).toEqual([1, 0, 0]);
  expect(counts(c).B324).toEqual([0, 0, 0]);
  expect(counts(c).B301).toEqual([0, 0, 0]);
  expect(c.rows.find((r) => r.id === "B302")!.familyRules).toEqual(["pickle-load"]);
});

test("a rule without a Bandit id matches in the category of the rules that carry the id", () => {
  const c = compareResults([b("a.py", 7, "B105")], [hg("hardcoded-token", "a.py", 7)], { rules: RULES });
  expect(counts(c).B105).toEqual([1, 0, 0]);
  expect(c.beyond).toEqual([]);
});

test("a finding for another check on the same line does not match", () => {
  const c = compareResults([b("a.py", 8, "B602")], [hg("yaml-load", "a.py", 8), hg("api-key-in-url", "a.py", 8)], { rules: RULES });
  expect(counts(c).B602).toEqual([0, 1, 0]);
  expect(counts(c).B506).toEqual([0, 0, 1]);
  expect(c.beyond.map((x) => [x.rule, x.count])).toEqual([["api-key-in-url", 1]]);
});

test("two Bandit checks on one call (B308 and B703) are both matched by one HunkGuard finding", () => {
  const c = compareResults([b("a.py", 2, "B308"), b("a.py", 2, "B703")], [hg("django-mark-safe", "a.py", 2)], { rules: RULES });
  expect(counts(c).B308).toEqual([1, 0, 0]);
  expect(counts(c).B703).toEqual([1, 0, 0]);
  expect(c.totals).toEqual({ both: 2, onlyBandit: 0, onlyHunkGuard: 0 });
});

test("Bandit checks HunkGuard leaves out on purpose are counted apart, with their reason", () => {
  const c = compareResults(
    [b("a.py", 1, "B101"), b("a.py", 2, "B101"), b("a.py", 3, "B404"), b("a.py", 4, "B999")],
    [],
    { rules: RULES },
  );
  expect(c.notReported.map((n) => [n.id, n.count])).toEqual([["B101", 2], ["B404", 1]]);
  expect(c.notReported[0].reason).toMatch(/assert/);
  expect(c.rows.map((r) => r.id)).not.toContain("B101");
  // an id with neither a rule nor a reason is a gap: it stays in the table
  expect(counts(c).B999).toEqual([0, 1, 0]);
  expect(c.totals).toEqual({ both: 0, onlyBandit: 1, onlyHunkGuard: 0 });
});

test("every id a rule carries has a row, also without findings; rows are sorted and list their rules", () => {
  const c = compareResults([], [], { rules: RULES });
  expect(c.rows.map((r) => r.id)).toEqual(["B105", "B106", "B113", "B301", "B303", "B308", "B324", "B506", "B602", "B605"]);
  expect(c.rows.find((r) => r.id === "B602")!.rules).toEqual(["subprocess-shell"]);
  expect(c.totals).toEqual({ both: 0, onlyBandit: 0, onlyHunkGuard: 0 });
});

test("shell family: os-system (B605) matches Bandit's B602 on the same call", () => {
  const c = compareResults([b("a.py", 4, "B602")], [hg("os-system", "a.py", 4)], { rules: RULES });
  expect(counts(c).B602).toEqual([1, 0, 0]);
  expect(counts(c).B605).toEqual([0, 0, 0]);
});

test("Bandit's JSON: results, errors and the files it read", () => {
  const report = parseBanditJson(
    JSON.stringify({
      errors: [{ filename: "bad.py", reason: "syntax error while parsing AST from file" }],
      generated_at: "2025-01-01T00:00:00Z",
      metrics: { _totals: { loc: 3 }, "a.py": { loc: 3 }, "bad.py": { loc: 0 } },
      results: [
        {
          code: "1 import pickle\n",
          filename: "a.py",
          issue_confidence: "HIGH",
          issue_severity: "LOW",
          issue_text: "Consider possible security implications associated with pickle module.",
          line_number: 1,
          line_range: [1],
          more_info: "https://bandit.readthedocs.io/",
          test_id: "B403",
          test_name: "blacklist",
        },
      ],
    }),
  );
  expect(report.results).toEqual([{ filename: "a.py", line: 1, testId: "B403", testName: "blacklist", severity: "LOW", confidence: "HIGH" }]);
  expect(report.errors).toEqual([{ filename: "bad.py", reason: "syntax error while parsing AST from file" }]);
  expect(report.files).toEqual(["a.py", "bad.py"]);
  expect(() => parseBanditJson("{}")).toThrow(/not a Bandit JSON report/);
  expect(() => parseBanditJson("Run started")).toThrow();
});

test("samples never print a hard-coded secret: string literals on B105–B107 and secrets lines are masked", () => {
  const c = compareResults(
    [b("s.py", 1, "B105"), b("s.py", 2, "B602")],
    [hg("hardcoded-token", "s.py", 3), hg("os-system", "s.py", 2)],
    { rules: RULES },
  );
  const lines: Record<number, string> = {
    1: 'PASSWORD = "correct-horse-battery-staple"',
    2: 'subprocess.call("ls " + d, shell=True)  # no secret here',
    3: 'TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"',
  };
  const run: RunInfo = {
    path: ".",
    date: "2025-01-01",
    command: "node dist/bench/compare-bandit.js .",
    rules: RULES.length,
    bandit: { version: "1.6.2", python: "3.11.2" },
    files: { bandit: 1, compared: 1, banditErrors: [], notUtf8: [] },
  };
  const md = renderMarkdown(c, run, 5, (_p, l) => lines[l] ?? "", (p) => p);
  expect(md).not.toContain("correct-horse-battery-staple");
  expect(md).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
  expect(md).toContain("s.py:1 (B105)");
  expect(md).toContain("s.py:3 (hardcoded-token)");
  expect(md).toMatch(/\| B105 \| hardcoded_password_string \| `hardcoded-password-string` \| 0 \| 1 \| 0 \|/);
  expect(md).toContain("| B101 | assert_used | 0 |");
});

test("notes: checks Bandit 1.6.2 skips on Python 3.8+, checks it does not have, import checks", () => {
  const old = { version: "1.6.2", python: "3.11.2", tests: new Set(["B104", "B301", "B411"]) };
  expect(noteFor("B104", old)).toMatch(/silently skips.*may be real/);
  expect(noteFor("B104", { version: "1.7.5", python: "3.11.2" })).toBe("");
  expect(noteFor("B104", { version: "1.6.2", python: "3.7.3" })).toBe("");
  expect(noteFor("B104", {})).toMatch(/bandit < 1\.6\.3 on Python ≥ 3\.8/);
  expect(noteFor("B113", old)).toMatch(/not a check in bandit 1\.6\.2/);
  expect(noteFor("B411", old)).toMatch(/import, HunkGuard the use/);
  expect(noteFor("B301", old)).toBe("");
});

test("samples are spread over the list", () => {
  expect(spread([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
  expect(spread([1, 2], 5)).toEqual([1, 2]);
  expect(spread([1, 2, 3], 1)).toEqual([1]);
  expect(spread([1, 2, 3], 0)).toEqual([]);
});

test("a secret line that opens a multi-line string is cut too", () => {
  expect(maskSecretLine('PASSWORD = "hunter2hunter2"')).not.toContain("hunter2hunter2");
  expect(maskSecretLine('KEY = """-----BEGIN PRIVATE KEY-----')).not.toContain("PRIVATE KEY");
  expect(maskSecretLine("token = '''abcdefghijklmnop")).not.toContain("abcdefghijklmnop");
  expect(maskSecretLine("def login(self, user='', passwd='', acct=''):")).toBe("def login(self, user='***', passwd='***', acct='***'):");
});
