/**
 * A hard-coded secret's value never leaves HunkGuard: not in a message, a fingerprint, a fix's
 * replacement or example, nor in a suggestion of another rule of the area that happens to touch its
 * line. For each kind of secret: analyse a file holding it and look for the value in everything the
 * findings carry.
 *
 * Only this area's rules run: a suggestion of another area's rule that rewrites a line holding a secret
 * (say, dropping `verify=False` next to a token in a header) would repeat it too — that guard belongs in
 * the fix engine, for every rule.
 */
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";

const AREA = new Set([
  "hardcoded-password-string", "hardcoded-password-argument", "hardcoded-password-default", "hardcoded-token",
  "secret-compare", "jwt-verify-false", "jwt-signature-unverified", "jwt-none-algorithm", "sql-injection",
  "django-extra", "django-raw-sql", "weak-hash", "weak-hash-library", "random-token", "mktemp", "hardcoded-tmp-path",
]);
const rules = await loadRules();
const analyse = (code: string) =>
  analyzeSource("secret.py", code, { rules, enabled: (r) => AREA.has(r.id) });

interface Case {
  kind: string;
  secret: string;
  code: (secret: string) => string;
  /** the rule that must report it */
  rule: string;
  /** a one-click fix must be offered (its replacement must not hold the value) */
  fixed?: boolean;
}

const CASES: Case[] = [
  { kind: "password assigned, fixed to os.environ", secret: "Zx9kq2LmPw77", rule: "hardcoded-password-string", fixed: true,
    code: (s) => `import os\nDB_PASSWORD = "${s}"\n` },
  { kind: "password in a dict literal", secret: "Qw3rTy88Uiop", rule: "hardcoded-password-string",
    code: (s) => `settings = {"user": "app", "password": "${s}"}\n` },
  { kind: "api key on an attribute", secret: "a8f5f167f44f4964e6c998dee827110c", rule: "hardcoded-password-string",
    code: (s) => `class C:\n    def __init__(self):\n        self.api_key = "${s}"\n` },
  { kind: "token in a subscript assignment", secret: "dG9rZW4tdmFsdWUtMTIz", rule: "hardcoded-password-string",
    code: (s) => `import os\nos.environ["API_TOKEN"] = "${s}"\n` },
  { kind: "keyword argument", secret: "Pl4mQz0Kx1", rule: "hardcoded-password-argument",
    code: (s) => `conn = connect(host="db", password="${s}")\n` },
  { kind: "parameter default, fixed to None", secret: "Hj7Nb2Vc9X", rule: "hardcoded-password-default", fixed: true,
    code: (s) => `def connect(host, password="${s}"):\n    ...\n` },
  { kind: "typed parameter default", secret: "Hj7Nb2Vc9Y", rule: "hardcoded-password-default",
    code: (s) => `def connect(host, password: str = "${s}"):\n    ...\n` },
  { kind: "two secrets on one line", secret: "Mn8Bv6Cx4Z", rule: "hardcoded-password-default",
    code: (s) => `def connect(host, password="Hj7Nb2Vc9X", secret="${s}"):\n    ...\n` },
  { kind: "AWS access key id", secret: "AKIAZ7Q2R4X9LMNB3KPD", rule: "hardcoded-token", fixed: true,
    code: (s) => `import os\nAWS_KEY = "${s}"\n` },
  { kind: "GitHub token", secret: "ghp_16C7e42F292c6912E7710c838347Ae178B4a", rule: "hardcoded-token",
    code: (s) => `HEADERS = {"Authorization": "token ${s}"}\n` },
  { kind: "GitHub fine-grained token", secret: `github_pat_11ABCDEFG0abcdefghijkl_${"aB3dE5fG7h".repeat(5)}aB3dE5fG7`, rule: "hardcoded-token",
    code: (s) => `TOKEN = "${s}"\n` },
  { kind: "Slack token", secret: "xoxb-2649301-8840293-Kq7sLmZ0pW3xYvB1", rule: "hardcoded-token",
    code: (s) => `client = WebClient(token="${s}")\n` },
  { kind: "Slack webhook", secret: "hooks.slack.com/services/T0123ABCD/B0456EFGH/Xk9pL2mQ7rT4vW8y", rule: "hardcoded-token",
    code: (s) => `URL = "https://${s}"\n` },
  { kind: "Stripe live key, fixed to os.environ", secret: "sk_live_51HkQ2mLp8Zr4Tx9Wv3Ny6Bc", rule: "hardcoded-token", fixed: true,
    code: (s) => `import os\nSTRIPE_KEY = "${s}"\n` },
  { kind: "Google API key", secret: "AIzaSyD4kP9x-Qw3ErTyUiOpAsDfGhJkLzXcVbN", rule: "hardcoded-token",
    code: (s) => `maps = Client(key="${s}")\n` },
  { kind: "GitLab token", secret: "glpat-Ab3De5Fg7Hi9Jk1Lm2No", rule: "hardcoded-token",
    code: (s) => `gl = Gitlab(url, private_token="${s}")\n` },
  { kind: "npm token", secret: "npm_Ab3De5Fg7Hi9Jk1Lm2No4Pq6Rs8Tu0Vw2Xyz", rule: "hardcoded-token",
    code: (s) => `NPM = "${s}"\n` },
  { kind: "PyPI token", secret: `pypi-AgEIcHlwaS5vcmc${"Ab3De5Fg7Hi9Jk1Lm2No".repeat(3)}`, rule: "hardcoded-token",
    code: (s) => `PYPI = "${s}"\n` },
  { kind: "SendGrid key", secret: `SG.Ab3De5Fg7Hi9Jk1Lm2No4Q.${"Pq6Rs8Tu0Vw2Xy4Za6Bc8De0Fg2Hi4Jk6Lm8No0Pq2Rs".slice(0, 43)}`, rule: "hardcoded-token",
    code: (s) => `SENDGRID = "${s}"\n` },
  { kind: "private key block", secret: "MIIEowIBAAKCAQEAwJ4m7Qx9vN2pL8kR3tY6uH1sE5fG0aB7cD9eF2gH4iJ6kL8mN0pQ", rule: "hardcoded-token",
    code: (s) => `KEY = """-----BEGIN RSA PRIVATE KEY-----\n${s}\n-----END RSA PRIVATE KEY-----"""\n` },
  { kind: "password in a URL", secret: "Wq8vN2pLx", rule: "hardcoded-token",
    code: (s) => `DB_URL = "postgresql://app:${s}@db.internal:5432/app"\n` },
  { kind: "token in a comment", secret: "ghp_26C7e42F292c6912E7710c838347Ae178B4b", rule: "hardcoded-token",
    code: (s) => `# old token: ${s}\nimport requests\n` },
  { kind: "secret on the line of another fix (weak hash)", secret: "Rt5Yu7Io9P", rule: "hardcoded-password-string",
    code: (s) => `import hashlib\netag = hashlib.md5(body).hexdigest(); PASSWORD = "${s}"\n` },
  { kind: "secret on the line of another fix (SQL)", secret: "Df4Gh6Jk8L", rule: "hardcoded-password-string",
    code: (s) => `import sqlite3\ndef f(cur, x):\n    cur.execute(f"SELECT * FROM t WHERE a = '{x}'"); password = "${s}"\n` },
  { kind: "secret on the line of another fix (random)", secret: "Cv3Bn5Mq7W", rule: "hardcoded-password-string",
    code: (s) => `import random\ntoken = random.choice(WORDS); secret = "${s}"\n` },
];

describe.each(CASES.map((c) => [c.kind, c] as const))("%s", (_kind, c) => {
  test("is reported, and its value appears nowhere in the findings", () => {
    const code = c.code(c.secret);
    const result = analyse(code);
    expect(result.partial).toBe(false);
    expect(result.findings.some((f) => f.rule === c.rule)).toBe(true);
    const everything = JSON.stringify(result);
    expect(everything).not.toContain(c.secret);
    // nor more than four characters of it in a row from the start
    expect(everything).not.toContain(c.secret.slice(0, 5));
    if (c.fixed) {
      const fix = result.findings.find((f) => f.rule === c.rule)?.fix;
      expect(fix?.replacement).toBeDefined();
    }
  });
});
