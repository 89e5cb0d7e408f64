/** Request data reaching a sink raises confidence and names the source. */
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";

const rules = await loadRules();
const run = (src: string) => analyzeSource("t.py", src, { rules, fixes: false }).findings;

test("flask request data through an f-string into eval", () => {
  const f = run(["from flask import request", "def view():", "    q = request.args.get('q')", "    expr = f'{q} + 1'", "    return eval(expr)", ""].join("\n"));
  const e = f.find((x) => x.rule === "eval")!;
  expect(e.line).toBe(5);
  expect(e.confidence).toBe("high");
  expect(e.source).toBe("`request.args` (line 3)");
});

test("django request.GET, input() and sys.argv are sources; a constant is not", () => {
  const src = [
    "import sys, pickle",
    "def view(request):",
    "    return pickle.loads(request.GET['blob'])",
    "def cli():",
    "    return eval(input())",
    "def args():",
    "    return eval(sys.argv[1])",
    "def plain(x):",
    "    return eval(x)",
    "",
  ].join("\n");
  const bySource = Object.fromEntries(run(src).map((x) => [x.line, x.source ?? null]));
  expect(bySource).toEqual({ 3: "`request.GET` (line 3)", 5: "`input()` (line 5)", 7: "`sys.argv` (line 7)", 9: null });
});

test("taint does not leak across functions", () => {
  const src = ["from flask import request", "def a():", "    x = request.form['x']", "def b(x):", "    return eval(x)", ""].join("\n");
  const e = run(src).find((x) => x.rule === "eval")!;
  expect(e.source).toBeUndefined();
  expect(e.confidence).toBe("medium");
});
