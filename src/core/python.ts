/** tree-sitter parsing of Python. Tolerates syntax errors: the parts that parse are still analysed. */
import Parser from "tree-sitter";
import PythonLanguage from "tree-sitter-python";

export type Node = Parser.SyntaxNode;
export type Tree = Parser.Tree;
export const PYTHON = PythonLanguage as unknown as Parser.Language;

let sharedParser: Parser | null = null;
function parser(): Parser {
  if (!sharedParser) {
    sharedParser = new Parser();
    sharedParser.setLanguage(PYTHON);
  }
  return sharedParser;
}

export interface ParsedPython {
  source: string;
  tree: Tree;
  /** true when the tree holds ERROR or MISSING nodes: analysis ran on the parts that parsed */
  partial: boolean;
  /** start offset of each line (0-based line index → string index) */
  lineStarts: number[];
}

export function computeLineStarts(source: string): number[] {
  const starts = [0];
  let i = source.indexOf("\n");
  while (i !== -1) {
    starts.push(i + 1);
    i = source.indexOf("\n", i + 1);
  }
  return starts;
}

export function parsePython(source: string): ParsedPython {
  // tree-sitter's node binding reads the string in chunks; a generous buffer avoids re-reads on big files
  const tree = parser().parse(source, undefined, { bufferSize: Math.max(32 * 1024, source.length + 1) });
  return { source, tree, partial: tree.rootNode.hasError, lineStarts: computeLineStarts(source) };
}

export function compileQuery(source: string): Parser.Query {
  return new Parser.Query(PYTHON, source);
}

export function textOf(src: string, n: Node): string {
  return src.slice(n.startIndex, n.endIndex);
}

/** Text of line `line` (1-based), without its line break. */
export function lineText(p: ParsedPython, line: number): string {
  const start = p.lineStarts[line - 1];
  if (start === undefined) return "";
  const next = p.lineStarts[line];
  let end = next === undefined ? p.source.length : next - 1;
  if (end > start && p.source[end - 1] === "\r") end -= 1;
  return p.source.slice(start, end);
}

const STATEMENT_PARENTS = new Set(["module", "block"]);
const COMPOUND = new Set([
  "if_statement", "for_statement", "while_statement", "try_statement", "with_statement",
  "function_definition", "class_definition", "decorated_definition", "match_statement",
]);

/**
 * Lines of the statement that holds `n`: its first line, and its last line — for a compound
 * statement (`with x() as y:`), the finding's own last line rather than the whole block.
 */
export function statementLines(n: Node): { start: number; end: number; node: Node } {
  let cur: Node = n;
  while (cur.parent && !STATEMENT_PARENTS.has(cur.parent.type)) cur = cur.parent;
  if (cur.parent && (cur.parent.type === "ERROR")) cur = n;
  const start = cur.startPosition.row + 1;
  const end = COMPOUND.has(cur.type) ? n.endPosition.row + 1 : cur.endPosition.row + 1;
  return { start, end, node: cur };
}

/** Iterative pre-order walk (deeply nested code must not overflow the stack). */
export function* walk(root: Node): Generator<Node> {
  const cursor = root.walk();
  let descending = true;
  for (;;) {
    if (descending) {
      yield cursor.currentNode;
      if (cursor.gotoFirstChild()) continue;
    }
    if (cursor.gotoNextSibling()) {
      descending = true;
      continue;
    }
    if (!cursor.gotoParent()) return;
    descending = false;
    if (cursor.currentNode.id === root.id) return;
  }
}

/** True when the subtree holds an ERROR or MISSING node. */
export function hasSyntaxError(tree: Tree): boolean {
  return tree.rootNode.hasError;
}
