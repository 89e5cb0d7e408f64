/** The in-process queue: duplicates, newest head wins, ties, and the `before` chain of pushes. */
import { AnalysisQueue } from "../src/github/queue.js";

const sha = (c: string) => c.repeat(40);
const T = Date.parse("2026-11-28T05:00:00Z");

test("a push naming the head it replaced drops that head even when the timestamps tie", async () => {
  const q = new AnalysisQueue();
  const ran: string[] = [];
  const job = (s: string) => async () => void ran.push(s);
  const a = q.enqueue({ installationId: 1, pull: "o/r#1", headSha: sha("a"), updatedAt: T }, job("a"));
  const b = q.enqueue({ installationId: 1, pull: "o/r#1", headSha: sha("b"), updatedAt: T, before: sha("a") }, job("b"));
  // a late redelivery of the replaced head's event is dropped at once
  const lateA = q.enqueue({ installationId: 1, pull: "o/r#1", headSha: sha("a"), updatedAt: T }, job("a-late"));
  expect(await Promise.all([a, b, lateA])).toEqual(["dropped", "ran", "dropped"]);
  expect(ran).toEqual(["b"]);
});

test("a force-push back to an earlier head makes it current again", async () => {
  const q = new AnalysisQueue();
  const ran: string[] = [];
  const job = (s: string) => async () => void ran.push(s);
  await q.enqueue({ installationId: 1, pull: "o/r#2", headSha: sha("a"), updatedAt: T }, job("a"));
  await q.enqueue({ installationId: 1, pull: "o/r#2", headSha: sha("b"), updatedAt: T + 1000, before: sha("a") }, job("b"));
  await q.enqueue({ installationId: 1, pull: "o/r#2", headSha: sha("a"), updatedAt: T + 2000, before: sha("b") }, job("a again"));
  expect(ran).toEqual(["a", "b", "a again"]);
});

test("the same delivery id is a duplicate", () => {
  const q = new AnalysisQueue();
  expect(q.isDuplicate("d1")).toBe(false);
  expect(q.isDuplicate("d1")).toBe(true);
  expect(q.isDuplicate(undefined)).toBe(false);
});
