/**
 * Byte-range edits on a call, shared by the declarative edits in rule files and the rules' code.
 * They keep comments, quotes, line breaks and trailing commas as the author wrote them.
 */
import type { Edit } from "../types.js";
import type { Node } from "../python.js";
import type { FileModel, CallSite } from "../scope.js";
import { keywordArgument } from "../args.js";

/** Replace the last name of the callee: `y.load(...)` → `y.safe_load(...)`. Only for attribute callees. */
export function renameCallee(model: FileModel, call: CallSite, newName: string): Edit | null {
  if (call.fnType !== "attribute") return null;
  const attr = call.fn.childForFieldName("attribute");
  return attr ? { start: attr.startIndex, end: attr.endIndex, text: newName } : null;
}

function isBlank(s: string): boolean {
  return /^[ \t]*$/.test(s);
}

/** Remove an argument with its separating comma; an argument alone on its line takes the line with it. */
export function removeArgument(model: FileModel, arg: Node): Edit {
  const src = model.source;
  const next = arg.nextSibling;
  const prev = arg.previousSibling;
  const lineStart = src.lastIndexOf("\n", arg.startIndex - 1) + 1;
  if (next && next.type === ",") {
    let end = next.endIndex;
    const nl = src.indexOf("\n", end);
    const restOfLine = src.slice(end, nl === -1 ? src.length : nl);
    if (isBlank(src.slice(lineStart, arg.startIndex)) && isBlank(restOfLine.replace(/\r$/, "")) && nl !== -1) {
      return { start: lineStart, end: nl + 1, text: "" };
    }
    // `f(a, x=1,\n    b)`: keep the comma that ends the line, drop ` x=1,` (no trailing space left)
    if (isBlank(restOfLine.replace(/\r$/, "")) && prev && prev.type === ",") return { start: prev.endIndex, end: next.endIndex, text: "" };
    while (end < src.length && (src[end] === " " || src[end] === "\t")) end++;
    return { start: arg.startIndex, end, text: "" };
  }
  if (prev && prev.type === ",") {
    let start = prev.startIndex;
    // `f(a,\n    x=1\n)`: drop the comma and the line holding the argument
    const nl = src.indexOf("\n", arg.endIndex);
    const after = src.slice(arg.endIndex, nl === -1 ? src.length : nl);
    if (isBlank(src.slice(lineStart, arg.startIndex)) && isBlank(after.replace(/\r$/, "")) && nl !== -1 && lineStart > 0) {
      return { start: prev.startIndex, end: nl - (src[nl - 1] === "\r" ? 1 : 0), text: "" };
    }
    while (start > 0 && (src[start - 1] === " " || src[start - 1] === "\t")) start--;
    return { start, end: arg.endIndex, text: "" };
  }
  return { start: arg.startIndex, end: arg.endIndex, text: "" };
}

/** Add `name=value` to a call, or replace its value when the keyword is there. */
export function setKeyword(model: FileModel, call: CallSite, name: string, value: string): Edit | null {
  const existing = keywordArgument(model, call, name);
  if (existing) {
    const v = existing.childForFieldName("value");
    return v ? { start: v.startIndex, end: v.endIndex, text: value } : null;
  }
  const args = call.args;
  if (!args || args.type !== "argument_list") return null;
  const src = model.source;
  const items = args.namedChildren.filter((c) => c.type !== "comment");
  const last = items[items.length - 1];
  if (!last) {
    const close = args.lastChild;
    if (!close || close.type !== ")") return null;
    return { start: close.startIndex, end: close.startIndex, text: `${name}=${value}` };
  }
  const after = last.nextSibling;
  if (after && after.type === ",") {
    // trailing comma: one argument per line → add ours on its own line with the same indent
    const lineStart = src.lastIndexOf("\n", last.startIndex - 1) + 1;
    const indent = src.slice(lineStart, last.startIndex);
    if (isBlank(indent)) {
      const nl = src.indexOf("\n", after.endIndex);
      if (nl !== -1) {
        const eol = src[nl - 1] === "\r" ? "\r\n" : "\n";
        return { start: nl + 1, end: nl + 1, text: `${indent}${name}=${value},${eol}` };
      }
    }
    return { start: after.endIndex, end: after.endIndex, text: ` ${name}=${value},` };
  }
  return { start: last.endIndex, end: last.endIndex, text: `, ${name}=${value}` };
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

/**
 * Delete a whole statement line (`session.verify = False`), when the statement is alone on its
 * lines and not the only statement of its block (an empty block would not parse).
 */
export function deleteStatement(model: FileModel, inner: Node): Edit | { decline: string } {
  const stmt = inner.parent?.type === "expression_statement" ? inner.parent : inner;
  const block = stmt.parent;
  if (!block || (block.type !== "block" && block.type !== "module")) return { decline: "the statement is not on its own line" };
  if (block.namedChildren.filter((c) => c.type !== "comment").length < 2) {
    return { decline: "it is the only statement of its block: delete it and its block by hand" };
  }
  const src = model.source;
  const lineStart = src.lastIndexOf("\n", stmt.startIndex - 1) + 1;
  const nl = src.indexOf("\n", stmt.endIndex);
  const lineEnd = nl === -1 ? src.length : nl + 1;
  const before = src.slice(lineStart, stmt.startIndex);
  const after = src.slice(stmt.endIndex, nl === -1 ? src.length : nl).replace(/\r$/, "");
  if (!/^[ \t]*$/.test(before) || !/^[ \t]*(#.*)?$/.test(after)) return { decline: "the statement shares its line with other code" };
  return { start: lineStart, end: lineEnd, text: "" };
}

/** `f(url, verify=False,\n    timeout=3)` would keep the space after `url,` at the end of the line: take it too. */
export function withoutTrailingBlank(model: FileModel, edit: Edit): Edit {
  const src = model.source;
  if (edit.text !== "" || !/^\r?\n/.test(src.slice(edit.end, edit.end + 2))) return edit;
  let start = edit.start;
  while (start > 0 && (src[start - 1] === " " || src[start - 1] === "\t")) start--;
  return src[start - 1] === "\n" ? edit : { ...edit, start };
}
