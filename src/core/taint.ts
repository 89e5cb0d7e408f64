/**
 * Intra-procedural taint: values from the sources of rules/_models/taint.yml (web requests of
 * Flask, Django, FastAPI, aiohttp, AWS Lambda events, `input()`, `sys.argv` …) that reach a
 * dangerous call in the same function. Assignments, f-strings, concatenation, `%` and `.format`
 * carry the taint; a rule's sanitizers (calls, allow-list checks) stop it. It raises a finding to
 * high confidence and says where the value came from; rules that only matter for untrusted values
 * use it as a gate.
 */
import type { Node } from "./python.js";
import type { AssignmentSite, FileModel, Scope, CallSite } from "./scope.js";
import type { TaintSourceSpec } from "./rules/schema.js";
import { memoPer } from "./sorted.js";


/** Which sources count and what cleans a value: a rule's taint profile (the engine's is the default). */
export interface TaintProfile {
  threats: readonly string[];
  /** resolved names of calls whose result is clean */
  sanitizers: readonly string[];
  /** a name checked against an allow-list is clean (on whenever `sanitizers` are given) */
  allowLists?: boolean;
}

export const DEFAULT_PROFILE: TaintProfile = { threats: ["remote", "local"], sanitizers: [] };

/** A source's label with `{attribute}` / `{name}` filled in. */
function label(src: TaintSourceSpec, vars: { attribute?: string; name?: string }): string {
  return src.label.replace(/\{(attribute|name)\}/g, (m, k: "attribute" | "name") => vars[k] ?? m);
}

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
  private assignmentsByScope: Map<Scope, AssignmentSite[]> | null = null;
  private readonly sources: TaintSourceSpec[];
  private readonly sanitizers: Set<string>;
  private readonly sanitizerLasts: Set<string>;
  private readonly allowLists: boolean;

  constructor(
    private readonly model: FileModel,
    sources: readonly TaintSourceSpec[],
    profile: TaintProfile = DEFAULT_PROFILE,
  ) {
    // a source gated on an import applies only in files that import it
    this.sources = sources.filter(
      (s) => profile.threats.includes(s.threat) && (!s.imports || model.imports.some((i) => s.imports!.some((m) => i.qualified === m || i.qualified.startsWith(`${m}.`)))),
    );
    this.sanitizers = new Set(profile.sanitizers);
    this.sanitizerLasts = new Set(profile.sanitizers.map((q) => q.slice(q.lastIndexOf(".") + 1)));
    this.allowLists = profile.allowLists === true || profile.sanitizers.length > 0;
    this.possible = this.sources.some((src) => sourcePossibleIn(model, src));
  }

  /** false when the text lacks a word every source needs: no value of the file can be tainted */
  readonly possible: boolean;

  private describe(n: Node, what: string): TaintSource {
    return { description: `\`${what}\` (line ${n.startPosition.row + 1})` };
  }

  /** A direct source: an object's attribute (request data, sys.argv), a call's result (input()), a parameter's attribute. */
  private sourceAt(n: Node, scope: Scope): TaintSource | null {
    const m = this.model;
    if (n.type === "attribute" || n.type === "call" || n.type === "subscript") {
      const target = n.type === "subscript" ? n.childForFieldName("value") : n;
      if (!target) return null;
      const names = m.resolve(target, scope);
      for (const q of names) {
        for (const src of this.sources) {
          if (src.object !== undefined && q.startsWith(src.object)) {
            if (!src.attributes) return this.describe(n, label(src, {}));
            const rest = q.slice(src.object.length);
            const attr = /^\.(\w+)/.exec(rest)?.[1];
            if (attr && src.attributes.includes(attr)) return this.describe(n, label(src, { attribute: attr }));
          }
          if (src.calls && src.calls.some((c) => q === `${c}()`)) return this.describe(n, label(src, {}));
        }
      }
      // a parameter's attribute: `request.GET[...]`, `request.POST.get(...)` where `request` is the view's parameter
      const params = this.sources.filter((s) => s.parameter !== undefined);
      if (!params.length) return null;
      let cur: Node | null = target;
      for (let i = 0; cur && i < 8; i++) {
        if (cur.type === "attribute") {
          const obj = cur.childForFieldName("object");
          const attr = cur.childForFieldName("attribute");
          if (obj?.type === "identifier" && attr) {
            const objName = m.text(obj);
            const attrName = m.text(attr);
            for (const src of params) {
              if (objName !== src.parameter || !(src.attributes ?? []).includes(attrName)) continue;
              if (m.lookup(objName, scope, obj.startIndex)?.binding.kind === "param") return this.describe(n, label(src, { attribute: attrName }));
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
    for (const src of this.sources) {
      if (src.route_parameters) this.routeParameters(scope, ft, src, src.route_parameters);
      if (src.handler_parameter) this.handlerParameter(scope, ft, src, src.handler_parameter);
    }
    if (!this.assignmentsByScope) {
      this.assignmentsByScope = new Map();
      for (const a of this.model.assignments) {
        const list = this.assignmentsByScope.get(a.scope);
        if (list) list.push(a);
        else this.assignmentsByScope.set(a.scope, [a]);
      }
    }
    const assignments = this.assignmentsByScope.get(scope) ?? [];
    // `for record in event["Records"]`: the loop's targets take the iterable's taint
    const loops = this.model.ownNodes(scope, "for_statement").concat(this.model.ownNodes(scope, "for_in_clause"));
    // two passes reach values that flow around a loop
    for (let pass = 0; pass < 2; pass++) {
      for (const { left, right } of assignments) {
        if (!left || !right || left.type !== "identifier") continue;
        const name = this.model.text(left);
        if (ft.names.has(name)) continue;
        const src = this.exprTaint(right, scope, ft);
        if (src) ft.names.set(name, src);
      }
      for (const loop of loops) {
        const left = loop.childForFieldName("left");
        const right = loop.childForFieldName("right");
        if (!left || !right) continue;
        const src = this.exprTaint(right, scope, ft);
        if (!src) continue;
        const targets = left.type === "identifier" ? [left] : left.descendantsOfType("identifier").filter((x): x is Node => x !== null);
        for (const t of targets) if (!ft.names.has(this.model.text(t))) ft.names.set(this.model.text(t), src);
      }
    }
    for (const name of this.allowListed(scope)) ft.names.delete(name);
    for (const name of this.guarded(scope)) ft.names.delete(name);
    return ft;
  }

  /** FastAPI and the like: the parameters of a route handler are request data. */
  private routeParameters(scope: Scope, ft: FunctionTaint, src: TaintSourceSpec, spec: NonNullable<TaintSourceSpec["route_parameters"]>): void {
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
      if (!attr || !spec.methods.includes(this.model.text(attr))) continue;
      const obj = callee.childForFieldName("object")!;
      const parent = scope.parent ?? this.model.module;
      if (this.model.resolve(obj, parent).some((q) => spec.routers.some((r) => q.startsWith(r)))) isRoute = true;
    }
    if (!isRoute) return;
    const skipTypes = spec.skip_types ? new RegExp(spec.skip_types) : null;
    const params = fn.childForFieldName("parameters");
    for (const p of params?.namedChildren ?? []) {
      const id = p.type === "identifier" ? p : p.childForFieldName("name") ?? p.namedChildren.find((c) => c.type === "identifier");
      if (!id) continue;
      const name = this.model.text(id);
      const type = p.childForFieldName("type");
      if (spec.skip_names.includes(name) || (type && skipTypes?.test(this.model.text(type)))) continue;
      if (!ft.names.has(name)) ft.names.set(name, this.describe(id, label(src, { name })));
    }
  }

  /** `def handler(event, context)`: the event is the request. */
  private handlerParameter(scope: Scope, ft: FunctionTaint, src: TaintSourceSpec, spec: NonNullable<TaintSourceSpec["handler_parameter"]>): void {
    const params = scope.node!.childForFieldName("parameters")?.namedChildren.filter((c) => c.type !== "comment") ?? [];
    const names = params.map((p) => (p.type === "identifier" ? this.model.text(p) : null));
    const at = names.indexOf(spec.name);
    if (at < 0 || names[at + 1] !== spec.with || ft.names.has(spec.name)) return;
    ft.names.set(spec.name, this.describe(params[at], label(src, { name: spec.name })));
  }

  /** A call to one of the profile's sanitizers: its result is clean. */
  private sanitizes(n: Node, scope: Scope): boolean {
    if (!this.sanitizers.size || n.type !== "call") return false;
    const fn = n.childForFieldName("function");
    if (!fn) return false;
    const last = fn.type === "attribute" ? this.model.text(fn.childForFieldName("attribute")!) : this.model.text(fn);
    if (!this.sanitizerLasts.has(this.model.importedLastNames.get(last) ?? last)) return false;
    return this.model.resolve(fn, scope).some((q) => this.sanitizers.has(q));
  }

  /** Names the function checks against an allow-list (`x in ALLOWED`, `x not in {...}`): their taint is dropped. */
  private allowListed(scope: Scope): Set<string> {
    const out = new Set<string>();
    if (!this.allowLists || !scope.node) return out;
    for (const c of this.model.nodesWithin(scope, "comparison_operator")) {
      if (!c || c.namedChildCount !== 2) continue;
      const op = this.model.text(c).slice(c.namedChild(0)!.endIndex - c.startIndex, c.namedChild(1)!.startIndex - c.startIndex).trim();
      if (op !== "in" && op !== "not in") continue;
      const left = c.namedChild(0)!;
      const right = c.namedChild(1)!;
      const allowList = /^(list|tuple|set|dictionary)$/.test(right.type) || (right.type === "identifier" && /^[A-Z][A-Z0-9_]*$/.test(this.model.text(right)));
      if (!allowList) continue;
      if (left.type === "identifier") out.add(this.model.text(left));
      else if (left.type === "attribute" || left.type === "call" || left.type === "subscript") {
        // `urlparse(url).hostname not in ALLOWED_HOSTS`: the value it is taken from is checked
        for (const id of left.descendantsOfType("identifier")) {
          if (!id || id.parent?.type === "attribute" && id.parent.childForFieldName("attribute")?.id === id.id) continue;
          out.add(this.model.text(id));
        }
      }
    }
    return out;
  }

  /**
   * Names a check stands guard over: an `if` whose test calls a sanitizer or a check method
   * (`startswith`, `is_relative_to`, `fullmatch`, …) on the name and whose body leaves
   * (`return`, `raise`, `abort(...)`, `continue`) or puts a constant in its place
   * (`if not url_has_allowed_host_and_scheme(nxt, …): nxt = "/"`; `if urlparse(t).netloc: t = "/"`).
   */
  private guarded(scope: Scope): Set<string> {
    const out = new Set<string>();
    if (!this.allowLists || !scope.node) return out;
    const m = this.model;
    for (const stmt of m.ownNodes(scope, "if_statement")) {
      const test = stmt.childForFieldName("condition");
      const body = stmt.childForFieldName("consequence");
      if (!test || !body) continue;
      const stmts = body.namedChildren.filter((c) => c.type !== "comment");
      const lastStmt = stmts[stmts.length - 1];
      const exits =
        !!lastStmt &&
        (lastStmt.type === "return_statement" || lastStmt.type === "raise_statement" || lastStmt.type === "continue_statement" ||
          (lastStmt.type === "expression_statement" && /^(abort|flask\.abort|sys\.exit|exit)\s*\(/.test(m.text(lastStmt))));
      // names given a constant in the body
      const reset = new Set<string>();
      for (const st of stmts) {
        const a = st.type === "expression_statement" ? st.namedChild(0) : null;
        if (a?.type !== "assignment") continue;
        const l = a.childForFieldName("left");
        const r = a.childForFieldName("right");
        if (l?.type === "identifier" && r && (r.type === "string" && !r.namedChildren.some((c) => c.type === "interpolation") || r.type === "none")) reset.add(m.text(l));
      }
      const calls = [test, ...test.descendantsOfType("call").filter((x): x is Node => x !== null)].filter((c) => c.type === "call");
      for (const call of calls) {
        const fn = call.childForFieldName("function");
        if (!fn) continue;
        const last = fn.type === "attribute" ? m.text(fn.childForFieldName("attribute")!) : m.text(fn);
        const checks = GUARD_METHODS.has(last) || this.sanitizerLasts.has(m.importedLastNames.get(last) ?? last);
        const names = new Set<string>();
        for (const id of call.descendantsOfType("identifier")) if (id) names.add(m.text(id));
        for (const name of names) {
          if (reset.has(name)) out.add(name);
          else if (checks && exits) out.add(name);
        }
      }
    }
    return out;
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
      // a lambda or nested function body is not this value; a sanitizer's result is clean
      if (n.type === "lambda" || n.type === "function_definition" || this.sanitizes(n, scope)) continue;
      const direct = this.sourceAt(n, scope);
      if (direct) return direct;
      for (let i = n.namedChildCount - 1; i >= 0; i--) todo.push(n.namedChild(i)!);
    }
    return null;
  }

  /** Taint of an expression used inside `scope` (a function; module-level code has no request). */
  taintOf(expr: Node, scope: Scope): TaintSource | null {
    if (!this.possible) return null;
    const fnScope = enclosingFunction(scope);
    if (!fnScope) {
      // module level: only input() and sys.argv make sense
      return this.exprTaint(expr, scope, { names: new Map() });
    }
    return this.exprTaint(expr, scope, this.functionTaint(fnScope));
  }

  /** Taint of any argument of a call (or of the one at `position`/`keyword`). */
  callTaint(call: CallSite, position?: number, keyword?: string, url = false): TaintSource | null {
    if (!this.possible || !call.args) return null;
    let pos = 0;
    for (const a of call.args.namedChildren) {
      let value: Node | null = a;
      let matches = position === undefined && keyword === undefined;
      if (a.type === "dictionary_splat" || a.type === "list_splat") {
        // `requests.get(**opts)`: the splatted mapping may hold the argument
        value = a.namedChild(0);
        matches = true;
      } else if (a.type === "keyword_argument") {
        value = a.childForFieldName("value");
        const nm = a.childForFieldName("name");
        if (keyword !== undefined && nm && this.model.text(nm) === keyword) matches = true;
      } else if (a.type !== "comment") {
        if (position !== undefined && pos === position) matches = true;
        pos++;
      }
      if (!matches || !value) continue;
      if (url && fixedHost(this.model, value, call.scope)) continue;
      const t = this.taintOf(value, call.scope);
      if (t) return t;
    }
    return null;
  }
}

/**
 * Whether a source can be found in a file, from its text: a name resolves to `flask.request` or
 * `os.getenv` only if each of its segments is written there as a word (the import, or the dotted
 * name itself). A parameter needs its name; a handler both its parameters; a router its module.
 */
function sourcePossible(text: string, src: TaintSourceSpec): boolean {
  const has = (word: string) => wordIn(text, word);
  const dotted = (q: string) => q.replace(/\(\)/g, "").split(".").every(has);
  if (src.object !== undefined && dotted(src.object)) return true;
  if (src.calls?.some(dotted)) return true;
  if (src.parameter !== undefined && has(src.parameter)) return true;
  if (src.handler_parameter && has(src.handler_parameter.name) && has(src.handler_parameter.with)) return true;
  if (src.route_parameters?.routers.some((r) => has(r.split(".")[0]))) return true;
  return false;
}

const possibleSources = memoPer<FileModel, TaintSourceSpec, boolean>();

/** `sourcePossible` for the model's text, once per file and source (every taint profile asks). */
function sourcePossibleIn(model: FileModel, src: TaintSourceSpec): boolean {
  return possibleSources(model, src, () => sourcePossible(model.source, src));
}

/** Whether `word` occurs in `text` with no identifier character either side. */
function wordIn(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    if (!IDENTIFIER_CHAR.test(text[at - 1] ?? " ") && !IDENTIFIER_CHAR.test(text[at + word.length] ?? " ")) return true;
  }
  return false;
}
const IDENTIFIER_CHAR = /[\w]/;

/** check methods and functions whose call in an `if` test guards the names it is given */
const GUARD_METHODS = new Set(["startswith", "endswith", "is_relative_to", "relative_to", "commonpath", "fullmatch", "match", "isalnum", "isdigit", "isidentifier"]);

/** A URL whose scheme and host are constant text (`f"https://api.example.com/{x}"`, `"https://h/" + x`): the request goes where the code says. */
function fixedHost(model: FileModel, n: Node, scope: Scope): boolean {
  let lead: Node = n;
  for (;;) {
    if (lead.type === "binary_operator" && /^[+%]$/.test(model.text(lead.childForFieldName("operator")!))) lead = lead.childForFieldName("left")!;
    else if (lead.type === "call" && lead.childForFieldName("function")?.type === "attribute" && model.text(lead.childForFieldName("function")!.childForFieldName("attribute")!) === "format") {
      lead = lead.childForFieldName("function")!.childForFieldName("object")!;
    } else if (lead.type === "parenthesized_expression" && lead.namedChild(0)) lead = lead.namedChild(0)!;
    else break;
  }
  if (lead.type !== "string") return false;
  let text = "";
  for (const c of lead.namedChildren) {
    if (c.type === "interpolation") {
      // f"{API_BASE}/{x}": a constant's value counts as text
      const e = c.childForFieldName("expression") ?? c.namedChild(0);
      const v = e ? model.classify(e, scope) : null;
      if (v?.kind === "constant" && typeof v.value === "string") {
        text += v.value;
        continue;
      }
      break;
    }
    if (c.type === "string_content") text += model.text(c);
  }
  return /^[a-z][a-z0-9+.-]*:\/\/[^/{}%@]+\//i.test(text);
}

function enclosingFunction(scope: Scope): Scope | null {
  for (let s: Scope | null = scope; s; s = s.parent) if (s.kind === "function") return s;
  return null;
}

const indexes = new WeakMap<FileModel, Map<string, TaintIndex>>();

/** The file's taint index for these sources and profile (made once per file and profile). */
export function taintIndex(model: FileModel, sources: readonly TaintSourceSpec[], profile: TaintProfile = DEFAULT_PROFILE): TaintIndex {
  let perProfile = indexes.get(model);
  if (!perProfile) indexes.set(model, (perProfile = new Map()));
  const key = `${profile.threats.join(",")}|${profile.sanitizers.join(",")}|${profile.allowLists === true}`;
  let t = perProfile.get(key);
  if (!t) perProfile.set(key, (t = new TaintIndex(model, sources, profile)));
  return t;
}
