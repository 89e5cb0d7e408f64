/** The pure pipeline on one file: partial parses, diff filtering, fingerprints, rule failures. */
import { loadRules, buildRuleSet, parseRule, RuleLoadError } from "../src/core/rules/load.js";
import { analyzeSource, maskStringLiterals } from "../src/core/engine.js";
import { parseFilePatch, inOneHunk } from "../src/core/hunks.js";

const rules = await loadRules();

test("a file with syntax errors is analysed in the parts that parse and reported as partial", () => {
  const src = ["import pickle", "def broken(:", "    pass", "x = pickle.loads(b)", ""].join("\n");
  const r = analyzeSource("p.py", src, { rules });
  expect(r.partial).toBe(true);
  expect(r.findings.map((f) => [f.rule, f.line])).toEqual([["pickle-load", 4]]);
});

test("only findings whose statement has an added line are reported; the rest are counted", () => {
  const src = ["import pickle", "a = pickle.loads(x)", "b = pickle.loads(", "    y,", ")", ""].join("\n");
  const patch = parseFilePatch("@@ -1,3 +1,5 @@\n import pickle\n a = pickle.loads(x)\n-b = 1\n+b = pickle.loads(\n+    y,\n+)\n");
  const changed = { added: patch.addedLines, commentable: patch.commentableLines, inOneHunk: (s: number, e: number) => inOneHunk(patch, s, e) };
  const r = analyzeSource("p.py", src, { rules, changed });
  expect(r.findings.map((f) => f.line)).toEqual([3]);
  expect(r.outsideDiff).toBe(1);
  const ctx = analyzeSource("p.py", src, { rules, changed, mode: "diff_context" });
  expect(ctx.findings.map((f) => f.line)).toEqual([2, 3]);
});

test("a line inside a multi-line statement counts: the argument line was added", () => {
  const src = ["import yaml", "cfg = yaml.load(", "    stream,", ")", ""].join("\n");
  const changed = { added: new Set([3]), commentable: new Set([1, 2, 3, 4]), inOneHunk: () => true };
  const r = analyzeSource("p.py", src, { rules, changed });
  expect(r.findings.map((f) => [f.rule, f.line, f.statementLine, f.statementEndLine])).toEqual([["yaml-load", 2, 2, 4]]);
});

test("fingerprints survive the code moving and tell identical lines apart", () => {
  const a = ["import pickle", "x = pickle.loads(b)", "x = pickle.loads(b)", ""].join("\n");
  const b = ["import pickle", "", "", "# moved down", "x =  pickle.loads(b)  # same code", "x = pickle.loads(b)", ""].join("\n");
  const fa = analyzeSource("m.py", a, { rules }).findings.map((f) => f.fingerprint);
  const fb = analyzeSource("m.py", b, { rules }).findings.map((f) => f.fingerprint);
  expect(fa).toHaveLength(2);
  expect(fa[0]).not.toBe(fa[1]);
  expect(fb).toEqual(fa);
  const other = analyzeSource("n.py", a, { rules }).findings.map((f) => f.fingerprint);
  expect(other[0]).not.toBe(fa[0]);
});

test("a rule that throws is reported as a rule failure; the run goes on", () => {
  {
    const bad = parseRule(
      [
        "id: always-throws",
        "title: A rule that throws",
        "category: debug",
        "severity: low",
        "confidence: low",
        "cwe: [CWE-20]",
        "message: never",
        "docs: { what: x, why: y, instead: z }",
        "examples: { bad: [{ code: 'x = 1', lines: [1] }], good: ['y = 2'] }",
      ].join("\n"),
      "rules/debug/always-throws.yml",
    );
    // the rule's code module
    bad.code = {
      match: () => {
        throw new Error("boom");
      },
    };
    const set = buildRuleSet([...rules.rules, bad]);
    const r = analyzeSource("p.py", "import pickle\npickle.loads(b)\n", { rules: set });
    expect(r.ruleFailures).toEqual([{ rule: "always-throws", error: "boom" }]);
    expect(r.findings.map((f) => f.rule)).toEqual(["pickle-load"]);
  }
});

test("an invalid rule file fails with its path and the reason", () => {
  expect(() => parseRule("id: Bad_Id\ntitle: x", "rules/debug/bad.yml")).toThrow(RuleLoadError);
  expect(() => parseRule("id: Bad_Id\ntitle: x", "rules/debug/bad.yml")).toThrow(/rules\/debug\/bad\.yml: .*id must be a kebab-case slug/);
  expect(() => parseRule("id: [", "rules/x/y.yml")).toThrow(/rules\/x\/y\.yml: not valid YAML/);
});

test("string literals are masked for secrets", () => {
  expect(maskStringLiterals('KEY = "sk_live_abcdefghijklmnop"')).toBe('KEY = "sk_l********"');
  expect(maskStringLiterals("p = 'ab'")).toBe("p = '***'");
});

describe("a finding that starts where its value was written (origin)", () => {
  const src = ["import requests", "def items():", '    url = "http://api.example.com/v1"', "    x = 1", "    return requests.get(url, timeout=5)", ""].join("\n");

  test("spans from the value to its use, and offers the fix where the value is", () => {
    const r = analyzeSource("o.py", src, { rules });
    expect(r.findings.map((f) => [f.rule, f.line, f.endLine, f.statementLine, f.statementEndLine])).toEqual([["requests-http", 3, 5, 3, 5]]);
    expect(r.findings[0].fix).toMatchObject({ startLine: 3, endLine: 3, replacement: '    url = "https://api.example.com/v1"\n' });
  });

  test("counts as changed when only the line of the value was added", () => {
    const changed = { added: new Set([3]), commentable: new Set([2, 3, 4]), inOneHunk: () => true };
    const r = analyzeSource("o.py", src, { rules, changed });
    expect(r.findings.map((f) => f.line)).toEqual([3]);
    expect(r.outsideDiff).toBe(0);
  });

  test("is silenced by a suppression on the line of the value", () => {
    const quiet = src.replace('v1"', 'v1"  # nosec');
    expect(analyzeSource("o.py", quiet, { rules }).suppressed).toBe(1);
  });
});
