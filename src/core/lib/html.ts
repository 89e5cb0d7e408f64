/**
 * HTML built by hand: a string made with an f-string, `+`, `%` or `.format` whose constant text
 * holds markup and into which a value is put without escaping. Shared by the XSS rules.
 */
import type { Node } from "../python.js";
import type { FileModel, Scope } from "../scope.js";

/** calls whose result is safe to put into HTML: escapers and numbers */
const SAFE_CALLS = new Set([
  "markupsafe.escape", "flask.escape", "jinja2.escape", "html.escape", "cgi.escape", "werkzeug.utils.escape",
  "django.utils.html.escape", "django.utils.html.conditional_escape", "django.utils.html.format_html", "django.utils.html.escapejs",
  "django.utils.html.urlize", "django.utils.html.strip_tags", "bleach.clean", "bleach.linkify", "nh3.clean",
  "urllib.parse.quote", "urllib.parse.quote_plus", "urllib.parse.urlencode",
  "int", "float", "len", "round", "bool", "flask.url_for", "django.urls.reverse",
]);
const SAFE_LASTS = new Set([...SAFE_CALLS].map((q) => q.slice(q.lastIndexOf(".") + 1)));

/** markup in constant text: an opening or closing tag */
export const HTML_TAG = /<\/?[a-zA-Z][a-zA-Z0-9-]*[\s>/]|<!--|<!doctype/i;

export interface BuiltString {
  /** the constant text of the string, pieces joined */
  text: string;
  /** the values put into it that are not known to be safe */
  unsafe: Node[];
  /** the node where the string is built (the value of a local when the argument is its name) */
  at: Node;
}

/** A constant string's text, the name of a module-level constant string followed. */
function constantText(model: FileModel, n: Node, scope: Scope): string | null {
  const v = model.classify(n, scope);
  return v.kind === "constant" && typeof v.value === "string" ? v.value : null;
}

function stringParts(model: FileModel, s: Node): { text: string; values: Node[] } {
  let text = "";
  const values: Node[] = [];
  for (const c of s.namedChildren) {
    if (c.type === "string_content" || c.type === "escape_sequence") text += model.text(c);
    else if (c.type === "interpolation") {
      const e = c.childForFieldName("expression") ?? c.namedChild(0);
      if (e) values.push(e);
      text += "{}";
    }
  }
  return { text, values };
}

/** Whether a value put into HTML is known to be safe: a literal, a constant name, an escaped or numeric value. */
export function safeValue(model: FileModel, v: Node, scope: Scope, depth = 0): boolean {
  switch (v.type) {
    case "string":
      return !v.namedChildren.some((c) => c.type === "interpolation");
    case "integer":
    case "float":
    case "true":
    case "false":
    case "none":
      return true;
    case "parenthesized_expression":
      return v.namedChild(0) ? safeValue(model, v.namedChild(0)!, scope, depth) : true;
    case "conditional_expression": {
      const parts = v.namedChildren;
      return safeValue(model, parts[0], scope, depth) && (!parts[2] || safeValue(model, parts[2], scope, depth));
    }
    case "call": {
      const fn = v.childForFieldName("function")!;
      const last = fn.type === "attribute" ? model.text(fn.childForFieldName("attribute")!) : model.text(fn);
      if (!SAFE_LASTS.has(model.importedLastNames.get(last) ?? last)) return false;
      return model.resolve(fn, scope).some((q) => SAFE_CALLS.has(q)) || (fn.type === "attribute" && /^(escape|quote|quote_plus)$/.test(last));
    }
    case "identifier": {
      const name = model.text(v);
      if (/^[A-Z][A-Z0-9_]*$/.test(name)) return true;
      if (depth > 3) return false;
      const found = model.lookup(name, scope, v.startIndex);
      if (!found || found.binding.kind !== "local") return false;
      const all = found.scope.bindings.get(name) ?? [];
      const values = all.filter((b) => b.at <= v.startIndex || found.scope !== scope).map((b) => b.value);
      return values.length > 0 && values.every((x) => !!x && safeValue(model, x, found.scope, depth + 1));
    }
    default:
      return false;
  }
}

/**
 * The string an expression builds, when it is built (f-string with values, `+`, `%`, `.format`):
 * its constant text and its unsafe values. A local name is followed to the values it was given
 * earlier in the same scope.
 */
export function builtString(model: FileModel, n: Node, scope: Scope, depth = 0): BuiltString | null {
  if (depth > 4) return null;
  let text = "";
  const values: Node[] = [];
  switch (n.type) {
    case "parenthesized_expression":
      return n.namedChild(0) ? builtString(model, n.namedChild(0)!, scope, depth) : null;
    case "identifier": {
      const name = model.text(n);
      const found = model.lookup(name, scope, n.startIndex);
      if (!found || found.binding.kind !== "local" || found.scope !== scope) return null;
      // the last value given before this use
      const before = (found.scope.bindings.get(name) ?? []).filter((b) => b.at < n.startIndex && b.value);
      const last = before[before.length - 1];
      if (!last?.value) return null;
      const inner = builtString(model, last.value, scope, depth + 1);
      // `html += f"<li>{x}</li>"` and the like: every piece counts
      if (inner && before.length > 1) {
        for (const b of before.slice(0, -1)) {
          const more = b.value ? builtString(model, b.value, scope, depth + 1) : null;
          if (more) {
            inner.text += more.text;
            inner.unsafe.push(...more.unsafe);
          }
        }
      }
      return inner;
    }
    case "string": {
      const parts = stringParts(model, n);
      if (!parts.values.length) return null;
      text = parts.text;
      values.push(...parts.values);
      break;
    }
    case "binary_operator": {
      const op = model.text(n.childForFieldName("operator")!);
      const left = n.childForFieldName("left")!;
      const right = n.childForFieldName("right")!;
      if (op === "+") {
        // flatten a + b + c
        const pieces: Node[] = [];
        const todo: Node[] = [n];
        while (todo.length) {
          const p = todo.pop()!;
          if (p.type === "binary_operator" && model.text(p.childForFieldName("operator")!) === "+") {
            todo.push(p.childForFieldName("right")!, p.childForFieldName("left")!);
          } else pieces.push(p);
        }
        let strings = 0;
        for (const p of pieces) {
          const c = p.type === "string" ? stringParts(model, p) : null;
          if (c) {
            strings++;
            text += c.text;
            values.push(...c.values);
          } else {
            const k = constantText(model, p, scope);
            if (k !== null) text += k;
            else values.push(p);
          }
        }
        if (!strings) return null;
        break;
      }
      if (op === "%") {
        const t = left.type === "string" ? stringParts(model, left).text : constantText(model, left, scope);
        if (t === null) return null;
        text = t;
        if (right.type === "tuple" || right.type === "parenthesized_expression") values.push(...right.namedChildren);
        else if (right.type === "dictionary") values.push(...right.namedChildren.map((p) => p.childForFieldName("value")!).filter(Boolean));
        else values.push(right);
        break;
      }
      return null;
    }
    case "call": {
      const fn = n.childForFieldName("function")!;
      if (fn.type !== "attribute" || model.text(fn.childForFieldName("attribute")!) !== "format") return null;
      const obj = fn.childForFieldName("object")!;
      const t = obj.type === "string" ? stringParts(model, obj).text : constantText(model, obj, scope);
      if (t === null) return null;
      text = t;
      for (const a of n.childForFieldName("arguments")?.namedChildren ?? []) {
        if (a.type === "keyword_argument") values.push(a.childForFieldName("value")!);
        else if (a.type !== "comment") values.push(a.type === "list_splat" || a.type === "dictionary_splat" ? a.namedChild(0)! : a);
      }
      break;
    }
    default:
      return null;
  }
  return { text, unsafe: values.filter((v) => v && !safeValue(model, v, scope)), at: n };
}
