/**
 * `token == expected` → `hmac.compare_digest(token.encode(), expected.encode())`, reusing the
 * file's `hmac` or `secrets` import; `!=` → `not …`.
 */
import type { Node } from "../python.js";
import type { FileModel } from "../scope.js";
import type { FixBuilder } from "./types.js";
import { scopeAt } from "./secrets-hardcoded.js";
import { sameRuleOnRows } from "./secrets-misc.js";
import { secretCompare } from "../matchers/secrets-compare.js";

const PRIMARY = new Set(["identifier", "attribute", "call", "subscript", "parenthesized_expression", "string", "concatenated_string"]);

/** Operands already known to be bytes: `b"…"`, `….digest()`, `….encode()`, `bytes(…)`. */
function isBytes(model: FileModel, n: Node, depth = 0): boolean {
  if (n.type === "identifier" && depth < 2) {
    const found = model.lookup(model.text(n), scopeAt(model, n.startIndex), n.startIndex);
    const value = found?.binding.kind === "local" ? found.binding.value : undefined;
    return !!value && isBytes(model, value, depth + 1);
  }
  if (n.type === "string") return /^[rR]?[bB]/.test(model.text(n));
  if (n.type === "call") {
    const fn = n.childForFieldName("function");
    if (!fn) return false;
    if (fn.type === "identifier") return model.text(fn) === "bytes" || model.text(fn) === "bytearray";
    const attr = fn.type === "attribute" ? fn.childForFieldName("attribute") : null;
    return !!attr && (model.text(attr) === "digest" || model.text(attr) === "encode");
  }
  return false;
}

/** The `compare_digest` the file can call here, and the import it needs when it has none. */
function compareDigest(model: FileModel, at: number): { fn: string; imports: string[] } {
  const scope = scopeAt(model, at);
  const fromHmac = model.importedAs("hmac.compare_digest", scope, at);
  if (fromHmac) return { fn: fromHmac, imports: [] };
  const hmac = model.importedAs("hmac", scope, at);
  if (hmac) return { fn: `${hmac}.compare_digest`, imports: [] };
  const fromSecrets = model.importedAs("secrets.compare_digest", scope, at);
  if (fromSecrets) return { fn: fromSecrets, imports: [] };
  const secrets = model.importedAs("secrets", scope, at);
  if (secrets) return { fn: `${secrets}.compare_digest`, imports: [] };
  return { fn: "hmac.compare_digest", imports: ["import hmac"] };
}

const NEEDS_PARENS_FOR_NOT = new Set(["binary_operator", "unary_operator", "comparison_operator", "attribute", "subscript", "await"]);

export const secretCompareFix: FixBuilder = ({ model, match }) => {
  const node = match.node;
  const left = node.namedChild(0);
  const right = node.namedChild(1);
  const op = node.child(1);
  if (!left || !right || !op || node.namedChildCount !== 2) return { decline: "a chained comparison" };
  if (sameRuleOnRows(secretCompare, model, match)) return { decline: "another secret comparison on the same line needs the same fix: change them together" };
  const { fn, imports } = compareDigest(model, node.startIndex);
  const bytes = isBytes(model, left) || isBytes(model, right);
  const operand = (n: Node): string => {
    const t = model.text(n);
    if (bytes) return t;
    return PRIMARY.has(n.type) ? `${t}.encode()` : `(${t}).encode()`;
  };
  let text = `${fn}(${operand(left)}, ${operand(right)})`;
  if (model.text(op) === "!=") {
    text = `not ${text}`;
    if (node.parent && NEEDS_PARENS_FOR_NOT.has(node.parent.type)) text = `(${text})`;
  }
  return {
    edits: [{ start: node.startIndex, end: node.endIndex, text }],
    imports,
    caveat: bytes
      ? "`compare_digest` needs both sides of the same type (both bytes here): a `str` on one side raises `TypeError`."
      : "`compare_digest` needs both sides of the same type: `.encode()` turns `str` into bytes, and raises on `None` or values that are already bytes.",
  };
};
