/**
 * Small readers shared by the misc matchers and fix builders: integer constants (file modes),
 * string literal quoting, decorators and the local name under which a module is imported.
 */
import type { Node } from "../python.js";
import type { FileModel, Scope, CallSite } from "../scope.js";

const STAT_BITS: Record<string, number> = {
  S_ISUID: 0o4000, S_ISGID: 0o2000, S_ISVTX: 0o1000,
  S_IRWXU: 0o700, S_IRUSR: 0o400, S_IWUSR: 0o200, S_IXUSR: 0o100,
  S_IRWXG: 0o070, S_IRGRP: 0o040, S_IWGRP: 0o020, S_IXGRP: 0o010,
  S_IRWXO: 0o007, S_IROTH: 0o004, S_IWOTH: 0o002, S_IXOTH: 0o001,
  S_IREAD: 0o400, S_IWRITE: 0o200, S_IEXEC: 0o100,
  S_IFREG: 0o100000, S_IFDIR: 0o040000, S_IFLNK: 0o120000,
};

/** The value of a Python integer literal (`0o777`, `0x1ff`, `511`, `0b1_1`), or null. */
export function parseIntLiteral(text: string): number | null {
  const t = text.replace(/_/g, "").toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^0o([0-7]+)$/.exec(t))) return parseInt(m[1], 8);
  if ((m = /^0x([0-9a-f]+)$/.exec(t))) return parseInt(m[1], 16);
  if ((m = /^0b([01]+)$/.exec(t))) return parseInt(m[1], 2);
  if (/^(0|[1-9][0-9]*)$/.test(t)) return parseInt(t, 10);
  return null;
}

/**
 * The integer an expression always evaluates to, when it is written with literals, `stat.S_*`
 * constants, `|`/`+`/`&`/`^` and names bound once to such a value; otherwise null. Evaluated with
 * an explicit stack: a mode inside thousands of parentheses or `|` terms is still read (no depth at
 * which the finding would be lost); `depth` counts the names followed (at most 6).
 */
export function constantInt(model: FileModel, n: Node, scope: Scope, depth = 0): number | null {
  type Frame = { op: string; kids: { n: Node; scope: Scope; hops: number }[]; values: number[] };
  // one node: its value (null: not a constant), or the operands to evaluate first
  const step = (x: Node, sc: Scope, hops: number): number | null | Frame => {
    switch (x.type) {
      case "integer":
        return parseIntLiteral(model.text(x));
      case "parenthesized_expression": {
        const inner = x.namedChild(0);
        return inner ? { op: "()", kids: [{ n: inner, scope: sc, hops }], values: [] } : null;
      }
      case "binary_operator": {
        const op = x.childForFieldName("operator");
        const l = x.childForFieldName("left");
        const r = x.childForFieldName("right");
        if (!op || !l || !r) return null;
        const o = model.text(op);
        if (o !== "|" && o !== "+" && o !== "&" && o !== "^") return null;
        return { op: o, kids: [{ n: l, scope: sc, hops }, { n: r, scope: sc, hops }], values: [] };
      }
      case "identifier":
      case "attribute": {
        for (const q of model.resolve(x, sc)) {
          if (q.startsWith("stat.") && STAT_BITS[q.slice(5)] !== undefined) return STAT_BITS[q.slice(5)];
        }
        if (x.type === "identifier" && hops < 6) {
          const name = model.text(x);
          const found = model.lookup(name, sc, x.startIndex);
          if (found && found.binding.kind === "local" && found.binding.value && found.scope.bindings.get(name)!.length === 1) {
            return { op: "()", kids: [{ n: found.binding.value, scope: found.scope, hops: hops + 1 }], values: [] };
          }
        }
        return null;
      }
      default:
        return null;
    }
  };
  const combine = (f: Frame): number => {
    const [a, b] = f.values;
    switch (f.op) {
      case "|": return a | b;
      case "+": return a + b;
      case "&": return a & b;
      case "^": return a ^ b;
      default: return a;
    }
  };
  const first = step(n, scope, depth);
  if (first === null || typeof first === "number") return first;
  const stack: Frame[] = [first];
  for (;;) {
    const top = stack[stack.length - 1];
    if (top.values.length < top.kids.length) {
      const k = top.kids[top.values.length];
      const next = step(k.n, k.scope, k.hops);
      // any operand that is not a constant makes the whole expression not one
      if (next === null) return null;
      if (typeof next === "number") top.values.push(next);
      else stack.push(next);
      continue;
    }
    const value = combine(top);
    stack.pop();
    if (!stack.length) return value;
    stack[stack.length - 1].values.push(value);
  }
}

/** The opening quote (`"`, `'`, `"""`…) and prefix (`r`, `b`, `f`…) of a string literal node. */
export function stringQuote(model: FileModel, n: Node): { prefix: string; quote: string } | null {
  if (n.type !== "string") return null;
  const start = n.firstChild;
  if (!start) return null;
  const m = /^([a-zA-Z]*)("""|'''|"|')$/.exec(model.text(start));
  return m ? { prefix: m[1], quote: m[2] } : null;
}

/** The quote character the code around a call uses for strings: `'` when its string arguments do, else `"`. */
export function preferredQuote(model: FileModel, call: CallSite): string {
  for (const a of call.args?.namedChildren ?? []) {
    const v = a.type === "keyword_argument" ? a.childForFieldName("value") : a;
    if (v?.type === "string") {
      const q = stringQuote(model, v);
      if (q && q.quote.length === 1) return q.quote;
    }
  }
  return '"';
}

/**
 * The name by which the file can reach `qualified` at a point: `import a.b` → "a.b",
 * `import a.b as x` / `from a import b as x` → "x", `from a import b` → "b". Null when not imported
 * or when the local name is rebound there. (FileModel.importedAs returns "a" for `import a.b`.)
 */
export function reachableAs(model: FileModel, qualified: string, scope: Scope, at: number): string | null {
  for (const imp of model.imports) {
    if (imp.node.startIndex > at) continue;
    let candidate: string | null = null;
    const plain = imp.node.type === "import_statement" && imp.local === imp.qualified.split(".")[0];
    if (plain) {
      if (imp.qualified === qualified || imp.qualified.startsWith(`${qualified}.`)) candidate = qualified;
    } else if (imp.qualified === qualified) candidate = imp.local;
    if (!candidate) continue;
    const first = candidate.split(".")[0];
    const found = model.lookup(first, scope, at);
    if (!found || found.binding.kind !== "import") continue;
    if (plain ? found.binding.qualified !== first : found.binding.qualified !== qualified) continue;
    return candidate;
  }
  return null;
}

/** True when the file imports any module whose name is `prefix` or starts with `prefix.`. */
export function importsModule(model: FileModel, prefixes: string[]): boolean {
  return model.imports.some((i) => prefixes.some((p) => i.qualified === p || i.qualified.startsWith(`${p}.`)));
}

/** The enclosing function scope of a scope (skipping lambdas and comprehensions' scopes), or null. */
export function functionScope(scope: Scope): Scope | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    if (s.kind === "function") return s;
    if (s.kind === "module" || s.kind === "class") return null;
  }
  return null;
}

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

/** Start index of the line holding string index `i`, and its indentation. */
export function lineIndent(source: string, i: number): { start: number; indent: string } {
  const start = source.lastIndexOf("\n", i - 1) + 1;
  const m = /^[ \t]*/.exec(source.slice(start, start + 200));
  return { start, indent: m ? m[0] : "" };
}

/** The file's line break. */
export function eolOf(source: string): string {
  return source.includes("\r\n") ? "\r\n" : "\n";
}

/** The callee's last name as defined, seeing through `from m import f as g` (`g(...)` → "f"). */
export function calleeName(model: FileModel, call: CallSite): string {
  if (call.fnType === "identifier") return model.importedLastNames.get(call.lastName) ?? call.lastName;
  return call.lastName;
}
