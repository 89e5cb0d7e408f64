/** Compile Python sources with the real CPython (`python3 -m py_compile`), in one process. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Returns one error message per source that does not compile (empty when all compile). Without
 * CPython the tests fail with a message that says so: they never skip (CI must run them).
 */
export function pyCompileAll(sources: { name: string; code: string }[], python = process.env.PYTHON ?? "python3"): string[] {
  if (!sources.length) return [];
  const dir = mkdtempSync(join(tmpdir(), "hg-pycompile-"));
  try {
    const files = sources.map((s, i) => {
      const f = join(dir, `${i}.py`);
      writeFileSync(f, s.code);
      return f;
    });
    const script = [
      "import py_compile, sys, json",
      "errs = []",
      "for f in sys.argv[1:]:",
      "    try:",
      "        py_compile.compile(f, doraise=True, cfile=f + 'c')",
      "    except py_compile.PyCompileError as e:",
      "        errs.append([f, str(e.msg)])",
      "print(json.dumps(errs))",
    ].join("\n");
    let out: string;
    try {
      out = execFileSync(python, ["-c", script, ...files], { encoding: "utf8" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") {
        throw new Error(`${python} is not installed (not found on PATH): the tests compile every fix they produce with CPython. Install python3 (Debian: apt-get install python3), or set PYTHON to its path.`);
      }
      throw e;
    }
    const errs = JSON.parse(out) as [string, string][];
    return errs.map(([f, msg]) => `${sources[files.indexOf(f)].name}: ${msg}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
