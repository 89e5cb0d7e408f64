/**
 * The declarative vocabulary of rule files, one kind at a time, on rules written here: each test
 * says where a finding is (and where none is), so a kind that stops working fails its own test.
 */
import { buildRuleSet, loadRules, parseRule, RuleLoadError } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";
import type { Rule } from "../src/core/types.js";

const packaged = await loadRules();

/** A rule from the `match:` (and `fix:`) part of a rule file; the rest is filler. */
function rule(id: string, body: string): Rule {
  return parseRule(
    [
      `id: ${id}`,
      "title: A rule of this test",
      "category: debug",
      "severity: medium",
      "confidence: medium",
      "cwe: [CWE-20]",
      'message: "found `{callee}`"',
      "docs: { what: x, why: y, instead: z }",
      body,
      "examples: { bad: [{ code: 'x = 1', lines: [1] }], good: ['y = 2'] }",
    ].join("\n"),
    `rules/debug/${id}.yml`,
  );
}

function findings(r: Rule, code: string) {
  const rules = buildRuleSet([r]);
  return analyzeSource("t.py", code, { rules }).findings.map((f) => ({ line: f.line, message: f.message, source: f.source, fix: f.fix?.replacement }));
}

const lines = (r: Rule, code: string) => findings(r, code).map((f) => f.line);

test("call patterns: resolved callees with argument conditions (keyword equal to a constant, positional kinds)", () => {
  const r = rule("calls", ["match:", "  patterns:", "    - calls: [subprocess.run]", "      args: [{ keyword: shell, equals: true }, { position: 0, kind: [fstring, concat] }]"].join("\n"));
  const code = ["import subprocess as sp", 'sp.run(f"ls {d}", shell=True)', 'sp.run("ls " + d, shell=True)', 'sp.run("ls", shell=True)', 'sp.run(f"ls {d}")', ""].join("\n");
  expect(lines(r, code)).toEqual([2, 3]);
});

test("call patterns: `*.name` matches any callee of that last name, `imports` limits it to files that import a module", () => {
  const r = rule("wild", ["match:", "  patterns:", '    - calls: ["*.get"]', "      imports: [requests]", "      args: [{ keyword: verify, equals: false }]"].join("\n"));
  expect(lines(r, "import requests\nself.session.get(url, verify=False)\n")).toEqual([2]);
  expect(findings(r, "import requests\nself.session.get(url, verify=False)\n")[0].message).toBe("found `self.session.get`");
  expect(lines(r, "self.session.get(url, verify=False)\n")).toEqual([]);
});

test("call patterns: `@group` names a group of callees from rules/_models", () => {
  const r = rule("group", ["match:", "  patterns:", '    - calls: ["@requests-sessions"]', "      missing: [timeout]"].join("\n"));
  expect(lines(r, "import requests\ns = requests.Session()\ns.get(u)\ns.get(u, timeout=3)\n")).toEqual([3]);
  expect(() => buildRuleSet([rule("bad-group", ["match:", "  patterns:", '    - calls: ["@no-such-group"]'].join("\n"))])).toThrow(/rules\/debug\/bad-group\.yml: unknown call group "@no-such-group"/);
});

test("assignments: attributes of resolved objects, config keys, resolved targets", () => {
  const r = rule(
    "assign",
    [
      "match:",
      "  assignments:",
      "    - target: { attribute: secret_key, object: { resolves: [flask.Flask()] } }",
      "      value: { kind: [constant] }",
      "      callee: app.secret_key",
      "    - target: { key: SECRET_KEY, object: { attribute: config, resolves: [flask.Flask()] } }",
      "      value: { kind: [constant] }",
      "      callee: app.config",
      "    - target: { attribute: check_hostname }",
      "      value: { equals: false }",
      '      message: "`{target} = False`"',
    ].join("\n"),
  );
  const code = [
    "from flask import Flask",
    "import ssl",
    "app = Flask(__name__)",
    "app.secret_key = 'dev'",
    "app.config['SECRET_KEY'] = 'dev'",
    "app.secret_key = os.environ['KEY']",
    "other.secret_key = 'x'",
    "ctx = ssl.create_default_context()",
    "ctx.check_hostname = False",
    "",
  ].join("\n");
  expect(findings(r, code).map((f) => [f.line, f.message])).toEqual([
    [4, "found `app.secret_key`"],
    [5, "found `app.config`"],
    [9, "`ctx.check_hostname = False`"],
  ]);
});

test("dict keys: a key with a constant value, optionally only in a dict passed to given calls", () => {
  const r = rule("dict", ["match:", "  dict_keys:", "    - key: verify_signature", "      value: { equals: false }", "      in_calls: [jwt.decode]"].join("\n"));
  const code = ["import jwt", 'jwt.decode(t, options={"verify_signature": False})', 'opts = {"verify_signature": False}', 'jwt.decode(t, options={"verify_signature": True})', ""].join("\n");
  expect(lines(r, code)).toEqual([2]);
});

test("decorators: a route decorator on a function without a limiting decorator", () => {
  const r = rule(
    "deco",
    ["match:", "  decorators:", "    - calls: [flask.Flask().route]", "      args: [{ position: 0, matches: login }]", "      unless_decorated: [limiter.limit]"].join("\n"),
  );
  const code = [
    "from flask import Flask",
    "import limiter",
    "app = Flask(__name__)",
    '@app.route("/login", methods=["POST"])',
    "def login(): ...",
    '@app.route("/login2", methods=["POST"])',
    '@limiter.limit("5/minute")',
    "def login2(): ...",
    '@app.route("/about")',
    "def about(): ...",
    "",
  ].join("\n");
  expect(lines(r, code)).toEqual([4]);
});

test("references: dotted names used as arguments, assignments or defaults, with `{text}` as written", () => {
  const r = rule("refs", ["match:", "  references:", "    - names: [ssl.PROTOCOL_TLSv1]", "      in: [argument]", '      message: "`{text}`"'].join("\n"));
  const code = ["import ssl as s", "c = s.SSLContext(s.PROTOCOL_TLSv1)", "if v == s.PROTOCOL_TLSv1: pass", 'name = "PROTOCOL_TLSv1"', ""].join("\n");
  expect(findings(r, code).map((f) => [f.line, f.message])).toEqual([[2, "`s.PROTOCOL_TLSv1`"]]);
});

describe("taint as data", () => {
  const sink = (extra: string[] = []) =>
    rule("taint", ["match:", "  taint:", "    sinks:", "      - calls: [os.system]", "        position: 0", ...extra].join("\n"));

  test.each([
    ["Flask", ["from flask import request", "import os", "def v():", "    os.system(request.args['c'])"], "`request.args` (line 4)"],
    ["Django", ["import os", "def v(request):", "    c = request.GET.get('c')", "    os.system(c)"], "`request.GET` (line 3)"],
    ["FastAPI", ["import os", "from fastapi import FastAPI", "app = FastAPI()", "@app.get('/x')", "def v(c: str):", "    os.system(c)"], "`FastAPI parameter c` (line 5)"],
    ["aiohttp", ["import os", "from aiohttp import web", "async def v(request):", "    os.system(request.query['c'])"], "`request.query` (line 4)"],
    ["AWS Lambda", ["import os", "def handler(event, context):", "    os.system(event['cmd'])"], "`Lambda event` (line 2)"],
    ["input()", ["import os", "os.system(input())"], "`input()` (line 2)"],
    ["sys.argv", ["import os, sys", "os.system(sys.argv[1])"], "`sys.argv` (line 2)"],
  ])("a source of %s reaches the sink", (_name, code, source) => {
    const found = findings(sink(), [...code, ""].join("\n"));
    expect(found.map((f) => f.source)).toEqual([source]);
  });

  test("the environment is a source only for rules that ask for it", () => {
    const code = "import os\nos.system(os.environ['CMD'])\n";
    expect(lines(sink(), code)).toEqual([]);
    expect(lines(sink(["    threats: [remote, local, environment]"]), code)).toEqual([2]);
  });

  test("sanitizers: a sanitizing call cleans the value; a name checked against an allow-list is clean", () => {
    const clean = sink(["    sanitizers:", "      - calls: [shlex.quote, int, os.path.basename]"]);
    const code = [
      "import os, shlex",
      "from flask import request",
      "def a():",
      "    os.system('ls ' + shlex.quote(request.args['d']))",
      "def b():",
      "    n = int(request.args['n'])",
      "    os.system(f'head -n {n} f')",
      "def c():",
      "    d = request.args['d']",
      "    if d not in ALLOWED:",
      "        return",
      "    os.system('ls ' + d)",
      "def d():",
      "    os.system('ls ' + request.args['d'])",
      "",
    ].join("\n");
    expect(lines(clean, code)).toEqual([14]);
    expect(lines(sink(), code)).toEqual([4, 7, 12, 14]);
  });
});

test("the loader checks names where the rule set is built: unknown groups and malformed callees fail with the file", async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, cpSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "hg-rules-"));
  mkdirSync(join(dir, "debug"));
  mkdirSync(join(dir, "_models"));
  cpSync(join(process.cwd(), "rules", "_models"), join(dir, "_models"), { recursive: true });
  const file = (calls: string) =>
    [
      "id: one",
      "title: One rule",
      "category: debug",
      "severity: low",
      "confidence: low",
      "cwe: [CWE-20]",
      "message: m",
      "docs: { what: x, why: y, instead: z }",
      `match: { patterns: [{ calls: ${calls} }] }`,
      "examples: { bad: [{ code: 'x = 1', lines: [1] }], good: ['y = 2'] }",
    ].join("\n");
  writeFileSync(join(dir, "debug", "one.yml"), file('["@nope"]'));
  await expect(loadRules(dir)).rejects.toThrow(/rules\/debug\/one\.yml: unknown call group "@nope"/);
  writeFileSync(join(dir, "debug", "one.yml"), file('["os.system(x)"]'));
  await expect(loadRules(join(dir, ".", ""))).rejects.toThrow(RuleLoadError);
});

test("the README's worked pure-data rule loads and passes its own examples", async () => {
  const { readFileSync } = await import("node:fs");
  const readme = readFileSync("README.md", "utf8");
  const at = readme.indexOf("```yaml\nid: django-debug");
  const yml = readme.slice(at + "```yaml\n".length, readme.indexOf("```", at + 8));
  const r = parseRule(yml, "rules/debug/django-debug.yml");
  const rules = buildRuleSet([r]);
  for (const bad of r.examples.bad) expect(analyzeSource("b.py", bad.code, { rules }).findings.map((f) => f.line)).toEqual(bad.lines);
  for (const good of r.examples.good) expect(analyzeSource("g.py", good, { rules }).findings).toEqual([]);
});

test("the categories agree: the schema's list, the README's JSON contract, and every rule's folder", async () => {
  const { readFileSync } = await import("node:fs");
  const { CATEGORIES } = await import("../src/core/rules/schema.js");
  const readme = readFileSync("README.md", "utf8");
  const at = readme.indexOf("`category` is one of:");
  const listed = readme
    .slice(at, readme.indexOf(" — ", at))
    .replace(/\([^)]*\)/g, "")
    .replace("`category` is one of:", "")
    .split(",")
    .map((c) => c.trim());
  expect(listed).toEqual([...CATEGORIES]);
  expect(CATEGORIES).not.toContain("other");
  for (const r of packaged.rules) expect(r.file.split("/")[1]).toBe(r.category);
});

test("subclass_of: a class of the file derived (at any depth) from the named classes; defined_in_file: the file's own class", () => {
  const r = rule(
    "loaders",
    ["match:", "  patterns:", "    - calls: [yaml.load]", "      unless: [{ keyword: Loader, subclass_of: [yaml.SafeLoader, yaml.constructor.SafeConstructor] }]"].join("\n"),
  );
  const code = [
    "import yaml",
    "from yaml.constructor import SafeConstructor",
    "class A(yaml.SafeLoader): pass",
    "class B(A): pass",
    "class C(yaml.Loader): pass",
    "class D(object, SafeConstructor): pass",
    "yaml.load(s, Loader=A)",
    "yaml.load(s, Loader=B)",
    "yaml.load(s, Loader=C)",
    "yaml.load(s, Loader=D)",
    "yaml.load(s, Loader=yaml.SafeLoader)",
    "yaml.load(s, Loader=yaml.Loader)",
    "",
  ].join("\n");
  expect(lines(r, code)).toEqual([9, 12]);
  const own = rule("own", ["match:", "  patterns:", "    - calls: [yaml.load]", "      args: [{ keyword: Loader, defined_in_file: true }]"].join("\n"));
  expect(lines(own, code)).toEqual([7, 8, 9, 10]);
});

test("taint allow_lists: a name checked against an allow-list is clean without sanitizer calls", () => {
  const body = (extra: string) => ["match:", "  taint:", extra, "    sinks: [{ calls: [importlib.import_module], position: 0 }]"].filter(Boolean).join("\n");
  const code = [
    "import importlib",
    "from flask import request",
    "def a():",
    '    name = request.args["m"]',
    "    if name not in PLUGINS:",
    "        raise ValueError(name)",
    "    return importlib.import_module(name)",
    "def b():",
    '    return importlib.import_module(request.args["m"])',
    "",
  ].join("\n");
  expect(lines(rule("plain", body("")), code)).toEqual([7, 9]);
  expect(lines(rule("allow", body("    allow_lists: true")), code)).toEqual([9]);
});

test("references: a branch of a conditional expression is used as the whole expression is", () => {
  const r = rule("refs", ["match:", "  references:", "    - names: [ssl.PROTOCOL_TLSv1]", "      in: [argument, assignment]"].join("\n"));
  const code = ["import ssl", "v = ssl.PROTOCOL_TLS if new else ssl.PROTOCOL_TLSv1", "w = ssl.PROTOCOL_TLS if v == ssl.PROTOCOL_TLSv1 else None", "f(x if y else (ssl.PROTOCOL_TLSv1))", ""].join("\n");
  expect(lines(r, code)).toEqual([2, 4]);
});
