/**
 * The CLI as a CI gate and a pre-commit hook: the repo config, selection, .gitignore, baselines,
 * --output, standard input, --diff from a subfolder, --staged, line counts, one suggestion per
 * set of lines, the review preview, secrets fixes in text, usage errors, `help`, EPIPE, the bench's
 * --help, and the pre-commit hook run on a scratch repository. In-process (`main` with captured
 * I/O) where it can be; the built CLI (compiled here into its own folder) where a real process and
 * pipe matter.
 */
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, rmSync, existsSync, copyFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync, spawnSync } from "node:child_process";
import { parse as parseYaml } from "yaml";
import { main } from "../src/cli/index.js";
import { captureIO, run, runJson } from "./support/cli-io.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "hunkguard-ci-"));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function write(root: string, rel: string, content: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args],
    { cwd, encoding: "utf8", env: GIT_ENV },
  );
}

function repo(): string {
  const dir = tempDir();
  git(dir, "init", "-q");
  return dir;
}

const PICKLE = "import pickle\n\n\ndef load(b):\n    return pickle.loads(b)\n";
const YAML = "import yaml\n\n\ndef read(f):\n    return yaml.load(f)\n";
const paths = (json: { findings: { path: string }[] }) => json.findings.map((f) => f.path);
const rules = (json: { findings: { rule: string }[] }) => json.findings.map((f) => f.rule);

describe("config and selection", () => {
  test("scan reads .github/hunkguard.yml at the git root: exclude, disable_rules, min_severity, fail_on", async () => {
    const dir = repo();
    write(dir, "app/a.py", PICKLE);
    write(dir, "app/b.py", YAML);
    write(dir, "gen/c.py", PICKLE);
    write(dir, ".github/hunkguard.yml", "exclude: ['gen/**']\ndisable_rules: [yaml-load]\nfail_on: never\n");
    const r = await runJson(join(dir, "app"), ["scan", ".."]);
    expect(paths(r.json)).toEqual(["a.py"]); // reported relative to the working directory
    expect(r.code).toBe(0); // fail_on: never
    write(dir, ".github/hunkguard.yml", "min_severity: high\nbogus: 1\n");
    const low = await runJson(dir, ["scan"]);
    expect(low.err).toMatch(/\.github\/hunkguard\.yml: `bogus`: unknown key/);
    expect(rules(low.json).every((id) => id === "pickle-load" || id === "yaml-load")).toBe(true);
  });

  test("--config FILE replaces the repo config; a missing one exits 2", async () => {
    const dir = repo();
    write(dir, "a.py", PICKLE);
    write(dir, "b.py", YAML);
    write(dir, "ci.yml", "disable_rules: [pickle-load]\n");
    const r = await runJson(dir, ["scan", "--config", "ci.yml"]);
    expect(rules(r.json)).toEqual(["yaml-load"]);
    const missing = await run(dir, ["scan", "--config", "nope.yml"]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--config nope\.yml: no such file/);
  });

  test("--exclude GLOB, repeatable; a file named on the command line is still scanned", async () => {
    const dir = repo();
    write(dir, "a.py", PICKLE);
    write(dir, "tests/t.py", PICKLE);
    write(dir, "migrations/m.py", PICKLE);
    const r = await runJson(dir, ["scan", "--exclude", "tests/**", "--exclude", "migrations/"]);
    expect(paths(r.json)).toEqual(["a.py"]);
    const named = await runJson(dir, ["scan", "tests/t.py", "--exclude", "tests/**"]);
    expect(paths(named.json)).toEqual(["tests/t.py"]);
  });

  test("--select and --ignore take rule ids, Bandit ids and Ruff ids; an unknown id is a usage error", async () => {
    const dir = tempDir();
    write(dir, "a.py", PICKLE + YAML);
    expect(rules((await runJson(dir, ["scan", "--select", "pickle-load"])).json)).toEqual(["pickle-load"]);
    expect(rules((await runJson(dir, ["scan", "--select", "B506"])).json)).toEqual(["yaml-load"]);
    expect(rules((await runJson(dir, ["scan", "--select", "s301,S506"])).json).sort()).toEqual(["pickle-load", "yaml-load"]);
    expect(rules((await runJson(dir, ["scan", "--ignore", "S301"])).json)).toEqual(["yaml-load"]);
    const bad = await run(dir, ["scan", "--select", "no-such-rule"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('hunkguard: no rule has the id "no-such-rule" (see hunkguard rules)\nsee hunkguard --help\n');
  });

  test("--min-confidence drops lower-confidence findings and counts them", async () => {
    const dir = tempDir();
    write(dir, "a.py", "import random\n\n\ndef token():\n    return random.random()\n" + PICKLE);
    const all = await runJson(dir, ["scan"]);
    const confidences = all.json.findings.map((f: { confidence: string }) => f.confidence);
    const high = await runJson(dir, ["scan", "--min-confidence", "high"]);
    const kept = confidences.filter((c: string) => c === "high").length;
    expect(high.json.findings).toHaveLength(kept);
    expect(high.json.tally.belowConfidence).toBe(confidences.length - kept);
  });

  test("--quiet prints the findings only, nothing when clean", async () => {
    const dir = tempDir();
    write(dir, "a.py", PICKLE);
    write(dir, "clean/b.py", "x = 1\n");
    const r = await run(dir, ["scan", "-q", "a.py"]);
    expect(r.out).toMatch(/^a\.py:5:12 /);
    expect(r.out).not.toMatch(/Scanned/);
    const clean = await run(dir, ["scan", "--quiet", "clean"]);
    expect([clean.code, clean.out]).toEqual([0, ""]);
  });
});

describe("files", () => {
  test(".gitignore is honoured in a repository (a build/ and a virtualenv called env/ are not scanned)", async () => {
    const dir = repo();
    write(dir, ".gitignore", "build/\nenv/\n");
    write(dir, "a.py", PICKLE);
    write(dir, "build/lib/a.py", PICKLE);
    write(dir, "env/lib/python3.12/site/x.py", PICKLE);
    const r = await runJson(dir, ["scan"]);
    expect(paths(r.json)).toEqual(["a.py"]);
    // outside a repository there is no .gitignore to follow
    const plain = tempDir();
    write(plain, ".gitignore", "build/\n");
    write(plain, "build/a.py", PICKLE);
    expect(paths((await runJson(plain, ["scan"])).json)).toEqual(["build/a.py"]);
  });

  test("line counts: an empty file has 0 lines, a final line break starts none", async () => {
    const dir = tempDir();
    write(dir, "empty.py", "");
    write(dir, "two.py", "a = 1\nb = 2\n");
    write(dir, "open.py", "a = 1\nb = 2");
    expect((await runJson(dir, ["scan", "empty.py"])).json.lines).toBe(0);
    expect((await runJson(dir, ["scan", "two.py"])).json.lines).toBe(2);
    expect((await runJson(dir, ["scan", "open.py"])).json.lines).toBe(2);
    expect((await run(dir, ["scan", "empty.py"])).out).toMatch(/Scanned 1 file \(0 lines\)/);
  });

  test("scan - reads standard input (--stdin-filename names it)", async () => {
    const dir = tempDir();
    const r = await runJson(dir, ["scan", "-"], PICKLE);
    expect(paths(r.json)).toEqual(["stdin.py"]);
    expect(r.code).toBe(1);
    const named = await runJson(dir, ["scan", "-", "--stdin-filename", "app/x.py"], PICKLE);
    expect(named.json.findings[0]).toMatchObject({ path: "app/x.py", line: 5, rule: "pickle-load" });
    expect((await run(dir, ["scan", "a.py", "--stdin-filename", "x.py"])).code).toBe(2);
  });

  test("scan --diff from a subfolder finds the repository root", async () => {
    const dir = repo();
    write(dir, "pkg/a.py", "x = 1\n");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "base");
    write(dir, "pkg/a.py", "x = 1\n" + PICKLE);
    const diff = git(dir, "diff");
    const r = await runJson(join(dir, "pkg"), ["scan", "--diff", "-"], diff);
    expect(r.err).toBe("");
    expect(r.json.findings.map((f: { path: string; line: number }) => [f.path, f.line])).toEqual([["pkg/a.py", 6]]);
  });

  test("--staged scans the lines the index adds, as staged", async () => {
    const dir = repo();
    write(dir, "a.py", "x = 1\n");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "base");
    write(dir, "a.py", "x = 1\n" + PICKLE);
    git(dir, "add", "a.py");
    // an unstaged edit is not what is committed: the staged text is scanned
    write(dir, "a.py", "x = 1\n");
    const r = await runJson(join(dir), ["scan", "--staged"]);
    expect(r.json.findings.map((f: { path: string; line: number }) => [f.path, f.line])).toEqual([["a.py", 6]]);
    expect(r.code).toBe(1);
    git(dir, "reset", "-q");
    expect((await runJson(dir, ["scan", "--staged"])).json.findings).toEqual([]);
    const outside = await run(tempDir(), ["scan", "--staged"]);
    expect([outside.code, outside.err]).toEqual([2, "hunkguard: --staged needs a git repository\n"]);
  });

  test("a file that cannot be analysed exits 2", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bin.py"), Buffer.from([0x00, 0xff, 0xfe, 0x00]));
    const r = await run(dir, ["scan", "--fail-on", "never"]);
    expect(r.code).toBe(2);
    expect((await run(dir, ["scan", "--allow-unanalysed"])).code).toBe(0);
  });
});

describe("baselines", () => {
  test("--write-baseline records the findings; --baseline hides them while the code moves, shows new ones", async () => {
    const dir = repo();
    write(dir, "app/a.py", PICKLE);
    const w = await run(dir, ["scan", "--write-baseline", "hg-baseline.json"]);
    expect(w.code).toBe(0);
    expect(w.err).toBe("hunkguard: wrote 1 finding to the baseline hg-baseline.json\n");
    const file = JSON.parse(readFileSync(join(dir, "hg-baseline.json"), "utf8"));
    expect(Object.keys(file)).toEqual(["version", "tool", "findings"]);
    expect(file).toMatchObject({ version: 1, tool: "hunkguard", findings: [{ path: "app/a.py", rule: "pickle-load" }] });
    expect(Object.keys(file.findings[0])).toEqual(["path", "rule", "fingerprint"]);

    // moved down, and run from a subfolder: still the same finding
    write(dir, "app/a.py", "# header\n\n" + PICKLE);
    const hidden = await runJson(join(dir, "app"), ["scan", "--baseline", "../hg-baseline.json"]);
    expect(hidden.json.findings).toEqual([]);
    expect(hidden.json.tally.baselined).toBe(1);
    expect(hidden.code).toBe(0);
    expect((await run(dir, ["scan", "--baseline", "hg-baseline.json"])).out).toMatch(/1 in the baseline/);

    // a new finding is reported
    write(dir, "app/a.py", "# header\n\n" + PICKLE + YAML);
    const fresh = await runJson(dir, ["scan", "--baseline", "hg-baseline.json"]);
    expect(rules(fresh.json)).toEqual(["yaml-load"]);
    expect(fresh.code).toBe(1);
  });

  test("a file that is not a baseline exits 2 with one line", async () => {
    const dir = tempDir();
    write(dir, "a.py", PICKLE);
    write(dir, "b.json", "{}");
    const r = await run(dir, ["scan", "--baseline", "b.json"]);
    expect([r.code, r.err]).toEqual([2, "hunkguard: " + join(dir, "b.json") + " is not a HunkGuard baseline (version 1; written by --write-baseline)\n"]);
  });
});

describe("output", () => {
  test("--output FILE writes the report there, nothing on standard output", async () => {
    const dir = tempDir();
    write(dir, "a.py", PICKLE);
    const r = await run(dir, ["scan", "--format", "sarif", "--output", "out.sarif"]);
    expect([r.code, r.out]).toEqual([1, ""]);
    expect(JSON.parse(readFileSync(join(dir, "out.sarif"), "utf8")).version).toBe("2.1.0");
    await run(dir, ["scan", "-o", "out.txt"]);
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toMatch(/^a\.py:5:12 .*pickle-load/);
  });

  test("the JSON contract: top-level keys, finding keys and tally keys in their documented order", async () => {
    const dir = tempDir();
    write(dir, "a.py", PICKLE);
    const { json } = await runJson(dir, ["scan"]);
    expect(Object.keys(json)).toEqual(["version", "files", "lines", "findings", "skipped", "unanalysed", "tally"]);
    expect(Object.keys(json.findings[0])).toEqual([
      "rule", "category", "severity", "confidence", "path", "line", "endLine", "column", "endColumn",
      "message", "cwe", "bandit", "ruff", "fingerprint", "fix", "title",
    ]);
    expect(Object.keys(json.tally)).toEqual(expect.arrayContaining(["suppressed", "outsideDiff", "belowSeverity", "belowConfidence", "baselined"]));
  });

  test("two suggestions on the same line: scan offers one, the other is text", async () => {
    const dir = tempDir();
    write(dir, "a.py", 'import requests\nimport yaml\n\ncfg = yaml.load(requests.get("https://example.com/c", verify=False, timeout=5).text)\n');
    const { json } = await runJson(dir, ["scan"]);
    const fixes = json.findings.filter((f: { line: number }) => f.line === 4).map((f: { rule: string; fix: { replacement?: string; withheld?: string } | null }) => [f.rule, f.fix?.replacement !== undefined, f.fix?.withheld ?? null]);
    expect(fixes.filter(([, offered]: [string, boolean]) => offered)).toHaveLength(1);
    expect(fixes.some(([, , why]: [string, boolean, string | null]) => /another suggestion changes the same lines/.test(why ?? ""))).toBe(true);
  });

  test("a secrets fix prints the environment variable's name whole in text output", async () => {
    const dir = tempDir();
    write(dir, "a.py", 'import os\nAWS_SECRET_ACCESS_KEY = "q7TnVb2Rk9LmZp4XyW8sJd3FgH6cE1uA0oNiKt5r"\n');
    const r = await run(dir, ["scan"]);
    expect(r.out).toContain('+AWS_SECRET_ACCESS_KEY = os.environ["AWS_SECRET_ACCESS_KEY"]');
    expect(r.out).not.toContain("q7TnVb2Rk9LmZp4XyW8s");
  });

  test("review: each comment's diff preview is its own finding's suggestion", async () => {
    const dir = repo();
    write(dir, "a.py", "import requests\nimport yaml\n");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "base");
    git(dir, "checkout", "-qb", "feature");
    write(dir, "a.py", 'import requests\nimport yaml\n\ncfg = yaml.load(requests.get("https://example.com/c", verify=False, timeout=5).text)\nres = requests.get("https://example.com/d", verify=False, timeout=5)\n');
    git(dir, "commit", "-qam", "change");
    const r = await run(dir, ["review", "--base", "main"]);
    const blocks = r.out.split("── comment on ").slice(1);
    // line 4 has two findings, one suggestion: its comment shows that suggestion, the other none
    expect(blocks.filter((b) => b.startsWith("a.py line 4 "))).toHaveLength(2);
    expect(blocks.filter((b) => b.includes("As a diff:"))).toHaveLength(2);
    for (const b of blocks) {
      const body = b.split("\n").filter((l) => l.startsWith("  │ ")).map((l) => l.slice(4)).join("\n");
      const suggestion = /```suggestion\n([\s\S]*?)\n```/.exec(body)?.[1];
      const plus = b.split("\n").filter((l) => l.startsWith("  +")).map((l) => l.slice(3));
      if (suggestion !== undefined) expect(plus.join("\n")).toBe(suggestion);
      else expect(plus).toEqual([]);
    }
  });
});

describe("usage", () => {
  test("a usage error prints one line and a pointer to --help, not the help", async () => {
    const dir = tempDir();
    for (const argv of [["scan", "--bogus"], ["lint"], ["scan", "--format", "xml"], []]) {
      const r = await run(dir, argv);
      expect(r.code).toBe(2);
      expect(r.err.split("\n")).toHaveLength(3); // message, pointer, final newline
      expect(r.err).toMatch(/^hunkguard: .*\nsee hunkguard --help\n$/);
    }
  });

  test("hunkguard help prints the help", async () => {
    const r = await run(tempDir(), ["help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: hunkguard <command>/);
  });

  test("review --github runs the Action: outside a pull_request workflow it says so as a workflow error, exit 2", async () => {
    const io = captureIO(tempDir());
    io.env = { GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH: "/nonexistent/event.json", GITHUB_TOKEN: "t" };
    const code = await main(["review", "--github"], io);
    expect(code).toBe(2);
    expect(io.out()).toMatch(/^::error title=HunkGuard::review --github reviews a pull request: run it on the pull_request event/);
  });

  test("--tests takes quiet or report; anything else is a one-line usage error", async () => {
    const r = await run(tempDir(), ["scan", "--tests", "loud"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('hunkguard: --tests must be one of quiet, report (got "loud")\nsee hunkguard --help\n');
  });
});

// ---------------------------------------------------------------------------------------------
// The built CLI, in real processes

let built: string;

beforeAll(() => {
  // compiled into its own folder (never the shared dist/ other tests read), laid out like the package
  built = join(ROOT, "node_modules", ".cache", `cli-ci-${process.pid}`);
  rmSync(built, { recursive: true, force: true });
  mkdirSync(join(built, "bin"), { recursive: true });
  try {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json", "--outDir", join(built, "dist")], { cwd: ROOT, stdio: "pipe" });
  } catch (e) {
    if (!existsSync(join(built, "dist", "src", "cli", "index.js"))) throw new Error(`could not build the CLI: ${String((e as { stdout?: Buffer }).stdout ?? e)}`);
  }
  copyFileSync(join(ROOT, "bin", "hunkguard.js"), join(built, "bin", "hunkguard.js"));
  copyFileSync(join(ROOT, "package.json"), join(built, "package.json"));
  symlinkSync(join(ROOT, "rules"), join(built, "rules"));
}, 180_000);
afterAll(() => rmSync(built, { recursive: true, force: true }));

const binPath = () => join(built, "bin", "hunkguard.js");

describe("test code and the result cache", () => {
  const code = 'DB_PASSWORD = "s3cr3t-Pa55w0rd!"\nimport yaml\n\n\ndef load(x):\n    return yaml.load(x)\n';
  const found = (json: { findings: { path: string; line: number; rule: string }[] }) => json.findings.map((f) => `${f.path}:${f.line} ${f.rule}`);

  test("a dummy-style secret in test code is quiet by default; --tests report and the config's tests: report show it", async () => {
    const root = tempDir();
    write(root, "app/settings.py", code);
    write(root, "tests/test_db.py", code);
    const quiet = await runJson(root, ["scan", "."]);
    expect(found(quiet.json)).toStrictEqual(["app/settings.py:1 hardcoded-password-string", "app/settings.py:6 yaml-load", "tests/test_db.py:6 yaml-load"]);
    const report = await runJson(root, ["scan", ".", "--tests", "report"]);
    expect(found(report.json)).toContain("tests/test_db.py:1 hardcoded-password-string");
    write(root, ".github/hunkguard.yml", "tests: report\n");
    const viaConfig = await runJson(root, ["scan", ".", "--config", ".github/hunkguard.yml"]);
    expect(found(viaConfig.json)).toStrictEqual(found(report.json));
  });

  test("a second scan reads .hunkguard_cache/: the same bytes out, and what it read is the cache's (an edited entry shows)", async () => {
    const root = tempDir();
    write(root, "app/settings.py", code);
    const first = await run(root, ["scan", ".", "--format", "json"]);
    const entries = execFileSync("find", [join(root, ".hunkguard_cache"), "-name", "*.json"], { encoding: "utf8" }).trim().split("\n");
    expect(entries).toHaveLength(1);
    expect(readFileSync(join(root, ".hunkguard_cache", ".gitignore"), "utf8")).toMatch(/^\*$/m);
    const second = await run(root, ["scan", ".", "--format", "json"]);
    expect(second.out).toBe(first.out);
    // the entry is what the second scan reports: proof it was read, not recomputed
    writeFileSync(entries[0], readFileSync(entries[0], "utf8").replace(/yaml\.load/g, "yaml.LOADED"));
    const third = await run(root, ["scan", ".", "--format", "json"]);
    expect(third.out).toMatch(/yaml\.LOADED/);
    // --no-cache analyses again, and a changed file is analysed again
    const fresh = await run(root, ["scan", ".", "--format", "json", "--no-cache"]);
    expect(fresh.out).toBe(first.out);
    write(root, "app/settings.py", code + "\n\ndef again(y):\n    return yaml.load(y)\n");
    const edited = await runJson(root, ["scan", "."]);
    expect(found(edited.json)).toContain("app/settings.py:10 yaml-load");
  });

  test("--no-cache leaves no cache folder behind", async () => {
    const root = tempDir();
    write(root, "app/settings.py", code);
    await run(root, ["scan", ".", "--no-cache"]);
    expect(existsSync(join(root, ".hunkguard_cache"))).toBe(false);
  });
});

describe("the built CLI", () => {
  test("piped into head: no EPIPE stack trace", () => {
    const dir = tempDir();
    for (let i = 0; i < 300; i++) write(dir, `m${i}.py`, PICKLE);
    const r = spawnSync("sh", ["-c", `node '${binPath()}' scan . | head -1`], { cwd: dir, encoding: "utf8", env: { ...process.env, HUNKGUARD_THREADS: "1" } });
    expect(r.stdout).toMatch(/^m0\.py:5:12 /);
    expect(r.stderr).toBe("");
    const rulesHead = spawnSync("sh", ["-c", `node '${binPath()}' rules | head -c 10`], { cwd: dir, encoding: "utf8" });
    expect(rulesHead.stderr).toBe("");
  }, 120_000);

  test("the benches' --help prints their usage, no stack trace", () => {
    const r = spawnSync("node", [join(built, "dist", "bench", "engine.js"), "--help"], { encoding: "utf8" });
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^usage: npm run bench/);
    for (const bench of ["engine", "app", "load", "globs"]) {
      const help = spawnSync("node", [join(built, "dist", "bench", `${bench}.js`), "--help"], { encoding: "utf8" });
      expect([bench, help.status, help.stderr]).toEqual([bench, 0, ""]);
      expect(help.stdout).toMatch(/^usage: /);
      const bad = spawnSync("node", [join(built, "dist", "bench", `${bench}.js`), "--bogus"], { encoding: "utf8" });
      expect([bench, bad.status]).toEqual([bench, 2]);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  test("the pre-commit hook: .pre-commit-hooks.yaml's entry, run as pre-commit runs it, gates a scratch repository's commit", () => {
    const hooks = parseYaml(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as Record<string, unknown>[];
    const hook = hooks.find((h) => h.id === "hunkguard")!;
    expect(hook).toMatchObject({ id: "hunkguard", language: "node", pass_filenames: false, types: ["python"] });
    const [program, ...args] = String(hook.entry).split(" ");
    expect(program).toBe("hunkguard");
    const dir = repo();
    write(dir, "README.md", "x\n");
    write(dir, "app.py", "x = 1\n");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "base");
    // pre-commit runs the entry with no file names, from the repository root
    const hook1 = () => spawnSync("node", [binPath(), ...args], { cwd: dir, encoding: "utf8" });
    write(dir, "app.py", "x = 1\n" + PICKLE);
    git(dir, "add", "app.py");
    const blocked = hook1();
    expect(blocked.status).toBe(1);
    expect(blocked.stdout).toMatch(/app\.py:6:12 .*pickle-load/);
    write(dir, "app.py", "x = 1\nimport json\n");
    git(dir, "add", "app.py");
    const passed = hook1();
    expect([passed.status, passed.stderr]).toEqual([0, ""]);
  });
});
