/** Flask / FastAPI route decorators: which functions are routes, their path and HTTP methods; decorators in general. */
import type { Node } from "../python.js";
import type { FileModel, Scope } from "../scope.js";
import { importsModule } from "./imports.js";

export interface Route {
  /** the decorator node (`@app.route(...)`) */
  decorator: Node;
  /** the decorator's call */
  call: Node;
  /** the route path when it is a constant string */
  path: string | null;
  /** upper-case HTTP methods the route accepts */
  methods: string[];
  framework: "flask" | "fastapi";
}

const VERBS = new Set(["get", "post", "put", "patch", "delete"]);

/** Whether the file uses a web framework whose routes we read. */
export function webFile(model: FileModel): "flask" | "fastapi" | null {
  if (importsModule(model, ["fastapi", "starlette"])) return "fastapi";
  if (importsModule(model, ["flask", "quart"])) return "flask";
  return null;
}

function constantStrings(model: FileModel, n: Node, scope: Scope): string[] {
  if (n.type !== "list" && n.type !== "tuple" && n.type !== "set") return [];
  const out: string[] = [];
  for (const item of n.namedChildren) {
    const v = model.classify(item, scope);
    if (v.kind === "constant") out.push(v.value!.toUpperCase());
  }
  return out;
}

/** The route decorators of a function (a function may have several). */
export function routesOf(model: FileModel, fn: Node, scope: Scope, framework: "flask" | "fastapi"): Route[] {
  const out: Route[] = [];
  for (const d of decoratorsOf(fn)) {
    const call = decoratorExpression(d);
    if (!call || call.type !== "call") continue;
    const callee = call.childForFieldName("function");
    if (!callee || callee.type !== "attribute") continue;
    const verb = model.text(callee.childForFieldName("attribute")!);
    if (verb !== "route" && verb !== "api_route" && !VERBS.has(verb)) continue;
    const args = call.childForFieldName("arguments");
    let path: string | null = null;
    let methods: string[] | null = null;
    let pos = 0;
    for (const a of args?.namedChildren ?? []) {
      if (a.type === "keyword_argument") {
        const k = model.text(a.childForFieldName("name")!);
        const v = a.childForFieldName("value")!;
        if (k === "methods") methods = constantStrings(model, v, scope);
        if (k === "path" || k === "rule") {
          const pv = model.classify(v, scope);
          if (pv.kind === "constant") path = pv.value!;
        }
        continue;
      }
      if (a.type === "comment") continue;
      if (pos === 0) {
        const pv = model.classify(a, scope);
        if (pv.kind === "constant") path = pv.value!;
      }
      pos++;
    }
    if (VERBS.has(verb)) methods = [verb.toUpperCase()];
    // Flask's route() and FastAPI's api_route() accept GET only unless told otherwise
    methods ??= ["GET"];
    out.push({ decorator: d, call, path, methods, framework });
  }
  return out;
}

/** Parameter names a route path fills: Flask `<name>` / `<path:name>`, FastAPI `{name}` / `{name:path}`. */
export function pathParameters(path: string): string[] {
  const out: string[] = [];
  for (const m of path.matchAll(/<(?:([a-z_]+)(?:\([^)]*\))?:)?([A-Za-z_][A-Za-z0-9_]*)>|\{([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?\}/g)) {
    // numbers and UUIDs cannot carry a path
    const converter = m[1] ?? m[4];
    if (converter && NON_TEXT.has(converter)) continue;
    out.push(m[2] ?? m[3]);
  }
  return out;
}

const NON_TEXT = new Set(["int", "float", "uuid"]);

/** The decorators of a function definition node (empty when it has none). */
export function decoratorsOf(fn: Node): Node[] {
  const parent = fn.parent;
  if (!parent || parent.type !== "decorated_definition") return [];
  return parent.namedChildren.filter((c) => c.type === "decorator");
}

/** The expression of a decorator (`@app.route("/x")` → the call). */
export function decoratorExpression(d: Node): Node | null {
  return d.namedChildren.find((c) => c.type !== "comment") ?? null;
}
