/**
 * What a shell command string is made of. A command built with an f-string, `%`, `.format()` or `+`
 * becomes a template: the characters the shell will see (Python escapes decoded, each mapped back
 * to its span in the source) and the holes where values go. The command matchers ask whether every
 * hole is safe (a constant, or already `shlex.quote`d); the fix builders ask where each hole sits
 * for the shell (unquoted, alone inside quotes, or inside a longer quoted string) and whether the
 * literal parts use any shell feature at all.
 */
import type { Node } from "../python.js";
import type { FileModel, Scope } from "../scope.js";

/** One character the shell sees, with the span of source text that produces it. */
export interface TemplateChar {
  t: "c";
  ch: string;
  start: number;
  end: number;
}

/** A place where a value is substituted into the command. */
export interface TemplateHole {
  t: "h";
  /** the expression whose value lands here (an interpolation, a `%`/`.format` argument, a `+` operand) */
  expr: Node;
  /** the value cannot carry shell syntax: a constant, a number, or already quoted */
  safe: boolean;
  /** the hole can be wrapped in a call (no `!r`, format spec or `=` in an f-string field, not a bare tuple) */
  wrappable: boolean;
  /** a number by its format (`%d`) or its expression (`len(x)`) */
  numeric: boolean;
  /** span of the placeholder in the source (`{x}`, `%s`, or the operand) */
  start: number;
  end: number;
}

export type TemplatePart = TemplateChar | TemplateHole;

export interface CommandTemplate {
  kind: "constant" | "fstring" | "percent" | "format" | "concat";
  parts: TemplatePart[];
  /** for `+` chains: each operand with the range of `parts` it produced */
  operands?: { node: Node; from: number; to: number }[];
  /** the quote character of the (first) string literal, for building new literals in the same style */
  quote: string;
  /** a Python escape the decoder does not model (`\x27` could be a quote): no fix may rely on the parts */
  opaque: boolean;
}

const QUOTING_CALLS = new Set(["shlex.quote", "shlex.join", "pipes.quote", "shellescape.quote"]);
const NUMERIC_CALLS = new Set(["int", "len", "float", "round", "abs", "sum", "ord", "os.getpid", "os.getuid", "os.getgid"]);

/** The call node `n` is, resolved: `shlex.quote(x)` → ["shlex.quote"]. */
function callNames(model: FileModel, n: Node, scope: Scope): string[] {
  if (n.type !== "call") return [];
  const fn = n.childForFieldName("function");
  return fn ? model.resolve(fn, scope) : [];
}

/** `" ".join(shlex.quote(a) for a in args)` and `" ".join(map(shlex.quote, args))`: every item quoted. */
function isQuotedJoin(model: FileModel, n: Node, scope: Scope): boolean {
  const fn = n.childForFieldName("function");
  if (!fn || fn.type !== "attribute") return false;
  const obj = fn.childForFieldName("object");
  const attr = fn.childForFieldName("attribute");
  if (!obj || !attr || model.text(attr) !== "join" || model.classify(obj, scope).kind !== "constant") return false;
  const args = n.childForFieldName("arguments");
  const arg = args?.namedChildren.filter((c) => c.type !== "comment");
  if (!args || !arg) return false;
  // `" ".join(f(x) for x in xs)` parses as a call whose arguments node is the generator itself
  const gen = args.type === "generator_expression" ? args : arg.length === 1 ? arg[0] : null;
  if (!gen) return false;
  if (gen.type === "generator_expression" || gen.type === "list_comprehension") {
    const body = gen.childForFieldName("body");
    return !!body && callNames(model, body, scope).some((q) => QUOTING_CALLS.has(q));
  }
  if (gen.type === "call") {
    const names = callNames(model, gen, scope);
    const first = gen.childForFieldName("arguments")?.namedChildren[0];
    return names.includes("map") && !!first && model.resolve(first, scope).some((q) => QUOTING_CALLS.has(q));
  }
  return false;
}

/** A value quoted or escaped for a shell: right inside a shell command, wrong as one argv item. */
export function isShellQuoted(model: FileModel, n: Node, scope: Scope): boolean {
  while (n.type === "parenthesized_expression" && n.namedChild(0)) n = n.namedChild(0)!;
  if (n.type !== "call") return false;
  if (callNames(model, n, scope).some((q) => QUOTING_CALLS.has(q))) return true;
  return isQuotedJoin(model, n, scope) || isManualQuoteEscape(model, n, scope);
}

/** A value that cannot carry shell syntax into a command. */
export function isSafeValue(model: FileModel, n: Node, scope: Scope): boolean {
  while (n.type === "parenthesized_expression" && n.namedChild(0)) n = n.namedChild(0)!;
  const v = model.classify(n, scope);
  if (v.kind === "constant" || v.kind === "literal") return true;
  if (n.type === "call") {
    const names = callNames(model, n, scope);
    if (names.some((q) => QUOTING_CALLS.has(q) || NUMERIC_CALLS.has(q))) return true;
    return isQuotedJoin(model, n, scope) || isManualQuoteEscape(model, n, scope);
  }
  return false;
}

/** `x.replace("'", "'\"'\"'")`: the author escapes single quotes for a single-quoted shell string. */
function isManualQuoteEscape(model: FileModel, n: Node, scope: Scope): boolean {
  const fn = n.childForFieldName("function");
  const attr = fn?.type === "attribute" ? fn.childForFieldName("attribute") : null;
  if (!attr || model.text(attr) !== "replace") return false;
  const first = n.childForFieldName("arguments")?.namedChildren[0];
  if (!first) return false;
  const v = model.classify(first, scope);
  return v.kind === "constant" && (v.value === "'" || v.value === "\\'");
}

/** A value that is a number by its expression (`str()` is needed to pass it in an argument list). */
export function isNumericValue(model: FileModel, n: Node, scope: Scope): boolean {
  if (n.type === "integer" || n.type === "float") return true;
  return callNames(model, n, scope).some((q) => NUMERIC_CALLS.has(q));
}

interface StringParts {
  parts: TemplatePart[];
  quote: string;
  opaque: boolean;
}

const SIMPLE_ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", t: "\t" };

/** Decode the characters of source range [start, end) of a string literal. */
function decodeRange(src: string, start: number, end: number, raw: boolean, fstring: boolean, out: StringParts): void {
  let i = start;
  while (i < end) {
    const ch = src[i];
    if (ch === "\\" && !raw && i + 1 < end) {
      const nx = src[i + 1];
      if (nx === "\n") {
        i += 2; // line continuation inside the literal
        continue;
      }
      if (nx === "\r" && src[i + 2] === "\n") {
        i += 3;
        continue;
      }
      const simple = SIMPLE_ESCAPES[nx];
      if (simple !== undefined) {
        out.parts.push({ t: "c", ch: simple, start: i, end: i + 2 });
      } else {
        out.opaque = true;
        out.parts.push({ t: "c", ch: "\\", start: i, end: i + 2 });
      }
      i += 2;
      continue;
    }
    if (fstring && (ch === "{" || ch === "}") && src[i + 1] === ch) {
      out.parts.push({ t: "c", ch, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    out.parts.push({ t: "c", ch, start: i, end: i + 1 });
    i++;
  }
}

/** The parts of one `string` node; null for bytes. Interpolations become holes. */
function stringParts(model: FileModel, n: Node, scope: Scope, out: StringParts): boolean {
  const startNode = n.namedChildren.find((c) => c.type === "string_start");
  const endNode = n.namedChildren.find((c) => c.type === "string_end");
  if (!startNode || !endNode) return false;
  const opener = model.text(startNode);
  const prefix = /^[a-zA-Z]*/.exec(opener)![0].toLowerCase();
  if (prefix.includes("b")) return false;
  const raw = prefix.includes("r");
  const fstring = prefix.includes("f");
  if (!out.quote) out.quote = opener.slice(prefix.length, prefix.length + 1);
  const src = model.source;
  let at = startNode.endIndex;
  for (const c of n.namedChildren) {
    if (c.type === "string_start" || c.type === "string_end") continue;
    if (c.type === "interpolation") {
      decodeRange(src, at, c.startIndex, raw, fstring, out);
      let expr: Node | null = null;
      let wrappable = true;
      for (const k of c.children) {
        if (k.type === "type_conversion" || k.type === "format_specifier" || k.type === "=") wrappable = false;
        else if (k.isNamed && !expr) expr = k;
      }
      if (!expr) return false;
      if (expr.type === "expression_list" || expr.type === "pattern_list" || expr.type === "yield") wrappable = false;
      out.parts.push({
        t: "h",
        expr,
        safe: isSafeValue(model, expr, scope),
        wrappable,
        numeric: isNumericValue(model, expr, scope),
        start: c.startIndex,
        end: c.endIndex,
      });
      at = c.endIndex;
    }
  }
  decodeRange(src, at, endNode.startIndex, raw, fstring, out);
  return true;
}

/** Characters (and holes) of a string or an implicitly concatenated string. */
function literalParts(model: FileModel, n: Node, scope: Scope, out: StringParts): boolean {
  if (n.type === "string") return stringParts(model, n, scope, out);
  if (n.type === "concatenated_string") {
    for (const c of n.namedChildren) {
      if (c.type === "comment") continue;
      if (c.type !== "string" || !stringParts(model, c, scope, out)) return false;
    }
    return true;
  }
  return false;
}

function unparen(n: Node): Node {
  while (n.type === "parenthesized_expression" && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

function hole(model: FileModel, expr: Node, scope: Scope, start: number, end: number, numericFormat = false): TemplateHole {
  const numeric = numericFormat || isNumericValue(model, expr, scope);
  return { t: "h", expr, safe: numericFormat || isSafeValue(model, expr, scope), wrappable: true, numeric, start, end };
}

/** `"... %s ..." % args` */
function percentTemplate(model: FileModel, n: Node, scope: Scope): CommandTemplate | null {
  const left = n.childForFieldName("left");
  const right = n.childForFieldName("right");
  if (!left || !right) return null;
  const lit: StringParts = { parts: [], quote: "", opaque: false };
  if (!literalParts(model, unparen(left), scope, lit) || lit.parts.some((p) => p.t === "h")) return null;
  const chars = lit.parts as TemplateChar[];
  const r = unparen(right);
  const values = r.type === "tuple" ? r.namedChildren.filter((c) => c.type !== "comment") : null;
  if (values?.some((v) => v.type.endsWith("splat"))) return null;
  if (r.type === "dictionary") return null;
  const parts: TemplatePart[] = [];
  let used = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c.ch !== "%") {
      parts.push(c);
      continue;
    }
    const spec = chars[i + 1];
    if (!spec) return null;
    if (spec.ch === "%") {
      parts.push({ t: "c", ch: "%", start: c.start, end: spec.end });
      i++;
      continue;
    }
    if (!/^[sdifur]$/.test(spec.ch) || spec.ch === "r") return null;
    const value = values ? values[used] : used === 0 ? right : null;
    if (!value) return null;
    parts.push(hole(model, value, scope, c.start, spec.end, spec.ch !== "s"));
    used++;
    i++;
  }
  if (values ? used !== values.length : used !== 1) return null;
  return { kind: "percent", parts, quote: lit.quote, opaque: lit.opaque };
}

/** `"... {} ...".format(args)` */
function formatTemplate(model: FileModel, n: Node, scope: Scope): CommandTemplate | null {
  const fn = n.childForFieldName("function");
  const obj = fn?.childForFieldName("object");
  const args = n.childForFieldName("arguments");
  if (!fn || !obj || !args || args.type !== "argument_list") return null;
  const lit: StringParts = { parts: [], quote: "", opaque: false };
  if (!literalParts(model, unparen(obj), scope, lit) || lit.parts.some((p) => p.t === "h")) return null;
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  for (const a of args.namedChildren) {
    if (a.type === "comment") continue;
    if (a.type.endsWith("splat")) return null;
    if (a.type === "keyword_argument") {
      const name = a.childForFieldName("name");
      const value = a.childForFieldName("value");
      if (!name || !value) return null;
      keywords.set(model.text(name), value);
    } else positional.push(a);
  }
  const chars = lit.parts as TemplateChar[];
  const parts: TemplatePart[] = [];
  let auto = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if ((c.ch === "{" || c.ch === "}") && chars[i + 1]?.ch === c.ch && chars[i + 1].start === c.end) {
      parts.push({ t: "c", ch: c.ch, start: c.start, end: chars[i + 1].end });
      i++;
      continue;
    }
    if (c.ch === "}") return null;
    if (c.ch !== "{") {
      parts.push(c);
      continue;
    }
    let j = i + 1;
    let field = "";
    while (j < chars.length && chars[j].ch !== "}") field += chars[j++].ch;
    if (j >= chars.length || !/^(\d+|[A-Za-z_]\w*)?$/.test(field)) return null;
    const value = field === "" ? positional[auto++] : /^\d+$/.test(field) ? positional[Number(field)] : keywords.get(field);
    if (!value) return null;
    parts.push(hole(model, value, scope, c.start, chars[j].end));
    i = j;
  }
  return { kind: "format", parts, quote: lit.quote, opaque: lit.opaque };
}

/** `"ls " + path + " -l"`: the left-associated chain of `+`. */
function concatTemplate(model: FileModel, n: Node, scope: Scope): CommandTemplate | null {
  const operands: Node[] = [];
  let cur: Node = n;
  while (cur.type === "binary_operator" && model.text(cur.childForFieldName("operator")!) === "+") {
    operands.unshift(cur.childForFieldName("right")!);
    cur = cur.childForFieldName("left")!;
  }
  operands.unshift(cur);
  const out: StringParts = { parts: [], quote: "", opaque: false };
  const ranges: NonNullable<CommandTemplate["operands"]> = [];
  for (const op of operands) {
    const from = out.parts.length;
    if (op.type === "string" || op.type === "concatenated_string") {
      if (!literalParts(model, op, scope, out)) return null;
    } else {
      out.parts.push(hole(model, op, scope, op.startIndex, op.endIndex));
    }
    ranges.push({ node: op, from, to: out.parts.length });
  }
  return { kind: "concat", parts: out.parts, operands: ranges, quote: out.quote || '"', opaque: out.opaque };
}

/** The template of a command expression, or null when it is not a string built in a way we can read. */
export function commandTemplate(model: FileModel, node: Node, scope: Scope): CommandTemplate | null {
  const n = unparen(node);
  if (n.type === "string" || n.type === "concatenated_string") {
    const out: StringParts = { parts: [], quote: "", opaque: false };
    if (!literalParts(model, n, scope, out)) return null;
    const kind = out.parts.some((p) => p.t === "h") ? "fstring" : "constant";
    return { kind, parts: out.parts, quote: out.quote, opaque: out.opaque };
  }
  if (n.type === "binary_operator") {
    const op = model.text(n.childForFieldName("operator")!);
    if (op === "%") return percentTemplate(model, n, scope);
    if (op === "+") return concatTemplate(model, n, scope);
    return null;
  }
  if (n.type === "call") {
    const fn = n.childForFieldName("function");
    const attr = fn?.type === "attribute" ? fn.childForFieldName("attribute") : null;
    if (attr && model.text(attr) === "format") return formatTemplate(model, n, scope);
  }
  return null;
}

/** Where a hole sits for the shell. */
export type HoleContext =
  /** `command`: the whole word where the program goes; `glued`: right after a letter or digit (`checkout%s`) */
  | { where: "unquoted"; command: boolean; glued: boolean }
  /** alone between a pair of quotes: `'{x}'` — the quotes are at these source spans */
  | { where: "quoted-alone"; open: TemplateChar; close: TemplateChar }
  /** inside a longer quoted string, or after a backslash: quoting the value there would be wrong */
  | { where: "inside" };

/**
 * Scan the parts as a POSIX shell tokenizer would (quotes and backslashes only) and say where each
 * hole sits. Holes are keyed by their index in `parts`.
 */
export function holeContexts(parts: TemplatePart[]): Map<number, HoleContext> {
  const out = new Map<number, HoleContext>();
  let state: "none" | "single" | "double" = "none";
  let opener = -1;
  // nothing but blanks since the start or a command separator: the next word names the program
  let segmentStart = true;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p.t === "h") {
      if (state === "none") {
        const next = parts[i + 1];
        const wholeWord = !next || (next.t === "c" && /[\s|;&)]/.test(next.ch));
        const prev = parts[i - 1];
        // `checkout%s` may carry its own leading space; `$%s` / `${%s}` are expansions, not words
        const glued = prev?.t === "c" && /[A-Za-z0-9_${]/.test(prev.ch);
        out.set(i, { where: "unquoted", command: segmentStart && wholeWord, glued });
        segmentStart = false;
        continue;
      }
      const open = parts[i - 1];
      const close = parts[i + 1];
      const q = state === "single" ? "'" : '"';
      if (opener === i - 1 && open?.t === "c" && close?.t === "c" && close.ch === q) {
        out.set(i, { where: "quoted-alone", open, close });
      } else out.set(i, { where: "inside" });
      continue;
    }
    const ch = p.ch;
    if (state === "none") {
      if ("|;&(`\n".includes(ch)) segmentStart = true;
      else if (ch !== " " && ch !== "\t") segmentStart = false;
    }
    if (state === "none") {
      if (ch === "\\") {
        const next = parts[i + 1];
        if (next?.t === "h") out.set(i + 1, { where: "inside" });
        i++;
      } else if (ch === "'") {
        state = "single";
        opener = i;
      } else if (ch === '"') {
        state = "double";
        opener = i;
      }
    } else if (state === "single") {
      if (ch === "'") state = "none";
    } else {
      if (ch === "\\") {
        const next = parts[i + 1];
        if (next?.t === "c" && "$`\"\\\n".includes(next.ch)) i++;
      } else if (ch === '"') state = "none";
    }
  }
  return out;
}

/** Characters that make a command need a shell (or make splitting it on spaces wrong). */
const SHELL_FEATURES = /[|&;<>()$`\\"'*?[\]~{}#\n\r!]/;

/** Shell builtins and keywords: no program of that name to run without a shell. */
const SHELL_BUILTINS = new Set([
  "cd", "source", ".", "export", "set", "unset", "alias", "unalias", "ulimit", "umask", "exec", "eval", "exit",
  "return", "shift", "trap", "wait", "read", "readonly", "local", "declare", "typeset", "let", "type", "hash",
  "command", "builtin", "jobs", "fg", "bg", "disown", "pushd", "popd", "dirs", "times", "getopts", "history",
  "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "function", "select",
  "time", "coproc", ":", "[", "[[", "shopt", "enable", "logout", "suspend",
  // cmd.exe builtins: no program of that name on Windows
  "cls", "dir", "del", "erase", "copy", "move", "ren", "rename", "md", "rd", "start", "ver", "vol", "pause",
  "title", "color", "assoc", "ftype", "mklink", "call", "chdir", "path", "prompt",
]);

/** One word of an argument list: literal text (source span of the characters) or one hole. */
export type ArgvWord = { t: "text"; text: string; start: number; end: number } | { t: "hole"; hole: TemplateHole };

/**
 * Split a command into words when it needs no shell: no shell feature in its literal parts, every
 * hole a whole word, no `VAR=value` prefix, not a shell builtin. Otherwise the reason it needs one.
 */
export function argvWords(tpl: CommandTemplate): ArgvWord[] | { reason: string } {
  if (tpl.opaque) return { reason: "the command holds an escape sequence" };
  const words: ArgvWord[] = [];
  let cur: TemplatePart[] = [];
  const flush = (): string | null => {
    if (!cur.length) return null;
    if (cur.length === 1 && cur[0].t === "h") {
      if (!cur[0].wrappable) return "an interpolation uses a conversion or format spec";
      words.push({ t: "hole", hole: cur[0] });
    } else if (cur.some((p) => p.t === "h")) {
      return "a value is glued to other text in one word";
    } else {
      const chars = cur as TemplateChar[];
      words.push({ t: "text", text: chars.map((c) => c.ch).join(""), start: chars[0].start, end: chars[chars.length - 1].end });
    }
    cur = [];
    return null;
  };
  for (const p of tpl.parts) {
    if (p.t === "c" && (p.ch === " " || p.ch === "\t")) {
      const why = flush();
      if (why) return { reason: why };
      continue;
    }
    if (p.t === "c" && SHELL_FEATURES.test(p.ch)) return { reason: "the command uses shell features (quotes, pipes, redirections, globs or expansions)" };
    cur.push(p);
  }
  const why = flush();
  if (why) return { reason: why };
  if (!words.length) return { reason: "the command is empty" };
  const first = words[0];
  if (first.t === "hole") return { reason: "the program itself comes from a value" };
  if (first.t === "text") {
    if (first.text.includes("=")) return { reason: "the command starts with a variable assignment" };
    if (SHELL_BUILTINS.has(first.text)) return { reason: `\`${first.text}\` is a shell builtin` };
  }
  return words;
}

/** Shells whose `-c` argument is a command string. */
const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "csh", "tcsh"]);

/** `[shell, "-c", script, ...]` as argv items: the script node, else null. */
export function shellScriptInArgv(model: FileModel, program: Node | undefined, argv: Node[], scope: Scope): Node | null {
  if (!program || argv.length < 3) return null;
  const prog = model.classify(program, scope);
  if (prog.kind !== "constant") return null;
  const base = prog.value!.slice(prog.value!.lastIndexOf("/") + 1);
  if (!SHELLS.has(base)) return null;
  const flag = model.classify(argv[1], scope);
  if (flag.kind !== "constant" || !/^-[a-z]*c[a-z]*$/.test(flag.value!)) return null;
  return argv[2];
}
