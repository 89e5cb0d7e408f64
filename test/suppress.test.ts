import { suppressedBy } from "../src/core/suppress.js";
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";

const pickle = { id: "pickle-load", bandit: "B301", ruff: "S301" };

test.each([
  ["x = pickle.loads(b)  # nosec", true],
  ["x = pickle.loads(b)  # nosec B301", true],
  ["x = pickle.loads(b)  # nosec: B301, B302", true],
  ["x = pickle.loads(b)  # nosec B602", false],
  ["x = pickle.loads(b)  # noqa: S301", true],
  ["x = pickle.loads(b)  # noqa: E501,S301", true],
  ["x = pickle.loads(b)  # noqa: S602", false],
  ["x = pickle.loads(b)  # noqa", false],
  ["x = pickle.loads(b)  # hunkguard: ignore[pickle-load]", true],
  ["x = pickle.loads(b)  # hunkguard: ignore[eval, pickle-load]", true],
  ["x = pickle.loads(b)  # hunkguard: ignore[eval]", false],
  ["x = pickle.loads(b)  # hunkguard: ignore", true],
  ["x = pickle.loads(b)", false],
])("%s → %s", (line, expected) => {
  expect(suppressedBy(line, pickle)).toBe(expected);
});

test("a suppression on the first line of a multi-line statement counts, and suppressed findings are counted", async () => {
  const rules = await loadRules();
  const src = ["import pickle", "x = pickle.loads(  # nosec B301", "    blob,", ")", "y = pickle.loads(b)", ""].join("\n");
  const r = analyzeSource("s.py", src, { rules });
  expect(r.findings.map((f) => [f.rule, f.line])).toEqual([["pickle-load", 5]]);
  expect(r.suppressed).toBe(1);
});
