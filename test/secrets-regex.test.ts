/**
 * Every regular expression of the secrets area runs on text from user code, so each must be linear.
 * These run them against 100,000-character adversarial strings (repeated prefixes, long runs of the
 * characters a quantifier accepts with no terminator, near-misses) and check what they match. A
 * backtracking blow-up would make this file time out rather than fail an assertion.
 */
import { TOKEN_FORMATS, findTokens, maskToken } from "../src/core/lib/tokens.js";
import { looksLikeSecretValue } from "../src/core/lib/secrets.js";
import { splitWords, isSecretName, looksLikeFieldName } from "../src/core/lib/words.js";
import { isComparedSecretName } from "../rules/auth/secret-compare.js";
import { looksLikeSql } from "../src/core/lib/sql.js";
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";

const N = 100_000;
const fill = (unit: string, n = N): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** Strings that make a backtracking engine work hardest on this file's expressions. */
const ADVERSARIAL: string[] = [
  fill("a"),
  fill("A"),
  fill("0"),
  fill("_"),
  fill("-"),
  fill(" "),
  fill("'"),
  fill('"'),
  fill("{"),
  fill("%"),
  fill("/"),
  fill(":@"),
  fill("A_"),
  fill("aA"),
  fill("AKIA"),
  "AKIA" + fill("A"),
  fill("ghp_"),
  "ghp_" + fill("a"),
  fill("github_pat_"),
  "github_pat_" + fill("a_"),
  "github_pat_" + fill("a", 22) + "_" + fill("a"),
  fill("xoxb-"),
  "xoxb-" + fill("a-"),
  fill("sk_live_"),
  "sk_live_" + fill("a"),
  fill("AIza"),
  "AIza" + fill("a-"),
  fill("glpat-"),
  fill("npm_"),
  fill("pypi-AgEIcHlwaS5vcmc"),
  fill("SG."),
  "SG." + fill("a"),
  fill("-----BEGIN PRIVATE KEY-----"),
  "-----BEGIN RSA PRIVATE KEY-----" + fill(" "),
  fill("hooks.slack.com/services/T"),
  "hooks.slack.com/services/T" + fill("A"),
  "hooks.slack.com/services/TAAAAAA/B" + fill("A"),
  fill("a://"),
  "postgres://" + fill("u:"),
  "postgres://u:" + fill("p"),
  fill("postgres://u:p"),
  "x" + fill("a", N - 2) + "!",
  fill("SELECT "),
  fill("SELECT FROM "),
  fill("("),
  fill(")"),
  fill("\\n"),
  fill("pw_hash_"),
  fill("hashed_password_"),
  fill("api_key_"),
];

describe("token formats are linear and match what they should", () => {
  test.each(TOKEN_FORMATS.map((f) => [f.kind, f] as const))("%s on adversarial input", (_kind, format) => {
    for (const s of ADVERSARIAL) {
      format.re.lastIndex = 0;
      const matches = [...s.matchAll(format.re)];
      // none of the adversarial inputs is a credential an accept() check would keep
      const accepted = matches.filter((m) => !format.accept || format.accept(m[0], s, m.index + m[0].length));
      expect(accepted.length).toBeLessThanOrEqual(1);
    }
  });

  test("findTokens finds real-looking tokens and masks them", () => {
    const ghp = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    const text = `${fill("ghp_", 50_000)} x = "${ghp}" ${fill("a", 50_000)}`;
    const hits = findTokens(text);
    expect(hits.map((h) => h.format.kind)).toEqual(["github-token"]);
    expect(hits[0].masked).toBe("ghp_…");
    expect(text.slice(hits[0].index, hits[0].end)).toBe(ghp);
  });

  test("findTokens over every adversarial string finds nothing", () => {
    for (const s of ADVERSARIAL) expect(findTokens(s)).toEqual([]);
  });

  test("maskToken never shows more than 4 characters", () => {
    expect(maskToken(fill("s"), 4)).toBe("ssss…");
    expect(maskToken("abc", 4)).toBe("ab…");
    expect(maskToken("x", 4)).toBe("…");
  });
});

describe("name and value heuristics are linear", () => {
  test("looksLikeSecretValue", () => {
    for (const s of ADVERSARIAL) expect(typeof looksLikeSecretValue(s, "password")).toBe("boolean");
    expect(looksLikeSecretValue(fill("x"), "password")).toBe(false); // one repeated filler character (`aaaa…` is a weak key, reported)
    expect(looksLikeSecretValue(fill("A_"), "password")).toBe(false); // an environment variable's name
    expect(looksLikeSecretValue(fill("aA") + "1", "password")).toBe(true);
    expect(looksLikeSecretValue("x" + fill("a", N - 2) + "!", "password")).toBe(true);
  });

  test("splitWords, isSecretName, looksLikeFieldName, isComparedSecretName", () => {
    expect(splitWords(fill("A")).length).toBe(1);
    expect(splitWords(fill("aA")).length).toBe(N / 2 + 1); // a | Aa | … | Aa | A
    expect(splitWords(fill("_"))).toEqual([]);
    for (const s of ADVERSARIAL) {
      expect(typeof isSecretName(s)).toBe("boolean");
      expect(typeof looksLikeFieldName(s)).toBe("boolean");
      expect(typeof isComparedSecretName(s)).toBe("boolean");
    }
    expect(isSecretName(fill("a_") + "password")).toBe(true);
    expect(isSecretName("password_" + fill("a_") + "url")).toBe(false);
  });

  test("looksLikeSql", () => {
    expect(looksLikeSql(fill("SELECT "))).toBe(true);
    expect(looksLikeSql(fill("a "))).toBe(false);
    expect(looksLikeSql(fill("("))).toBe(false);
    expect(looksLikeSql(fill("x ") + "SELECT a FROM t")).toBe(true);
  });
});

const areaRules = await loadRules();

describe("the rules of the area on adversarial files", () => {
  const rules = areaRules;
  const mine = new Set([
    "hardcoded-password-string", "hardcoded-password-argument", "hardcoded-password-default", "hardcoded-token",
    "secret-compare", "sql-injection", "django-extra", "django-raw-sql", "weak-hash", "random-token",
    "hardcoded-tmp-path", "mktemp",
  ]);
  const run = (code: string) => analyzeSource("adversarial.py", code, { rules, enabled: (r) => mine.has(r.id) });

  test("a huge f-string query with many quotes is handled (fix declined)", () => {
    const code = `import sqlite3\ndef f(cur, x):\n    cur.execute(f"SELECT * FROM t WHERE a = '{x}${fill("'", N)}")\n`;
    const result = run(code);
    expect(result.findings.map((f) => f.rule)).toEqual(["sql-injection"]);
    expect(result.findings[0].fix?.replacement).toBeUndefined();
  });

  test("a huge value position context", () => {
    const code = `import sqlite3\ndef f(cur, x):\n    cur.execute(f"SELECT * FROM t WHERE ${fill("(", N)} a = {x}")\n`;
    const result = run(code);
    expect(result.findings.map((f) => f.rule)).toEqual(["sql-injection"]);
  });

  test("a huge secret-like string", () => {
    const value = fill("aB3", N);
    const result = run(`password = "${value}"\n`);
    expect(result.findings.map((f) => f.rule)).toEqual(["hardcoded-password-string"]);
    expect(JSON.stringify(result.findings)).not.toContain(value.slice(0, 20));
  });

  test("a huge string of repeated token prefixes and /tmp paths", () => {
    const result = run(`x = "${fill("ghp_", N)}"\ny = "${fill("/tmp/", N)}"\nopen("/tmp/${fill("a", N)}")\n`);
    expect(result.findings.map((f) => f.rule)).toEqual(["hardcoded-tmp-path"]);
  });
});
