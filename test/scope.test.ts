/** Name resolution and value classification: what makes the engine precise. */
import { parsePython } from "../src/core/python.js";
import { FileModel } from "../src/core/scope.js";

function callees(src: string): Record<string, string[]> {
  const model = new FileModel(parsePython(src));
  const out: Record<string, string[]> = {};
  for (const c of model.calls) out[`${c.node.startPosition.row + 1}:${model.text(c.fn)}`] = model.resolve(c.fn, c.scope);
  return out;
}

describe("resolve", () => {
  test("aliases, from-imports, star imports and dotted modules", () => {
    const r = callees(
      [
        "import pickle as p",
        "from os import system as run",
        "from subprocess import *",
        "import xml.etree.ElementTree as ET",
        "import os.path",
        "p.loads(x)",
        "run(cmd)",
        "call(cmd, shell=True)",
        "ET.fromstring(body)",
        "os.path.join(a, b)",
        "eval(x)",
      ].join("\n"),
    );
    expect(r["6:p.loads"]).toEqual(["pickle.loads"]);
    expect(r["7:run"]).toEqual(["os.system"]);
    expect(r["8:call"]).toEqual(["subprocess.call"]);
    expect(r["9:ET.fromstring"]).toEqual(["xml.etree.ElementTree.fromstring"]);
    expect(r["10:os.path.join"]).toEqual(["os.path.join"]);
    // `from subprocess import *` could in principle define `eval`; the candidate is harmless
    expect(r["11:eval"]).toEqual(["subprocess.eval", "eval"]);
  });

  test("imports inside a function are visible there only", () => {
    const r = callees(["def f(x):", "    import yaml", "    return yaml.load(x)", "def g(x):", "    return yaml.load(x)"].join("\n"));
    expect(r["3:yaml.load"]).toEqual(["yaml.load"]);
    expect(r["5:yaml.load"]).toEqual([]);
  });

  test("a well-known module the file never binds resolves to itself (the import is out of sight); other unbound names do not", () => {
    const r = callees(["def f(x):", "    return pickle.loads(x)", "def g(x):", "    return mylib.loads(x)"].join("\n"));
    expect(r["2:pickle.loads"]).toEqual(["pickle.loads"]);
    expect(r["4:mylib.loads"]).toEqual([]);
  });

  test("a name rebound locally does not resolve to the module", () => {
    const r = callees(
      [
        "import yaml",
        "from ruamel.yaml import YAML",
        "def read(f):",
        "    yaml = YAML()",
        "    return yaml.load(f)",
        "def run(model, eval):",
        "    return eval(model)",
        "class S:",
        "    def loads(self, raw):",
        "        return self.loads(raw)",
        "yaml.load(g)",
      ].join("\n"),
    );
    expect(r["5:yaml.load"]).toEqual(["ruamel.yaml.YAML().load"]);
    expect(r["7:eval"]).toEqual([]);
    expect(r["10:self.loads"]).toEqual([]);
    expect(r["11:yaml.load"]).toEqual(["yaml.load"]);
  });

  test("methods on instances bound by assignment and with-as", () => {
    const r = callees(
      ["import requests, tarfile", "s = requests.Session()", "s.get(url, verify=False)", "with tarfile.open(p) as tar:", "    tar.extractall(d)"].join("\n"),
    );
    expect(r["3:s.get"]).toEqual(["requests.Session().get"]);
    expect(r["5:tar.extractall"]).toEqual(["tarfile.open().extractall"]);
  });

  test("class bodies are not visible from methods", () => {
    const r = callees(["import pickle", "class K:", "    pickle = None", "    def m(self, b):", "        return pickle.loads(b)"].join("\n"));
    expect(r["5:pickle.loads"]).toEqual(["pickle.loads"]);
  });
});

describe("classify", () => {
  const kinds = (expr: string, prelude = "") => {
    const src = `${prelude}\nf(${expr})\n`;
    const model = new FileModel(parsePython(src));
    const call = model.calls.find((c) => model.text(c.fn) === "f")!;
    return model.classify(call.args!.namedChildren[0], call.scope);
  };
  test.each([
    ['"ls -l"', { kind: "constant", value: "ls -l" }],
    ['"a" "b"', { kind: "constant", value: "ab" }],
    ['"a" + "b"', { kind: "constant", value: "ab" }],
    ['f"rm {path}"', { kind: "fstring" }],
    ['"rm %s" % path', { kind: "percent" }],
    ['"rm {}".format(path)', { kind: "format" }],
    ['"rm " + path', { kind: "concat" }],
    ["path", { kind: "name" }],
    ["self.cmd", { kind: "name" }],
    ["get()", { kind: "call" }],
    ["True", { kind: "literal", value: "True" }],
    ["[a, b]", { kind: "collection" }],
  ])("%s", (expr, expected) => {
    expect(kinds(expr)).toEqual(expected);
  });
  test("a name bound once to a constant is that constant", () => {
    expect(kinds("CMD", 'CMD = "git status"')).toEqual({ kind: "constant", value: "git status" });
    expect(kinds("CMD", 'CMD = "a"\nCMD = input()')).toEqual({ kind: "name" });
  });
});

test("deeply nested code does not overflow the stack", () => {
  const depth = 10000;
  const src = `x = ${"(".repeat(depth)}eval(y)${")".repeat(depth)}\n`;
  const model = new FileModel(parsePython(src));
  expect(model.calls.length).toBeGreaterThanOrEqual(0);
});

test("a name extended with += is no longer a constant", () => {
  const src = 'cmd = "ls "\ncmd += user\nf(cmd)\n';
  const model = new FileModel(parsePython(src));
  const call = model.calls.find((c) => model.text(c.fn) === "f")!;
  expect(model.classify(call.args!.namedChildren[0], call.scope)).toEqual({ kind: "name" });
});

test("an optional import with a None fallback still resolves; modules bound by import_module resolve", () => {
  const r = callees(
    [
      "try:",
      "    import yaml",
      "except ImportError:",
      "    yaml = None",
      "import importlib",
      "ssl = importlib.import_module('ssl')",
      "tn = __import__('telnetlib')",
      "yaml.load(f)",
      "ssl._create_unverified_context()",
      "tn.Telnet(host)",
    ].join("\n"),
  );
  expect(r["8:yaml.load"]).toEqual(["yaml.load"]);
  expect(r["9:ssl._create_unverified_context"]).toEqual(["ssl._create_unverified_context"]);
  expect(r["10:tn.Telnet"]).toEqual(["telnetlib.Telnet"]);
});
