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

const lines = (src: string[], rule: string) => run(src.join("\n") + "\n").filter((x) => x.rule === rule).map((x) => x.line);

test("for-loop targets take the iterable's taint (a Lambda event's records)", () => {
  const src = ["import urllib3", "pool = urllib3.PoolManager()", "def handler(event, context):", "    for record in event['Records']:", "        pool.request('GET', record['url'])"];
  expect(lines(src, "ssrf-request")).toEqual([5]);
});

test("a **kwargs splat of a tainted dict reaches the sink", () => {
  const src = ["import requests", "from flask import request", "def v():", "    opts = {'url': request.args['u']}", "    return requests.get(**opts)"];
  expect(lines(src, "ssrf-request")).toEqual([5]);
});

test("guards: a check that resets the value or leaves cleans it; a check that does neither does not", () => {
  const src = [
    "from flask import redirect, request, abort",
    "from urllib.parse import urlparse",
    "def reset():",
    "    t = request.args['next']",
    "    if urlparse(t).netloc:",
    "        t = '/'",
    "    return redirect(t)",
    "def leaves():",
    "    t = request.args['next']",
    "    if not t.startswith('/'):",
    "        abort(400)",
    "    return redirect(t)",
    "def logs_only():",
    "    t = request.args['next']",
    "    if urlparse(t).netloc:",
    "        print('external', t)",
    "    return redirect(t)",
  ];
  expect(lines(src, "open-redirect")).toEqual([17]);
});

test("a URL whose scheme and host are constant text is not SSRF; one with a request host is", () => {
  const src = [
    "import requests",
    "from flask import request",
    "BASE = 'https://api.example.com'",
    "def v():",
    "    n = request.args['n']",
    "    a = requests.get(f'https://api.example.com/items/{n}')",
    "    b = requests.get(f'{BASE}/items/{n}')",
    "    c = requests.get('https://%s/x' % n)",
    "    return requests.get(f'https://{n}/x')",
  ];
  expect(lines(src, "ssrf-request")).toEqual([8, 9]);
});
