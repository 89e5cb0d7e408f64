/**
 * Many fixable findings in one file (issue 11, item 8): time and peak memory of one file with N
 * fixable findings — `yaml.load(x)` lines (safe fix), `requests.get(u, verify=False)` lines (two
 * findings each: `requests-verify` and `requests-timeout`, review fixes on the same line) — through
 * the engine and through the CLI (`hunkguard scan FILE --format json`, which also prints every fix).
 * Each measurement runs in a fresh process, so its peak RSS is its own. Prints a table; the cost
 * should grow linearly with N (compare the CPU-per-finding column: CPU time, unlike wall time, does
 * not depend on what else the machine runs). The CLI rows include loading the rules and Node itself.
 *
 *   npm run bench:findings                 # N = 1,000 and 5,000
 *   npm run bench:findings -- 200,1000,5000
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

type Kind = "yaml" | "requests";

export function manyFindings(n: number, kind: Kind): string {
  const lines = kind === "yaml" ? ["import yaml", ""] : ["import requests", ""];
  for (let i = 0; i < n; i++) lines.push(kind === "yaml" ? `c${i} = yaml.load(s${i})` : `r${i} = requests.get(u${i}, verify=False)`);
  return `${lines.join("\n")}\n`;
}

interface Measure {
  ms: number;
  /** CPU time of the process (user + system): what the work cost, whatever else the machine runs */
  cpuMs: number;
  maxRssMb: number;
  findings: number;
  suggestions: number;
  withheld: number;
}

async function child(mode: "engine" | "cli", n: number, kind: Kind): Promise<Measure> {
  const text = manyFindings(n, kind);
  const started = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const cpuMs = () => {
    const d = process.cpuUsage(cpu0);
    return (d.user + d.system) / 1000;
  };
  let findings = 0;
  let suggestions = 0;
  let withheld = 0;
  if (mode === "engine") {
    const { loadRules } = await import("../src/core/rules/load.js");
    const { analyzeSource } = await import("../src/core/engine.js");
    const rules = await loadRules();
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    const a = analyzeSource("many.py", text, { rules });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const spent = process.cpuUsage(c);
    findings = a.findings.length;
    suggestions = a.findings.filter((f) => f.fix?.replacement !== undefined && f.fix.safety !== "explain").length;
    withheld = a.withheldFixes.length;
    return { ms, cpuMs: (spent.user + spent.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, findings, suggestions, withheld };
  }
  const { main } = await import("../src/cli/index.js");
  const dir = mkdtempSync(join(tmpdir(), "hunkguard-bench-"));
  try {
    writeFileSync(join(dir, "many.py"), text);
    let out = "";
    await main(["scan", "many.py", "--format", "json"], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true },
      stdin: (async function* () {})(),
      cwd: dir,
      isTTY: false,
      env: { HUNKGUARD_THREADS: "1" },
    });
    const json = JSON.parse(out) as { findings: { fix: { replacement?: string } | null }[]; tally: { withheldFixes: unknown[] } };
    findings = json.findings.length;
    suggestions = json.findings.filter((f) => f.fix?.replacement !== undefined).length;
    withheld = json.tally.withheldFixes.length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, cpuMs: cpuMs(), maxRssMb: process.resourceUsage().maxRSS / 1024, findings, suggestions, withheld };
}

function measureInChild(mode: "engine" | "cli", n: number, kind: Kind): Measure {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", mode, String(n), kind], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`the ${mode} run for ${n} ${kind} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Measure;
}

async function run(argv: string[]): Promise<void> {
  if (argv[0] === "--child") {
    console.log(JSON.stringify(await child(argv[1] as "engine" | "cli", Number(argv[2]), argv[3] as Kind)));
    return;
  }
  const sizes = (argv[0] ?? "1000,5000").split(",").map(Number);
  console.log("| path | file | findings | suggestions | withheld | time | CPU time | CPU per finding | peak RSS |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const kind of ["yaml", "requests"] as const) {
    for (const n of sizes) {
      for (const mode of ["engine", "cli"] as const) {
        const m = measureInChild(mode, n, kind);
        const file = `${n} × ${kind === "yaml" ? "`yaml.load(x)`" : "`requests.get(u, verify=False)`"}`;
        console.log(
          `| ${mode} | ${file} | ${m.findings} | ${m.suggestions} | ${m.withheld} | ${(m.ms / 1000).toFixed(2)} s | ${(m.cpuMs / 1000).toFixed(2)} s | ${(m.cpuMs / Math.max(1, m.findings)).toFixed(2)} ms | ${m.maxRssMb.toFixed(0)} MiB |`,
        );
      }
    }
  }
}

await run(process.argv.slice(2));
