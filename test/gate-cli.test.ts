/**
 * Issue 11 through the CLI, the way an attacker's file reaches it: `main(argv, io)` in-process over
 * temp folders and throw-away git repositories. Each test names the item of issue 11 it covers and
 * checks what a user (or CI) gets: the exit code, the findings, what the output holds and must not.
 */
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { captureIO, run, runJson } from "./support/cli-io.js";

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "hunkguard-gate-"));
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

const where = (findings: { rule: string; line: number }[]) => findings.map((f) => `${f.rule}@${f.line}`);

describe("item 1: deep expressions are analysed, not lost to a stack overflow or a walk budget", () => {
  const terms = (n: number, term: string) => Array(n).fill(term).join(" + ");

  test("a command joined from 3,000 `+` pieces and a query inside 3,000 parentheses: both reported, exit 1", async () => {
    const dir = tempDir();
    write(dir, "deep.py", [
      "import os",
      "import sqlite3",
      "",
      "def ping(h):",
      `    os.system("ping " + ${terms(3000, "h")})`,
      "",
      "def find(c, v):",
      `    c.execute(${"(".repeat(3000)}"SELECT * FROM t WHERE a = " + v${")".repeat(3000)})`,
      "",
    ].join("\n"));
    const r = await runJson(dir, ["scan", "deep.py", "--no-fixes"]);
    expect(r.json.tally.ruleFailures).toEqual([]);
    expect(r.json.unanalysed).toEqual([]);
    expect(where(r.json.findings)).toEqual(["os-system@5", "sql-injection@8"]);
    expect(r.code).toBe(1);
  });

  test("a query joined from 200 values is still SQL injection (past the old walk budget of ~150 terms)", async () => {
    const dir = tempDir();
    write(dir, "q.py", `import sqlite3\ndef q(cur, name):\n    cur.execute("SELECT * FROM users WHERE name = '" + ${terms(200, "name")} + "'")\n`);
    const r = await runJson(dir, ["scan", "q.py", "--no-fixes"]);
    expect(where(r.json.findings)).toEqual(["sql-injection@3"]);
    expect(r.code).toBe(1);
  });

  test("a file mode inside 50 parentheses and a path built from 30 pieces with request data are still reported", async () => {
    const dir = tempDir();
    write(dir, "m.py", `import os\nos.chmod("/srv/x", ${"(".repeat(50)}0o777${")".repeat(50)})\n`);
    write(dir, "p.py", `from flask import request, send_file\ndef f():\n    return send_file("/srv/" + ${terms(30, '"a"')} + request.args["f"])\n`);
    const r = await runJson(dir, ["scan", ".", "--no-fixes"]);
    expect(r.json.findings.map((f: { rule: string; path: string }) => `${f.path}:${f.rule}`)).toEqual(["m.py:file-permissions", "p.py:path-traversal-request"]);
  });
});

describe("item 2: a file that could not be analysed makes the exit code 2, named; unless --allow-unanalysed", () => {
  test("a Latin-1 file with its PEP 263 coding cookie is decoded as Python does and analysed", async () => {
    const dir = tempDir();
    write(dir, "latin.py", Buffer.concat([
      Buffer.from("# -*- coding: latin-1 -*-\nimport yaml\nNAME = 'caf"),
      Buffer.from([0xe9]),
      Buffer.from("'\ncfg = yaml.load(open('c.yml'))\n"),
    ]));
    // the cookie may also sit on line 2, after a shebang
    write(dir, "cp1252.py", Buffer.concat([
      Buffer.from("#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nimport pickle\nEURO = '"),
      Buffer.from([0x80]),
      Buffer.from("'\nobj = pickle.loads(blob)\n"),
    ]));
    const r = await runJson(dir, ["scan", "."]);
    expect(r.json.skipped).toEqual([]);
    expect(r.json.findings.map((f: { path: string; rule: string; line: number }) => `${f.path}:${f.rule}@${f.line}`)).toEqual([
      "cp1252.py:pickle-load@5",
      "latin.py:yaml-load@4",
    ]);
    expect(r.code).toBe(1);
  });

  test("bytes the declared encoding cannot decode, no cookie and not UTF-8, or an unknown encoding: skipped, named, exit 2", async () => {
    const dir = tempDir();
    write(dir, "ascii.py", Buffer.concat([Buffer.from("# coding: ascii\nimport os\nos.system('rm ' + x)  # "), Buffer.from([0xe9]), Buffer.from("\n")]));
    write(dir, "guess.py", Buffer.concat([Buffer.from("import os\n# caf"), Buffer.from([0xe9]), Buffer.from("\nos.system('rm ' + x)\n")]));
    write(dir, "klingon.py", "# coding: klingon-8\nimport os\nos.system('rm ' + x)\n");
    write(dir, "ok.py", "x = 1\n");
    const r = await runJson(dir, ["scan", "."]);
    expect(r.json.findings).toEqual([]);
    expect(r.json.unanalysed.map((u: { path: string; reason: string }) => u.path)).toEqual(["ascii.py", "guess.py", "klingon.py"]);
    expect(r.json.unanalysed[0].reason).toMatch(/not valid ascii/);
    expect(r.json.unanalysed[1].reason).toBe("not valid UTF-8");
    expect(r.json.unanalysed[2].reason).toMatch(/klingon-8/);
    expect(r.code).toBe(2);
    const text = await run(dir, ["scan", "."]);
    expect(text.code).toBe(2);
    expect(text.out).toContain("3 files not analysed (listed above): the exit code is 2 unless --allow-unanalysed.");
    expect((await run(dir, ["scan", ".", "--allow-unanalysed"])).code).toBe(0);
  });

  test("code that does not parse on the scanned lines is not analysed: exit 2 even with no finding", async () => {
    const dir = tempDir();
    // tree-sitter cannot read the statement, so no rule sees the os.system in it
    write(dir, "broken.py", "import os\ndef f(h):\n    os.system('ping ' + h) +* ]\n");
    const r = await runJson(dir, ["scan", "broken.py"]);
    expect(r.json.unanalysed).toEqual([{ path: "broken.py", reason: expect.stringMatching(/^syntax errors on line 3: that code was not analysed$/) }]);
    expect(r.code).toBe(2);
    expect((await run(dir, ["scan", "broken.py", "--allow-unanalysed", "--fail-on", "never"])).code).toBe(0);
  });

  test("scan --diff: a syntax error only outside the lines the diff adds does not count", async () => {
    const dir = tempDir();
    git(dir, "init", "-q");
    write(dir, "svc.py", "import yaml\ndef broken(:\n    pass\n\n\n\n\n\ndef ok():\n    return 1\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "base");
    write(dir, "svc.py", "import yaml\ndef broken(:\n    pass\n\n\n\n\n\ndef ok():\n    return yaml.load(f)\n");
    const r = await runJson(dir, ["scan", "--diff", "-"], git(dir, "diff"));
    expect(r.json.unanalysed).toEqual([]);
    expect(where(r.json.findings)).toEqual(["yaml-load@10"]);
    expect(r.code).toBe(1);
  });
});

describe("item 3: suppression comments are comments, never text inside a string", () => {
  test("`# nosec` inside the command string suppresses nothing; a real `# nosec` comment still does", async () => {
    const dir = tempDir();
    write(dir, "s.py", [
      "import os",
      "def ping(host):",
      '    os.system("ping " + host + " # nosec")',
      '    os.system("ping " + host + " # hunkguard: ignore")',
      '    os.system("ping " + host)  # nosec',
      '    os.system("ping " + host + "  # noqa: S605")',
      "",
    ].join("\n"));
    const r = await runJson(dir, ["scan", "s.py", "--no-fixes"]);
    expect(where(r.json.findings)).toEqual(["os-system@3", "os-system@4", "os-system@6"]);
    expect(r.json.tally.suppressed).toBe(1);
    expect(r.code).toBe(1);
  });
});

describe("item 13: secrets never reach the CLI's output, whichever rule's finding shows the line", () => {
  const body = Array.from({ length: 4 }, () => randomBytes(48).toString("base64")).join("\n");
  const token = `ghp_${"16C7e42F292c6912E7710c838347Ae178B4a"}`;
  const code = [
    "import yaml",
    'KEY = """-----BEGIN RSA PRIVATE KEY-----',
    body,
    '-----END RSA PRIVATE KEY-----"""',
    `cfg = yaml.load(open("c.yml"))  # deploy token ${token}`,
    "",
  ].join("\n");

  test.each(["text", "json", "sarif"])("--format %s: no private-key body line, no token in a comment", async (format) => {
    const dir = tempDir();
    write(dir, "keys.py", code);
    const r = await run(dir, ["scan", "keys.py", "--format", format]);
    expect(r.code).toBe(1);
    for (const line of body.split("\n")) expect(r.out).not.toContain(line.slice(0, 24));
    expect(r.out).not.toContain(token);
    expect(r.out).not.toContain(token.slice(4, 20));
    if (format === "text") {
      // the findings are still shown, with the lines masked
      expect(r.out).toContain("keys.py:8:7  HIGH    yaml-load");
      expect(r.out).toContain("# deploy token ghp_…");
    }
  });

  test("the yaml-load suggestion would repeat the token in the line's comment: withheld, shown as masked text", async () => {
    const dir = tempDir();
    write(dir, "keys.py", code);
    const r = await runJson(dir, ["scan", "keys.py"]);
    const yaml = r.json.findings.find((f: { rule: string }) => f.rule === "yaml-load");
    expect(yaml.fix).toEqual({
      safety: "explain",
      startLine: 8,
      endLine: 8,
      example: 'cfg = yaml.safe_load(open("c.yml"))  # deploy token ghp_…\n',
      withheld: "the suggestion would repeat a secret that is in this file (shown as text, masked)",
    });
  });
});

describe("item 14: the scan stays inside its root", () => {
  test("scan . does not follow a committed symlink to a file outside the folder, and says so", async () => {
    const outside = tempDir();
    write(outside, "secret_settings.py", "PASSWORD_HINT = 'outside-the-root-do-not-print'\nimport os\nos.system('x' + y)\n");
    const dir = tempDir();
    write(dir, "app.py", "import yaml\nyaml.load(f)\n");
    symlinkSync(join(outside, "secret_settings.py"), join(dir, "settings.py"));
    const r = await runJson(dir, ["scan", "."]);
    expect(r.out).not.toContain("outside-the-root-do-not-print");
    expect(r.json.findings.map((f: { path: string }) => f.path)).toEqual(["app.py"]);
    expect(r.json.skipped).toEqual([{ path: "settings.py", reason: "a symbolic link to a file outside the scanned folder: not followed" }]);
    expect(r.code).toBe(2);
    const text = await run(dir, ["scan", "."]);
    expect(text.out).toContain("skipped settings.py: a symbolic link to a file outside the scanned folder: not followed");
    expect(text.out).not.toContain("outside-the-root-do-not-print");
  });

  test("a symlink inside the folder to a file inside it is scanned as before", async () => {
    const dir = tempDir();
    write(dir, "real/app.py", "import yaml\nyaml.load(f)\n");
    symlinkSync(join(dir, "real", "app.py"), join(dir, "alias.py"));
    const r = await runJson(dir, ["scan", "."]);
    expect(r.json.findings.map((f: { path: string }) => f.path)).toEqual(["alias.py", "real/app.py"]);
  });

  test.each([
    ["a relative path climbing out", "../outside.py"],
    ["a path climbing out through a folder", "svc/../../outside.py"],
    ["an absolute path", "/OUTSIDE/outside.py"],
  ])("scan --diff refuses %s, with a clear message, and reads nothing", async (_name, target) => {
    const parent = tempDir();
    const dir = join(parent, "repo");
    mkdirSync(dir);
    write(parent, "outside.py", "import os\nos.system('leak ' + x)  # outside-the-root-do-not-print\n");
    const path = target.replace("/OUTSIDE", parent);
    const diff = `--- /dev/null\n+++ b/${path.replace(/^\//, "")}\n@@ -0,0 +1,2 @@\n+import os\n+os.system('leak ' + x)  # outside-the-root-do-not-print\n`;
    const abs = `--- /dev/null\n+++ ${path}\n@@ -0,0 +1,2 @@\n+import os\n+os.system('leak ' + x)  # outside-the-root-do-not-print\n`;
    const r = await runJson(dir, ["scan", "--diff", "-"], target.startsWith("/") ? abs : diff);
    expect(r.code).toBe(2);
    expect(r.err).toContain("a path outside the repository root: refused (not read)");
    expect(r.out).not.toContain("outside-the-root-do-not-print");
    expect(r.json.findings).toEqual([]);
  });

  test("scan --diff refuses a file of the diff that is a symlink to outside the repository", async () => {
    const outside = tempDir();
    write(outside, "x.py", "import os\nos.system('leak ' + x)  # outside-the-root-do-not-print\n");
    const dir = tempDir();
    symlinkSync(join(outside, "x.py"), join(dir, "x.py"));
    const diff = "--- /dev/null\n+++ b/x.py\n@@ -0,0 +1,2 @@\n+import os\n+os.system('leak ' + x)\n";
    const r = await runJson(dir, ["scan", "--diff", "-"], diff);
    expect(r.code).toBe(2);
    expect(r.err).toContain("x.py is a symbolic link to a file outside the repository root: refused (not read)");
    expect(r.out).not.toContain("outside-the-root-do-not-print");
  });
});

describe("item 20 (c): `exclude` globs in .github/hunkguard.yml are honoured by `review`", () => {
  test("a finding in an excluded folder is not reported; the same file outside it is", async () => {
    const dir = tempDir();
    git(dir, "init", "-q");
    write(dir, "README.md", "x\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "base");
    git(dir, "checkout", "-q", "-b", "feature");
    write(dir, "tests/test_load.py", "import yaml\nyaml.load(f)\n");
    write(dir, "app/load.py", "import yaml\nyaml.load(f)\n");
    write(dir, ".github/hunkguard.yml", 'exclude: ["tests/**"]\n');
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "feature");
    const r = await runJson(dir, ["review", "--base", "main"]);
    expect(r.json.findings.map((f: { path: string }) => f.path)).toEqual(["app/load.py"]);
    const text = await run(dir, ["review", "--base", "main"]);
    expect(text.out).toContain("1 changed Python file left out by include/exclude in .github/hunkguard.yml.");
    expect(text.out).not.toContain("tests/test_load.py");
  });
});
