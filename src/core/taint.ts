/**
 * Intra-procedural taint: values read from a web request (Flask, Django, FastAPI), `input()` or
 * `sys.argv` that reach a dangerous call in the same function. Assignments, f-strings,
 * concatenation, `%` and `.format` carry the taint. It raises a finding to high confidence and
 * says where the value came from; rules that only matter for untrusted values use it as a gate.
 */
import type { Node } from "./python.js";
import type { FileModel, Scope, CallSite } from "./scope.js";

const FLASK_ATTRS = new Set(["args", "form", "values", "json", "data", "files", "headers", "cookies", "get_json", "get_data", "view_args", "stream"]);
const DJANGO_ATTRS = new Set(["GET", "POST", "body", "COOKIES", "FILES", "META", "headers", "data", "query_params"]);
const ROUTE_DECORATORS = new Set(["get", "post", "put", "delete", "patch", "api_route", "websocket"]);

export interface TaintSource {
  /** e.g. "`request.args` (line 4)" */
  description: string;
}

interface FunctionTaint {
  names: Map<string, TaintSource>;
}

export class TaintIndex {
  private readonly perScope = new Map<Scope, FunctionTaint>();
  /** the file's assignments by scope, in order (made on first use) */
  private assignmentsByScope: Map<Scope, { node: Node }[]> | null = null;

  constructor(private readonly model: FileModel) {}

  private describe(n: Node, what: string): TaintSource {
    return { description: `\`${what}\` (line ${n.startPosition.row + 1})` };
  }

  /** A direct source: request data, input(), sys.argv. */
  private sourceAt(n: Node, scope: Scope): TaintSource | null {
    const m = this.model;
    if (n.type === "attribute" || n.type === "call" || n.type === "subscript") {
      const target = n.type === "subscript" ? n.childForFieldName("value") : n;
      if (!target) return null;
      const names = m.resolve(target, scope);
      for (const q of names) {
        const flask = /^flask\.request\.(\w+)/.exec(q);
        if (flask && FLASK_ATTRS.has(flask[1])) return this.describe(n, `request.${flask[1]}`);
        if (q === "input()" || q === "builtins.input()") return this.describe(n, "input()");
        if (q.startsWith("sys.argv")) return this.describe(n, "sys.argv");
      }
      // Django / DRF: `request.GET[...]`, `request.POST.get(...)` where `request` is the view's parameter
      let cur: Node | null = target;
      for (let i = 0; cur && i < 8; i++) {
        if (cur.type === "attribute") {
          const obj = cur.childForFieldName("object");
          const attr = cur.childForFieldName("attribute");
          if (obj?.type === "identifier" && attr) {
            if (m.text(obj) === "request" && DJANGO_ATTRS.has(m.text(attr)) && m.lookup("request", scope, obj.startIndex)?.binding.kind === "param") {
              return this.describe(n, `request.${m.text(attr)}`);
            }
            break;
          }
          cur = obj;
        } else if (cur.type === "call") cur = cur.childForFieldName("function");
        else if (cur.type === "subscript") cur = cur.childForFieldName("value");
        else break;
      }
    }
    return null;
  }

  private functionTaint(scope: Scope): FunctionTaint {
    let ft = this.perScope.get(scope);
    if (ft) return ft;
    ft = { names: new Map() };
    this.perScope.set(scope, ft);
    if (scope.kind !== "function" || !scope.node) return ft;
    this.fastApiParameters(scope, ft);
    if (!this.assignmentsByScope) {
      this.assignmentsByScope = new Map();
      for (const a of this.model.assignments) {
        const list = this.assignmentsByScope.get(a.scope);
        if (list) list.push(a);
        else this.assignmentsByScope.set(a.scope, [a]);
      }
    }
    const assignments = this.assignmentsByScope.get(scope) ?? [];
    // two passes reach values that flow around a loop
    for (let pass = 0; pass < 2; pass++) {
      for (const { node } of assignments) {
        const left = node.childForFieldName("left");
        const right = node.childForFieldName("right");
        if (!left || !right || left.type !== "identifier") continue;
        const name = this.model.text(left);
        if (ft.names.has(name)) continue;
        const src = this.exprTaint(right, scope, ft);
        if (src) ft.names.set(name, src);
      }
    }
    return ft;
  }

  /** FastAPI: the parameters of a route handler are request data. */
  private fastApiParameters(scope: Scope, ft: FunctionTaint): void {
    const fn = scope.node!;
    const decorated = fn.parent?.type === "decorated_definition" ? fn.parent : null;
    if (!decorated) return;
    let isRoute = false;
    for (const d of decorated.namedChildren) {
      if (d.type !== "decorator") continue;
      const call = d.namedChild(0);
      const callee = call?.type === "call" ? call.childForFieldName("function") : null;
      if (!callee || callee.type !== "attribute") continue;
      const attr = callee.childForFieldName("attribute");
      if (!attr || !ROUTE_DECORATORS.has(this.model.text(attr))) continue;
      const obj = callee.childForFieldName("object")!;
      const parent = scope.parent ?? this.model.module;
      if (this.model.resolve(obj, parent).some((q) => q.startsWith("fastapi.FastAPI()") || q.startsWith("fastapi.APIRouter()"))) isRoute = true;
    }
    if (!isRoute) return;
    const params = fn.childForFieldName("parameters");
    for (const p of params?.namedChildren ?? []) {
      const id = p.type === "identifier" ? p : p.childForFieldName("name") ?? p.namedChildren.find((c) => c.type === "identifier");
      if (!id) continue;
      const name = this.model.text(id);
      const type = p.childForFieldName("type");
      if (name === "self" || name === "request" || (type && /Request|Session|Depends/.test(this.model.text(type)))) continue;
      ft.names.set(name, this.describe(id, `FastAPI parameter ${name}`));
    }
  }

  /** Whether an expression carries untrusted data, and from where. */
  private exprTaint(expr: Node, scope: Scope, ft: FunctionTaint): TaintSource | null {
    // every node of the expression: a bound here would let a source past it go unseen
    const todo: Node[] = [expr];
    while (todo.length) {
      const n = todo.pop()!;
      if (n.type === "identifier") {
        const src = ft.names.get(this.model.text(n));
        if (src) {
          const found = this.model.lookup(this.model.text(n), scope, n.startIndex);
          if (!found || found.scope === scope) return src;
        }
        continue;
      }
      // a lambda or nested function body is not this value
      if (n.type === "lambda" || n.type === "function_definition") continue;
      const direct = this.sourceAt(n, scope);
      if (direct) return direct;
      for (let i = n.namedChildCount - 1; i >= 0; i--) todo.push(n.namedChild(i)!);
    }
    return null;
  }

  /** Taint of an expression used inside `scope` (a function; module-level code has no request). */
  taintOf(expr: Node, scope: Scope): TaintSource | null {
    const fnScope = enclosingFunction(scope);
    if (!fnScope) {
      // module level: only input() and sys.argv make sense
      return this.exprTaint(expr, scope, { names: new Map() });
    }
    return this.exprTaint(expr, scope, this.functionTaint(fnScope));
  }

  /** Taint of any argument of a call (or of the one at `position`/`keyword`). */
  callTaint(call: CallSite, position?: number, keyword?: string): TaintSource | null {
    if (!call.args) return null;
    let pos = 0;
    for (const a of call.args.namedChildren) {
      let value: Node | null = a;
      let matches = position === undefined && keyword === undefined;
      if (a.type === "keyword_argument") {
        value = a.childForFieldName("value");
        const nm = a.childForFieldName("name");
        if (keyword !== undefined && nm && this.model.text(nm) === keyword) matches = true;
      } else if (a.type !== "comment") {
        if (position !== undefined && pos === position) matches = true;
        pos++;
      }
      if (!matches || !value) continue;
      const t = this.taintOf(value, call.scope);
      if (t) return t;
    }
    return null;
  }
}

function enclosingFunction(scope: Scope): Scope | null {
  for (let s: Scope | null = scope; s; s = s.parent) if (s.kind === "function") return s;
  return null;
}

const indexes = new WeakMap<FileModel, TaintIndex>();

export function taintIndex(model: FileModel): TaintIndex {
  let t = indexes.get(model);
  if (!t) indexes.set(model, (t = new TaintIndex(model)));
  return t;
}
