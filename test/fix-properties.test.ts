/**
 * Property tests: the same flagged call written with different formatting — arguments across
 * lines, comments between arguments, trailing commas, nested calls, quote styles, tabs, CRLF —
 * yields either a valid suggestion or none, never a broken one.
 */
import fc from "fast-check";
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";
import { parsePython } from "../src/core/python.js";
import { applyAll, suggestionsOf } from "./support/apply.js";
import { pyCompileAll } from "./support/python.js";

const rules = await loadRules();
const RUNS = Number(process.env.HUNKGUARD_FUZZ_RUNS ?? 150);

interface Template {
  rule: string;
  prelude: string;
  callee: string;
  args: string[];
  /** the call stands in a statement: `x = CALL`, `return CALL` in a function, `f(CALL)` */
}

const TEMPLATES: Template[] = [
  { rule: "yaml-load", prelude: "import yaml", callee: "yaml.load", args: ["stream", "Loader=yaml.FullLoader"] },
  { rule: "yaml-load", prelude: "import yaml as y", callee: "y.load_all", args: ["open(path)"] },
  { rule: "eval", prelude: "import ast", callee: "eval", args: ["raw.strip()"] },
  { rule: "requests-verify", prelude: "import requests", callee: "requests.get", args: ["url", "verify=False", "timeout=10"] },
  { rule: "requests-timeout", prelude: "import requests", callee: "requests.post", args: ["url", "json={'a': 1}"] },
  { rule: "torch-load", prelude: "import torch", callee: "torch.load", args: ["path"] },
  { rule: "flask-debug", prelude: "from flask import Flask\napp = Flask(__name__)", callee: "app.run", args: ["host='127.0.0.1'", "debug=True"] },
  { rule: "tarfile-extractall", prelude: "import tarfile\ntar = tarfile.open(p)", callee: "tar.extractall", args: ["dest"] },
].filter((t) => rules.byId.has(t.rule));

const quote = (s: string, q: string) => s.replace(/'/g, q);

const variant = fc.record({
  multiline: fc.boolean(),
  trailingComma: fc.boolean(),
  comments: fc.boolean(),
  quote: fc.constantFrom("'", '"'),
  indent: fc.constantFrom("    ", "\t", "  "),
  crlf: fc.boolean(),
  wrapper: fc.constantFrom("assign", "return", "nested", "expr"),
  template: fc.nat({ max: Math.max(0, TEMPLATES.length - 1) }),
});

type Variant = typeof variant extends fc.Arbitrary<infer T> ? T : never;
function render(v: Variant): { code: string; rule: string } {
  const t = TEMPLATES[v.template];
  const inFunction = v.wrapper === "return";
  const base = inFunction ? v.indent : "";
  const inner = base + v.indent;
  const args = t.args.map((a) => quote(a, v.quote));
  let call: string;
  if (v.multiline) {
    const lines = args.map((a, i) => `${inner}${a}${i < args.length - 1 || v.trailingComma ? "," : ""}${v.comments ? `  # arg ${i}` : ""}`);
    call = `${t.callee}(\n${lines.join("\n")}\n${base})`;
  } else {
    call = `${t.callee}(${args.join(", ")}${v.trailingComma ? "," : ""})`;
  }
  let stmt: string;
  switch (v.wrapper) {
    case "assign":
      stmt = `result = ${call}`;
      break;
    case "return":
      stmt = `def handler(url, stream, raw, path, dest):\n${base}return ${call}`;
      break;
    case "nested":
      stmt = `print(len(str(${call})))`;
      break;
    default:
      stmt = call;
  }
  let code = `${t.prelude}\n${stmt}\n`;
  if (v.crlf) code = code.replace(/\n/g, "\r\n");
  return { code, rule: t.rule };
}

test("formatting never produces a broken suggestion", () => {
  expect(TEMPLATES.length).toBeGreaterThan(0);
  const produced: { name: string; code: string }[] = [];
  let offered = 0;
  fc.assert(
    fc.property(variant, (v) => {
      const { code, rule } = render(v);
      if (parsePython(code).partial) return; // the generator made invalid Python: nothing to judge
      const result = analyzeSource("p.py", code, { rules });
      const mine = result.findings.filter((f) => f.rule === rule);
      expect(mine.length).toBeGreaterThan(0);
      const suggestions = suggestionsOf(mine);
      if (!suggestions.length) return;
      offered++;
      const after = applyAll(code, suggestions);
      expect(parsePython(after).partial).toBe(false);
      expect(analyzeSource("p.py", after, { rules, fixes: false }).findings.filter((f) => f.rule === rule)).toEqual([]);
      // comments and line breaks inside the call survive
      if (v.comments && v.multiline) for (let i = 0; i < TEMPLATES[v.template].args.length; i++) if (!after.includes(`# arg ${i}`) && code.includes(`# arg ${i}`)) {
        // a removed argument takes its own comment with it; any other comment must stay
        const removedLine = code.split(/\r?\n/).find((l) => l.includes(`# arg ${i}`))!;
        expect(after.includes(removedLine.trim().split("  #")[0])).toBe(false);
      }
      produced.push({ name: JSON.stringify(v), code: after });
    }),
    { seed: 20261128, numRuns: RUNS },
  );
  expect(offered).toBeGreaterThan(RUNS / 4);
  expect(pyCompileAll(produced)).toEqual([]);
});
