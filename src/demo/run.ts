/**
 * `npm run demo`: the real app, a real signed webhook over HTTP, a local stand-in for GitHub serving
 * the example pull request (examples/demo-pr); prints the review comments and the check run exactly
 * as posted, then a short legend of what was found where and what change was offered.
 * No GitHub account, no network beyond loopback.
 */
import { startHarness, type HarnessOptions } from "./harness.js";
import { demoPayload, demoPull, DEMO } from "./pull.js";
import { loadRules, type RuleSet } from "../core/rules/load.js";

function rule(title: string): string {
  return `\n${"═".repeat(4)} ${title} ${"═".repeat(Math.max(4, 76 - title.length))}\n`;
}

/** The practice each rule category is about, as the legend names it. */
const PRACTICE: Record<string, string> = {
  tls: "HTTPS",
  secrets: "authentication",
  auth: "authentication",
  jwt: "authentication",
  sqli: "input validation",
  yaml: "input validation",
  "rate-limit": "rate limiting",
  deserialization: "deserialization",
  "code-exec": "code execution",
  "command-injection": "shell commands",
};

export interface LegendRow {
  practice: string;
  where: string;
  rule: string;
  change: string;
}

const ORDER = ["HTTPS", "authentication", "input validation", "rate limiting", "deserialization", "code execution", "shell commands"];

/** One row per inline comment: what it is about, where, which rule, and the change it offers. */
export function legendRows(comments: { path: string; line: number; body: string }[], rules: RuleSet): LegendRow[] {
  return comments.map((c) => {
    const id = /<sub>\[`([a-z0-9-]+)`\]/.exec(c.body)?.[1] ?? "?";
    const category = rules.byId.get(id)?.category ?? "";
    const change = c.body.includes("**Suggested fix:**")
      ? "one-click suggestion"
      : c.body.includes("**Suggested fix** (review before accepting)")
        ? "one-click suggestion, with a caveat"
        : "explained; no one-click change";
    return { practice: PRACTICE[category] ?? category, where: `${c.path}:${c.line}`, rule: id, change };
  }).sort((a, b) => rank(a.practice) - rank(b.practice));
}

const rank = (practice: string) => (ORDER.includes(practice) ? ORDER.indexOf(practice) : ORDER.length);

function table(rows: LegendRow[]): string {
  const cols: (keyof LegendRow)[] = ["practice", "where", "rule", "change"];
  const width = (k: keyof LegendRow) => Math.max(k.length, ...rows.map((r) => r[k].length));
  const line = (r: Record<keyof LegendRow, string>) => `  ${cols.map((k) => r[k].padEnd(width(k))).join("  ")}`.trimEnd();
  return [line({ practice: "practice", where: "where", rule: "rule", change: "change offered" }), ...rows.map(line)].join("\n");
}

export async function runDemo(out: (s: string) => void = (s) => process.stdout.write(s), opts: HarnessOptions = {}): Promise<number> {
  const rules = opts.rules ?? (await loadRules());
  const h = await startHarness({ ...opts, rules });
  try {
    h.standin.addPull(demoPull());
    const status = await h.deliver("pull_request", demoPayload());
    out(`Delivered pull_request.opened for ${DEMO.owner}/${DEMO.repo}#${DEMO.number} → HTTP ${status}\n`);
    await h.queue.idle();

    const reviews = h.standin.reviews(DEMO.owner, DEMO.repo, DEMO.number);
    for (const review of reviews) {
      out(rule(`Review ${review.id} (event ${review.state ?? "COMMENTED"}, commit ${String(review.commit_id).slice(0, 7)})`));
      out(`${review.body}\n`);
      for (const c of review.comments ?? []) {
        const where = c.start_line ? `${c.path}:${c.start_line}-${c.line}` : `${c.path}:${c.line}`;
        out(rule(`Inline comment on ${where}`));
        out(`${c.body}\n`);
      }
    }
    const runs = h.standin.checkRuns(DEMO.owner, DEMO.repo);
    for (const run of runs) {
      out(rule(`Check run "${run.name}": ${run.status} / ${run.conclusion}`));
      out(`${run.output?.title}\n\n${run.output?.summary}\n`);
      for (const a of run.annotations ?? run.output?.annotations ?? []) {
        out(`  ${a.annotation_level.padEnd(7)} ${a.path}:${a.start_line}  ${a.title}\n`);
      }
    }
    const gh = h.standin.requests.map((r) => `${r.method} ${r.path}`);
    out(rule(`${gh.length} requests reached the GitHub stand-in`));
    out(gh.join("\n") + "\n");

    const comments = reviews.flatMap((r) => r.comments ?? []);
    out(rule("What HunkGuard posted"));
    out(`One review with ${comments.length} inline comment(s) on lines this pull request adds, and the check run`);
    out(` "HunkGuard" (${runs[0]?.conclusion ?? "?"}) with ${runs[0]?.annotations?.length ?? 0} annotation(s):\n\n`);
    out(`${table(legendRows(comments, rules))}\n\n`);
    out("Not flagged: the eval() in app/reports.py's legacy_total — the pull request does not touch it.\n");

    const ok = reviews.length === 1 && runs.length === 1 && runs[0].status === "completed";
    if (!ok) out("\nThe demo did not produce one review and one completed check run.\n");
    return ok ? 0 : 1;
  } finally {
    await h.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDemo().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`demo failed: ${(e as Error).stack ?? e}\n`);
      process.exit(2);
    },
  );
}
