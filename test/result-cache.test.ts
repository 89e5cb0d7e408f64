/**
 * The result cache never changes what is reported (issue 16): over random edits of a few files —
 * whole files and diffs, versions that come back, findings, fixes, suppressions, syntax errors — the
 * report built with the cache is byte-identical to the one built without it; and the cache hits.
 */
import fc from "fast-check";
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRules } from "../src/core/rules/load.js";
import { filePatchFromContents } from "../src/core/hunks.js";
import { analyzeMany, mergeReports } from "../src/core/pool.js";
import { newReport, finishReport, type Report } from "../src/core/report.js";
import { DiskResultCache } from "../src/core/disk-cache.js";
import { MemoryResultCache, analyzeManyCached, resultKey, type CachedFile, type CacheStats } from "../src/core/result-cache.js";

const rules = await loadRules();

const BASE = `import os
import pickle
import subprocess
import yaml


def handler(request):
    data = request.args.get("q")
    return data
`;

/** Lines an edit may insert: findings with fixes, suppressed ones, clean code, a syntax error. */
const SNIPPETS = [
  "    os.system(\"ping \" + data)",
  "    return yaml.load(data)",
  "    pickle.loads(data)  # nosec",
  "    subprocess.run(data, shell=True)",
  "    x = eval(data)",
  "    password = \"hunter2hunter2\"",
  "    return data",
  "    if data:",
  "        pass",
  "    return (data",
  "",
];

const edit = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(20), line: fc.constantFrom(...SNIPPETS) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(20) }),
);

function applyEdits(text: string, edits: { kind: "insert" | "delete"; at: number; line?: string }[]): string {
  const lines = text.split("\n");
  for (const e of edits) {
    const at = Math.min(e.at, lines.length - 1);
    if (e.kind === "insert") lines.splice(Math.max(7, at), 0, e.line!);
    else if (at >= 7 && lines.length > 9) lines.splice(at, 1);
  }
  return lines.join("\n");
}

const OPTIONS = { rules, minFiles: Infinity };

const asJson = (parts: Report[]) => JSON.stringify(finishReport(mergeReports(newReport(), parts)));

test("cached and uncached reports are byte-identical over random edits", async () => {
  const cache = new MemoryResultCache(1024 * 1024);
  const stats: CacheStats = { hits: 0, analysed: 0 };
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(edit, { maxLength: 4 }), { minLength: 3, maxLength: 3 }),
      fc.boolean(),
      fc.constantFrom("added" as const, "diff_context" as const),
      async (perFile, asDiff, mode) => {
        const files: CachedFile[] = perFile.map((edits, i) => {
          const text = applyEdits(BASE, edits);
          return { path: `app/m${i}.py`, text, ...(asDiff ? { patch: filePatchFromContents(BASE, text) } : {}) };
        });
        const opts = { ...OPTIONS, mode };
        const without = asJson(await analyzeMany(files, opts));
        const withCache = asJson(await analyzeManyCached(files, opts, null, cache, stats));
        expect(withCache).toBe(without);
        // and again, now all from the cache
        expect(asJson(await analyzeManyCached(files, opts, null, cache, stats))).toBe(without);
      },
    ),
    { numRuns: 60, seed: 16 },
  );
  expect(stats.hits).toBeGreaterThan(stats.analysed);
});

test("the key changes with the path, the text, the hunks, the options and the version", () => {
  const text = `${BASE}    x = eval(data)\n`;
  const file = { path: "a.py", text };
  const k = resultKey(file, {}, "v1");
  expect(resultKey({ ...file }, {}, "v1")).toBe(k);
  expect(resultKey({ ...file, path: "b.py" }, {}, "v1")).not.toBe(k);
  expect(resultKey({ ...file, text: text + "\n" }, {}, "v1")).not.toBe(k);
  expect(resultKey({ ...file, patch: filePatchFromContents(BASE, text) }, {}, "v1")).not.toBe(k);
  expect(resultKey(file, { mode: "diff_context" }, "v1")).not.toBe(k);
  expect(resultKey(file, { enabledRules: ["eval"] }, "v1")).not.toBe(k);
  expect(resultKey(file, { minSeverity: "high" }, "v1")).not.toBe(k);
  expect(resultKey(file, { fixes: false }, "v1")).not.toBe(k);
  expect(resultKey(file, {}, "v2")).not.toBe(k);
  expect(resultKey({ ...file, contentId: "a".repeat(40) }, {}, "v1")).not.toBe(k);
});

test("the memory cache is an LRU bounded by bytes", async () => {
  const report = (n: number): Report => ({ ...newReport(), files: 1, lines: n, excerpts: { "x.py": { 1: "y".repeat(1000) } } });
  const cache = new MemoryResultCache(10_000);
  for (let i = 0; i < 10; i++) await cache.set(`k${i}`, report(i));
  expect(cache.usedBytes).toBeLessThanOrEqual(10_000);
  expect(await cache.get("k0")).toBeUndefined();
  expect((await cache.get("k9"))?.lines).toBe(9);
  // k9 is now the most recent: filling evicts the others first
  const before = cache.size;
  await cache.set("k10", report(10));
  expect(cache.size).toBe(before);
  expect(await cache.get("k9")).toBeDefined();
  // a value larger than the whole cache is not stored
  await cache.set("big", { ...report(0), excerpts: { "x.py": { 1: "z".repeat(20_000) } } });
  expect(await cache.get("big")).toBeUndefined();
  // size 0 stores nothing
  const off = new MemoryResultCache(0);
  await off.set("k", report(1));
  expect(await off.get("k")).toBeUndefined();
});

test("a report with a skipped file or a failed rule is not stored", async () => {
  const cache = new MemoryResultCache();
  const files: CachedFile[] = [{ path: "bin.py", text: "x = 1\u0000" }];
  await analyzeManyCached(files, OPTIONS, null, cache);
  expect(cache.size).toBe(0);
});

describe("the CLI's disk cache", () => {
  test("byte-identical reports over random edits, as the CLI's loop would use it; folders and --no-cache", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "hg-cache-"));
    const disk = DiskResultCache.open({ cwd })!;
    expect(disk.root).toBe(join(cwd, ".hunkguard_cache"));
    expect(existsSync(join(cwd, ".hunkguard_cache", ".gitignore"))).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { maxLength: 4 }), fc.boolean(), async (edits, asDiff) => {
        const text = applyEdits(BASE, edits);
        const file = { path: "app/m.py", text, ...(asDiff ? { patch: filePatchFromContents(BASE, text) } : {}) };
        const fresh = await analyzeMany([file], OPTIONS);
        const key = disk.key(file, {});
        const report = disk.getSync(key) ?? fresh[0];
        disk.setSync(key, fresh[0]);
        expect(asJson([disk.getSync(key) ?? fresh[0]])).toBe(asJson(fresh));
        expect(asJson([report])).toBe(asJson(fresh));
      }),
      { numRuns: 40, seed: 7 },
    );
    expect(disk.hits).toBeGreaterThan(40);
    // another version's folder is removed when the cache opens
    mkdirSync(join(disk.root, "0".repeat(32)));
    DiskResultCache.open({ cwd });
    expect(readdirSync(disk.root).filter((n) => /^[0-9a-f]{32}$/.test(n))).toStrictEqual([disk.dir.split(/[\\/]/).pop()]);
    // HUNKGUARD_CACHE_DIR, relative to the working folder; --no-cache
    expect(DiskResultCache.open({ cwd, env: { HUNKGUARD_CACHE_DIR: "elsewhere" } })!.root).toBe(join(cwd, "elsewhere"));
    expect(DiskResultCache.open({ cwd, disabled: true })).toBeNull();
  });
});
