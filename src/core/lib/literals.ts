/**
 * Literal values as Python writes them: integer constants (file modes, following `stat` names and
 * names bound once) and string literal quoting.
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
 * `self.X` / `cls.X` that only ever holds one constant (a string or number literal): the enclosing
 * class binds X once to it, or every `self.X = …` in the class assigns it, and nothing rebinds it
 * (`self.X += …`). The value and the scope it is written in, or null.
 */
export function classConstant(model: FileModel, n: Node, scope: Scope): { value: Node; scope: Scope } | null {
  if (n.type !== "attribute") return null;
  const obj = n.childForFieldName("object");
  const attr = n.childForFieldName("attribute");
  if (!obj || !attr || obj.type !== "identifier" || !["self", "cls"].includes(model.text(obj))) return null;
  const name = model.text(attr);
  let cls: Scope | null = scope;
  while (cls && cls.kind !== "class") cls = cls.parent;
  if (!cls) return null;
  const constant = (value: Node, sc: Scope) => ["constant", "literal"].includes(model.classify(value, sc).kind);
  const list = cls.bindings.get(name) ?? [];
  if (list.length > 1 || (list.length === 1 && (!list[0].value || !constant(list[0].value, cls)))) return null;
  let found: { value: Node; scope: Scope } | null = list.length === 1 ? { value: list[0].value!, scope: cls } : null;
  for (const site of model.assignments) {
    const { node, scope: sc } = site;
    if (node.startIndex < cls.start || node.endIndex > cls.end) continue;
    const left = site.left;
    if (left?.type !== "attribute" || model.text(left.childForFieldName("attribute")!) !== name) continue;
    const o = left.childForFieldName("object");
    if (!o || !["self", "cls"].includes(model.text(o))) continue;
    const right = site.right;
    if (!right || !constant(right, sc)) return null;
    // two different constants: which one reaches a use is not known
    if (found && model.text(found.value) !== model.text(right)) return null;
    found ??= { value: right, scope: sc };
  }
  // augmented assignments (`self.X += …`) are not in model.assignments
  if (new RegExp(`\\b(?:self|cls)\\.${name}\\s*[-+*/%|&]=`).test(model.source.slice(cls.start, cls.end))) return null;
  return found;
}
