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
 * constants, `|`/`+`/`&`/`^` and names bound once to such a value; otherwise null.
 */
export function constantInt(model: FileModel, n: Node, scope: Scope, depth = 0): number | null {
  if (depth > 6) return null;
  switch (n.type) {
    case "integer":
      return parseIntLiteral(model.text(n));
    case "parenthesized_expression": {
      const inner = n.namedChild(0);
      return inner ? constantInt(model, inner, scope, depth + 1) : null;
    }
    case "binary_operator": {
      const op = n.childForFieldName("operator");
      const l = n.childForFieldName("left");
      const r = n.childForFieldName("right");
      if (!op || !l || !r) return null;
      const a = constantInt(model, l, scope, depth + 1);
      const b = a === null ? null : constantInt(model, r, scope, depth + 1);
      if (a === null || b === null) return null;
      switch (model.text(op)) {
        case "|": return a | b;
        case "+": return a + b;
        case "&": return a & b;
        case "^": return a ^ b;
        default: return null;
      }
    }
    case "identifier":
    case "attribute": {
      for (const q of model.resolve(n, scope)) {
        if (q.startsWith("stat.") && STAT_BITS[q.slice(5)] !== undefined) return STAT_BITS[q.slice(5)];
      }
      if (n.type === "identifier") {
        const name = model.text(n);
        const found = model.lookup(name, scope, n.startIndex);
        if (found && found.binding.kind === "local" && found.binding.value && found.scope.bindings.get(name)!.length === 1) {
          return constantInt(model, found.binding.value, found.scope, depth + 1);
        }
      }
      return null;
    }
    default:
      return null;
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
  for (const { node, scope: sc } of model.assignments) {
    if (node.startIndex < cls.start || node.endIndex > cls.end) continue;
    const left = node.childForFieldName("left");
    if (left?.type !== "attribute" || model.text(left.childForFieldName("attribute")!) !== name) continue;
    const o = left.childForFieldName("object");
    if (!o || !["self", "cls"].includes(model.text(o))) continue;
    const right = node.childForFieldName("right");
    if (!right || !constant(right, sc)) return null;
    // two different constants: which one reaches a use is not known
    if (found && model.text(found.value) !== model.text(right)) return null;
    found ??= { value: right, scope: sc };
  }
  // augmented assignments (`self.X += …`) are not in model.assignments
  if (new RegExp(`\\b(?:self|cls)\\.${name}\\s*[-+*/%|&]=`).test(model.source.slice(cls.start, cls.end))) return null;
  return found;
}
