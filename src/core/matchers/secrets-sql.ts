/**
 * SQL built from values (B608, B610, B611): a query made with an f-string, `%`, `.format()` or `+`
 * reaching `execute`, `executemany`, `sqlalchemy.text`, a Django `raw`/`extra`/`RawSQL`, or
 * `pandas.read_sql` — directly, or through a name assigned earlier in the same function.
 */
import type { Node } from "../python.js";
import { walk } from "../python.js";
import type { CallSite, FileModel, Scope } from "../scope.js";
import type { Matcher, MatcherHit } from "./types.js";
import { argumentAt as argument, keywordNode as keywordArgument } from "./secrets-args.js";

const STATEMENT_START = new Set([
  "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE", "CREATE", "DROP", "ALTER", "PRAGMA", "TRUNCATE",
  "MERGE", "EXEC", "EXECUTE", "CALL", "GRANT", "REVOKE", "SHOW", "DESCRIBE", "VACUUM", "ANALYZE", "UPSERT",
]);

/** Whether literal text reads as SQL: it starts with a statement keyword, or holds SELECT…FROM, INSERT INTO, UPDATE…SET, DELETE FROM, WHERE. */
export function looksLikeSql(text: string): boolean {
  const words = text.match(/[A-Za-z_]+/g);
  if (!words) return false;
  const upper = words.map((w) => w.toUpperCase());
  if (STATEMENT_START.has(upper[0])) return true;
  let select = false;
  let update = false;
  for (let i = 0; i < upper.length; i++) {
    const w = upper[i];
    if (w === "SELECT") select = true;
    else if (w === "UPDATE") update = true;
    else if (w === "FROM" && (select || upper[i - 1] === "DELETE")) return true;
    else if (w === "INTO" && (upper[i - 1] === "INSERT" || upper[i - 1] === "REPLACE")) return true;
    else if (w === "SET" && update) return true;
    else if (w === "WHERE") return true;
  }
  return false;
}

/** The literal text of a built string (values left out): what decides whether it is SQL. */
export function literalText(model: FileModel, n: Node, scope: Scope): string {
  const out: string[] = [];
  const todo: Node[] = [n];
  // no budget: a query joined from thousands of pieces is still read to its first word (linear)
  while (todo.length) {
    const cur = todo.pop()!;
    switch (cur.type) {
      case "string":
        for (const c of cur.namedChildren) if (c.type === "string_content") out.push(model.text(c));
        out.push(" ");
        break;
      case "concatenated_string":
        for (let i = cur.namedChildCount - 1; i >= 0; i--) todo.push(cur.namedChild(i)!);
        break;
      case "parenthesized_expression":
        if (cur.namedChild(0)) todo.push(cur.namedChild(0)!);
        break;
      case "binary_operator": {
        const op = cur.childForFieldName("operator");
        const left = cur.childForFieldName("left");
        const right = cur.childForFieldName("right");
        if (!op || !left || !right) break;
        if (model.text(op) === "%") todo.push(left);
        else if (model.text(op) === "+") todo.push(right, left);
        break;
      }
      case "call": {
        const fn = cur.childForFieldName("function");
        const obj = fn?.type === "attribute" ? fn.childForFieldName("object") : null;
        const attr = fn?.type === "attribute" ? fn.childForFieldName("attribute") : null;
        if (obj && attr && model.text(attr) === "format") todo.push(obj);
        break;
      }
      case "identifier": {
        const v = model.classify(cur, scope);
        if (v.kind === "constant") out.push(v.value!, " ");
        break;
      }
    }
  }
  return out.join("");
}

/** Values that cannot carry SQL: constants, numbers, and the `",".join("?" * n)` placeholder idiom. */
export function isHarmlessValue(model: FileModel, n: Node, scope: Scope, depth = 0): boolean {
  const v = model.classify(n, scope);
  if (v.kind === "constant" || v.kind === "literal") return true;
  if (n.type === "call") {
    const fn = n.childForFieldName("function");
    if (!fn) return false;
    const name = model.text(fn);
    if (name === "len" || name === "int" || name === "float" || name === "bool") return true;
    if (fn.type === "attribute" && model.text(fn.childForFieldName("attribute")!) === "join") {
      return placeholderJoin(model, n);
    }
    return false;
  }
  if (n.type === "binary_operator" && model.text(n.childForFieldName("operator")!) === "*") {
    // " " * indent, "?" * n: a constant repeated
    const l = n.childForFieldName("left");
    const r = n.childForFieldName("right");
    return !!l && !!r && (model.classify(l, scope).kind === "constant" || model.classify(r, scope).kind === "constant");
  }
  if (n.type === "identifier" && depth < 2) {
    const found = model.lookup(model.text(n), scope, n.startIndex);
    const list = found?.scope.bindings.get(model.text(n));
    if (found && list && list.length === 1 && found.binding.kind === "local" && found.binding.value) {
      return isHarmlessValue(model, found.binding.value, found.scope, depth + 1);
    }
  }
  return false;
}

/** `", ".join("?" * len(ids))`, `",".join(["%s"] * n)`, `", ".join("?" for _ in ids)`. */
function placeholderJoin(model: FileModel, call: Node): boolean {
  const args = call.childForFieldName("arguments");
  if (!args) return false;
  let strings = 0;
  for (const d of walk(args)) {
    if (d.type !== "string") continue;
    const text = d.namedChildren.filter((c) => c.type === "string_content").map((c) => model.text(c)).join("");
    if (!/^[\s,?%s()]*$/.test(text) || d.namedChildren.some((c) => c.type === "interpolation")) return false;
    strings++;
  }
  return strings > 0;
}

/** The interpolated values of a built string, or null when it is not built. */
export function builtValues(model: FileModel, n: Node, scope: Scope): Node[] | null {
  const v = model.classify(n, scope);
  if (v.kind !== "fstring" && v.kind !== "percent" && v.kind !== "format" && v.kind !== "concat") return null;
  const values: Node[] = [];
  const todo: Node[] = [n];
  // no budget (a value past it would be lost without a word); each node is visited once
  while (todo.length) {
    const cur = todo.pop()!;
    switch (cur.type) {
      case "string":
        for (const c of cur.namedChildren) if (c.type === "interpolation" && c.namedChild(0)) values.push(c.namedChild(0)!);
        break;
      case "concatenated_string":
      case "parenthesized_expression":
        for (const c of cur.namedChildren) todo.push(c);
        break;
      case "binary_operator": {
        const op = cur.childForFieldName("operator");
        const left = cur.childForFieldName("left");
        const right = cur.childForFieldName("right");
        if (!op || !left || !right) break;
        if (model.text(op) === "%") {
          todo.push(left);
          if (right.type === "tuple") values.push(...right.namedChildren);
          else values.push(right);
        } else if (model.text(op) === "+") {
          for (const side of [left, right]) {
            // classified only when it is a leaf: classifying each level of a long chain would be quadratic
            if (side.type === "binary_operator" || side.type === "parenthesized_expression" || side.type === "string" || side.type === "concatenated_string") todo.push(side);
            else if (model.classify(side, scope).kind !== "constant") values.push(side);
          }
        }
        break;
      }
      case "call": {
        const fn = cur.childForFieldName("function");
        const obj = fn?.type === "attribute" ? fn.childForFieldName("object") : null;
        if (obj) todo.push(obj);
        for (const a of cur.childForFieldName("arguments")?.namedChildren ?? []) {
          values.push(a.type === "keyword_argument" ? a.childForFieldName("value") ?? a : a);
        }
        break;
      }
    }
  }
  return values;
}

const KIND_WORDS: Record<string, string> = {
  fstring: "an f-string",
  percent: "`%` formatting",
  format: "`.format()`",
  concat: "`+` concatenation",
};

interface BuiltQuery {
  kind: string;
  /** the name the query was stored in first, when it was built earlier */
  via?: string;
}

/** Whether `n` is a query built from values (directly or through a name bound in the same scope). */
export function builtQuery(model: FileModel, n: Node, scope: Scope, requireSql: boolean): BuiltQuery | null {
  const direct = builtDirect(model, n, scope, requireSql);
  if (direct) return direct;
  if (n.type !== "identifier") return null;
  const name = model.text(n);
  const looked = model.lookup(name, scope, n.startIndex);
  // `q = "…"; q += …`: the value it started from is the last plain assignment before the use
  const binding = looked?.scope.bindings.get(name)?.filter((b) => !b.augmented && b.at <= n.startIndex).pop();
  const found = looked && binding ? { scope: looked.scope, binding } : null;
  if (!found || found.scope !== scope || found.binding.kind !== "local" || !found.binding.value) return null;
  const viaBinding = builtDirect(model, found.binding.value, scope, requireSql);
  if (viaBinding) return { ...viaBinding, via: name };
  // q = "SELECT …"; q += f" WHERE id = {x}"
  const start = found.binding.value;
  if (model.classify(start, scope).kind !== "constant" || (requireSql && !looksLikeSql(literalText(model, start, scope)))) return null;
  for (const aug of augmentedAssignments(model, scope)) {
    if (aug.startIndex < start.endIndex || aug.startIndex > n.startIndex) continue;
    const left = aug.childForFieldName("left");
    const right = aug.childForFieldName("right");
    const op = aug.child(1);
    if (!left || !right || !op || model.text(op) !== "+=" || model.text(left) !== name) continue;
    const k = model.classify(right, scope).kind;
    if (k === "constant" || k === "literal") continue;
    if (k === "name" || k === "call") {
      if (isHarmlessValue(model, right, scope)) continue;
      return { kind: "concat", via: name };
    }
    const values = builtValues(model, right, scope);
    if (values && values.every((v) => isHarmlessValue(model, v, scope))) continue;
    return { kind: k === "fstring" || k === "percent" || k === "format" ? k : "concat", via: name };
  }
  return null;
}

function builtDirect(model: FileModel, n: Node, scope: Scope, requireSql: boolean): BuiltQuery | null {
  const values = builtValues(model, n, scope);
  if (!values) return null;
  if (values.length && values.every((v) => isHarmlessValue(model, v, scope))) return null;
  if (requireSql && !looksLikeSql(literalText(model, n, scope))) return null;
  return { kind: model.classify(n, scope).kind };
}

const augCache = new WeakMap<Scope, Node[]>();
function augmentedAssignments(model: FileModel, scope: Scope): Node[] {
  let list = augCache.get(scope);
  if (list) return list;
  list = [];
  const root = scope.node ?? model.parsed.tree.rootNode;
  for (const d of walk(root)) if (d.type === "augmented_assignment") list.push(d);
  augCache.set(scope, list);
  return list;
}

type Form = "execute" | "text" | "raw" | "read_sql" | "extra" | "RawSQL";

const FORM_OF = new Map<string, Form>([
  ["execute", "execute"],
  ["executemany", "execute"],
  ["executescript", "execute"],
  ["text", "text"],
  ["raw", "raw"],
  ["read_sql", "read_sql"],
  ["read_sql_query", "read_sql"],
  ["extra", "extra"],
  ["RawSQL", "RawSQL"],
]);

const SQLALCHEMY_TEXT = ["sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"];
const RAWSQL = ["django.db.models.RawSQL", "django.db.models.expressions.RawSQL"];

/** The query argument of a call of the given form. */
function queryArgument(model: FileModel, call: CallSite, form: Form): Node | null {
  switch (form) {
    case "execute":
      return argument(model, call, 0, "sql") ?? argument(model, call, 0, "query") ?? argument(model, call, 0, "operation");
    case "read_sql":
      return argument(model, call, 0, "sql");
    case "raw":
      return argument(model, call, 0, "raw_query");
    case "RawSQL":
      return argument(model, call, 0, "sql");
    case "text":
      return argument(model, call, 0, "text");
    default:
      return null;
  }
}

/**
 * `options.forms`: which sinks this rule covers (execute, text, raw, read_sql for B608; extra for B610;
 * RawSQL for B611).
 */
export const sqlBuilt: Matcher = ({ model, rule, options }) => {
  const forms = new Set((options.forms as Form[] | undefined) ?? ["execute", "text", "raw", "read_sql"]);
  const hits: MatcherHit[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const form = FORM_OF.get(call.lastName);
    if (!form || !forms.has(form)) continue;
    if (form === "text" || form === "RawSQL") {
      const names = model.calleeNames(call);
      const wanted = form === "text" ? SQLALCHEMY_TEXT : RAWSQL;
      if (!names.some((q) => wanted.includes(q))) continue;
    } else if (call.fnType !== "attribute") {
      // execute(...) on its own is not a database call; `from pandas import read_sql` is
      if (form !== "read_sql" || !model.calleeNames(call).some((q) => q.startsWith("pandas."))) continue;
    }
    if (form === "extra") {
      const found = extraBuilt(model, call);
      if (found) hits.push(hit(model, rule.message, call, found, "extra"));
      continue;
    }
    const q = queryArgument(model, call, form);
    if (!q) continue;
    // RawSQL and text() are SQL by definition; for the rest the literal text must read as SQL
    const found = builtQuery(model, q, call.scope, form !== "RawSQL" && form !== "text");
    if (found) hits.push(hit(model, rule.message, call, found, call.lastName));
  }
  return hits;
};

function hit(model: FileModel, template: string, call: CallSite, found: BuiltQuery, sink: string): MatcherHit {
  const how = KIND_WORDS[found.kind] ?? "string building";
  const message = template
    .replace("{how}", found.via ? `${how} (in \`${found.via}\`)` : how)
    .replace("{sink}", sink);
  return { node: call.node, call, callee: sink, message, data: { kind: found.kind, via: found.via ?? null } };
}

/** Django `.extra(select={...}, where=[...], tables=[...], order_by=[...])` with a built piece. */
function extraBuilt(model: FileModel, call: CallSite): BuiltQuery | null {
  for (const kw of ["select", "where", "tables", "order_by"]) {
    const arg = keywordArgument(model, call, kw)?.childForFieldName("value");
    if (!arg) continue;
    const items: Node[] = [];
    if (arg.type === "dictionary") {
      for (const pair of arg.namedChildren) if (pair.type === "pair" && pair.childForFieldName("value")) items.push(pair.childForFieldName("value")!);
    } else if (arg.type === "list" || arg.type === "tuple") items.push(...arg.namedChildren);
    else items.push(arg);
    for (const item of items) {
      const found = builtQuery(model, item, call.scope, false);
      if (found) return found;
    }
  }
  return null;
}
