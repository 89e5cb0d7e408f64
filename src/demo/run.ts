/**
 * `npm run demo`: the real app, a real signed webhook over HTTP, a local stand-in for GitHub serving
 * the example pull request; prints the review comments and the check run exactly as posted.
 * No GitHub account, no network beyond loopback.
 */
import { startHarness } from "./harness.js";
import { demoPayload, demoPull, DEMO } from "./pull.js";

function rule(title: string): string {
  return `\n${"═".repeat(4)} ${title} ${"═".repeat(Math.max(4, 76 - title.length))}\n`;
}

export async function runDemo(out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const h = await startHarness();
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
