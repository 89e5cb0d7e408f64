/** Path traversal, precise on purpose: a file path opened or sent that is built, in the same function, from a request value, in a function that never checks it. */
import { walk, type Node } from "../../src/core/python.js";
import type { Binding, CallSite, FileModel, Scope } from "../../src/core/scope.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument } from "../../src/core/args.js";
import { calleeName, functionScope, importsModule } from "../../src/core/lib/imports.js";
import { pathParameters, routesOf, webFile } from "../../src/core/lib/routes.js";

/** sink → position and keyword of the path */
const SINKS: Record<string, [number, string]> = {
  "flask.send_file": [0, "path_or_file"],
  "flask.helpers.send_file": [0, "path_or_file"],
  open: [0, "file"],
  "io.open": [0, "file"],
  "codecs.open": [0, "filename"],
  "os.open": [0, "path"],
  "os.remove": [0, "path"],
  "os.unlink": [0, "path"],
  "shutil.copy": [0, "src"],
  "shutil.copyfile": [0, "src"],
  "shutil.copy2": [0, "src"],
  "shutil.move": [0, "src"],
  "shutil.rmtree": [0, "path"],
  "os.listdir": [0, "path"],
  "os.scandir": [0, "path"],
  "fastapi.responses.FileResponse": [0, "path"],
  "starlette.responses.FileResponse": [0, "path"],
  "aiohttp.web.FileResponse": [0, "path"],
  "aiohttp.web_fileresponse.FileResponse": [0, "path"],
};
const SINK_LAST = new Set(["download_file", "send_file", "open", "listdir", "scandir", "remove", "unlink", "copy", "copyfile", "copy2", "move", "rmtree", "FileResponse"]);
/** methods of a path object that read or write the file it names */
const PATH_METHODS = new Set(["read_text", "read_bytes", "write_text", "write_bytes", "open"]);

const FLASK_FIELDS = new Set(["args", "form", "values", "json", "files", "data", "headers", "cookies", "get_json", "view_args"]);
const DJANGO_FIELDS = new Set(["GET", "POST", "FILES", "body", "COOKIES", "META", "headers", "data", "query_params"]);
const AIOHTTP_FIELDS = new Set(["match_info", "query", "post", "json", "rel_url", "cookies", "headers", "multipart"]);
/** Starlette's request (FastAPI's `request: Request` too) */
const STARLETTE_FIELDS = new Set(["path_params", "query_params", "form", "json", "cookies", "headers"]);
/** calls whose result keeps a tainted argument's value (a path built from it) */
const PROPAGATE = new Set([
  "os.path.join", "posixpath.join", "ntpath.join", "os.path.normpath", "os.path.abspath", "os.path.expanduser",
  "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "str", "os.fspath",
]);
/** string methods that keep the value */
const KEEP_METHODS = new Set(["strip", "lstrip", "rstrip", "lower", "upper", "replace", "get", "decode", "encode", "format", "joinpath", "__getitem__", "getlist"]);
/** calls that, seen anywhere in the function, show the path is checked or cleaned */
const GUARDS = new Set([
  "startswith", "is_relative_to", "relative_to", "commonpath", "commonprefix", "secure_filename", "safe_join",
  "basename", "send_from_directory", "fullmatch", "match", "isalnum", "isidentifier",
]);
const FASTAPI_PARAMS = new Set(["fastapi.Query", "fastapi.Form", "fastapi.Path", "fastapi.Header", "fastapi.Cookie", "fastapi.params.Query", "fastapi.params.Form", "fastapi.params.Path"]);

interface FunctionFacts {
  /** parameter name → where its value comes from */
  params: Map<string, string>;
  /** parameters holding an UploadFile (their `.filename` is the client's) */
  uploads: Set<string>;
  guarded: boolean;
  /** where the first check or cleaning call starts: a check after the sink does not protect it */
  guardAt: number;
  flaskRequest: boolean;
}

class TaintReader {
  private facts = new Map<Node["id"], FunctionFacts>();
  constructor(private model: FileModel, private framework: "flask" | "fastapi" | null, private aiohttp = false, private lambda = false) {}

  functionFacts(fnScope: Scope): FunctionFacts {
    const fn = fnScope.node!;
    let f = this.facts.get(fn.id);
    if (f) return f;
    const model = this.model;
    f = { params: new Map(), uploads: new Set(), guarded: false, guardAt: Number.POSITIVE_INFINITY, flaskRequest: false };
    this.facts.set(fn.id, f);
    const outer = fnScope.parent ?? model.module;
    let fastapiRoute = false;
    if (this.framework) {
      for (const r of routesOf(model, fn, outer, this.framework)) {
        for (const p of r.path ? pathParameters(r.path) : []) f.params.set(p, `the route parameter \`${p}\``);
        if (this.framework === "fastapi") fastapiRoute = true;
      }
    }
    const params = fn.childForFieldName("parameters");
    // FastAPI: a route's plain `str` parameter (no default call such as `Depends(...)`) is a query parameter
    if (fastapiRoute) {
      for (const p of params?.namedChildren ?? []) {
        if (p.type !== "typed_parameter" && p.type !== "typed_default_parameter") continue;
        const name = p.childForFieldName("name") ?? p.namedChildren.find((c) => c.type === "identifier");
        const type = p.childForFieldName("type");
        const dflt = p.childForFieldName("value");
        if (!name || name.type !== "identifier" || !type || (dflt && dflt.type === "call")) continue;
        if (!/^(?:str|Optional\[str\]|str\s*\|\s*None)$/.test(model.text(type))) continue;
        const pn = model.text(name);
        if (pn !== "self" && pn !== "request" && !f.params.has(pn)) f.params.set(pn, `the query parameter \`${pn}\``);
      }
    }
    // AWS Lambda: `def handler(event, context)` — the event is the caller's
    if (this.lambda && params && /^\(\s*event\s*,\s*context\s*\)$/.test(model.text(params))) f.params.set("event", "the Lambda event");
    for (const p of params?.namedChildren ?? []) {
      const name = p.childForFieldName("name") ?? (p.type === "identifier" ? p : p.namedChildren.find((c) => c.type === "identifier"));
      if (!name || name.type !== "identifier") continue;
      const pn = model.text(name);
      const type = p.childForFieldName("type");
      // `item_id: int` — FastAPI converts it, and a number carries no path
      if (type && /^(int|float|bool|uuid\.UUID|UUID)$/.test(model.text(type))) {
        f.params.delete(pn);
        continue;
      }
      if (type && model.resolve(type.namedChild(0) ?? type, outer).some((q) => q === "fastapi.UploadFile" || q === "starlette.datastructures.UploadFile")) {
        f.uploads.add(pn);
      }
      const dflt = p.childForFieldName("value");
      if (dflt?.type === "call") {
        const dfn = dflt.childForFieldName("function");
        if (dfn && model.resolve(dfn, outer).some((q) => FASTAPI_PARAMS.has(q))) f.params.set(pn, `the request parameter \`${pn}\``);
      }
    }
    for (const n of walk(fn)) {
      if (n.type === "call") {
        const callee = n.childForFieldName("function");
        const last = callee?.type === "attribute" ? callee.childForFieldName("attribute") : callee;
        if (last && GUARDS.has(model.text(last))) {
          f.guarded = true;
          f.guardAt = Math.min(f.guardAt, n.startIndex);
        }
      } else if (n.type === "comparison_operator" && /["']\.\.["']/.test(model.text(n))) {
        f.guarded = true;
        f.guardAt = Math.min(f.guardAt, n.startIndex);
      }
    }
    return f;
  }

  /**
   * Where a value comes from when it is (built from) a request value, else null. A depth-first
   * search with its own stack (a path joined from thousands of pieces must not overflow the call
   * stack, nor stop at a depth and lose the finding); each binding is followed once.
   */
  source(start: Node, scope: Scope, fnScope: Scope): string | null {
    const model = this.model;
    const todo: { n: Node; scope: Scope }[] = [{ n: start, scope }];
    const followed = new Set<Binding>();
    // pushed in reverse: the first is searched first, as a recursive search would
    const push = (nodes: Node[], sc: Scope) => {
      for (let i = nodes.length - 1; i >= 0; i--) todo.push({ n: nodes[i], scope: sc });
    };
    const argValues = (call: Node) => (call.childForFieldName("arguments")?.namedChildren ?? []).map((a) => (a.type === "keyword_argument" ? a.childForFieldName("value")! : a));
    while (todo.length) {
      const { n, scope: sc } = todo.pop()!;
      switch (n.type) {
        case "identifier": {
          const name = model.text(n);
          const found = model.lookup(name, sc, n.startIndex);
          if (!found) break;
          if (found.binding.kind === "param" && found.scope === fnScope) {
            const s = this.functionFacts(fnScope).params.get(name);
            if (s) return s;
            break;
          }
          if (found.binding.kind !== "local" || found.scope !== fnScope) break;
          // every value the name is given before this point in the function
          const values: Node[] = [];
          let loopTarget = false;
          for (const b of found.scope.bindings.get(name)!) {
            if (b.at > n.startIndex || followed.has(b)) continue;
            followed.add(b);
            if (b.value) values.push(b.value);
            else loopTarget = true;
          }
          // `for record in event["Records"]`: the items of what is iterated
          if (loopTarget) values.push(...this.loopSources(fnScope, name, n.startIndex));
          push(values, fnScope);
          break;
        }
        case "attribute":
        case "subscript":
        case "call": {
          // request.args.get("f"), request.files["f"].filename, request.GET["p"], upload.filename
          const direct = this.requestField(n, sc, fnScope);
          if (direct) return direct;
          if (n.type === "subscript") {
            push([n.childForFieldName("value")!], sc);
            break;
          }
          if (n.type !== "call") break;
          const fn = n.childForFieldName("function")!;
          // `_tmp_path(key)`: a function of this module that returns a path built from its parameter
          if (fn.type === "identifier") {
            const through = this.helperArguments(n, sc);
            if (through.length) {
              push(through, sc);
              break;
            }
          }
          if (model.resolve(fn, sc).some((q) => PROPAGATE.has(q))) {
            push(argValues(n), sc);
            break;
          }
          if (fn.type === "attribute" && KEEP_METHODS.has(model.text(fn.childForFieldName("attribute")!))) {
            // "{}/{}".format(base, name)
            const format = model.text(fn.childForFieldName("attribute")!) === "format";
            push([fn.childForFieldName("object")!, ...(format ? argValues(n) : [])], sc);
          }
          break;
        }
        case "binary_operator": {
          const op = model.text(n.childForFieldName("operator")!);
          if (op === "+" || op === "%" || op === "/") push([n.childForFieldName("left")!, n.childForFieldName("right")!], sc);
          break;
        }
        case "string": {
          const inner: Node[] = [];
          for (const c of n.namedChildren) {
            if (c.type !== "interpolation") continue;
            const e = c.childForFieldName("expression") ?? c.namedChild(0);
            if (e) inner.push(e);
          }
          push(inner, sc);
          break;
        }
        case "parenthesized_expression":
        case "await": {
          const inner = n.namedChild(0);
          if (inner) push([inner], sc);
          break;
        }
        case "conditional_expression":
          push(n.namedChildren.slice(0, 1).concat(n.namedChildren.slice(2)), sc);
          break;
      }
    }
    return null;
  }

  /** The iterables of the `for` loops of a function that bind `name` before `at`. */
  private loopSources(fnScope: Scope, name: string, at: number): Node[] {
    const model = this.model;
    const out: Node[] = [];
    for (const n of walk(fnScope.node!)) {
      if (n.type !== "for_statement" || n.startIndex > at) continue;
      const left = n.childForFieldName("left");
      const right = n.childForFieldName("right");
      if (left?.type === "identifier" && model.text(left) === name && right) out.push(right);
    }
    return out;
  }

  private helperSummaries = new Map<Node["id"], number[] | "pending">();

  /**
   * The arguments of a call to a plain function defined at the top of this module whose returned
   * value is a path built from those parameters (and that never checks it): the call's result carries them.
   */
  private helperArguments(call: Node, scope: Scope): Node[] {
    const model = this.model;
    const fn = call.childForFieldName("function")!;
    const found = model.lookup(model.text(fn), scope, fn.startIndex);
    if (!found || found.binding.kind !== "function" || found.scope !== model.module) return [];
    const def = model.module.bindings.get(model.text(fn))!.filter((b) => b.kind === "function");
    if (def.length !== 1) return [];
    const helperScope = this.scopeOfFunction(model.text(fn));
    if (!helperScope) return [];
    const helper = helperScope.node!;
    let summary = this.helperSummaries.get(helper.id);
    if (summary === undefined) {
      this.helperSummaries.set(helper.id, "pending");
      summary = this.summarise(helperScope);
      this.helperSummaries.set(helper.id, summary);
    }
    if (summary === "pending" || !summary.length) return [];
    const args = call.childForFieldName("arguments")?.namedChildren ?? [];
    if (args.some((a) => a.type !== "identifier" && a.type !== "attribute" && a.type !== "subscript" && a.type !== "call" && a.type !== "string")) return [];
    return summary.flatMap((i) => (args[i] ? [args[i]] : []));
  }

  private scopeOfFunction(name: string): Scope | null {
    const model = this.model;
    const f = model.functions.find((x) => x.scope.parent === model.module && x.node.parent?.type !== "decorated_definition" && model.text(x.node.childForFieldName("name")!) === name);
    return f?.scope ?? null;
  }

  /** Which positional parameters the function's returned values are built from. */
  private summarise(helperScope: Scope): number[] {
    const model = this.model;
    const helper = helperScope.node!;
    const facts = this.functionFacts(helperScope);
    if (facts.guarded) return [];
    const names = (helper.childForFieldName("parameters")?.namedChildren ?? []).map((p) => (p.type === "identifier" ? model.text(p) : null));
    const saved = new Map(facts.params);
    names.forEach((nm, i) => nm && facts.params.set(nm, `\u0000${i}`));
    const out = new Set<number>();
    try {
      for (const n of walk(helper)) {
        if (n.type !== "return_statement") continue;
        const e = n.namedChild(0);
        if (!e || innermostFunction(n)?.id !== helper.id) continue;
        const s = this.source(e, helperScope, helperScope);
        if (s?.startsWith("\u0000")) out.add(Number(s.slice(1)));
      }
    } finally {
      facts.params = saved;
    }
    return [...out];
  }

  /** The attribute names along an access chain and the identifier it starts from (`a.b["k"].c()` → a, [b, c]). */
  private chainOf(n: Node): { root: Node; chain: string[] } | null {
    const model = this.model;
    const chain: string[] = [];
    let cur: Node | null = n;
    while (cur) {
      if (cur.type === "call") cur = cur.childForFieldName("function");
      else if (cur.type === "await" || cur.type === "parenthesized_expression") cur = cur.namedChild(0);
      else if (cur.type === "subscript") cur = cur.childForFieldName("value");
      else if (cur.type === "attribute") {
        chain.unshift(model.text(cur.childForFieldName("attribute")!));
        cur = cur.childForFieldName("object");
      } else break;
    }
    return cur && cur.type === "identifier" ? { root: cur, chain } : null;
  }

  /**
   * `request.<field>...` (Flask's request object or a view's `request` parameter), or
   * `<upload>.filename`; a local bound to part of such a chain (`f = request.files["doc"]`) continues it.
   */
  private requestField(n: Node, scope: Scope, fnScope: Scope, depth = 0): string | null {
    const model = this.model;
    const c = this.chainOf(n);
    if (!c) return null;
    let { root, chain } = c;
    let rootScope = scope;
    // follow locals bound once to a chain: f = request.files["doc"]; f.filename
    for (let hops = 0; hops < 4; hops++) {
      const name = model.text(root);
      const found = model.lookup(name, rootScope, root.startIndex);
      if (!found || found.binding.kind !== "local" || found.scope !== fnScope || !found.binding.value) break;
      if (found.scope.bindings.get(name)!.length !== 1) break;
      const inner = this.chainOf(found.binding.value);
      if (!inner) break;
      root = inner.root;
      chain = [...inner.chain, ...chain];
      rootScope = fnScope;
    }
    if (!chain.length || depth > 4) return null;
    const rootName = model.text(root);
    const found = model.lookup(rootName, rootScope, root.startIndex);
    const facts = this.functionFacts(fnScope);
    const isParam = found?.binding.kind === "param" && found.scope === fnScope;
    if (isParam && facts.uploads.has(rootName) && chain[0] === "filename") {
      return `the uploaded file name \`${rootName}.filename\``;
    }
    const flask = model.resolve(root, rootScope).some((q) => q === "flask.request" || q === "quart.request");
    if (flask && FLASK_FIELDS.has(chain[0])) {
      if (chain[0] === "files" && !chain.includes("filename")) return null;
      return `\`request.${chain[0]}\``;
    }
    if (isParam && rootName === "request" && this.aiohttp && AIOHTTP_FIELDS.has(chain[0])) return `\`request.${chain[0]}\``;
    if (isParam && rootName === "request" && this.framework === "fastapi" && STARLETTE_FIELDS.has(chain[0])) {
      // a form's field is a value, or an upload whose `filename` is the client's
      if (chain[0] === "form" && chain.length > 1 && chain[chain.length - 1] !== "filename") return null;
      return `\`request.${chain[0]}\``;
    }
    if (isParam && rootName === "request" && DJANGO_FIELDS.has(chain[0])) {
      if (chain[0] === "FILES" && !chain.includes("name")) return null;
      return `\`request.${chain[0]}\``;
    }
    return null;
  }
}

function innermostFunction(n: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === "function_definition" || p.type === "lambda") return p;
  return null;
}

function sinkPath(model: FileModel, call: CallSite): { callee: string; path: Node } | null {
  // boto3: `s3.download_file(Bucket, Key, Filename)` writes the local file
  if (call.lastName === "download_file" && call.fnType === "attribute" && importsModule(model, ["boto3"])) {
    const path = argument(model, call, 2, "Filename");
    return path ? { callee: `${model.text(call.fn)}`, path } : null;
  }
  if (SINK_LAST.has(calleeName(model, call))) {
    const callee = model.calleeNames(call).find((q) => SINKS[q] !== undefined);
    if (callee) {
      const path = argument(model, call, SINKS[callee][0], SINKS[callee][1]);
      return path ? { callee, path } : null;
    }
  }
  if (PATH_METHODS.has(call.lastName) && call.fnType === "attribute") {
    // Path(base, name).read_text(), (root / name).open()
    const obj = call.fn.childForFieldName("object")!;
    const inner = obj.type === "parenthesized_expression" ? obj.namedChild(0) : obj;
    if (!inner) return null;
    if (inner.type === "call" && model.resolve(inner.childForFieldName("function")!, call.scope).some((q) => q.startsWith("pathlib."))) {
      return { callee: `Path(...).${call.lastName}`, path: inner };
    }
    if (inner.type === "binary_operator" && model.text(inner.childForFieldName("operator")!) === "/") {
      return { callee: `Path(...).${call.lastName}`, path: inner };
    }
  }
  return null;
}

/** `f.save(path)` where `f` is an uploaded file (`f = request.files["doc"]`): werkzeug writes it to the path. */
function uploadSave(model: FileModel, call: CallSite, fnScope: Scope): { callee: string; path: Node } | null {
  const obj = call.fn.childForFieldName("object")!;
  let uploaded = /^request\.files\b/.test(model.text(obj));
  if (!uploaded && obj.type === "identifier") {
    const found = model.lookup(model.text(obj), call.scope, obj.startIndex);
    const value = found?.binding.kind === "local" && found.scope === fnScope ? found.binding.value : null;
    uploaded = !!value && /^request\.files\b/.test(model.text(value));
  }
  if (!uploaded || !importsModule(model, ["flask", "quart", "werkzeug"])) return null;
  const path = argument(model, call, 0, "dst");
  return path ? { callee: `${model.text(obj)}.save`, path } : null;
}

function requestPathTraversal({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const framework = webFile(model);
  const django = importsModule(model, ["django", "rest_framework"]);
  const aiohttp = importsModule(model, ["aiohttp"]);
  const lambda = /def\s+\w+\s*\(\s*event\s*,\s*context\s*\)/.test(model.source);
  if (!framework && !django && !aiohttp && !lambda) return [];
  const reader = new TaintReader(model, framework, aiohttp, lambda);
  const hits: Hit<undefined>[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const upload = call.lastName === "save" && call.fnType === "attribute";
    if (!SINK_LAST.has(calleeName(model, call)) && !PATH_METHODS.has(call.lastName) && !upload) continue;
    const fnScope = functionScope(call.scope);
    if (!fnScope) continue;
    const sink = upload ? uploadSave(model, call, fnScope) : sinkPath(model, call);
    if (!sink) continue;
    const source = reader.source(sink.path, call.scope, fnScope);
    if (!source) continue;
    // a check before the sink (or inside its call) protects it; one only after it cannot
    if (reader.functionFacts(fnScope).guardAt < call.node.endIndex) continue;
    hits.push({
      node: call.node,
      call,
      callee: sink.callee,
      source,
      message: `\`${sink.callee}\` gets a path built from ${source}: a value like \`../../etc/passwd\` reaches files outside the intended folder.`,
    });
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: requestPathTraversal,
});
