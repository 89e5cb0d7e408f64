/**
 * The eval scorer's matching logic (scripts/eval.ts) on small hand-made corpora: no tool runs here.
 */
import {
  ambiguousRules,
  classesOf,
  CorpusError,
  isTestPath,
  labelKey,
  parseAnnotations,
  parseClassTable,
  parseLabels,
  parseTruth,
  precision,
  scoreApp,
  scoreReal,
  scoreRuleTests,
  statementEnd,
  truthDrift,
  truthWindow,
  unknownConcerns,
  type RealFinding,
  type ToolFinding,
} from "../scripts/eval.js";

const TABLE = parseClassTable(`
classes:
  sql-injection:
    concern: sql
    hunkguard: { categories: [sqli] }
    bandit: [B608]
    ruff: [S608]
  tls-verify-off:
    concern: tls
    hunkguard: { categories: [tls], rules: [requests-verify] }
    bandit: [B501]
  cleartext-transport:
    concern: tls
    hunkguard: { categories: [tls], rules: [requests-http] }
  login-rate-limit:
    concern: rate-limit
    level: route
    hunkguard: { categories: [rate-limit] }
  hardcoded-secret:
    concern: secrets
    hunkguard: { categories: [secrets] }
    ruff: [S105]
`);

const hg = (rule: string, category: string, path: string, line: number, endLine = line): ToolFinding => ({ tool: "hunkguard", rule, category, path, line, endLine });

describe("class table", () => {
  test("a rule named by id maps only to the classes naming it; others map by category", () => {
    expect(classesOf({ tool: "hunkguard", rule: "requests-verify", category: "tls" }, TABLE)).toEqual(["tls-verify-off"]);
    expect(classesOf({ tool: "hunkguard", rule: "requests-http", category: "tls" }, TABLE)).toEqual(["cleartext-transport"]);
    expect(classesOf({ tool: "hunkguard", rule: "aiohttp-ssl-false", category: "tls" }, TABLE)).toEqual(["tls-verify-off", "cleartext-transport"]);
    expect(classesOf({ tool: "hunkguard", rule: "sql-injection", category: "sqli" }, TABLE)).toEqual(["sql-injection"]);
    expect(classesOf({ tool: "hunkguard", rule: "requests-timeout", category: "other" }, TABLE)).toEqual([]);
  });

  test("Bandit and Ruff map by their ids", () => {
    expect(classesOf({ tool: "bandit", rule: "B608" }, TABLE)).toEqual(["sql-injection"]);
    expect(classesOf({ tool: "ruff", rule: "S105" }, TABLE)).toEqual(["hardcoded-secret"]);
    expect(classesOf({ tool: "ruff", rule: "S101" }, TABLE)).toEqual([]);
    expect(classesOf({ tool: "bandit", rule: "S608" }, TABLE)).toEqual([]);
  });

  test("rules that count for several classes only through a shared category are listed", () => {
    const rules = [
      { id: "requests-verify", category: "tls" },
      { id: "aiohttp-ssl-false", category: "tls" },
      { id: "sql-injection", category: "sqli" },
    ];
    expect(ambiguousRules(rules, TABLE)).toEqual(["aiohttp-ssl-false"]);
  });

  test("a bad table is refused with the file's name", () => {
    expect(() => parseClassTable("classes:\n  x:\n    concern: sql\n    hunkguard: { categories: sqli }\n", "eval/classes.yml")).toThrow(/eval\/classes\.yml: .*hunkguard\.categories/);
  });
});

describe("apps", () => {
  const truth = parseTruth(
    `
app: demo
framework: flask
vulns:
  - class: sql-injection
    file: app.py
    line: 10
    code: "cur.execute(q)"
    also:
      - file: app.py
        line: 8
        code: "q = 'SELECT ' + name"
  - class: sql-injection
    file: app.py
    line: 20
    endLine: 23
    code: "cur.execute("
  - class: login-rate-limit
    file: views.py
    line: 4
    endLine: 5
    code: "@app.route('/login')"
  - class: hardcoded-secret
    file: app.py
    line: 30
    code: "KEY = 'x'"
ok:
  - class: sql-injection
    file: app.py
    line: 40
    code: "cur.execute(CONST)"
    also:
      - file: app.py
        line: 38
        code: "CONST = 'SELECT 1'"
  - file: app.py
    line: 50
    code: "print(1)"
`,
    "truth.yml",
    TABLE,
  );

  test("found on the item's line, on an `also` line, or ±1 around a multi-line item; not on a single line's neighbour", () => {
    const found = (findings: ToolFinding[]) => scoreApp(truth, findings, TABLE).items.map((i) => i.found);
    expect(found([])).toEqual([false, false, false, false]);
    expect(found([hg("sql-injection", "sqli", "app.py", 10)])).toEqual([true, false, false, false]);
    expect(found([hg("sql-injection", "sqli", "app.py", 8)])).toEqual([true, false, false, false]);
    expect(found([hg("sql-injection", "sqli", "app.py", 11)])).toEqual([false, false, false, false]);
    expect(found([hg("sql-injection", "sqli", "app.py", 19)])).toEqual([false, true, false, false]);
    expect(found([hg("sql-injection", "sqli", "app.py", 24)])).toEqual([false, true, false, false]);
    expect(found([hg("sql-injection", "sqli", "app.py", 25)])).toEqual([false, false, false, false]);
    // a finding whose node spans the item counts
    expect(found([hg("hardcoded-password-string", "secrets", "app.py", 29, 31)])).toEqual([false, false, false, true]);
    // a route-level item: the def line under its decorator
    expect(found([hg("rate-limit-auth-route", "rate-limit", "views.py", 5)])).toEqual([false, false, true, false]);
  });

  test("a finding of another class, or in another file, does not count", () => {
    const s = scoreApp(truth, [hg("requests-verify", "tls", "app.py", 10), hg("sql-injection", "sqli", "other.py", 10)], TABLE);
    expect(s.items.map((i) => i.found)).toEqual([false, false, false, false]);
    // the tls finding sits on a truth line, so it is not "unlabelled"; the other file's is
    expect(s.unlabelled.map((f) => f.path)).toEqual(["other.py"]);
  });

  test("ok lines: a finding of the ok line's class (on it or its `also` line) is a false alarm; without a class, any mapped finding is", () => {
    const s = scoreApp(
      truth,
      [
        hg("sql-injection", "sqli", "app.py", 38),
        hg("requests-verify", "tls", "app.py", 40),
        hg("requests-timeout", "other", "app.py", 50),
        hg("eval", "code-exec", "app.py", 41),
      ],
      TABLE,
    );
    expect(s.ok.map((o) => o.hits.map((h) => h.rule))).toEqual([["sql-injection"], []]);
    const unmappedOnBareOk = scoreApp(truth, [hg("sql-injection", "sqli", "app.py", 50)], TABLE);
    expect(unmappedOnBareOk.ok[1].hits).toHaveLength(1);
    expect(s.unlabelled.map((f) => f.line)).toEqual([41]);
  });

  test("truth that drifted from its code is reported, whitespace aside", () => {
    const files: Record<string, string[]> = {
      "app.py": Array.from({ length: 60 }, () => ""),
      "views.py": ["", "", "", "@app.route('/login')", "def login():"],
    };
    files["app.py"][7] = "    q  =  'SELECT ' + name";
    files["app.py"][9] = "cur.execute(q)";
    files["app.py"][19] = "cur.execute(";
    files["app.py"][29] = "KEY = 'x'";
    files["app.py"][37] = "CONST = 'SELECT 1'";
    files["app.py"][39] = "cur.execute(CONST)";
    files["app.py"][49] = "print(1)";
    expect(truthDrift(truth, (f) => files[f])).toEqual([]);
    files["app.py"][9] = "cur.execute(q, ())";
    expect(truthDrift(truth, (f) => files[f])).toEqual(["vulns[0] (sql-injection): expected `cur.execute(q)` at app.py:10, the line reads `cur.execute(q, ())`"]);
    expect(truthDrift(truth, (f) => (f === "views.py" ? undefined : files[f]))).toContain("vulns[2] (login-rate-limit): views.py does not exist");
  });

  test("unknown classes are refused", () => {
    expect(() => parseTruth("app: a\nframework: f\nvulns:\n  - { class: nope, file: a.py, line: 1, code: x }\n", "t.yml", TABLE)).toThrow(CorpusError);
    expect(() => parseTruth("app: a\nframework: f\nvulns:\n  - { class: nope, file: a.py, line: 1, code: x }\n", "t.yml", TABLE)).toThrow(/unknown class nope/);
  });

  test("windows", () => {
    expect(truthWindow({ line: 5, endLine: 5 })).toEqual([5, 5]);
    expect(truthWindow({ line: 5, endLine: 7 })).toEqual([4, 8]);
  });
});

describe("rule-test annotations", () => {
  const text = [
    "import os", //  1
    "# ruleid: sql", //  2
    "cur.execute(f'SELECT {x}')", //  3
    "# ok: sql, tls", //  4
    "# a comment between", //  5
    "", //  6
    "cur.execute(", //  7
    "    'SELECT (1) # not a comment',", //  8
    "    (x,),", //  9
    ")", // 10
    "# ruleid: rate-limit", // 11
    "@app.route('/login')", // 12
    "@limiter.exempt", // 13
    "def login():", // 14
    "    pass", // 15
    "# ruleid: tls", // 16
    'DOC = """', // 17
    "http://example.com (", // 18
    '"""', // 19
    "# ruleid: sql", // 20
    "q = 'SELECT ' + \\", // 21
    "    name", // 22
  ].join("\n");

  test("each annotation labels the next code line and its whole statement", () => {
    expect(parseAnnotations(text)).toEqual([
      { kind: "ruleid", concerns: ["sql"], at: 2, line: 3, endLine: 3 },
      { kind: "ok", concerns: ["sql", "tls"], at: 4, line: 7, endLine: 10 },
      { kind: "ruleid", concerns: ["rate-limit"], at: 11, line: 12, endLine: 14 },
      { kind: "ruleid", concerns: ["tls"], at: 16, line: 17, endLine: 19 },
      { kind: "ruleid", concerns: ["sql"], at: 20, line: 21, endLine: 22 },
    ]);
  });

  test("statementEnd ignores brackets inside strings and comments", () => {
    const lines = ["f(')', '(')  # (", "g(", "  '#)',", ")"];
    expect(statementEnd(lines, 0)).toBe(0);
    expect(statementEnd(lines, 1)).toBe(3);
  });

  const files = [{ path: "sql/q.py", annotations: parseAnnotations(text) }];

  test("recall and false alarms per concern; a finding of another concern is neither", () => {
    const s = scoreRuleTests(
      files,
      [hg("sql-injection", "sqli", "sql/q.py", 3), hg("sql-injection", "sqli", "sql/q.py", 9), hg("requests-http", "tls", "sql/q.py", 18), hg("eval", "code-exec", "sql/q.py", 15)],
      TABLE,
    );
    const by = Object.fromEntries(s.concerns.map((c) => [c.concern, c]));
    expect(by.sql).toMatchObject({ ruleid: 2, found: 1, ok: 1, flagged: 1 });
    expect(by.sql.misses).toEqual([{ path: "sql/q.py", line: 21 }]);
    expect(by.sql.falseAlarms).toEqual([{ path: "sql/q.py", line: 7, rule: "sql-injection" }]);
    expect(by.tls).toMatchObject({ ruleid: 1, found: 1, ok: 1, flagged: 0 });
    expect(by["rate-limit"]).toMatchObject({ ruleid: 1, found: 0 });
    expect(s.total).toMatchObject({ ruleid: 4, found: 2, ok: 2, flagged: 1 });
    // the eval finding maps to no class of this table: not listed as unlabelled either
    expect(s.unlabelled).toEqual([]);
  });

  test("a concern no class covers is reported", () => {
    expect(unknownConcerns([{ path: "x.py", annotations: parseAnnotations("# ruleid: sqll\nx()\n") }], TABLE)).toEqual(['x.py:1: unknown concern "sqll"']);
  });
});

describe("real corpus", () => {
  const labels = parseLabels(
    `
labels:
  - { path: a/db.py, rule: sql-injection, code: "cur.execute('SELECT %s' % t)", verdict: fp, reason: quoted name }
  - { path: a/hash.py, rule: weak-hash, code: "md5(password)", verdict: tp, reason: password hash }
  - { path: a/gone.py, rule: eval, code: "eval(x)", verdict: fp, reason: fixed since }
`,
    "labels.yml",
  );
  const rf = (path: string, rule: string, code: string): RealFinding => ({ tool: "hunkguard", rule, path, line: 1, endLine: 1, code });

  test("labels match by path, rule and code with whitespace collapsed; the rest are unlabelled; unmatched labels are stale", () => {
    const s = scoreReal(
      [
        rf("a/db.py", "sql-injection", "        cur.execute('SELECT %s'  %  t)"),
        rf("a/hash.py", "weak-hash", "md5(password)"),
        rf("a/hash.py", "weak-hash-library", "md5(password)"),
        rf("a/tests/test_x.py", "weak-hash", "md5(password)"),
      ],
      labels,
    );
    expect(s.total).toMatchObject({ findings: 4, tp: 1, fp: 1, unlabelled: 2, inTests: 1 });
    expect(s.rules.find((r) => r.rule === "weak-hash")).toMatchObject({ findings: 2, tp: 1, unlabelled: 1, inTests: 1 });
    expect(s.unlabelled.map((f) => `${f.path} ${f.rule}`)).toEqual(["a/hash.py weak-hash-library", "a/tests/test_x.py weak-hash"]);
    expect(s.stale.map((l) => l.path)).toEqual(["a/gone.py"]);
    expect(precision(s.total)).toBe(0.5);
    expect(precision({ tp: 0, fp: 0 })).toBeUndefined();
  });

  test("a finding labelled twice is refused", () => {
    const twice = "labels:\n  - { path: a.py, rule: r, code: 'x(1)', verdict: tp, reason: r }\n  - { path: a.py, rule: r, code: '  x(1)  ', verdict: fp, reason: r }\n";
    expect(() => parseLabels(twice, "labels.yml")).toThrow(/labelled twice/);
    expect(labelKey("a.py", "r", " x(1) ")).toBe(labelKey("a.py", "r", "x(1)"));
  });

  test("test paths", () => {
    expect(["pkg/tests/x.py", "pkg/test/x.py", "pkg/testing/x.py", "pkg/test_x.py", "pkg/x_test.py", "pkg/conftest.py"].every(isTestPath)).toBe(true);
    expect(["pkg/testapp.py", "pkg/latest/x.py", "pkg/contest.py", "pkg/attest_x.py"].some(isTestPath)).toBe(false);
  });
});
