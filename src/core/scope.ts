/**
 * What each name in a file refers to. One native query pass collects imports, bindings, scopes
 * and call sites; resolution then turns `p.loads` into `pickle.loads` when `import pickle as p`
 * is in scope, and into nothing when `p` was rebound locally (`yaml = YAML()`, a parameter, `self`).
 */
import type Parser from "tree-sitter";
import { compileQuery, type Node, type ParsedPython } from "./python.js";

export type ValueKind =
  | "constant" // a string whose value is known: a literal, literals joined, or a name bound once to one
  | "fstring" // an f-string with interpolations
  | "percent" // "..." % values
  | "format" // "...".format(values)
  | "concat" // a string joined with + to something that is not constant
  | "name" // a variable or attribute whose value is unknown
  | "call" // the result of a call
  | "literal" // number, True, False, None
  | "collection" // list, tuple, dict, set (and comprehensions)
  | "other";

export interface ValueInfo {
  kind: ValueKind;
  /** the string value for `constant` (escapes left as written), the literal text for `literal` */
  value?: string;
}

export type BindingKind = "import" | "param" | "local" | "function" | "class";

export interface Binding {
  kind: BindingKind;
  /** string index where the binding happens (bindings are ordered by it) */
  at: number;
  /** for imports: the dotted name it binds (`import xml.etree.ElementTree as ET` → xml.etree.ElementTree) */
  qualified?: string;
  /** for `x = <value>` / `with <value> as x`: the value expression */
  value?: Node;
  /** `x += …`: extends the earlier value rather than replacing it */
  augmented?: boolean;
}

export interface Scope {
  kind: "module" | "function" | "lambda" | "class";
  start: number;
  end: number;
  parent: Scope | null;
  node: Node | null;
  bindings: Map<string, Binding[]>;
  /** modules imported with `from m import *` in this scope */
  stars: string[];
}

export interface CallSite {
  node: Node;
  fn: Node;
  args: Node | null;
  scope: Scope;
  /** last dotted segment of the callee as written (`p.loads` → loads); a cheap pre-filter */
  lastName: string;
}

export interface ImportRecord {
  /** the local name bound */
  local: string;
  /** what it refers to (module or module.attr) */
  qualified: string;
  node: Node;
  scope: Scope;
}

const MODEL_QUERY = `
(import_statement) @import
(import_from_statement) @import_from
(function_definition) @function
(lambda) @lambda
(class_definition) @class
(assignment) @assign
(augmented_assignment left: (identifier) @augmented)
(for_statement left: (_) @target)
(for_in_clause left: (_) @target)
(as_pattern alias: (as_pattern_target) @alias)
(named_expression name: (identifier) @target)
(global_statement) @global
(call) @call
`;

let modelQuery: Parser.Query | null = null;

/** Python's builtin functions (exception classes and constants left out): an unbound name resolves only to these. */
export const BUILTINS = new Set(
  ("__import__ abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile " +
    "complex copyright credits delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr " +
    "globals hasattr hash help hex id input int isinstance issubclass iter len license list locals map max memoryview " +
    "min next object oct open ord pow print property quit range repr reversed round set setattr slice sorted " +
    "staticmethod str sum super tuple type vars zip").split(" "),
);

export class FileModel {
  readonly module: Scope;
  readonly scopes: Scope[] = [];
  readonly calls: CallSite[] = [];
  readonly imports: ImportRecord[] = [];
  readonly assignments: { node: Node; scope: Scope }[] = [];
  readonly functions: { node: Node; scope: Scope }[] = [];
  /** local names that import something under another name (`from os import system as run`: run → system) */
  readonly importedLastNames = new Map<string, string>();

  constructor(readonly parsed: ParsedPython) {
    const root = parsed.tree.rootNode;
    this.module = newScope("module", root.startIndex, Math.max(root.endIndex, parsed.source.length), null, null);
    this.scopes.push(this.module);
    this.collect();
  }

  /** The callee's last name as imported: `from os import chmod as set_mode; set_mode(...)` → "chmod". */
  calleeLastName(call: CallSite): string {
    return call.fn.type === "identifier" ? this.importedLastNames.get(call.lastName) ?? call.lastName : call.lastName;
  }

  get source(): string {
    return this.parsed.source;
  }

  text(n: Node): string {
    return this.parsed.source.slice(n.startIndex, n.endIndex);
  }

  private collect(): void {
    modelQuery ??= compileQuery(MODEL_QUERY);
    const captures = modelQuery.captures(this.parsed.tree.rootNode);
    const stack: Scope[] = [this.module];
    const current = (at: number): Scope => {
      while (stack.length > 1 && at >= stack[stack.length - 1].end) stack.pop();
      return stack[stack.length - 1];
    };
    for (const { name, node } of captures) {
      const scope = current(node.startIndex);
      switch (name) {
        case "call": {
          const fn = node.childForFieldName("function");
          if (!fn) break;
          const args = node.childForFieldName("arguments");
          this.calls.push({ node, fn, args, scope, lastName: lastSegment(fn, this.parsed.source) });
          break;
        }
        case "assign": {
          this.assignments.push({ node, scope });
          const left = node.childForFieldName("left");
          const right = node.childForFieldName("right");
          if (left) this.bindTargets(left, scope, node.endIndex, left.type === "identifier" ? right ?? undefined : undefined);
          break;
        }
        case "target":
          this.bindTargets(node, scope, node.startIndex);
          break;
        case "augmented":
          // `x += y` rebinds x: it is no longer the constant it started as
          bind(scope, this.text(node), { kind: "local", at: node.parent?.endIndex ?? node.endIndex, augmented: true });
          break;
        case "alias": {
          const pattern = node.parent;
          const value = pattern?.parent?.type === "with_item" ? pattern.namedChild(0) ?? undefined : undefined;
          const target = node.namedChild(0);
          if (target) this.bindTargets(target, scope, node.endIndex, target.type === "identifier" ? value : undefined);
          break;
        }
        case "import":
        case "import_from":
          this.bindImport(node, scope, name === "import_from");
          break;
        case "function":
        case "class":
        case "lambda": {
          const nameNode = node.childForFieldName("name");
          if (nameNode) bind(scope, this.text(nameNode), { kind: name === "class" ? "class" : "function", at: node.startIndex });
          const inner = newScope(name === "function" ? "function" : name === "class" ? "class" : "lambda", node.startIndex, node.endIndex, scope, node);
          this.scopes.push(inner);
          stack.push(inner);
          if (name === "function") this.functions.push({ node, scope: inner });
          const params = node.childForFieldName("parameters");
          if (params) this.bindParameters(params, inner);
          break;
        }
        case "global":
          break;
      }
    }
  }

  private bindParameters(params: Node, scope: Scope): void {
    for (const p of params.namedChildren) {
      let id: Node | null = p;
      if (p.type !== "identifier") {
        id = p.childForFieldName("name") ?? p.namedChildren.find((c) => c.type === "identifier") ?? null;
      }
      if (id && id.type === "identifier") bind(scope, this.text(id), { kind: "param", at: scope.start });
    }
  }

  private bindTargets(target: Node, scope: Scope, at: number, value?: Node): void {
    // iterative: tuple/list patterns can nest
    const todo: Node[] = [target];
    while (todo.length) {
      const t = todo.pop()!;
      if (t.type === "identifier") {
        bind(scope, this.text(t), { kind: "local", at, value });
      } else if (t.type !== "attribute" && t.type !== "subscript") {
        for (const c of t.namedChildren) todo.push(c);
      }
    }
  }

  private bindImport(node: Node, scope: Scope, from: boolean): void {
    const before = this.imports.length;
    this.bindImportNames(node, scope, from);
    for (let i = before; i < this.imports.length; i++) {
      const { local, qualified } = this.imports[i];
      const last = qualified.slice(qualified.lastIndexOf(".") + 1);
      if (last !== local) this.importedLastNames.set(local, last);
    }
  }

  private bindImportNames(node: Node, scope: Scope, from: boolean): void {
    const src = this.parsed.source;
    if (!from) {
      for (const item of node.namedChildren) {
        if (item.type === "dotted_name") {
          const full = this.text(item);
          const first = full.split(".")[0];
          // `import a.b.c` binds `a`, which refers to the package a
          bind(scope, first, { kind: "import", at: node.endIndex, qualified: first });
          this.imports.push({ local: first, qualified: full, node, scope });
        } else if (item.type === "aliased_import") {
          const nm = item.childForFieldName("name");
          const alias = item.childForFieldName("alias");
          if (nm && alias) {
            const q = src.slice(nm.startIndex, nm.endIndex);
            bind(scope, this.text(alias), { kind: "import", at: node.endIndex, qualified: q });
            this.imports.push({ local: this.text(alias), qualified: q, node, scope });
          }
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName("module_name");
    if (!moduleNode) return;
    const mod = moduleNode.type === "relative_import" ? "" : this.text(moduleNode).replace(/\s+/g, "");
    for (const item of node.namedChildren) {
      if (item.id === moduleNode.id) continue;
      if (item.type === "wildcard_import") {
        if (mod) scope.stars.push(mod);
        continue;
      }
      let nm: Node | null = item;
      let alias: Node | null = null;
      if (item.type === "aliased_import") {
        nm = item.childForFieldName("name");
        alias = item.childForFieldName("alias");
      }
      if (!nm || nm.type !== "dotted_name") continue;
      const name = this.text(nm);
      const local = alias ? this.text(alias) : name;
      // a relative import refers to project code, never to a library a rule knows
      const q = mod ? `${mod}.${name}` : `.${name}`;
      bind(scope, local, { kind: "import", at: node.endIndex, qualified: q });
      this.imports.push({ local, qualified: q, node, scope });
    }
  }

  /** The binding `name` refers to at string index `at` in `scope`, or null for an unbound (global/builtin) name. */
  lookup(name: string, scope: Scope, at: number): { binding: Binding; scope: Scope } | null {
    let s: Scope | null = scope;
    let innermost = true;
    while (s) {
      // class bodies are not visible from the methods inside them
      if (s.kind !== "class" || innermost) {
        const list = s.bindings.get(name);
        if (list && list.length) {
          let chosen: Binding | undefined;
          for (const b of list) if (b.at <= at) chosen = b;
          chosen ??= list[0];
          // `try: import x` / `except ImportError: x = None`: the fallback does not hide the module
          if (chosen.kind === "local" && chosen.value?.type === "none") chosen = list.find((b) => b.kind === "import") ?? chosen;
          return { binding: chosen, scope: s };
        }
      }
      innermost = false;
      s = s.parent;
    }
    return null;
  }

  /**
   * Dotted names an expression may refer to, after import and alias resolution:
   * `p.loads` → ["pickle.loads"]; `eval` (unbound) → ["eval"]; `run` after `from os import system as run`
   * → ["os.system"]; `requests.Session().get` → ["requests.Session().get"]; `self.x` or a rebound name → [].
   */
  resolve(n: Node, scope: Scope, depth = 0): string[] {
    if (depth > 8) return [];
    switch (n.type) {
      case "identifier": {
        const name = this.text(n);
        const found = this.lookup(name, scope, n.startIndex);
        if (!found) {
          const out: string[] = [];
          for (let s: Scope | null = scope; s; s = s.parent) for (const m of s.stars) out.push(`${m}.${name}`);
          // an unbound name that is not a builtin is a NameError, or comes from somewhere we cannot see
          if (BUILTINS.has(name)) out.push(name);
          return out;
        }
        const b = found.binding;
        if (b.kind === "import") return [b.qualified!];
        if (b.kind === "local" && b.value && b.value.type === "call") {
          const fn = b.value.childForFieldName("function");
          if (fn) {
            const callee = this.resolve(fn, found.scope, depth + 1);
            const imported = this.importedByCall(b.value, callee, found.scope);
            return imported ? [imported] : callee.map((q) => `${q}()`);
          }
        }
        if (b.kind === "local" && b.value && (b.value.type === "identifier" || b.value.type === "attribute")) {
          return this.resolve(b.value, found.scope, depth + 1);
        }
        return [];
      }
      case "attribute": {
        const obj = n.childForFieldName("object");
        const attr = n.childForFieldName("attribute");
        if (!obj || !attr) return [];
        const a = this.text(attr);
        return this.resolve(obj, scope, depth + 1).map((q) => `${q}.${a}`);
      }
      case "call": {
        const fn = n.childForFieldName("function");
        return fn ? this.resolve(fn, scope, depth + 1).map((q) => `${q}()`) : [];
      }
      case "parenthesized_expression": {
        const inner = n.namedChild(0);
        return inner ? this.resolve(inner, scope, depth + 1) : [];
      }
      case "await": {
        const inner = n.namedChild(0);
        return inner ? this.resolve(inner, scope, depth + 1) : [];
      }
      default:
        return [];
    }
  }

  /**
   * `m = importlib.import_module("m")`, `__import__("m")` and test helpers such as
   * `import_helper.import_module("m")` bind a module: the module's dotted name, or null.
   */
  private importedByCall(call: Node, callee: string[], scope: Scope): string | null {
    const kind = callee.find((q) => q === "__import__" || /(^|\.)(import_module|import_fresh_module|import_deprecated)$/.test(q));
    if (!kind) return null;
    const first = call.childForFieldName("arguments")?.namedChildren.find((a) => a.type !== "comment");
    if (!first || first.type === "keyword_argument") return null;
    const v = this.classify(first, scope);
    if (v.kind !== "constant" || !/^[A-Za-z_][\w.]*$/.test(v.value!)) return null;
    // __import__("a.b") returns the top-level package a
    return kind === "__import__" ? v.value!.split(".")[0] : v.value!;
  }

  /** What kind of value an expression is: constant string, f-string, %/format/+ built, name, … */
  classify(n: Node, scope: Scope, depth = 0): ValueInfo {
    switch (n.type) {
      case "string": {
        let value = "";
        for (const c of n.namedChildren) {
          if (c.type === "interpolation") return { kind: "fstring" };
          if (c.type === "string_content" || c.type === "escape_sequence") value += this.text(c);
        }
        return { kind: "constant", value };
      }
      case "concatenated_string": {
        let value = "";
        for (const c of n.namedChildren) {
          const v = this.classify(c, scope, depth + 1);
          if (v.kind !== "constant") return { kind: v.kind === "fstring" ? "fstring" : "other" };
          value += v.value;
        }
        return { kind: "constant", value };
      }
      case "parenthesized_expression": {
        const inner = n.namedChild(0);
        return inner ? this.classify(inner, scope, depth + 1) : { kind: "other" };
      }
      case "binary_operator": {
        const op = n.childForFieldName("operator");
        const left = n.childForFieldName("left");
        const right = n.childForFieldName("right");
        if (!op || !left || !right) return { kind: "other" };
        const opText = this.text(op);
        const l = this.classify(left, scope, depth + 1);
        if (opText === "%") return isStringish(l) ? { kind: "percent" } : { kind: "other" };
        if (opText === "+") {
          const r = this.classify(right, scope, depth + 1);
          if (l.kind === "constant" && r.kind === "constant") return { kind: "constant", value: l.value! + r.value! };
          if (isStringish(l) || isStringish(r)) return { kind: "concat" };
          return { kind: "other" };
        }
        return { kind: "other" };
      }
      case "call": {
        const fn = n.childForFieldName("function");
        if (fn?.type === "attribute") {
          const attr = fn.childForFieldName("attribute");
          const obj = fn.childForFieldName("object");
          if (attr && obj && this.text(attr) === "format" && isStringish(this.classify(obj, scope, depth + 1))) {
            return { kind: "format" };
          }
        }
        return { kind: "call" };
      }
      case "identifier": {
        if (depth < 4) {
          const found = this.lookup(this.text(n), scope, n.startIndex);
          // a name bound exactly once, to a constant string, is that constant
          if (found && found.scope.bindings.get(this.text(n))!.length === 1 && found.binding.value) {
            const v = this.classify(found.binding.value, found.scope, depth + 1);
            if (v.kind === "constant") return v;
          }
        }
        return { kind: "name" };
      }
      case "attribute":
      case "subscript":
        return { kind: "name" };
      case "integer":
      case "float":
      case "true":
      case "false":
      case "none":
        return { kind: "literal", value: this.text(n) };
      case "unary_operator":
        return { kind: "literal", value: this.text(n) };
      case "list":
      case "tuple":
      case "dictionary":
      case "set":
      case "list_comprehension":
      case "dictionary_comprehension":
      case "set_comprehension":
      case "generator_expression":
        return { kind: "collection" };
      default:
        return { kind: "other" };
    }
  }

  /**
   * The local name under which the file already imports `qualified` (a module or module.attr)
   * and is visible at `at` in `scope` — `import json as j` → "j"; `import os.path` → "os.path" for "os.path".
   */
  importedAs(qualified: string, scope: Scope = this.module, at = Number.MAX_SAFE_INTEGER): string | null {
    for (const imp of this.imports) {
      let candidate: string | null = null;
      const plainDotted = imp.node.type === "import_statement" && imp.local !== imp.qualified && imp.qualified.startsWith(`${imp.local}.`);
      // `import a.b` binds `a`; `a.b` is reachable by its full name
      if (imp.qualified === qualified) candidate = plainDotted ? qualified : imp.local;
      else if (imp.node.type === "import_statement" && qualified.startsWith(`${imp.local}.`) && imp.qualified.startsWith(qualified)) {
        candidate = qualified; // `import xml.etree.ElementTree` makes `xml.etree` reachable by its full name
      }
      if (!candidate) continue;
      const first = candidate.split(".")[0];
      const found = this.lookup(first, scope, at);
      if (found && found.binding.kind === "import") return candidate;
    }
    return null;
  }
}

function newScope(kind: Scope["kind"], start: number, end: number, parent: Scope | null, node: Node | null): Scope {
  return { kind, start, end, parent, node, bindings: new Map(), stars: [] };
}

function bind(scope: Scope, name: string, b: Binding): void {
  const list = scope.bindings.get(name);
  if (list) list.push(b);
  else scope.bindings.set(name, [b]);
}

function isStringish(v: ValueInfo): boolean {
  return v.kind === "constant" || v.kind === "fstring" || v.kind === "percent" || v.kind === "format" || v.kind === "concat";
}

function lastSegment(fn: Node, src: string): string {
  if (fn.type === "identifier") return src.slice(fn.startIndex, fn.endIndex);
  if (fn.type === "attribute") {
    const attr = fn.childForFieldName("attribute");
    return attr ? src.slice(attr.startIndex, attr.endIndex) : "";
  }
  return "";
}

export function isDynamic(v: ValueInfo): boolean {
  return v.kind !== "constant" && v.kind !== "literal";
}
