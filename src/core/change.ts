/**
 * One change (a pull request, a branch, a diff, or whole files) → one report. The app's pipeline,
 * the Action and the CLI all build their report here: file texts and, for a diff, each file's patch
 * in; findings sorted, skipped files listed, findings below `minSeverity` counted, out.
 */
import { changedLinesOf } from "./hunks.js";
import { newReport, finishReport, type Report } from "./report.js";
import { AnalysisPool, analyzeFileReport, mergeReports, type AnalyzeManyOptions } from "./pool.js";
import { analysisVersion, analyzeManyCached, cacheable, resultKey, type CachedFile, type CacheStats, type ResultCache } from "./result-cache.js";
import { SEVERITY_RANK, type SkippedFile } from "./finding.js";

export { changedLinesOf };

export interface AnalyzeChangeOptions extends AnalyzeManyOptions {
  /** files already known not to be analysed (unreadable, over a limit): listed in the report */
  skipped?: SkippedFile[];
  /** on this thread, awaited after each file (the CLI releases tree-sitter's native memory there) */
  afterFile?: () => Promise<void>;
  /** leave the report unsorted (a caller merging several calls sorts once at the end) */
  unsorted?: boolean;
  /** per-file reports by content (the app's LRU or Redis): unchanged files are not analysed again */
  cache?: ResultCache | null;
  /** counts hits and analyses when given */
  cacheStats?: CacheStats;
}

export interface ChangeReport {
  report: Report;
  /** findings below `minSeverity`: not reported, counted */
  belowSeverity: number;
}

/**
 * Analyse the files of one change. On `pool` (when given and the input is large enough for
 * `minFiles`/`minLines`), else on this thread. `minSeverity` is applied here, after the engine, so
 * what it drops is counted.
 */
export async function analyzeChange(files: CachedFile[], opts: AnalyzeChangeOptions, pool?: AnalysisPool | null): Promise<ChangeReport> {
  const { minSeverity, skipped, afterFile, unsorted, cache, cacheStats, ...run } = opts;
  let perFile: Report[];
  if (pool || !afterFile) perFile = await analyzeManyCached(files, run, pool, cache, cacheStats);
  else {
    perFile = [];
    const version = cache ? analysisVersion() : "";
    for (const f of files) {
      const key = cache ? resultKey(f, run, version) : undefined;
      let report = key ? await cache!.get(key) : undefined;
      if (report) {
        if (cacheStats) cacheStats.hits++;
      } else {
        await afterFile();
        report = analyzeFileReport(f, run.rules, run);
        if (cacheStats) cacheStats.analysed++;
        if (key && cacheable(report)) await cache!.set(key, report);
      }
      perFile.push(report);
    }
  }
  const report = newReport();
  report.skipped.push(...(skipped ?? []));
  mergeReports(report, perFile);
  const minRank = minSeverity ? SEVERITY_RANK[minSeverity] : 0;
  const kept = report.findings.filter((f) => SEVERITY_RANK[f.severity] >= minRank);
  const belowSeverity = report.findings.length - kept.length;
  report.findings = kept;
  if (!unsorted) finishReport(report);
  return { report, belowSeverity };
}
