/**
 * Every comment and annotation links its rule id to the rule's entry in the rules reference
 * (issue 12, item 8c), on this project's repository or on a self-hosted copy's.
 */
import { readFileSync } from "node:fs";
import { analyzeSource } from "../src/core/engine.js";
import { annotationFor, commentBody } from "../src/core/render.js";
import { UPSTREAM_RULES_REFERENCE, rulesReference, ruleUrl } from "../src/core/links.js";
import { RULES } from "./support/probot.js";

const [finding] = analyzeSource("app/x.py", "def parse(raw):\n    return eval(raw)\n", { rules: RULES }).findings;

afterEach(() => {
  delete process.env.HUNKGUARD_RULES_URL;
});

test("the comment's rule id links to its entry in docs/rules.md on the repository", () => {
  const body = commentBody(finding, RULES.byId.get("eval"));
  expect(body).toContain("<sub>[`eval`](https://github.com/hunkguard/hunkguard/blob/main/docs/rules.md#eval) · CWE-95 · Bandit B307 · Ruff S307 ·");
});

test("the annotation's message ends with the rule's link", () => {
  expect(annotationFor(finding).message).toMatch(/\n\nRule: https:\/\/github\.com\/hunkguard\/hunkguard\/blob\/main\/docs\/rules\.md#eval$/);
});

test("HUNKGUARD_RULES_URL points the links at a self-hosted copy", () => {
  process.env.HUNKGUARD_RULES_URL = "https://ghe.example.com/tools/hunkguard/blob/main/docs/rules.md";
  expect(commentBody(finding, RULES.byId.get("eval"))).toContain("[`eval`](https://ghe.example.com/tools/hunkguard/blob/main/docs/rules.md#eval)");
  expect(rulesReference({})).toBe(UPSTREAM_RULES_REFERENCE);
});

test("the link is package.json's homepage, and every rule has the entry its link points at", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  expect(UPSTREAM_RULES_REFERENCE).toBe(`${pkg.homepage}/blob/main/docs/rules.md`);
  const doc = readFileSync(new URL("../docs/rules.md", import.meta.url), "utf8");
  // GitHub's anchor for "### `id`" is the id (lower case, backticks dropped; ids are kebab-case)
  const anchors = new Set([...doc.matchAll(/^### `([a-z0-9-]+)`$/gm)].map((m) => m[1]));
  const missing = RULES.rules.map((r) => r.id).filter((id) => !anchors.has(id));
  expect(missing).toStrictEqual([]);
  expect(ruleUrl("pickle-load", "https://x/rules.md")).toBe("https://x/rules.md#pickle-load");
});
