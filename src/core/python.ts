/** tree-sitter parsing of Python. Tolerates syntax errors: the parts that parse are still analysed. */
import { createRequire } from "node:module";
import { dirname } from "node:path";
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

/**
 * Parse `source`. With `oldTree` (already edited to match `source`, see `Tree.edit`), tree-sitter
 * parses again only what the edits touched.
 *
 * The nodes of the tree are plain objects: node-tree-sitter would otherwise register each node it
 * hands out with a weak reference and a finaliser (so that it can hand out the same object again,
 * and move it on `Tree.edit`), which costs more than the node itself, and again when it is
 * collected. So the same node fetched twice is two objects (compare `.id`), and editing a tree
 * leaves the nodes already read from it where they were.
 */
export function parsePython(source: string, oldTree?: Tree, lineStarts?: number[]): ParsedPython {
  // tree-sitter's node binding reads the string in chunks; a generous buffer avoids re-reads on big files
  const tree = parser().parse(source, oldTree, { bufferSize: Math.max(32 * 1024, source.length + 1) });
  const uncached = tree as unknown as { _cacheNode(n: Node): void; _cacheNodes(ns: Node[]): void };
  uncached._cacheNode = noCache;
  uncached._cacheNodes = noCache;
  return { source, tree, partial: tree.rootNode.hasError, lineStarts: lineStarts ?? computeLineStarts(source) };
}

function noCache(): void {}

export function compileQuery(source: string): Parser.Query {
  return new Parser.Query(PYTHON, source);
}

export function textOf(src: string, n: Node): string {
  return src.slice(startOf(n), n.endIndex);
}

/**
 * A node's start index without a call into the native binding: node-tree-sitter keeps the node's
 * start byte (of the UTF-16 text) in the node object itself. Checked once against the binding's own
 * `startIndex`; if a future binding lays nodes out differently, the getter is used instead.
 */
export function startOf(n: Node): number {
  return fastStart ? (n as unknown as Record<number, number>)[2] / 2 : n.startIndex;
}

const fastStart = ((): boolean => {
  try {
    // the shared parser: setting the language costs as much as the check
    const p = parser();
    const text = "# \u00e9\ud83d\ude00\nx = f(\"\u00e9\", y.z)\nclass A:\n  def g(self): return [a for a in b]\n";
    const tree = p.parse(text);
    let checked = 0;
    for (const n of tree.rootNode.descendantsOfType(["identifier", "call", "string", "assignment", "class_definition", "function_definition"])) {
      const raw = (n as unknown as Record<number, unknown>)[2];
      if (typeof raw !== "number" || raw / 2 !== n.startIndex) return false;
      checked++;
    }
    return checked > 10;
  } catch {
    return false;
  }
})();

/**
 * Nodes of some types, in document order, found in one native walk of the tree — without a
 * JavaScript object per node. node-tree-sitter makes every node it hands out a JS object with a weak
 * reference and a finaliser (about as costly as parsing the node); a file model needs the type and
 * the start of every call and assignment, but the node itself only for the few a rule looks at.
 */
export interface NodeRecords {
  readonly length: number;
  /** the type of record i; may be "" for an anonymous node (the `lambda` keyword) */
  type(i: number): string;
  /** string index where record i starts */
  start(i: number): number;
  /** the node itself (made once, on first use) */
  node(i: number): Node;
}

/** What node-tree-sitter keeps to itself: the native methods and the buffer nodes travel through. */
interface NativeBinding {
  NodeMethods: { descendantsOfType(tree: Tree, types: string[], start?: unknown, end?: unknown): (number | Node)[] };
  nodeTransferArray: Uint32Array;
  getNodeTypeNamesById(language: unknown): (string | null)[];
}
interface LanguageClasses {
  nodeSubclasses?: (new (tree: Tree) => Node)[];
}
const NODE_FIELDS = 6;

const nativeBinding = ((): NativeBinding | null => {
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve("tree-sitter/package.json"));
    const load = createRequire(`${dir}/index.js`)("node-gyp-build") as (dir: string) => NativeBinding;
    const b = load(dir);
    return typeof b?.NodeMethods?.descendantsOfType === "function" && b.nodeTransferArray instanceof Uint32Array && typeof b.getNodeTypeNamesById === "function" ? b : null;
  } catch {
    return null;
  }
})();
let typeNames: (string | null)[] | null = null;

function rawDescendants(root: Node, types: string[]): NodeRecords {
  const b = nativeBinding!;
  const tree = root.tree;
  const rootFields = root as unknown as Record<number, number>;
  for (let i = 0; i < NODE_FIELDS; i++) b.nodeTransferArray[i] = rootFields[i];
  const found = b.NodeMethods.descendantsOfType(tree, types, undefined, undefined);
  // nodes the tree already gave out come back as objects; the others as a type id, their fields in the buffer
  let fresh = 0;
  for (const f of found) if (typeof f === "number") fresh++;
  const fields = b.nodeTransferArray.slice(0, fresh * NODE_FIELDS);
  const offset = new Int32Array(found.length);
  for (let i = 0, k = 0; i < found.length; i++) offset[i] = typeof found[i] === "number" ? NODE_FIELDS * k++ : -1;
  const names = (typeNames ??= b.getNodeTypeNamesById(PYTHON));
  const classes = (PYTHON as unknown as LanguageClasses).nodeSubclasses!;
  const made: (Node | undefined)[] = new Array(found.length);
  const cache = tree as unknown as { _cacheNode(n: Node): void };
  return {
    length: found.length,
    type(i) {
      const f = found[i];
      return typeof f === "number" ? names[f] ?? "" : f.type;
    },
    start(i) {
      const f = found[i];
      return typeof f === "number" ? fields[offset[i] + 2] / 2 : startOf(f);
    },
    node(i) {
      const f = found[i];
      if (typeof f !== "number") return f;
      let n = made[i];
      if (!n) {
        // what node-tree-sitter's own unmarshalling does
        const NodeClass = classes[f] ?? (Parser as unknown as { SyntaxNode: new (tree: Tree) => Node }).SyntaxNode;
        n = new NodeClass(tree) as Node;
        const raw = n as unknown as Record<number, number>;
        for (let j = 0; j < NODE_FIELDS; j++) raw[j] = fields[offset[i] + j];
        cache._cacheNode(n);
        made[i] = n;
      }
      return n;
    },
  };
}

function publicDescendants(root: Node, types: string[]): NodeRecords {
  const nodes = root.descendantsOfType(types);
  return { length: nodes.length, type: (i) => nodes[i].type, start: (i) => startOf(nodes[i]), node: (i) => nodes[i] };
}

/** The raw walk gives exactly what the public one does (checked once on a sample), else the public one is used. */
const rawWalkWorks = ((): boolean => {
  if (!nativeBinding || !fastStart) return false;
  try {
    // the shared parser: setting the language costs as much as the check
    const p = parser();
    const text = "import os\n# \u00e9\ud83d\ude00\nx = f(\"\u00e9\", y.z)(1)\nclass A:\n  def g(self): return [a(b) for a in b], lambda: 0\n";
    const types = ["call", "assignment", "lambda", "import_statement", "function_definition", "class_definition", "identifier"];
    const tree = p.parse(text);
    const raw = rawDescendants(tree.rootNode, types);
    const made: Node[] = [];
    for (let i = 0; i < raw.length; i++) {
      const n = raw.node(i);
      if (raw.type(i) !== (n.isNamed ? n.type : "") || raw.start(i) !== n.startIndex) return false;
      made.push(n);
    }
    const pub = tree.rootNode.descendantsOfType(types);
    // the public walk hands back the very objects the raw walk made: they are in the tree's cache
    return pub.length === made.length && made.length > 20 && pub.every((n, i) => n === made[i]);
  } catch {
    return false;
  }
})();

export function descendantsOfTypes(root: Node, types: string[]): NodeRecords {
  return rawWalkWorks ? rawDescendants(root, types) : publicDescendants(root, types);
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
  const cur = statementOf(n);
  const start = cur.startPosition.row + 1;
  const end = COMPOUND.has(cur.type) ? n.endPosition.row + 1 : cur.endPosition.row + 1;
  return { start, end, node: cur };
}

/**
 * The innermost ancestor of `n` (or `n`) whose parent is a module or a block. Found by descending
 * from the root with a cursor: `node.parent` costs O(depth) in tree-sitter, so climbing parent by
 * parent is O(depth²) — minutes for a finding inside 10,000 nested parentheses.
 */
function statementOf(n: Node): Node {
  const cursor = n.tree.rootNode.walk();
  let statement: Node = n;
  let parentType = cursor.nodeType;
  let guard = 0;
  while (guard++ < 1_000_000) {
    const here = cursor.currentNode;
    if (here.startIndex === n.startIndex && here.endIndex === n.endIndex && here.type === n.type) {
      if (STATEMENT_PARENTS.has(parentType)) statement = here;
      return statement === here ? n : statement;
    }
    if (STATEMENT_PARENTS.has(parentType) && here.id !== n.tree.rootNode.id) statement = here;
    parentType = cursor.nodeType;
    // the binding returns the child's index (0 is a hit), not the boolean its types promise
    const moved = cursor.gotoFirstChildForIndex(n.startIndex) as unknown;
    if (moved === false || moved === null || moved === undefined || (typeof moved === "number" && moved < 0)) break;
    // the first child reaching the index may end before `n` ends (a sibling that ends where n starts): step on
    while (cursor.endIndex < n.endIndex) {
      if (!cursor.gotoNextSibling()) return statement;
    }
  }
  return statement;
}

/**
 * The nodes from the root down to the smallest one holding string index `index`, each with its
 * parent's type and range (the root itself is not listed). Found with a cursor: `node.parent` costs
 * O(depth) in tree-sitter, so climbing from the bottom is O(depth²).
 */
export function pathTo(root: Node, index: number): { type: string; start: number; end: number; parentType: string; parentStart: number; parentEnd: number }[] {
  const out: { type: string; start: number; end: number; parentType: string; parentStart: number; parentEnd: number }[] = [];
  const cursor = root.walk();
  let parent = { type: cursor.nodeType, start: cursor.startIndex, end: cursor.endIndex };
  for (;;) {
    // the binding returns the child's index (0 is a hit), not the boolean its types promise
    const moved = cursor.gotoFirstChildForIndex(index) as unknown;
    if (moved === false || moved === null || moved === undefined || (typeof moved === "number" && moved < 0)) break;
    const here = { type: cursor.nodeType, start: cursor.startIndex, end: cursor.endIndex };
    // the first child ending after the index may start after it (the index is in a gap between children)
    if (here.start > index) break;
    out.push({ ...here, parentType: parent.type, parentStart: parent.start, parentEnd: parent.end });
    parent = here;
  }
  return out;
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

/**
 * Lines (1-based, first..last) of the ERROR and MISSING nodes: code tree-sitter could not parse,
 * which no rule sees. Only subtrees that hold an error are entered.
 */
export function syntaxErrorLines(tree: Tree, limit = 1000): { first: number; last: number }[] {
  const out: { first: number; last: number }[] = [];
  const todo: Node[] = [tree.rootNode];
  while (todo.length && out.length < limit) {
    const n = todo.pop()!;
    if (n.type === "ERROR" || n.isMissing) {
      out.push({ first: n.startPosition.row + 1, last: n.endPosition.row + 1 });
      continue;
    }
    if (!n.hasError) continue;
    for (let i = n.childCount - 1; i >= 0; i--) todo.push(n.child(i)!);
  }
  return out.sort((a, b) => a.first - b.first);
}

/** True when the subtree holds an ERROR or MISSING node. */
export function hasSyntaxError(tree: Tree): boolean {
  return tree.rootNode.hasError;
}
