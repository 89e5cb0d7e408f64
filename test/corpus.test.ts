/**
 * The fix pairs in test/fixtures/corpus-fixes: tiers A and B must produce the `after` text (or the
 * alternative we argue for below), tier C must offer no one-click change; every produced fix must
 * compile with CPython and make the finding go away.
 */
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";
import { applyAll, suggestionsOf } from "./support/apply.js";
import { pyCompileAll } from "./support/python.js";

const corpus = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "corpus-fixes");
const rows = readFileSync(join(corpus, "index.tsv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split("\t"))
  .map(([pattern, stem, tier]) => ({ pattern, stem, tier: tier as "A" | "B" | "C" }));

/**
 * Where we produce a different (and, we argue, better) text than the pair. Each entry says why.
 */
const ARGUED: Record<string, { after: string; why: string }> = {
  "yaml-load__2": {
    after: 'import yaml\ncfg = yaml.safe_load(open("c.yml"))  # keep comment\n',
    why: "one consistent rewrite for every unsafe loader (as the pair yaml-load__3 does): `safe_load` is the idiomatic form and cannot be re-pointed at an unsafe Loader later",
  },
  "mktemp__2": {
    after: "import os\nimport tempfile\nworkdir = tempfile.mkdtemp()\n",
    why: "mkdtemp already creates the directory; the os.mkdir the pair keeps would raise FileExistsError",
  },
  "os-system-fstring__1": {
    after: 'import os\nimport shlex\nimport subprocess\ndef convert(src, dst):\n    subprocess.run(["convert", src, "-resize", "50%", dst], check=False)\n',
    why: "the command is a template of words: an argument list without the shell leaves nothing to inject, where quoting keeps the shell the finding is about (issue 11, item 19); `import subprocess` comes as a second suggestion on the import block",
  },
  "os-system-fstring__2": {
    after: "import os\nimport shlex\ndef grep(pattern, path):\n    os.system(f\"grep '{pattern}' {path}\")\n",
    why: "the command uses shell quotes: no argument list replaces it mechanically, and a one-click `shlex.quote` would keep the shell (issue 11, item 19); explained instead",
  },
  "subprocess-fstring-shell__2": {
    after: "import shlex\nimport subprocess\ndef count(path):\n    subprocess.run(f\"cat {path} | wc -l > /tmp/out\", shell=True, check=True)\n",
    why: "a pipeline and a redirection need the shell: a one-click `shlex.quote` keeping `shell=True` is not offered (issue 11, item 19); explained instead",
  },
  "eval__2": {
    after: "def parse_ids(raw):\n    import ast\n    ids = ast.literal_eval(raw)\n    return ids\n",
    why: "a suggestion should not plant a TODO comment in the author's code; the comment tells them where the import went",
  },
};

/** Pairs whose `before` HunkGuard no longer reports, on purpose. Each entry says why. */
const NOT_REPORTED: Record<string, string> = {
  "os-system-literal__1": "a constant command cannot be injected: constant commands are not reported (issue 14, rule tests' `ok` lines)",
  "hash-md5__1": "an ETag identifies data and protects nothing: weak-hash no longer reports md5/sha1 whose names say checksum, ETag or cache key (issue 14, rule tests' and apps' `ok` lines, real-corpus labels)",
};

const rules = await loadRules();
const produced: { name: string; code: string }[] = [];

describe.each(rows.map((r) => [r.stem, r] as const))("%s", (stem, row) => {
  const before = readFileSync(join(corpus, `${stem}.before.py`), "utf8");
  const after = readFileSync(join(corpus, `${stem}.after.py`), "utf8");

  test(NOT_REPORTED[stem] ? "is not reported (on purpose)" : row.tier === "C" ? "is reported with no one-click change" : "produces the expected after text", () => {
    const result = analyzeSource(`${stem}.py`, before, { rules });
    if (NOT_REPORTED[stem]) {
      expect(result.findings).toEqual([]);
      return;
    }
    expect(result.findings.length).toBeGreaterThan(0);
    const suggestions = suggestionsOf(result.findings);
    if (row.tier === "C") {
      expect(suggestions).toEqual([]);
      for (const f of result.findings) expect(f.fix === null || f.fix.replacement === undefined).toBe(true);
      return;
    }
    const expected = ARGUED[stem]?.after ?? after;
    const text = applyAll(before, suggestions);
    expect(text).toBe(expected);
    produced.push({ name: stem, code: text });
    // the finding the pair is about is gone
    const again = analyzeSource(`${stem}.py`, text, { rules, fixes: false });
    const fixedRules = new Set(result.findings.filter((f) => f.fix?.replacement !== undefined).map((f) => f.rule));
    expect(again.findings.filter((f) => fixedRules.has(f.rule))).toEqual([]);
  });
});

test("every produced fix compiles with CPython", () => {
  expect(produced.length).toBeGreaterThan(0);
  expect(pyCompileAll(produced)).toEqual([]);
});
