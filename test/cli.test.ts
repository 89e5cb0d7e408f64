/**
 * The CLI run in-process (`main(argv, io)`) over temp folders and throw-away git repositories:
 * the JSON shape, --diff, review, exit codes, bad input, text and SARIF output.
 */
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { Readable } from "node:stream";
import { Ajv } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { main, type CliIO } from "../src/cli/index.js";
import { loadRules } from "../src/core/rules/load.js";

const here = dirname(fileURLToPath(import.meta.url));

interface Captured extends CliIO {
  out(): string;
  err(): string;
}

function captureIO(cwd: string, opts: { stdin?: string; isTTY?: boolean; env?: Record<string, string> } = {}): Captured {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: Readable.from([Buffer.from(opts.stdin ?? "")]),
    cwd,
    isTTY: opts.isTTY ?? false,
    stderrIsTTY: false,
    env: opts.env ?? {},
    out: () => out,
    err: () => err,
  };
}

async function run(cwd: string, argv: string[], opts: Parameters<typeof captureIO>[1] = {}) {
  const io = captureIO(cwd, opts);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

async function runJson(cwd: string, argv: string[], opts: Parameters<typeof captureIO>[1] = {}) {
  const r = await run(cwd, [...argv, "--format", "json"], opts);
  return { ...r, json: JSON.parse(r.out) };
}

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "hunkguard-cli-"));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function write(root: string, rel: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args],
    { cwd, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" } },
  );
}

const APP = `import yaml
import pickle


def read(f):
    return yaml.load(f)


def parse_ids(raw):
    ids = eval(raw)
    return ids


def load(blob):
    return pickle.loads(blob)
`;

const DOCUMENTED_KEYS = [
  "rule", "category", "severity", "confidence", "path", "line", "endLine", "column", "endColumn",
  "message", "cwe", "bandit", "ruff", "fingerprint", "fix",
];

describe("scan PATH", () => {
  test("does not enter vendored folders when walking, and scans one that is named", async () => {
    const dir = tempDir();
    write(dir, "app/x.py", "import pickle\nx = pickle.loads(b)\n");
    write(dir, "app/_vendor/y.py", "import pickle\ny = pickle.loads(b)\n");
    const walked = await runJson(dir, ["scan", "app"]);
    expect(walked.json.findings.map((f: { path: string }) => f.path)).toEqual(["app/x.py"]);
    const named = await runJson(dir, ["scan", "app/_vendor"]);
    expect(named.json.findings.map((f: { path: string }) => f.path)).toEqual(["app/_vendor/y.py"]);
  });

  test("prints the documented JSON shape with exact lines, rules and fixes", async () => {
    const dir = tempDir();
    write(dir, "app/x.py", APP);
    const { code, json } = await runJson(dir, ["scan", "app"]);
    expect(code).toBe(1); // default --fail-on high
    expect(Object.keys(json).slice(0, 5)).toEqual(["version", "files", "lines", "findings", "skipped"]);
    expect(json).toMatchObject({ version: 1, files: 1, lines: 15, skipped: [] }); // 15 lines and a final line break
    expect(json.findings.map((f: { rule: string; line: number }) => [f.rule, f.line])).toEqual([
      ["yaml-load", 6],
      ["eval", 10],
      ["pickle-load", 15],
    ]);
    const [yamlFinding, evalFinding, pickleFinding] = json.findings;
    expect(Object.keys(yamlFinding).slice(0, DOCUMENTED_KEYS.length)).toEqual(DOCUMENTED_KEYS);
    expect(yamlFinding).toMatchObject({
      category: "yaml",
      severity: "high",
      confidence: "high",
      path: "app/x.py",
      endLine: 6,
      column: 12,
      endColumn: 24,
      cwe: ["CWE-502"],
      bandit: "B506",
      ruff: "S506",
      fix: { safety: "safe", startLine: 6, endLine: 6, replacement: "    return yaml.safe_load(f)\n" },
    });
    expect(yamlFinding.fingerprint).toMatch(/^[0-9a-f]{20}$/);
    expect(Object.keys(yamlFinding.fix)).toEqual(["safety", "startLine", "endLine", "replacement"]);
    expect(evalFinding.fix).toMatchObject({
      safety: "review",
      startLine: 10,
      endLine: 10,
      replacement: "    ids = ast.literal_eval(raw)\n",
      companion: { startLine: 2, endLine: 2, replacement: "import pickle\nimport ast\n" },
    });
    expect(evalFinding.fix.caveat).toContain("literal");
    expect(pickleFinding.fix).toEqual({
      safety: "explain",
      startLine: 15,
      endLine: 15,
      example: expect.stringContaining("json.loads"),
    });
  });

  test("walks folders for .py and .pyi, skipping virtualenvs, caches and node_modules", async () => {
    const dir = tempDir();
    write(dir, "pkg/a.py", "import pickle\npickle.loads(b)\n");
    write(dir, "pkg/sub/b.pyi", "x: int\n");
    write(dir, "pkg/notes.txt", "import pickle\npickle.loads(b)\n");
    for (const skipped of [".venv", "venv", "node_modules", "__pycache__", ".git", "lib/site-packages"]) {
      write(dir, `pkg/${skipped}/c.py`, "import pickle\npickle.loads(b)\n");
    }
    const { json } = await runJson(dir, ["scan"]);
    expect(json.files).toBe(2);
    expect(json.findings.map((f: { path: string }) => f.path)).toEqual(["pkg/a.py"]);
  });

  test("a file given explicitly is scanned whatever its extension; a BOM is dropped", async () => {
    const dir = tempDir();
    write(dir, "tool", "\uFEFFimport yaml\nyaml.load(s)\n");
    const { json } = await runJson(dir, ["scan", "tool"]);
    expect(json.findings).toHaveLength(1);
    expect(json.findings[0]).toMatchObject({ rule: "yaml-load", line: 2, column: 1 });
  });

  test("--min-severity and --no-fixes", async () => {
    const dir = tempDir();
    write(dir, "x.py", APP);
    const noFixes = await runJson(dir, ["scan", "x.py", "--no-fixes"]);
    expect(noFixes.json.findings.map((f: { fix: unknown }) => f.fix)).toEqual([null, null, null]);
    const high = await runJson(dir, ["scan", "x.py", "--min-severity", "high"]);
    expect(high.json.findings).toHaveLength(3);
    expect(high.json.tally.belowSeverity).toBe(0);
  });
});

describe("exit codes", () => {
  test("--fail-on decides between 0 and 1", async () => {
    const dir = tempDir();
    write(dir, "bad.py", "import yaml\nyaml.load(s)\n");
    write(dir, "clean.py", "import yaml\nyaml.safe_load(s)\n");
    for (const level of ["high", "medium", "low"]) expect((await run(dir, ["scan", "bad.py", "--fail-on", level])).code).toBe(1);
    expect((await run(dir, ["scan", "bad.py"])).code).toBe(1);
    expect((await run(dir, ["scan", "bad.py", "--fail-on", "never"])).code).toBe(0);
    expect((await run(dir, ["scan", "clean.py"])).code).toBe(0);
    expect((await run(dir, ["scan", "clean.py", "--fail-on", "low"])).code).toBe(0);
  });

  test("usage errors exit 2 with a message", async () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [[], /missing command/],
      [["lint"], /unknown command "lint"/],
      [["scan", "--fail-on", "critical"], /--fail-on must be one of high, medium, low, never/],
      [["scan", "--format", "xml"], /--format must be one of text, json, sarif/],
      [["scan", "--bogus"], /Unknown option '--bogus'/],
      [["scan", "--diff", "x.diff", "a.py"], /one of paths, -, --diff or --staged/],
      [["rules", "--format", "sarif"], /rules prints text or json/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(dir, argv);
      expect([argv, r.code]).toEqual([argv, 2]);
      expect(r.err).toMatch(message);
      expect(r.out).toBe("");
    }
  });

  test("--help and --version", async () => {
    const dir = tempDir();
    const help = await run(dir, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: hunkguard <command>/);
    for (const part of ["scan [PATH...]", "--diff FILE|-", "review [--base REF]", "rules", "--fail-on high|medium|low|never"]) {
      expect(help.out).toContain(part);
    }
    const version = await run(dir, ["--version"]);
    expect(version.out).toMatch(/^hunkguard \d+\.\d+\.\d+\n$/);
  });
});

describe("bad input", () => {
  test("a missing path is named, exits 2, and the other paths are still scanned", async () => {
    const dir = tempDir();
    write(dir, "x.py", "import yaml\nyaml.load(s)\n");
    const r = await runJson(dir, ["scan", "nope.py", "x.py", "--fail-on", "never"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("no such file or directory: nope.py");
    expect(r.json.findings.map((f: { path: string; line: number }) => [f.path, f.line])).toEqual([["x.py", 2]]);
    expect(r.json.skipped).toEqual([{ path: "nope.py", reason: "no such file or directory" }]);
  });

  test("a binary .py and invalid UTF-8 are skipped with a reason, not fatal: the others are scanned, the exit code is 2 (files not analysed)", async () => {
    const dir = tempDir();
    write(dir, "blob.py", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]));
    write(dir, "latin1.py", Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\nimport yaml\nyaml.load(s)\n")]));
    write(dir, "ok.py", "import yaml\nyaml.load(s)\n");
    const r = await runJson(dir, ["scan", "."]);
    expect(r.code).toBe(2);
    expect((await runJson(dir, ["scan", ".", "--allow-unanalysed"])).code).toBe(1);
    expect(r.json.skipped).toEqual([
      { path: "blob.py", reason: "binary file (NUL bytes)" },
      { path: "latin1.py", reason: "not valid UTF-8" },
    ]);
    expect(r.json.files).toBe(1);
    expect(r.json.findings).toHaveLength(1);
    const text = await run(dir, ["scan", "."]);
    expect(text.out).toContain("skipped latin1.py: not valid UTF-8");
    expect(text.out).toMatch(/2 skipped/);
  });

  test("a diff that is not a diff exits 2 with a clear message", async () => {
    const dir = tempDir();
    write(dir, "notes.diff", "Hello,\nthis is just a letter.\n");
    const r = await run(dir, ["scan", "--diff", "notes.diff"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/notes\.diff is not a unified diff: line 1: not a unified diff/);
    const stdin = await run(dir, ["scan", "--diff", "-"], { stdin: "@@ -1 +1 @@\n-a\n+b\n" });
    expect(stdin.code).toBe(2);
    expect(stdin.err).toMatch(/standard input is not a unified diff/);
    const missing = await run(dir, ["scan", "--diff", "missing.diff"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read the diff missing\.diff: ENOENT/);
  });
});

/** A repo whose last commit has an old finding; the working tree adds a new one (and a new file). */
function repoWithChange(): string {
  const dir = tempDir();
  git(dir, "init", "-q");
  write(dir, "svc/store.py", "import pickle\nimport yaml\n\n\ndef load(blob):\n    return pickle.loads(blob)\n");
  write(dir, "svc/gone.py", "import pickle\npickle.loads(x)\n");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "base");
  write(dir, "svc/store.py", "import pickle\nimport yaml\n\n\ndef load(blob):\n    return pickle.loads(blob)\n\n\ndef read(f):\n    return yaml.load(f)\n");
  write(dir, "svc/new.py", "x = eval(input())\n");
  rmSync(join(dir, "svc/gone.py"));
  git(dir, "add", "-N", "svc/new.py");
  return dir;
}

describe("scan --diff", () => {
  test("reports only findings on the lines the diff adds", async () => {
    const dir = repoWithChange();
    writeFileSync(join(dir, "change.diff"), git(dir, "diff"));
    const r = await runJson(dir, ["scan", "--diff", "change.diff"]);
    expect(r.json.findings.map((f: { path: string; rule: string; line: number }) => [f.path, f.rule, f.line])).toEqual([
      ["svc/new.py", "eval", 1],
      ["svc/store.py", "yaml-load", 10],
    ]);
    expect(r.json.files).toBe(2); // the deleted file is not scanned
    expect(r.json.tally.outsideDiff).toBe(1); // the old pickle.loads
    expect(r.json.findings[1].fix.replacement).toBe("    return yaml.safe_load(f)\n");
    expect(r.code).toBe(1);
  });

  test("reads the diff from standard input with -", async () => {
    const dir = repoWithChange();
    const r = await runJson(dir, ["scan", "--diff", "-"], { stdin: git(dir, "diff") });
    expect(r.json.findings.map((f: { rule: string }) => f.rule)).toEqual(["eval", "yaml-load"]);
  });

  test("an empty diff is not an error", async () => {
    const dir = tempDir();
    const r = await runJson(dir, ["scan", "--diff", "-"], { stdin: "" });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ files: 0, findings: [] });
  });

  test("a file the diff names but the working tree lacks is an input error", async () => {
    const dir = repoWithChange();
    const diff = git(dir, "diff");
    const elsewhere = tempDir();
    const r = await runJson(elsewhere, ["scan", "--diff", "-"], { stdin: diff });
    expect(r.code).toBe(2);
    expect(r.err).toContain("svc/new.py is in the diff but not in the working tree");
    expect(r.json.skipped.map((s: { path: string }) => s.path)).toEqual(["svc/new.py", "svc/store.py"]);
  });
});

describe("text output", () => {
  test("shows file:line, severity, the code line and the suggestion as a diff", async () => {
    const dir = tempDir();
    write(dir, "x.py", APP);
    const r = await run(dir, ["scan", "x.py"]);
    expect(r.out).toContain("x.py:6:12  HIGH    yaml-load  YAML loaded with a loader that can build arbitrary objects");
    expect(r.out).toContain("  6 |     return yaml.load(f)");
    expect(r.out).toContain("  Suggested change (safe):\n  -    return yaml.load(f)\n  +    return yaml.safe_load(f)\n");
    expect(r.out).toContain("  +    ids = ast.literal_eval(raw)");
    expect(r.out).toContain("  +import ast");
    expect(r.out).toMatch(/Caveat:.*literal/);
    expect(r.out).toContain("Instead:\n    import json");
    expect(r.out).toMatch(/Scanned 1 file \(15 lines\); 3 findings: 3 high, 0 medium, 0 low; 0 suppressed; 0 skipped\.\n$/);
    expect(r.out).not.toContain("\x1b[");
  });

  test("a secret's value never appears in any output", async () => {
    const dir = tempDir();
    const value = "zq81-plum-secret-value";
    write(dir, "settings.py", `DB_PASSWORD = "${value}"\n`);
    const json = await runJson(dir, ["scan", "settings.py"]);
    expect(json.json.findings.map((f: { category: string; line: number }) => [f.category, f.line])).toEqual([["secrets", 1]]);
    const text = await run(dir, ["scan", "settings.py"]);
    expect(text.out).toContain('1 | DB_PASSWORD = "zq81***"');
    const sarif = await run(dir, ["scan", "settings.py", "--format", "sarif"]);
    for (const out of [json.out, text.out, sarif.out]) expect(out).not.toContain(value);
  });

  test("colours only on a terminal without NO_COLOR", async () => {
    const dir = tempDir();
    write(dir, "x.py", "import yaml\nyaml.load(s)\n");
    expect((await run(dir, ["scan", "x.py"], { isTTY: true })).out).toContain("\x1b[");
    expect((await run(dir, ["scan", "x.py"], { isTTY: true, env: { NO_COLOR: "1" } })).out).not.toContain("\x1b[");
    expect((await run(dir, ["scan", "x.py", "--format", "json"], { isTTY: true })).out).not.toContain("\x1b[");
  });

  test("counts suppressed findings in the summary", async () => {
    const dir = tempDir();
    write(dir, "x.py", "import yaml\nyaml.load(s)  # nosec\nyaml.load(t)  # hunkguard: ignore[yaml-load]\n");
    const r = await run(dir, ["scan", "x.py"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no findings; 2 suppressed/);
  });
});

describe("rules", () => {
  test("lists every rule, as text and as JSON", async () => {
    const dir = tempDir();
    const all = (await loadRules()).rules;
    const text = await run(dir, ["rules"]);
    expect(text.code).toBe(0);
    expect(text.out.split("\n")[0]).toMatch(/^RULE\s+SEVERITY\s+CATEGORY\s+BANDIT\/RUFF\s+FIX\s+TITLE$/);
    const rows = text.out.split("\n").slice(1, all.length + 1);
    expect(rows.map((row) => row.split(/\s+/).slice(0, 3))).toEqual(all.map((r) => [r.id, r.severity, r.category]));
    expect(rows.map((row) => row.endsWith(`  ${all[rows.indexOf(row)].title}`))).toEqual(all.map(() => true));
    const json = await runJson(dir, ["rules"]);
    expect(json.json.rules.map((r: { id: string }) => r.id)).toEqual(all.map((r) => r.id));
    expect(json.json.rules.find((r: { id: string }) => r.id === "yaml-load")).toEqual({
      id: "yaml-load",
      title: "YAML loaded with a loader that can build arbitrary objects",
      category: "yaml",
      severity: "high",
      confidence: "high",
      cwe: ["CWE-502"],
      bandit: "B506",
      ruff: "S506",
      fix: "safe",
    });
  });
});

describe("SARIF", () => {
  const schema = JSON.parse(readFileSync(join(here, "fixtures/sarif-schema-2.1.0.json"), "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  // CommonJS under NodeNext: the plugin is the module's `default` property
  addFormatsPlugin.default(ajv);
  const validate = ajv.compile(schema);

  test("validates against the SARIF 2.1.0 schema and carries rules, CWE tags and fixes", async () => {
    const dir = tempDir();
    write(dir, "app/x.py", APP);
    write(dir, "app/broken.py", Buffer.from([0xff, 0xfe, 0x41]));
    const r = await run(dir, ["scan", "app", "--format", "sarif", "--allow-unanalysed"]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(log.version).toBe("2.1.0");
    const [sarifRun] = log.runs;
    const driver = sarifRun.tool.driver;
    expect(driver.name).toBe("HunkGuard");
    expect(driver.rules.map((x: { id: string }) => x.id)).toEqual((await loadRules()).rules.map((x) => x.id));
    const yamlRule = driver.rules.find((x: { id: string }) => x.id === "yaml-load");
    expect(yamlRule.properties.tags).toEqual(expect.arrayContaining(["security", "CWE-502"]));
    expect(yamlRule.properties["security-severity"]).toBe("8.0");
    expect(yamlRule.defaultConfiguration.level).toBe("error");
    expect(yamlRule.help.markdown).toContain("safe_load");

    const yamlResult = sarifRun.results.find((x: { ruleId: string }) => x.ruleId === "yaml-load");
    expect(driver.rules[yamlResult.ruleIndex].id).toBe("yaml-load");
    expect(yamlResult.level).toBe("error");
    expect(yamlResult.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "app/x.py", uriBaseId: "%SRCROOT%" },
      region: { startLine: 6, startColumn: 12, endLine: 6, endColumn: 24 },
    });
    expect(yamlResult.partialFingerprints["hunkguard/v1"]).toMatch(/^[0-9a-f]{20}$/);
    expect(yamlResult.fixes[0].artifactChanges[0].replacements).toEqual([
      { deletedRegion: { startLine: 6, endLine: 6 }, insertedContent: { text: "    return yaml.safe_load(f)" } },
    ]);
    const evalResult = sarifRun.results.find((x: { ruleId: string }) => x.ruleId === "eval");
    expect(evalResult.fixes[0].artifactChanges[0].replacements.map((x: { deletedRegion: { startLine: number } }) => x.deletedRegion.startLine)).toEqual([10, 2]);
    const pickleResult = sarifRun.results.find((x: { ruleId: string }) => x.ruleId === "pickle-load");
    expect(pickleResult.fixes).toBeUndefined();
    expect(sarifRun.invocations[0].toolExecutionNotifications[0].message.text).toBe("app/broken.py was not analysed: not valid UTF-8");
  });

  test("an empty scan is valid SARIF too", async () => {
    const dir = tempDir();
    const log = JSON.parse((await run(dir, ["scan", "--format", "sarif"])).out);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(log.runs[0].results).toEqual([]);
  });
});

describe("review", () => {
  function featureBranch(): string {
    const dir = tempDir();
    git(dir, "init", "-q");
    write(dir, "svc/store.py", "import pickle\nimport yaml\n\n\ndef load(blob):\n    return pickle.loads(blob)\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "base");
    git(dir, "checkout", "-q", "-b", "feature");
    write(dir, "svc/store.py", "import pickle\nimport yaml\n\n\ndef load(blob):\n    return pickle.loads(blob)\n\n\ndef read(f):\n    return yaml.load(f)\n");
    git(dir, "commit", "-q", "-am", "read yaml");
    return dir;
  }

  test("--base prints the comment the bot would post for the added finding only", async () => {
    const dir = featureBranch();
    mkdirSync(join(dir, "svc/sub"));
    const r = await run(join(dir, "svc/sub"), ["review", "--base", "main"]); // from a subfolder: paths are the repo's
    expect(r.err).toBe("");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^Review against main \(merge base [0-9a-f]{12}\): 1 inline comment\./);
    expect(r.out).toContain("Review body:\n  │ **HunkGuard** found 1 security issue(s)");
    expect(r.out).toContain("── comment on svc/store.py line 10 ──\n  │ **🔴 High · YAML loaded with a loader that can build arbitrary objects**");
    expect(r.out).toContain("  │ ```suggestion\n  │     return yaml.safe_load(f)\n  │ ```");
    expect(r.out).toMatch(/│ <!-- hunkguard:fp=[0-9a-f]{20} -->/);
    expect(r.out).toContain("  As a diff:\n  -    return yaml.load(f)\n  +    return yaml.safe_load(f)");
    expect(r.out).not.toContain("pickle-load");
    expect(r.out).toMatch(/1 outside the diff/);
  });

  test("uncommitted changes count; JSON works too", async () => {
    const dir = featureBranch();
    writeFileSync(join(dir, "svc/store.py"), `${readFileSync(join(dir, "svc/store.py"), "utf8")}\nx = eval(input())\n`);
    const r = await runJson(dir, ["review", "--base", "main"]);
    expect(r.json.findings.map((f: { rule: string; line: number }) => [f.rule, f.line])).toEqual([
      ["yaml-load", 10],
      ["eval", 12],
    ]);
  });

  test("follows .github/hunkguard.yml like the app: disabled rules, fail_on, the inline comment cap", async () => {
    const dir = featureBranch();
    write(dir, ".github/hunkguard.yml", "max_inline_comments: 0\nfail_on: never\nbogus: 1\n");
    const capped = await run(dir, ["review", "--base", "main"]);
    expect(capped.code).toBe(0);
    expect(capped.err).toContain(".github/hunkguard.yml: `bogus`: unknown key");
    expect(capped.out).toContain("0 inline comments, 1 more listed in the review body.");
    expect(capped.out).toContain("1 more did not fit as inline comments");
    expect(capped.out).not.toContain("── comment on");
    expect((await run(dir, ["review", "--base", "main", "--fail-on", "high"])).code).toBe(1);
    write(dir, ".github/hunkguard.yml", "disable_rules: [yaml-load]\n");
    const off = await run(dir, ["review", "--base", "main"]);
    expect(off.code).toBe(0);
    expect(off.out).toContain("Nothing to post: no finding on the lines this branch adds.");
  });

  test("without an upstream, main is the default base; with no base at all it exits 2", async () => {
    const dir = featureBranch();
    const r = await run(dir, ["review"]);
    expect(r.out).toMatch(/^Review against main /);
    git(dir, "branch", "-q", "-m", "main", "trunk");
    const none = await run(dir, ["review"]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no base to review against: .*pass --base REF/);
    const unknown = await run(dir, ["review", "--base", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/cannot find the merge base of nope and HEAD/);
  });

  test("outside a git repository it exits 2", async () => {
    const r = await run(tempDir(), ["review", "--base", "main"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/review needs a git repository/);
  });
});
