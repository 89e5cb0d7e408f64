/**
 * SQL built from values, found and fixed (B608, B610, B611): a query made with an f-string, `%`, `.format()` or `+`
 * reaching `execute`, `executemany`, `sqlalchemy.text`, a Django `raw`/`extra`/`RawSQL`, or
 * `pandas.read_sql` — directly, or through a name assigned earlier in the same function.
 */
import type { Node } from "../python.js";
import { walk } from "../python.js";
import type { CallSite, FileModel, Scope } from "../scope.js";
import type { FixContext, FixDecline, FixProposal, Hit } from "../types.js";
import { argument, keywordArgument } from "../args.js";
import { classConstant } from "./literals.js";

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

/**
 * Functions whose result is a quoted SQL identifier or literal: Django's `connection.ops.quote_name`
 * (and the schema editor's `quote_name` / `quote_value`), psycopg's `sql.Identifier`/`sql.Literal`,
 * SQLAlchemy's identifier preparer (`quote`, `quote_identifier`, `format_table`).
 */
const QUOTING = /^(quote_name|quote_name_unless_alias|quote_value|_quote_params_for_last_executed_query|quote_identifier|format_table|format_column|Identifier|Literal)$/;

/** `qn(x)` where `qn = connection.ops.quote_name` (a name bound once to a quoting function). */
function quotingCallee(model: FileModel, fn: Node, scope: Scope): boolean {
  if (fn.type === "attribute") return QUOTING.test(model.text(fn.childForFieldName("attribute")!)) || (model.text(fn.childForFieldName("attribute")!) === "quote" && /preparer|dialect/i.test(model.text(fn)));
  if (fn.type !== "identifier") return false;
  if (QUOTING.test(model.text(fn))) return true;
  const found = model.lookup(model.text(fn), scope, fn.startIndex);
  const list = found?.scope.bindings.get(model.text(fn));
  const value = found && list?.length === 1 ? found.binding.value : undefined;
  return value?.type === "attribute" && QUOTING.test(model.text(value.childForFieldName("attribute")!));
}

/** A name bound once to a dict (or list/tuple) literal whose values are all constants: looking a key up in it yields one of them. */
function constantTable(model: FileModel, n: Node, scope: Scope): boolean {
  if (n.type !== "identifier") return false;
  const found = model.lookup(model.text(n), scope, n.startIndex);
  const list = found?.scope.bindings.get(model.text(n));
  const value = found && list?.length === 1 && found.binding.kind === "local" ? found.binding.value : undefined;
  if (!value || !["dictionary", "list", "tuple"].includes(value.type) || value.namedChildCount === 0) return false;
  const constant = (v: Node | null) => !!v && ["constant", "literal"].includes(model.classify(v, found!.scope).kind);
  return value.namedChildren.every((c) => c.type === "comment" || (c.type === "pair" ? constant(c.childForFieldName("value")) : constant(c)));
}

/** Values that cannot carry SQL: constants, numbers, quoted identifiers, and the `",".join("?" * n)` placeholder idiom. */
export function isHarmlessValue(model: FileModel, n: Node, scope: Scope, depth = 0): boolean {
  const v = model.classify(n, scope);
  if (v.kind === "constant" || v.kind === "literal") return true;
  if (n.type === "call") {
    const fn = n.childForFieldName("function");
    if (!fn) return false;
    const name = model.text(fn);
    if (name === "len" || name === "int" || name === "float" || name === "bool" || name === "abs" || name === "round") return true;
    if (quotingCallee(model, fn, scope)) return true;
    // SORT_COLUMNS.get(order, SORT_COLUMNS["new"]): a value out of a table of constants (an allow-list)
    if (fn.type === "attribute" && model.text(fn.childForFieldName("attribute")!) === "get" && constantTable(model, fn.childForFieldName("object")!, scope)) {
      const args = n.childForFieldName("arguments")?.namedChildren.filter((a) => a.type !== "comment") ?? [];
      return args.length >= 2 && isHarmlessValue(model, args[1], scope, depth + 1);
    }
    if (fn.type === "attribute" && model.text(fn.childForFieldName("attribute")!) === "join") {
      return placeholderJoin(model, n);
    }
    // str(int(x)), ", ".join(qn(c) for c in cols): the result is as harmless as what it wraps
    const args = n.childForFieldName("arguments")?.namedChildren.filter((a) => a.type !== "comment") ?? [];
    if (name === "str" && args.length === 1 && depth < 3) return isHarmlessValue(model, args[0], scope, depth + 1);
    return false;
  }
  if (n.type === "attribute" && classConstant(model, n, scope)) return true;
  // settings.ORDERS_TABLE, conf.TABLE_PREFIX: an UPPER_CASE constant of an imported module (configuration, not input)
  if (n.type === "attribute" && /^[A-Z][A-Z0-9_]*$/.test(model.text(n.childForFieldName("attribute")!))) {
    const obj = n.childForFieldName("object")!;
    const found = obj.type === "identifier" ? model.lookup(model.text(obj), scope, obj.startIndex) : null;
    if (found?.binding.kind === "import") return true;
  }
  if (n.type === "subscript" && n.childForFieldName("value") && constantTable(model, n.childForFieldName("value")!, scope)) return true;
  if (n.type === "unary_operator") return true;
  // 'c.relispartition' if supported else 'FALSE'
  if (n.type === "conditional_expression" && depth < 3) {
    const [a, , b] = n.namedChildren;
    return !!a && !!b && isHarmlessValue(model, a, scope, depth + 1) && isHarmlessValue(model, b, scope, depth + 1);
  }
  if (n.type === "binary_operator" && ["+", "-", "//"].includes(model.text(n.childForFieldName("operator")!))) {
    // i + 1: a number (a string operand would raise TypeError)
    const l = n.childForFieldName("left");
    const r = n.childForFieldName("right");
    if ((l && ["integer", "float"].includes(l.type)) || (r && ["integer", "float"].includes(r.type))) return true;
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

/** `", ".join("?" * len(ids))`, `",".join(["%s"] * n)`, `", ".join("?" for _ in ids)`; `", ".join(qn(c) for c in cols)`. */
function placeholderJoin(model: FileModel, call: Node): boolean {
  const args = call.childForFieldName("arguments");
  if (!args) return false;
  // a join of quoted identifiers or constants: `", ".join(self.quote_name(c) for c in cols)`, `", ".join([qn(a), "id"])`
  // `f(x for x in y)`: the generator is the arguments node itself
  const only = args.type === "generator_expression" ? [args] : args.namedChildren.filter((c) => c.type !== "comment");
  if (only.length === 1) {
    const it = only[0];
    const scope = scopeOf(model, it);
    if ((it.type === "generator_expression" || it.type === "list_comprehension") && it.childForFieldName("body")) {
      if (isHarmlessValue(model, it.childForFieldName("body")!, scope, 2)) return true;
    } else if ((it.type === "list" || it.type === "tuple") && it.namedChildCount > 0) {
      if (it.namedChildren.every((c) => c.type === "comment" || isHarmlessValue(model, c, scope, 2))) return true;
    }
  }
  let strings = 0;
  for (const d of walk(args)) {
    if (d.type !== "string") continue;
    const text = d.namedChildren.filter((c) => c.type === "string_content").map((c) => model.text(c)).join("");
    // "?", "%s", ", " — or one placeholder wrapped in a function: "QUOTE(?)"
    if ((!/^[\s,?%s()]*$/.test(text) && !/^\s*,?\s*[A-Za-z_]+\(\s*(?:\?|%s)\s*\)\s*,?\s*$/.test(text)) || d.namedChildren.some((c) => c.type === "interpolation")) return false;
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
          // a value formatted with %d/%i/%f… is a number by the time it reaches the query
          const numeric = numericConversions(model, left, scope);
          if (right.type === "tuple") values.push(...right.namedChildren.filter((c, i) => c.type !== "comment" && !numeric.positions.has(i)));
          else if (right.type === "dictionary") {
            for (const pair of right.namedChildren) {
              if (pair.type !== "pair") continue;
              const k = pair.childForFieldName("key");
              const kv = k ? model.classify(k, scope) : null;
              if (kv?.kind === "constant" && numeric.names.has(kv.value!)) continue;
              if (pair.childForFieldName("value")) values.push(pair.childForFieldName("value")!);
            }
          } else if (!numeric.positions.has(0)) values.push(right);
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

/** The `%` conversions of a constant template that format numbers: by position (in a tuple) and by `%(name)d`. */
function numericConversions(model: FileModel, template: Node, scope: Scope): { positions: Set<number>; names: Set<string> } {
  const out = { positions: new Set<number>(), names: new Set<string>() };
  const v = model.classify(template, scope);
  if (v.kind !== "constant") return out;
  let i = 0;
  for (const m of v.value!.matchAll(/%(?:\(([^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?([diouxXeEfFgGc%])?/g)) {
    const conv = m[2];
    if (conv === "%") continue;
    if (conv && conv !== "c" && conv !== undefined && /[diouxXeEfFgG]/.test(conv)) {
      if (m[1] !== undefined) out.names.add(m[1]);
      else out.positions.add(i);
    }
    if (m[1] === undefined) i++;
  }
  return out;
}

const KIND_WORDS: Record<string, string> = {
  fstring: "an f-string",
  percent: "`%` formatting",
  format: "`.format()`",
  concat: "`+` concatenation",
};

export interface BuiltQuery {
  kind: string;
  /** the name the query was stored in first, when it was built earlier */
  via?: string;
  /** where it was built, when that is an earlier statement of the same scope */
  origin?: Node;
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
  if (viaBinding) return { ...viaBinding, via: name, origin: found.binding.value };
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
      return { kind: "concat", via: name, origin: aug };
    }
    const values = builtValues(model, right, scope);
    if (values && values.every((v) => isHarmlessValue(model, v, scope))) continue;
    return { kind: k === "fstring" || k === "percent" || k === "format" ? k : "concat", via: name, origin: aug };
  }
  return null;
}

function builtDirect(model: FileModel, n: Node, scope: Scope, requireSql: boolean): BuiltQuery | null {
  const values = builtValues(model, n, scope);
  if (!values) return null;
  if (values.every((v) => isHarmlessValue(model, v, scope))) return null;
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

export type SqlSink = "execute" | "text" | "raw" | "read_sql" | "extra" | "RawSQL";

const FORM_OF = new Map<string, SqlSink>([
  ["execute", "execute"],
  ["executemany", "execute"],
  ["executescript", "execute"],
  // asyncpg / databases / aiopg-style: the query is the first argument
  ["fetch", "execute"],
  ["fetchrow", "execute"],
  ["fetchval", "execute"],
  ["fetch_all", "execute"],
  ["fetch_one", "execute"],
  ["fetch_val", "execute"],
  ["query", "execute"],
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
function queryArgument(model: FileModel, call: CallSite, form: SqlSink): Node | null {
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

/** What a SQL match hands to its fix: how the query is built, and the name it was stored in first. */
export interface SqlData {
  kind: string;
  via: string | null;
}

/**
 * Calls that run SQL built from values, for the sinks in `forms` (execute, text, raw, read_sql for
 * B608; extra for B610; RawSQL for B611). `message` may hold `{how}` and `{sink}`.
 */
export function sqlBuiltHits(model: FileModel, message: string, forms: Set<SqlSink>): Hit<SqlData>[] {
  const hits: Hit<SqlData>[] = [];
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
      if (found) hits.push(hit(model, message, call, found, "extra"));
      continue;
    }
    const q = queryArgument(model, call, form);
    if (!q) continue;
    // RawSQL and text() are SQL by definition; for the rest the literal text must read as SQL
    const found = builtQuery(model, q, call.scope, form !== "RawSQL" && form !== "text");
    if (found) hits.push(hit(model, message, call, found, call.lastName));
  }
  return hits;
}

/** How a query is built, in words: "an f-string (in `q`)". */
export function describeBuilt(found: BuiltQuery): string {
  const how = KIND_WORDS[found.kind] ?? "string building";
  return found.via ? `${how} (in \`${found.via}\`)` : how;
}

function hit(model: FileModel, template: string, call: CallSite, found: BuiltQuery, sink: string): Hit<SqlData> {
  const message = template.replace("{how}", describeBuilt(found)).replace("{sink}", sink);
  const origin = found.origin && found.origin.startIndex < call.start ? { origin: found.origin } : {};
  return { node: call.node, call, callee: sink, message, ...origin, data: { kind: found.kind, via: found.via ?? null } };
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

// ---------------------------------------------------------------------------------------------
// The fix

/**
 * A query built from values → a constant query with the driver's placeholder and a parameters tuple:
 *   conn.execute(f"SELECT * FROM users WHERE name = '{name}'")
 *   conn.execute("SELECT * FROM users WHERE name = ?", (name,))
 * `?` when the file imports sqlite3, `%s` for psycopg/psycopg2/pymysql/MySQLdb/mysql.connector/Django.
 * Quotes around a value go (the driver quotes it), LIKE wildcards move into the parameter, and `%`
 * becomes `%%` where the driver formats with `%`. Anything else — an identifier position (table,
 * column, ORDER BY), an IN list, a format spec, an unknown driver, a query built in a variable — is
 * explained, not rewritten.
 */

type Placeholder = "?" | "%s";

const QMARK = ["sqlite3", "aiosqlite", "pysqlite2", "pysqlite3"];
const FORMAT = ["psycopg2", "psycopg", "pymysql", "MySQLdb", "mysql.connector", "django.db", "pg8000", "pgdb"];

export const SQL_EXAMPLE = `# sqlite3 (placeholder ?)
cur.execute("SELECT * FROM users WHERE name = ?", (name,))
# psycopg2 / pymysql / MySQLdb / Django (placeholder %s)
cur.execute("SELECT * FROM users WHERE name = %s", (name,))`;

export const SQL_IDENTIFIER_EXAMPLE = `# a table or column name cannot be a parameter: check it against an allowlist
ALLOWED = {"users", "orders"}
if table not in ALLOWED:
    raise ValueError(table)
cur.execute(f"SELECT * FROM {table} WHERE id = %s", (uid,))
# psycopg2: sql.SQL("SELECT * FROM {} WHERE id = %s").format(sql.Identifier(table))`;

function decline(why: string, example = SQL_EXAMPLE): FixDecline {
  return { decline: why, example };
}

function matchesModule(q: string, m: string): boolean {
  return q === m || q.startsWith(`${m}.`);
}

/** The placeholder style of the driver the file imports, or why it cannot tell. */
export function driverPlaceholder(model: FileModel): Placeholder | FixDecline {
  let qmark = false;
  let format = false;
  for (const imp of model.imports) {
    if (QMARK.some((m) => matchesModule(imp.qualified, m))) qmark = true;
    if (FORMAT.some((m) => matchesModule(imp.qualified, m))) format = true;
  }
  if (qmark && format) return decline("the file imports drivers with different placeholder styles (`?` and `%s`)");
  if (qmark) return "?";
  if (format) return "%s";
  return decline("the database driver is not imported in this file, so its placeholder style (`?`, `%s`, `:name`) is unknown");
}

interface Hole {
  expr: string;
}
interface Part {
  /** source text between the previous part and this one (implicit concatenation) */
  sep: string;
  open: string;
  close: string;
  /** SQL text with Python's own format escapes undone, and values */
  items: (string | Hole)[];
}

function isHole(x: string | Hole): x is Hole {
  return typeof x !== "string";
}

/** Opening delimiter without the f prefix, closing delimiter, and whether it was an f-string. */
function delimiters(model: FileModel, s: Node): { open: string; close: string; f: boolean; bytes: boolean } | null {
  const start = s.child(0);
  const end = s.child(s.childCount - 1);
  if (!start || !end || start.type !== "string_start" || end.type !== "string_end") return null;
  const open = model.text(start);
  const prefix = open.replace(/["']+$/, "");
  return { open: prefix.replace(/[fF]/g, "") + open.slice(prefix.length), close: model.text(end), f: /[fF]/.test(prefix), bytes: /[bB]/.test(prefix) };
}

function stringParts(n: Node): Node[] | null {
  if (n.type === "string") return [n];
  if (n.type === "concatenated_string") return n.namedChildren.every((c) => c.type === "string") ? n.namedChildren : null;
  return null;
}

/** f"…{x}…" (possibly implicitly concatenated with plain parts). */
function fstringParts(model: FileModel, n: Node): Part[] | string {
  const parts: Part[] = [];
  const strings = stringParts(n);
  if (!strings) return "the query is not a plain string literal";
  let prevEnd = -1;
  for (const s of strings) {
    const d = delimiters(model, s);
    if (!d || d.bytes) return "the query is a bytes literal";
    const contentStart = s.child(0)!.endIndex;
    const contentEnd = s.child(s.childCount - 1)!.startIndex;
    const items: (string | Hole)[] = [];
    let at = contentStart;
    for (const c of s.namedChildren) {
      if (c.type !== "interpolation") continue;
      items.push(unescapeBraces(model.source.slice(at, c.startIndex), d.f));
      const expr = c.namedChild(0);
      if (!expr || c.namedChildren.some((x) => x.type === "type_conversion" || x.type === "format_specifier") || c.children.some((x) => x.type === "=")) {
        return "an interpolation has a conversion or format spec (`!r`, `:>10`, `=`), which a parameter cannot reproduce";
      }
      items.push({ expr: model.text(expr) });
      at = c.endIndex;
    }
    items.push(unescapeBraces(model.source.slice(at, contentEnd), d.f));
    parts.push({ sep: prevEnd < 0 ? "" : model.source.slice(prevEnd, s.startIndex), open: d.open, close: d.close, items });
    prevEnd = s.endIndex;
  }
  return parts;
}

function unescapeBraces(text: string, f: boolean): string {
  return f ? text.replace(/\{\{/g, "{").replace(/\}\}/g, "}") : text;
}

/** "… %s …" % values */
function percentParts(model: FileModel, n: Node): Part[] | string {
  const left = n.childForFieldName("left");
  const right = n.childForFieldName("right");
  if (!left || !right) return "not a `%` expression";
  const strings = stringParts(left);
  if (!strings) return "the query template is not a string literal here";
  if (right.type === "dictionary") return "named `%(name)s` values: rewrite by hand with the driver's named style";
  const values = right.type === "tuple" ? right.namedChildren : [right];
  let next = 0;
  const parts: Part[] = [];
  let prevEnd = -1;
  for (const s of strings) {
    const d = delimiters(model, s);
    if (!d || d.f || d.bytes) return "the query template mixes f-strings or bytes with `%`";
    if (s.namedChildren.some((c) => c.type === "interpolation")) return "the query template mixes f-strings with `%`";
    const raw = model.source.slice(s.child(0)!.endIndex, s.child(s.childCount - 1)!.startIndex);
    const items: (string | Hole)[] = [];
    let text = "";
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c !== "%") {
        text += c;
        continue;
      }
      const spec = raw[i + 1];
      if (spec === "%") {
        text += "%";
        i++;
      } else if (spec === "s" || spec === "d" || spec === "i") {
        if (next >= values.length) return "more `%` placeholders than values";
        items.push(text, { expr: model.text(values[next++]) });
        text = "";
        i++;
      } else {
        return `the \`%${spec ?? ""}\` conversion cannot be reproduced by a parameter`;
      }
    }
    items.push(text);
    parts.push({ sep: prevEnd < 0 ? "" : model.source.slice(prevEnd, s.startIndex), open: d.open, close: d.close, items });
    prevEnd = s.endIndex;
  }
  if (next !== values.length) {
    return right.type === "tuple" ? "fewer `%` placeholders than values" : "the values are in a variable: their number cannot be checked";
  }
  return parts;
}

/** "… {} …".format(values) */
function formatParts(model: FileModel, n: Node): Part[] | string {
  const fn = n.childForFieldName("function");
  const obj = fn?.childForFieldName("object");
  const args = n.childForFieldName("arguments");
  if (!obj || !args) return "not a `.format()` call";
  const strings = stringParts(obj);
  if (!strings) return "the query template is not a string literal here";
  const positional: Node[] = [];
  const named = new Map<string, Node>();
  for (const a of args.namedChildren) {
    if (a.type === "comment") continue;
    if (a.type === "list_splat" || a.type === "dictionary_splat") return "`.format()` takes `*args`/`**kwargs`: the values cannot be listed";
    if (a.type === "keyword_argument") {
      const nm = a.childForFieldName("name");
      const v = a.childForFieldName("value");
      if (nm && v) named.set(model.text(nm), v);
    } else positional.push(a);
  }
  let auto = 0;
  let manual = false;
  const parts: Part[] = [];
  let prevEnd = -1;
  for (const s of strings) {
    const d = delimiters(model, s);
    if (!d || d.f || d.bytes) return "the query template mixes f-strings or bytes with `.format()`";
    const raw = model.source.slice(s.child(0)!.endIndex, s.child(s.childCount - 1)!.startIndex);
    const items: (string | Hole)[] = [];
    let text = "";
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c === "{" && raw[i + 1] === "{") {
        text += "{";
        i++;
      } else if (c === "}" && raw[i + 1] === "}") {
        text += "}";
        i++;
      } else if (c === "{") {
        const close = raw.indexOf("}", i);
        if (close < 0) return "an unbalanced `{` in the template";
        const field = raw.slice(i + 1, close);
        let value: Node | undefined;
        if (field === "") {
          if (manual) return "the template mixes automatic and numbered fields";
          value = positional[auto++];
        } else if (/^\d+$/.test(field)) {
          manual = true;
          value = positional[Number(field)];
        } else if (/^[A-Za-z_]\w*$/.test(field)) {
          value = named.get(field);
        } else {
          return "a format field has a conversion, spec or attribute (`{0!r}`, `{:>10}`, `{a.b}`), which a parameter cannot reproduce";
        }
        if (!value) return `no value for the field \`{${field}}\``;
        items.push(text, { expr: model.text(value) });
        text = "";
        i = close;
      } else if (c === "}") {
        return "an unbalanced `}` in the template";
      } else text += c;
    }
    items.push(text);
    parts.push({ sep: prevEnd < 0 ? "" : model.source.slice(prevEnd, s.startIndex), open: d.open, close: d.close, items });
    prevEnd = s.endIndex;
  }
  return parts;
}

/** "… = '" + name + "'" */
function concatParts(model: FileModel, n: Node): Part[] | string {
  const operands: Node[] = [];
  const todo: Node[] = [n];
  while (todo.length) {
    const cur = todo.pop()!;
    const op = cur.type === "binary_operator" ? cur.childForFieldName("operator") : null;
    if (op && model.text(op) === "+") {
      todo.push(cur.childForFieldName("right")!, cur.childForFieldName("left")!);
    } else operands.push(cur);
  }
  let open: string | null = null;
  let close = "";
  const items: (string | Hole)[] = [];
  for (const o of operands) {
    if (o.type === "string") {
      const d = delimiters(model, o);
      if (!d || d.f || d.bytes) return "the pieces mix f-strings or bytes";
      if (open === null) {
        open = d.open;
        close = d.close;
      } else if (open !== d.open) return "the string pieces use different quotes or prefixes";
      items.push(model.source.slice(o.child(0)!.endIndex, o.child(o.childCount - 1)!.startIndex));
    } else if (o.type === "concatenated_string" || (o.type === "identifier" && model.classify(o, scopeOf(model, o)).kind === "constant")) {
      return "a piece of the query is a constant defined elsewhere: merge it by hand";
    } else {
      items.push({ expr: model.text(o) });
    }
  }
  if (open === null) return "no string piece";
  return [{ sep: "", open, close, items }];
}

function scopeOf(model: FileModel, n: Node) {
  let best = model.module;
  for (const s of model.scopes) if (s.start <= n.startIndex && n.startIndex < s.end && s.start >= best.start) best = s;
  return best;
}

/** Ends with an operator or keyword after which SQL expects a value. */
const VALUE_BEFORE = /(?:[=<>]|\bLIKE|\bILIKE|\bLIMIT|\bOFFSET|\bBETWEEN)$/i;

/** Whether the unclosed `(` before the end of `text` follows VALUES (an INSERT's value list). */
function inValuesList(text: string): "values" | "in" | null {
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ")") depth++;
    else if (c === "(") {
      if (depth === 0) {
        const before = text.slice(Math.max(0, i - 12), i).trimEnd();
        if (/\bVALUES$/i.test(before)) return "values";
        if (/\bIN$/i.test(before)) return "in";
        return null;
      }
      depth--;
    }
  }
  return null;
}

function count(s: string, c: string): number {
  let n = 0;
  for (const x of s) if (x === c) n++;
  return n;
}

/** A parameter that keeps text around the value: `f"%{term}%"`. */
function wrappedParam(prefix: string, expr: string, suffix: string): string | null {
  if (!/^[^'"\\{}\n]*$/.test(prefix + suffix) || /[\\\n]/.test(expr)) return null;
  if (expr.includes('"') && expr.includes("'")) return null;
  const q = expr.includes('"') ? "'" : '"';
  return `f${q}${prefix}{${expr}}${suffix}${q}`;
}

/** Decide, for each value, whether it sits where SQL takes a value; strip its quotes; build the parameters. */
function parameterize(parts: Part[], ph: Placeholder): { query: string; params: string[] } | string {
  const params: string[] = [];
  const flat: { part: number; index: number }[] = [];
  parts.forEach((p, pi) => p.items.forEach((_, ii) => flat.push({ part: pi, index: ii })));
  const get = (k: number): string | Hole | undefined => (flat[k] ? parts[flat[k].part].items[flat[k].index] : undefined);
  const set = (k: number, v: string): void => {
    parts[flat[k].part].items[flat[k].index] = v;
  };
  let before = "";
  for (let k = 0; k < flat.length; k++) {
    const item = get(k)!;
    if (!isHole(item)) {
      if (ph === "?" && count(item.replace(/'[^']*'/g, ""), "?") > 0) return "the query already holds a `?` outside quotes";
      before += item;
      continue;
    }
    const prev = k > 0 ? get(k - 1) : undefined;
    const next = get(k + 1);
    const samePart = (j: number): boolean => !!flat[j] && flat[j].part === flat[k].part;
    const prevText = typeof prev === "string" && samePart(k - 1) ? prev : "";
    const nextText = typeof next === "string" && samePart(k + 1) ? next : "";
    if (count(before, '"') % 2 === 1) return `\`${item.expr}\` is inside double quotes, where SQL expects a name (a table or column), not a value`;
    if (count(before, "'") % 2 === 1) {
      const qi = prevText.lastIndexOf("'");
      const si = nextText.indexOf("'");
      if (qi < 0 || si < 0 || prevText[qi - 1] === "'" || nextText[si + 1] === "'") {
        return `\`${item.expr}\` shares a quoted SQL string with other text or values`;
      }
      const prefix = prevText.slice(qi + 1);
      const suffix = nextText.slice(0, si);
      const param = prefix || suffix ? wrappedParam(prefix, item.expr, suffix) : item.expr;
      if (param === null) return `the text around \`${item.expr}\` inside the SQL quotes cannot move into the parameter`;
      set(k - 1, prevText.slice(0, qi));
      set(k + 1, nextText.slice(si + 1));
      params.push(param);
      before += "?'"; // the closing quote was stripped from the next piece: keep the count even
      continue;
    }
    const ctx = before.trimEnd();
    const list = inValuesList(ctx);
    if (list === "in") return `\`${item.expr}\` fills an \`IN (...)\` list: one placeholder per item is needed (\`", ".join("?" * len(items))\`)`;
    const valuePlace = VALUE_BEFORE.test(ctx.slice(-8)) || (list === "values" && /[(,]$/.test(ctx));
    if (!valuePlace) {
      return `\`${item.expr}\` is interpolated where SQL expects a name or a keyword (table, column, ORDER BY), which a parameter cannot fill`;
    }
    if (next !== undefined && (isHole(next) || !/^(?:\s|[),;]|$)/.test(nextText))) {
      return `\`${item.expr}\` is glued to other text in the query`;
    }
    params.push(item.expr);
    before += " ? ";
  }
  const query = parts
    .map((p) => p.sep + p.open + p.items.map((x) => (isHole(x) ? ph : ph === "%s" ? x.replace(/%/g, "%%") : x)).join("") + p.close)
    .join("");
  return { query, params };
}

/** A query built from values → placeholders and a parameters tuple (see the top of this section). */
export function sqlParametersFix({ model, match, data }: FixContext<unknown, SqlData>): FixProposal | FixDecline {
  const call: CallSite | undefined = match.call;
  if (!call || !call.args) return decline("not a call");
  const via = data?.via;
  if (via) return decline(`the query is built earlier in \`${via}\`: build it with placeholders there and pass the values to \`${call.lastName}\``);
  if (call.lastName !== "execute") {
    return decline(`\`${call.lastName}\` is rewritten by hand: use placeholders and pass the values separately`,
      call.lastName === "text" ? `stmt = sqlalchemy.text("SELECT * FROM users WHERE name = :name")\nrows = conn.execute(stmt, {"name": name})` : SQL_EXAMPLE);
  }
  const args = call.args.namedChildren.filter((a) => a.type !== "comment");
  if (args.length !== 1 || args[0].type === "keyword_argument" || args[0].type.endsWith("splat")) {
    return decline("`execute` already has parameters: move the interpolated values into them by hand");
  }
  const q = args[0];
  let inner = q;
  while (inner.type === "parenthesized_expression" && inner.namedChildCount === 1) inner = inner.namedChild(0)!;
  const kind = data?.kind;
  if (model.text(q).includes("#")) {
    // a comment inside a multi-line expression would be lost when the pieces are merged
    for (const c of q.descendantsOfType("comment")) if (c) return decline("the query has comments between its pieces");
  }
  const parts =
    kind === "fstring" ? fstringParts(model, inner)
    : kind === "percent" ? percentParts(model, inner)
    : kind === "format" ? formatParts(model, inner)
    : kind === "concat" ? concatParts(model, inner)
    : "the query is not built inline";
  if (typeof parts === "string") return decline(parts);
  for (const p of parts) for (const x of p.items) if (typeof x === "string" && /\\['"]/.test(x)) return decline("the query has escaped quotes");
  // an identifier position is the more useful thing to say, so the query is read before the driver is known
  const driver = driverPlaceholder(model);
  const result = parameterize(parts, typeof driver === "string" ? driver : "?");
  if (typeof result !== "string" && typeof driver !== "string") return driver;
  if (typeof result === "string") return decline(result, /name or a keyword|double quotes/.test(result) ? SQL_IDENTIFIER_EXAMPLE : SQL_EXAMPLE);
  if (!result.params.length) return decline("no value to move into parameters");
  const tuple = result.params.length === 1 ? `(${result.params[0]},)` : `(${result.params.join(", ")})`;
  if (inner === q) return { edits: [{ start: q.startIndex, end: q.endIndex, text: `${result.query}, ${tuple}` }] };
  return {
    edits: [
      { start: inner.startIndex, end: inner.endIndex, text: result.query },
      { start: q.endIndex, end: q.endIndex, text: `, ${tuple}` },
    ],
  };
}
