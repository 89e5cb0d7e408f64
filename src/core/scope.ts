/**
 * What each name in a file refers to. One native query pass collects imports, bindings, scopes
 * and call sites; resolution then turns `p.loads` into `pickle.loads` when `import pickle as p`
 * is in scope, and into nothing when `p` was rebound locally (`yaml = YAML()`, a parameter, `self`).
 */
import { descendantsOfTypes, startOf, type Node, type NodeRecords, type ParsedPython } from "./python.js";

export type ValueKind =
  | "constant" // a string whose value is known: a literal, literals joined, or a name bound once to one
  | "fstring" // an f-string with interpolations
  | "percent" // "..." % values
  | "format" // "...".format(values)
  | "concat" // a string joined with + to something that is not constant
  | "name" // a variable or attribute whose value is unknown
  | "call" // the result of a call
  | "literal" // number, True, False, None
  | "collection" // list, tuple, dict, set (and comprehensions)
  | "other";

export interface ValueInfo {
  kind: ValueKind;
  /** the string value for `constant` (escapes left as written), the literal text for `literal` */
  value?: string;
}

export type BindingKind = "import" | "param" | "local" | "function" | "class";

export interface Binding {
  kind: BindingKind;
  /** string index where the binding happens (bindings are ordered by it) */
  at: number;
  /** for imports: the dotted name it binds (`import xml.etree.ElementTree as ET` → xml.etree.ElementTree) */
  qualified?: string;
  /** for `x = <value>` / `with <value> as x`: the value expression */
  value?: Node;
  /** `x += …`: extends the earlier value rather than replacing it */
  augmented?: boolean;
}

export interface Scope {
  kind: "module" | "function" | "lambda" | "class";
  start: number;
  end: number;
  parent: Scope | null;
  node: Node | null;
  bindings: Map<string, Binding[]>;
  /** modules imported with `from m import *` in this scope */
  stars: string[];
}

export interface CallSite {
  node: Node;
  /** string index where the call starts (no need to fetch the node) */
  start: number;
  fn: Node;
  args: Node | null;
  scope: Scope;
  /** last dotted segment of the callee as written (`p.loads` → loads); a cheap pre-filter */
  lastName: string;
  /** the callee node's type (`identifier`, `attribute`, …), known without fetching the node */
  fnType: string;
}

export interface ImportRecord {
  /** the local name bound */
  local: string;
  /** what it refers to (module or module.attr) */
  qualified: string;
  node: Node;
  scope: Scope;
}

/**
 * The node types the model is built from, in one native walk of the tree (`descendantsOfType`
 * visits every node in C and hands back only these, in document order). The rank is the order
 * the former query listed them in: findings and bindings keep that order for nodes that start
 * at the same place (`f().x = 1`: the assignment before the call).
 */
const MODEL_NODE_TYPES = [
  "import_statement", "import_from_statement", "function_definition", "lambda", "class_definition", "assignment",
  "augmented_assignment", "for_statement", "for_in_clause", "as_pattern", "named_expression", "call",
];
/**
 * Node types found by the same walk for rules and the engine, not for the model itself: each
 * further walk of the whole tree costs a tenth of the parse.
 */
const SIDE_NODE_TYPES = ["comment", "comparison_operator", "if_statement"];
/** The types `sideNodes` and `ownNodes` give: the side types and the loops the model sees anyway. */
export type SideNodeType = "comment" | "comparison_operator" | "if_statement" | "for_statement" | "for_in_clause";
const KEPT_TYPES = new Set<string>([...SIDE_NODE_TYPES, "for_statement", "for_in_clause"]);
const WALKED_TYPES = [...MODEL_NODE_TYPES, ...SIDE_NODE_TYPES];

/** Records of one kept type: their indexes in the walk, and the innermost scope each is in. */
interface Kept {
  at: number[];
  scopes: Scope[];
}

/** Nodes of one side type, in document order: starts known without fetching the nodes. */
export interface SideNodes {
  readonly length: number;
  start(k: number): number;
  node(k: number): Node;
}

const enum Rank { Import = 0, ImportFrom = 1, Function = 2, Lambda = 3, Class = 4, Assign = 5, Augmented = 6, ForTarget = 7, ForInTarget = 8, Alias = 9, NamedTarget = 10, Call = 12 }
const RANK: Record<string, Rank> = {
  import_statement: Rank.Import, import_from_statement: Rank.ImportFrom, function_definition: Rank.Function, lambda: Rank.Lambda,
  class_definition: Rank.Class, assignment: Rank.Assign, augmented_assignment: Rank.Augmented, for_statement: Rank.ForTarget,
  for_in_clause: Rank.ForInTarget, as_pattern: Rank.Alias, named_expression: Rank.NamedTarget, call: Rank.Call,
};

/** What binds names in a scope, in document order; turned into bindings when the scope is first looked into. */
type BindingEvent =
  | { kind: "target" | "augmented" | "alias" | "define" | "params"; node: Node }
  | { kind: "assign"; site: Assignment }
  | { kind: "import"; names: { local: string; binding: Binding }[] };

/** A callee written as a plain dotted name right before its `(`: `f(`, `os.path.join (`. */
const DOTTED_CALLEE = /[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?=[ \t]*\()/y;

class ModelScope implements Scope {
  readonly stars: string[] = [];
  /** binding events not yet turned into bindings (null once they are) */
  events: BindingEvent[] | null = [];
  private table: Map<string, Binding[]> | null = null;

  constructor(
    private readonly model: FileModel,
    readonly kind: Scope["kind"],
    readonly start: number,
    readonly end: number,
    readonly parent: Scope | null,
    readonly node: Node | null,
  ) {}

  get bindings(): Map<string, Binding[]> {
    if (!this.table) {
      this.table = new Map();
      this.model.bindEvents(this);
    }
    return this.table;
  }
}

/**
 * A call site. The call's node, its callee and its argument list are made only when a rule asks:
 * most calls are ruled out by their last name, read from the text.
 */
class Call implements CallSite {
  private fnNode: Node | undefined;
  private argsNode: Node | null | undefined;

  constructor(
    private readonly records: NodeRecords,
    private readonly index: number,
    /** string index where the call starts */
    readonly start: number,
    readonly scope: Scope,
    readonly lastName: string,
    readonly fnType: string,
    /** `a.b.c` for a callee written as a plain dotted name, else null */
    readonly dotted: string | null,
    fn?: Node,
    args?: Node | null,
  ) {
    this.fnNode = fn;
    this.argsNode = args;
  }

  get node(): Node {
    return this.records.node(this.index);
  }

  get fn(): Node {
    return (this.fnNode ??= this.node.childForFieldName("function")!);
  }

  get args(): Node | null {
    if (this.argsNode === undefined) this.argsNode = this.node.childForFieldName("arguments");
    return this.argsNode;
  }
}

/** An assignment as rules see it: its node, its scope, and its two sides (each fetched once, on first use). */
export interface AssignmentSite {
  readonly node: Node;
  readonly scope: Scope;
  /** string index where the assignment (and its target) starts */
  readonly start: number;
  /** the node's `left` field */
  readonly left: Node | null;
  /** the node's `right` field (null for `x: int`) */
  readonly right: Node | null;
}

/** An assignment; its node and sides are made when a rule or a lookup needs them (one crossing of the binding each). */
class Assignment implements AssignmentSite {
  private leftNode: Node | null | undefined;
  private rightNode: Node | null | undefined;

  constructor(
    private readonly records: NodeRecords,
    private readonly index: number,
    /** string index where the assignment starts */
    readonly start: number,
    readonly scope: Scope,
  ) {}

  get node(): Node {
    return this.records.node(this.index);
  }

  get left(): Node | null {
    if (this.leftNode === undefined) this.leftNode = this.node.childForFieldName("left");
    return this.leftNode;
  }

  get right(): Node | null {
    if (this.rightNode === undefined) this.rightNode = this.node.childForFieldName("right");
    return this.rightNode;
  }
}

/** `name = value` (or `name: T = value`) read from the text: where and to what are looked up only when asked. */
class AssignedBinding implements Binding {
  readonly kind = "local";
  private end: number | undefined;

  constructor(private readonly site: Assignment) {}

  get at(): number {
    return (this.end ??= this.site.node.endIndex);
  }

  get value(): Node | undefined {
    return this.site.right ?? undefined;
  }
}

/** A target that is one plain name: `name =` or `name:` right after it (ASCII names only; others go the long way). */
const NAME_TARGET = /[A-Za-z_]\w*(?=[ \t]*(?:=(?!=)|:))/y;
/** The name a `def` or `class` statement binds, followed by its `(`, `[` or `:`. */
const DEFINED_NAME = /(?:async[ \t]+)?(?:def|class)[ \t]+([A-Za-z_]\w*)(?=[ \t]*[([:])/y;

/** Python's builtin functions (exception classes and constants left out): an unbound name resolves only to these. */
export const BUILTINS = new Set(
  ("__import__ abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile " +
    "complex copyright credits delattr dict dir divmod enumerate eval exec exit filter float format frozenset getattr " +
    "globals hasattr hash help hex id input int isinstance issubclass iter len license list locals map max memoryview " +
    "min next object oct open ord pow print property quit range repr reversed round set setattr slice sorted " +
    "staticmethod str sum super tuple type vars zip").split(" "),
);

/**
 * Modules whose name, used without any binding in the file, can only mean the module: the import
 * is out of sight (a snippet, a `from compat import *`, code run with `exec`). Security-relevant
 * libraries only.
 */
export const WELL_KNOWN_MODULES = new Set(
  ("pickle cPickle _pickle marshal shelve dill jsonpickle yaml subprocess os ssl hashlib hmac socket tempfile random " +
    "requests httpx urllib urllib2 urllib3 aiohttp paramiko sqlite3 xml lxml jwt telnetlib ftplib smtplib").split(" "),
);

export class FileModel {
  readonly module: Scope;
  readonly scopes: Scope[] = [];
  readonly calls: CallSite[] = [];
  readonly imports: ImportRecord[] = [];
  readonly assignments: AssignmentSite[] = [];
  readonly functions: { node: Node; scope: Scope }[] = [];
  readonly classes: { node: Node; scope: Scope }[] = [];
  private readonly kept = new Map<string, Kept>();
  private byLastName: Map<string, number[]> | null = null;
  private records: NodeRecords | null = null;
  /** local names that import something under another name (`from os import system as run`: run → system) */
  readonly importedLastNames = new Map<string, string>();
  private readonly calleeCache = new Map<CallSite, string[]>();
  /** `classify` of the value a name is bound to, by binding and hops already taken (a name used a thousand times is followed once) */
  private readonly boundValues = new Map<Binding, ValueInfo[]>();

  /**
   * @param focus when only some findings are needed (checking a fix looks at the changed lines
   *   only): false for a string index where no needed finding can be. See `inFocus`.
   */
  constructor(
    readonly parsed: ParsedPython,
    private readonly focus?: (at: number) => boolean,
  ) {
    const root = parsed.tree.rootNode;
    this.module = new ModelScope(this, "module", startOf(root), Math.max(root.endIndex, parsed.source.length), null, null);
    this.scopes.push(this.module);
    this.collect();
  }

  /**
   * Whether a finding may be needed at string index `at`. Without a focus, everywhere. With one, a
   * rule may skip a candidate whose position is out of focus, where the position is any index
   * inside the statement that would hold the finding, outside the blocks nested in that statement,
   * and not below the finding's node: the node's own start, the start of the call it is part of,
   * a name on the same statement. Findings in focus must not depend on what was skipped: facts
   * about the whole file (imports, other calls) are still read from the whole model.
   */
  inFocus(at: number): boolean {
    return !this.focus || this.focus(at);
  }

  /** The callee's last name as imported: `from os import chmod as set_mode; set_mode(...)` → "chmod". */
  calleeLastName(call: CallSite): string {
    return call.fnType === "identifier" ? this.importedLastNames.get(call.lastName) ?? call.lastName : call.lastName;
  }

  /**
   * `resolve(call.fn, call.scope)`, computed once per call site for every rule that asks. A callee
   * written as a dotted name is resolved from its text, without fetching its nodes.
   * The array is shared: callers must not change it.
   */
  calleeNames(call: CallSite): string[] {
    let names = this.calleeCache.get(call);
    if (!names) {
      const dotted = call instanceof Call ? call.dotted : null;
      names = dotted !== null ? this.resolveDotted(dotted, (call as Call).start, call.scope) : this.resolve(call.fn, call.scope);
      this.calleeCache.set(call, names);
    }
    return names;
  }

  /**
   * The calls whose last name, as written or as imported (`from os import system as run`: `run(…)`
   * is found under `run` and `system`), is one of `names`, in document order. Indexed on first use.
   */
  callsNamed(names: Iterable<string>): CallSite[] {
    if (!this.byLastName) {
      this.byLastName = new Map();
      const add = (name: string, i: number) => {
        const list = this.byLastName!.get(name);
        if (list) list.push(i);
        else this.byLastName!.set(name, [i]);
      };
      this.calls.forEach((c, i) => {
        add(c.lastName, i);
        const imported = this.importedLastNames.get(c.lastName);
        if (imported !== undefined && imported !== c.lastName) add(imported, i);
      });
    }
    const picked: number[] = [];
    for (const n of names) {
      const list = this.byLastName.get(n);
      if (list) picked.push(...list);
    }
    picked.sort((a, b) => a - b);
    const out: CallSite[] = [];
    for (let k = 0; k < picked.length; k++) if (k === 0 || picked[k] !== picked[k - 1]) out.push(this.calls[picked[k]]);
    return out;
  }

  /** The file's nodes of a type (comments, comparisons, ifs, loops), in document order, from the model's own walk. */
  sideNodes(type: SideNodeType): SideNodes {
    const at = this.kept.get(type)?.at ?? [];
    const records = this.records!;
    return { length: at.length, start: (k) => records.start(at[k]), node: (k) => records.node(at[k]) };
  }

  /** The nodes of a type in `scope` itself, not in the functions, classes or lambdas nested in it, in document order. */
  ownNodes(scope: Scope, type: SideNodeType): Node[] {
    const kept = this.kept.get(type);
    const out: Node[] = [];
    if (!kept) return out;
    for (let k = 0; k < kept.at.length; k++) if (kept.scopes[k] === scope) out.push(this.records!.node(kept.at[k]));
    return out;
  }

  /** The nodes of a type that start inside `scope`, nested scopes included, in document order. */
  nodesWithin(scope: Scope, type: SideNodeType): Node[] {
    const side = this.sideNodes(type);
    const out: Node[] = [];
    for (let k = 0; k < side.length; k++) {
      const at = side.start(k);
      if (at >= scope.start && at < scope.end) out.push(side.node(k));
    }
    return out;
  }

  get source(): string {
    return this.parsed.source;
  }

  text(n: Node): string {
    return this.parsed.source.slice(startOf(n), n.endIndex);
  }

  private collect(): void {
    const src = this.parsed.source;
    const partial = this.parsed.partial;
    const records = descendantsOfTypes(this.parsed.tree.rootNode, WALKED_TYPES);
    this.records = records;
    const stack: Scope[] = [this.module];
    const current = (at: number): Scope => {
      while (stack.length > 1 && at >= stack[stack.length - 1].end) stack.pop();
      return stack[stack.length - 1];
    };
    // the same without popping: an alias still waiting may need a scope this record is past
    const innermost = (at: number): Scope => {
      for (let k = stack.length - 1; k > 0; k--) if (at < stack[k].end) return stack[k];
      return stack[0];
    };
    // `with x() as y`: the alias comes after the nodes of `x()`; it waits for its place in document order
    const waiting: { node: Node; start: number }[] = [];
    const release = (start: number, rank: Rank) => {
      while (waiting.length && (waiting[0].start < start || (waiting[0].start === start && Rank.Alias < rank))) {
        const w = waiting.shift()!;
        eventIn(current(w.start), { kind: "alias", node: w.node });
      }
    };
    for (let i = 0; i < records.length; i++) {
      const type = records.type(i);
      const rank = RANK[type];
      let start = records.start(i);
      if (KEPT_TYPES.has(type)) {
        let kept = this.kept.get(type);
        if (!kept) this.kept.set(type, (kept = { at: [], scopes: [] }));
        kept.at.push(i);
        kept.scopes.push(innermost(start));
      }
      if (rank === undefined) continue;
      switch (rank) {
        case Rank.Call: {
          release(start, rank);
          const scope = current(start);
          // the callee of a call nested at the same place (`f(a)(b)`, `a.b(c).d(e)`) is not a plain name
          const nested = i + 1 < records.length && records.start(i + 1) === start;
          DOTTED_CALLEE.lastIndex = start;
          const m = !partial && !nested ? DOTTED_CALLEE.exec(src) : null;
          if (m) {
            const dotted = m[0];
            const dot = dotted.lastIndexOf(".");
            this.calls.push(new Call(records, i, start, scope, dot < 0 ? dotted : dotted.slice(dot + 1), dot < 0 ? "identifier" : "attribute", dotted));
          } else {
            const node = records.node(i);
            const fn = node.childForFieldName("function");
            if (!fn) break;
            const args = node.childForFieldName("arguments");
            this.calls.push(new Call(records, i, start, scope, lastSegment(fn, src), fn.type, null, fn, args));
          }
          break;
        }
        case Rank.Assign: {
          release(start, rank);
          const site = new Assignment(records, i, start, current(start));
          this.assignments.push(site);
          eventIn(site.scope, { kind: "assign", site });
          break;
        }
        case Rank.Augmented: {
          const left = records.node(i).childForFieldName("left");
          if (left?.type !== "identifier") break;
          start = startOf(left);
          release(start, rank);
          eventIn(current(start), { kind: "augmented", node: left });
          break;
        }
        case Rank.ForTarget:
        case Rank.ForInTarget:
        case Rank.NamedTarget: {
          const target = records.node(i).childForFieldName(rank === Rank.NamedTarget ? "name" : "left");
          if (!target || !target.isNamed || (rank === Rank.NamedTarget && target.type !== "identifier")) break;
          start = startOf(target);
          release(start, rank);
          eventIn(current(start), { kind: "target", node: target });
          break;
        }
        case Rank.Alias: {
          const alias = records.node(i).childForFieldName("alias");
          if (alias?.type !== "as_pattern_target") break;
          const at = startOf(alias);
          let k = waiting.length;
          while (k > 0 && waiting[k - 1].start > at) k--;
          waiting.splice(k, 0, { node: alias, start: at });
          break;
        }
        case Rank.Import:
        case Rank.ImportFrom:
          release(start, rank);
          this.bindImport(records.node(i), current(start), rank === Rank.ImportFrom);
          break;
        case Rank.Function:
        case Rank.Class:
        case Rank.Lambda: {
          const node = records.node(i);
          // "lambda" is also the keyword's node type
          if (rank === Rank.Lambda && !node.isNamed) break;
          release(start, rank);
          const scope = current(start);
          if (rank !== Rank.Lambda) eventIn(scope, { kind: "define", node });
          const inner = new ModelScope(this, rank === Rank.Function ? "function" : rank === Rank.Class ? "class" : "lambda", start, node.endIndex, scope, node);
          this.scopes.push(inner);
          stack.push(inner);
          if (rank === Rank.Function) this.functions.push({ node, scope: inner });
          else if (rank === Rank.Class) this.classes.push({ node, scope: inner });
          if (rank !== Rank.Class) eventIn(inner, { kind: "params", node });
          break;
        }
      }
    }
    release(Number.MAX_SAFE_INTEGER, Rank.Call);
  }

  /** Turn a scope's binding events into its bindings (the first time the scope is looked into). */
  bindEvents(scope: ModelScope): void {
    const events = scope.events ?? [];
    scope.events = null;
    for (const e of events) {
      switch (e.kind) {
        case "assign": {
          const name = this.parsed.partial ? null : matchAt(NAME_TARGET, this.parsed.source, e.site.start);
          if (name !== null) {
            bind(scope, name, new AssignedBinding(e.site));
            break;
          }
          const node = e.site.node;
          const left = e.site.left;
          const right = e.site.right;
          if (left) this.bindTargets(left, scope, node.endIndex, left.type === "identifier" ? right ?? undefined : undefined);
          break;
        }
        case "target":
          this.bindTargets(e.node, scope, startOf(e.node));
          break;
        case "augmented":
          // `x += y` rebinds x: it is no longer the constant it started as
          bind(scope, this.text(e.node), { kind: "local", at: e.node.parent?.endIndex ?? e.node.endIndex, augmented: true });
          break;
        case "alias": {
          const pattern = e.node.parent;
          const value = pattern?.parent?.type === "with_item" ? pattern.namedChild(0) ?? undefined : undefined;
          const target = e.node.namedChild(0);
          if (target) this.bindTargets(target, scope, e.node.endIndex, target.type === "identifier" ? value : undefined);
          break;
        }
        case "define": {
          DEFINED_NAME.lastIndex = startOf(e.node);
          const defined = this.parsed.partial ? null : DEFINED_NAME.exec(this.parsed.source);
          if (defined) {
            bind(scope, defined[1], { kind: e.node.type === "class_definition" ? "class" : "function", at: startOf(e.node) });
            break;
          }
          const nameNode = e.node.childForFieldName("name");
          if (nameNode) bind(scope, this.text(nameNode), { kind: e.node.type === "class_definition" ? "class" : "function", at: startOf(e.node) });
          break;
        }
        case "params": {
          const params = e.node.childForFieldName("parameters");
          if (params) this.bindParameters(params, scope);
          break;
        }
        case "import":
          for (const { local, binding } of e.names) bind(scope, local, binding);
          break;
      }
    }
  }

  private bindParameters(params: Node, scope: Scope): void {
    for (const p of params.namedChildren) {
      let id: Node | null = p;
      if (p.type !== "identifier") {
        id = p.childForFieldName("name") ?? p.namedChildren.find((c) => c.type === "identifier") ?? null;
      }
      if (id && id.type === "identifier") bind(scope, this.text(id), { kind: "param", at: scope.start });
    }
  }

  private bindTargets(target: Node, scope: Scope, at: number, value?: Node): void {
    // iterative: tuple/list patterns can nest
    const todo: Node[] = [target];
    while (todo.length) {
      const t = todo.pop()!;
      if (t.type === "identifier") {
        bind(scope, this.text(t), { kind: "local", at, value });
      } else if (t.type !== "attribute" && t.type !== "subscript") {
        for (const c of t.namedChildren) todo.push(c);
      }
    }
  }

  private bindImport(node: Node, scope: Scope, from: boolean): void {
    const before = this.imports.length;
    const names: { local: string; binding: Binding }[] = [];
    this.bindImportNames(node, scope, from, names);
    if (names.length) eventIn(scope, { kind: "import", names });
    for (let i = before; i < this.imports.length; i++) {
      const { local, qualified } = this.imports[i];
      const last = qualified.slice(qualified.lastIndexOf(".") + 1);
      if (last !== local) this.importedLastNames.set(local, last);
    }
  }

  private bindImportNames(node: Node, scope: Scope, from: boolean, names: { local: string; binding: Binding }[]): void {
    const src = this.parsed.source;
    const bindImported = (local: string, qualified: string) => names.push({ local, binding: { kind: "import", at: node.endIndex, qualified } });
    if (!from) {
      for (const item of node.namedChildren) {
        if (item.type === "dotted_name") {
          const full = this.text(item);
          const first = full.split(".")[0];
          // `import a.b.c` binds `a`, which refers to the package a
          bindImported(first, first);
          this.imports.push({ local: first, qualified: full, node, scope });
        } else if (item.type === "aliased_import") {
          const nm = item.childForFieldName("name");
          const alias = item.childForFieldName("alias");
          if (nm && alias) {
            const q = src.slice(startOf(nm), nm.endIndex);
            bindImported(this.text(alias), q);
            this.imports.push({ local: this.text(alias), qualified: q, node, scope });
          }
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName("module_name");
    if (!moduleNode) return;
    const mod = moduleNode.type === "relative_import" ? "" : this.text(moduleNode).replace(/\s+/g, "");
    for (const item of node.namedChildren) {
      if (item.id === moduleNode.id) continue;
      if (item.type === "wildcard_import") {
        if (mod) scope.stars.push(mod);
        continue;
      }
      let nm: Node | null = item;
      let alias: Node | null = null;
      if (item.type === "aliased_import") {
        nm = item.childForFieldName("name");
        alias = item.childForFieldName("alias");
      }
      if (!nm || nm.type !== "dotted_name") continue;
      const name = this.text(nm);
      const local = alias ? this.text(alias) : name;
      // a relative import refers to project code, never to a library a rule knows
      const q = mod ? `${mod}.${name}` : `.${name}`;
      bindImported(local, q);
      this.imports.push({ local, qualified: q, node, scope });
    }
  }

  /** The binding `name` refers to at string index `at` in `scope`, or null for an unbound (global/builtin) name. */
  lookup(name: string, scope: Scope, at: number): { binding: Binding; scope: Scope } | null {
    let s: Scope | null = scope;
    let innermost = true;
    while (s) {
      // class bodies are not visible from the methods inside them
      if (s.kind !== "class" || innermost) {
        const list = s.bindings.get(name);
        if (list && list.length) {
          let chosen: Binding | undefined;
          for (const b of list) if (b.at <= at) chosen = b;
          chosen ??= list[0];
          // `try: import x` / `except ImportError: x = None`: the fallback does not hide the module
          if (chosen.kind === "local" && chosen.value?.type === "none") chosen = list.find((b) => b.kind === "import") ?? chosen;
          return { binding: chosen, scope: s };
        }
      }
      innermost = false;
      s = s.parent;
    }
    return null;
  }

  /**
   * Dotted names an expression may refer to, after import and alias resolution:
   * `p.loads` → ["pickle.loads"]; `eval` (unbound) → ["eval"]; `run` after `from os import system as run`
   * → ["os.system"]; `requests.Session().get` → ["requests.Session().get"]; `self.x` or a rebound name → [].
   */
  resolve(n: Node, scope: Scope, depth = 0): string[] {
    if (depth > 8) return [];
    switch (n.type) {
      case "identifier":
        return this.resolveName(this.text(n), startOf(n), scope, depth);
      case "attribute": {
        const obj = n.childForFieldName("object");
        const attr = n.childForFieldName("attribute");
        if (!obj || !attr) return [];
        const a = this.text(attr);
        return this.resolve(obj, scope, depth + 1).map((q) => `${q}.${a}`);
      }
      case "call": {
        const fn = n.childForFieldName("function");
        return fn ? this.resolve(fn, scope, depth + 1).map((q) => `${q}()`) : [];
      }
      case "parenthesized_expression": {
        const inner = n.namedChild(0);
        return inner ? this.resolve(inner, scope, depth + 1) : [];
      }
      case "await": {
        const inner = n.namedChild(0);
        return inner ? this.resolve(inner, scope, depth + 1) : [];
      }
      default:
        return [];
    }
  }

  /** `resolve` of an identifier `name` written at string index `at`. */
  private resolveName(name: string, at: number, scope: Scope, depth: number): string[] {
    if (depth > 8) return [];
    const found = this.lookup(name, scope, at);
    if (!found) {
      const out: string[] = [];
      for (let s: Scope | null = scope; s; s = s.parent) for (const m of s.stars) out.push(`${m}.${name}`);
      // an unbound name that is not a builtin is a NameError, or comes from somewhere we cannot see
      if (BUILTINS.has(name)) out.push(name);
      // a well-known module the file never binds: its import is out of sight (a file that imports it
      // in another function only really has no such name here)
      else if (!out.length && WELL_KNOWN_MODULES.has(name) && !this.imports.some((i) => i.local === name)) out.push(name);
      return out;
    }
    const b = found.binding;
    if (b.kind === "import") return [b.qualified!];
    if (b.kind === "local" && b.value && b.value.type === "call") {
      const fn = b.value.childForFieldName("function");
      if (fn) {
        const callee = this.resolve(fn, found.scope, depth + 1);
        const imported = this.importedByCall(b.value, callee, found.scope);
        return imported ? [imported] : callee.map((q) => `${q}()`);
      }
    }
    if (b.kind === "local" && b.value && (b.value.type === "identifier" || b.value.type === "attribute")) {
      return this.resolve(b.value, found.scope, depth + 1);
    }
    return [];
  }

  /** `resolve` of a callee written as the dotted name `a.b.c` starting at string index `at`: as resolving its nodes. */
  private resolveDotted(dotted: string, at: number, scope: Scope): string[] {
    const parts = dotted.split(".");
    // `a.b.c` is attribute(attribute(a, b), c): the identifier sits parts.length - 1 levels down
    const depth = parts.length - 1;
    if (depth > 8) return [];
    let names = this.resolveName(parts[0], at, scope, depth);
    for (let i = 1; i < parts.length && names.length; i++) names = names.map((q) => `${q}.${parts[i]}`);
    return names;
  }

  /**
   * `m = importlib.import_module("m")`, `__import__("m")` and test helpers such as
   * `import_helper.import_module("m")` bind a module: the module's dotted name, or null.
   */
  private importedByCall(call: Node, callee: string[], scope: Scope): string | null {
    const kind = callee.find((q) => q === "__import__" || /(^|\.)(import_module|import_fresh_module|import_deprecated)$/.test(q));
    if (!kind) return null;
    const first = call.childForFieldName("arguments")?.namedChildren.find((a) => a.type !== "comment");
    if (!first || first.type === "keyword_argument") return null;
    const v = this.classify(first, scope);
    if (v.kind !== "constant" || !/^[A-Za-z_][\w.]*$/.test(v.value!)) return null;
    // __import__("a.b") returns the top-level package a
    return kind === "__import__" ? v.value!.split(".")[0] : v.value!;
  }

  /**
   * What kind of value an expression is: constant string, f-string, %/format/+ built, name, …
   * Evaluated with an explicit stack, not recursion: a string joined from thousands of `+` pieces,
   * or an argument inside thousands of parentheses, must not overflow the call stack. `depth`
   * counts the names followed to the value they are bound to (at most 4 hops).
   */
  classify(n: Node, scope: Scope, depth = 0): ValueInfo {
    const first = this.classifyStep(n, scope, depth);
    if (!("kids" in first)) return first;
    const stack: ClassifyFrame[] = [first];
    for (;;) {
      const top = stack[stack.length - 1];
      if (top.results.length < top.kids.length) {
        const k = top.kids[top.results.length];
        const next = this.classifyStep(k.node, k.scope, k.hops);
        if ("kids" in next) stack.push(next);
        else top.results.push(next);
        continue;
      }
      const value = top.combine(top.results);
      stack.pop();
      if (!stack.length) return value;
      stack[stack.length - 1].results.push(value);
    }
  }

  /** One node of `classify`: its value, or the sub-expressions it needs and how to combine them. */
  private classifyStep(n: Node, scope: Scope, hops: number): ValueInfo | ClassifyFrame {
    const frame = (kids: ClassifyFrame["kids"], combine: ClassifyFrame["combine"]): ClassifyFrame => ({ kids, results: [], combine });
    switch (n.type) {
      case "string": {
        let value = "";
        for (const c of n.namedChildren) {
          if (c.type === "interpolation") return { kind: "fstring" };
          if (c.type === "string_content" || c.type === "escape_sequence") value += this.text(c);
        }
        return { kind: "constant", value };
      }
      case "concatenated_string":
        return frame(
          n.namedChildren.map((c) => ({ node: c, scope, hops })),
          (parts) => {
            let value = "";
            for (const v of parts) {
              if (v.kind !== "constant") return { kind: v.kind === "fstring" ? "fstring" : "other" };
              value += v.value;
            }
            return { kind: "constant", value };
          },
        );
      case "parenthesized_expression": {
        const inner = n.namedChild(0);
        return inner ? frame([{ node: inner, scope, hops }], ([v]) => v) : { kind: "other" };
      }
      case "binary_operator": {
        const op = n.childForFieldName("operator");
        if (!op) return { kind: "other" };
        const opText = this.text(op);
        if (opText !== "%" && opText !== "+") return { kind: "other" };
        const left = n.childForFieldName("left");
        const right = n.childForFieldName("right");
        if (!left || !right) return { kind: "other" };
        if (opText === "%") return frame([{ node: left, scope, hops }], ([l]) => (isStringish(l) ? { kind: "percent" } : { kind: "other" }));
        return frame(
          [{ node: left, scope, hops }, { node: right, scope, hops }],
          ([l, r]) => {
            if (l.kind === "constant" && r.kind === "constant") return { kind: "constant", value: l.value! + r.value! };
            if (isStringish(l) || isStringish(r)) return { kind: "concat" };
            return { kind: "other" };
          },
        );
      }
      case "call": {
        const fn = n.childForFieldName("function");
        if (fn?.type === "attribute") {
          const attr = fn.childForFieldName("attribute");
          const obj = fn.childForFieldName("object");
          if (attr && obj && this.text(attr) === "format") {
            return frame([{ node: obj, scope, hops }], ([v]) => (isStringish(v) ? { kind: "format" } : { kind: "call" }));
          }
        }
        return { kind: "call" };
      }
      case "identifier": {
        if (hops < 4) {
          const name = this.text(n);
          const found = this.lookup(name, scope, startOf(n));
          // a name bound exactly once, to a constant string, is that constant
          const all = found?.scope.bindings.get(name);
          if (found && all!.length === 1 && found.binding.value) {
            const known = this.boundValues.get(found.binding)?.[hops];
            if (known) return known;
            return frame([{ node: found.binding.value, scope: found.scope, hops: hops + 1 }], ([v]) => {
              const out: ValueInfo = v.kind === "constant" ? v : { kind: "name" };
              const cache = this.boundValues.get(found.binding) ?? [];
              cache[hops] = out;
              this.boundValues.set(found.binding, cache);
              return out;
            });
          }
          // a name every binding of which (in a function) assigns a constant string holds a constant: the one that reaches here
          if (found && all!.length > 1 && all!.length <= 8 && found.scope.kind === "function" && all!.every((b) => b.kind === "local" && !b.augmented && b.value?.type === "string")) {
            const v = this.classify(found.binding.value!, found.scope, hops + 1);
            if (v.kind === "constant" && all!.every((b) => this.classify(b.value!, found.scope, hops + 1).kind === "constant")) return v;
          }
        }
        return { kind: "name" };
      }
      case "attribute":
      case "subscript":
        return { kind: "name" };
      case "integer":
      case "float":
      case "true":
      case "false":
      case "none":
        return { kind: "literal", value: this.text(n) };
      case "unary_operator":
        return { kind: "literal", value: this.text(n) };
      case "list":
      case "tuple":
      case "dictionary":
      case "set":
      case "list_comprehension":
      case "dictionary_comprehension":
      case "set_comprehension":
      case "generator_expression":
        return { kind: "collection" };
      default:
        return { kind: "other" };
    }
  }

  /**
   * The local name under which the file already imports `qualified` (a module or module.attr)
   * and is visible at `at` in `scope` — `import json as j` → "j"; `import os.path` → "os.path" for "os.path".
   */
  importedAs(qualified: string, scope: Scope = this.module, at = Number.MAX_SAFE_INTEGER): string | null {
    for (const imp of this.imports) {
      let candidate: string | null = null;
      const plainDotted = imp.node.type === "import_statement" && imp.local !== imp.qualified && imp.qualified.startsWith(`${imp.local}.`);
      // `import a.b` binds `a`; `a.b` is reachable by its full name
      if (imp.qualified === qualified) candidate = plainDotted ? qualified : imp.local;
      else if (imp.node.type === "import_statement" && qualified.startsWith(`${imp.local}.`) && imp.qualified.startsWith(qualified)) {
        candidate = qualified; // `import xml.etree.ElementTree` makes `xml.etree` reachable by its full name
      }
      if (!candidate) continue;
      const first = candidate.split(".")[0];
      const found = this.lookup(first, scope, at);
      if (found && found.binding.kind === "import") return candidate;
    }
    return null;
  }
}

/** A node `classify` is evaluating: the sub-expressions it needs, their values so far, and how they combine. */
interface ClassifyFrame {
  kids: { node: Node; scope: Scope; hops: number }[];
  results: ValueInfo[];
  combine(results: ValueInfo[]): ValueInfo;
}

/** The text a sticky expression matches at string index `at`, or null. */
function matchAt(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0] : null;
}

function eventIn(scope: Scope, e: BindingEvent): void {
  (scope as ModelScope).events!.push(e);
}

function bind(scope: Scope, name: string, b: Binding): void {
  const list = scope.bindings.get(name);
  if (list) list.push(b);
  else scope.bindings.set(name, [b]);
}

function isStringish(v: ValueInfo): boolean {
  return v.kind === "constant" || v.kind === "fstring" || v.kind === "percent" || v.kind === "format" || v.kind === "concat";
}

function lastSegment(fn: Node, src: string): string {
  if (fn.type === "identifier") return src.slice(startOf(fn), fn.endIndex);
  if (fn.type === "attribute") {
    const attr = fn.childForFieldName("attribute");
    return attr ? src.slice(startOf(attr), attr.endIndex) : "";
  }
  return "";
}

export function isDynamic(v: ValueInfo): boolean {
  return v.kind !== "constant" && v.kind !== "literal";
}
