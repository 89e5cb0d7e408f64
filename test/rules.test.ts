/**
 * The one generic test: every rule's own examples. `bad` must report exactly the listed lines,
 * `good` must stay silent, `fixed` must equal the file after applying every offered suggestion as
 * GitHub would, and every fixed text must compile with CPython and no longer report the rule.
 */
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";
import { pyCompileAll } from "./support/python.js";
import { applyAll, suggestionsOf } from "./support/apply.js";

const rules = await loadRules();
const compiled: { name: string; code: string }[] = [];

describe.each(rules.rules.map((r) => [r.id, r] as const))("rule %s", (id, rule) => {
  const only = { rules, enabled: (r: { id: string }) => r.id === id };

  test.each(rule.examples.bad.map((b, i) => [i, b] as const))("bad example %i reports the listed lines", (i, bad) => {
    const result = analyzeSource(`bad_${i}.py`, bad.code, only);
    expect(result.partial).toBe(false);
    expect(result.findings.map((f) => f.line)).toEqual([...bad.lines].sort((a, b) => a - b));
    for (const f of result.findings) {
      expect(f.rule).toBe(id);
      expect(f.message.length).toBeGreaterThan(10);
    }
    if (rule.fix?.safety === "explain") {
      for (const f of result.findings) {
        expect(f.fix?.safety).toBe("explain");
        expect(f.fix?.example).toBeTruthy();
      }
    }
    if (bad.fixed !== undefined) {
      const suggestions = suggestionsOf(result.findings);
      expect(suggestions.length).toBeGreaterThan(0);
      const after = applyAll(bad.code, suggestions);
      expect(after).toBe(bad.fixed);
      expect(analyzeSource(`fixed_${i}.py`, after, only).findings).toEqual([]);
      compiled.push({ name: `${id} fixed ${i}`, code: after });
    }
    if (bad.no_fix !== undefined) {
      for (const f of result.findings) {
        expect(f.fix?.replacement).toBeUndefined();
        expect(f.fix?.withheld ?? "").toContain(bad.no_fix);
      }
    }
  });

  test.each(rule.examples.good.map((g, i) => [i, g] as const))("good example %i stays silent", (i, good) => {
    const result = analyzeSource(`good_${i}.py`, good, only);
    expect(result.findings).toEqual([]);
  });
});

test("every fixed example and every produced fix compiles with CPython", () => {
  const sources = [
    ...compiled,
    ...rules.rules.flatMap((r) => r.examples.bad.filter((b) => b.fixed).map((b, i) => ({ name: `${r.id} fixed text ${i}`, code: b.fixed! }))),
  ];
  expect(sources.length).toBeGreaterThan(0);
  expect(pyCompileAll(sources)).toEqual([]);
});

test("rule ids are unique and bad examples compile", () => {
  const ids = rules.rules.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  const sources = rules.rules.flatMap((r) => r.examples.bad.map((b, i) => ({ name: `${r.id} bad ${i}`, code: b.code })));
  expect(pyCompileAll(sources)).toEqual([]);
});
