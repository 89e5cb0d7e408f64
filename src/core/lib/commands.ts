/**
 * Commands handed to a shell, for the command rules. Rule files say which functions run a command and where the
 * command is (`match.options.sources`); these matchers find the command string of each call and
 * grade it: constant (low), built from values that are all constants or `shlex.quote`d (not
 * reported), built from other values (high), or any other dynamic value (high, lower confidence).
 */
import type { z } from "zod";
import type * as Schemas from "./command-options.js";
import { lazyOptions, type LazyOptions } from "../rule-code.js";
import type { Node } from "../python.js";
import type { CallSite, FileModel, Scope } from "../scope.js";
import type { Confidence, Hit, Rule, Severity } from "../types.js";
import { argument, callSiteOf, keywordArgument } from "../args.js";
import { commandTemplate, isSafeValue, shellScriptInArgv, type CommandTemplate, type TemplateChar } from "./shell.js";

type SourceSpec = z.infer<typeof Schemas.Source>;
type GradeSpec = z.infer<typeof Schemas.Grade>;

export type ShellOptions = z.infer<typeof Schemas.ShellOptions>;
export type WildcardOptions = z.infer<typeof Schemas.WildcardOptions>;
export type ExecOptions = z.infer<typeof Schemas.ExecOptions>;

/** The options schemas, loaded when a rule's options are validated (not on a start-up from the build). */
const schemas = () => import("./command-options.js");
export const ShellOptions: LazyOptions<ShellOptions> = lazyOptions(async () => (await schemas()).ShellOptions);
export const WildcardOptions: LazyOptions<WildcardOptions> = lazyOptions(async () => (await schemas()).WildcardOptions);
export const ExecOptions: LazyOptions<ExecOptions> = lazyOptions(async () => (await schemas()).ExecOptions);

/** What a command match hands to its fix: the command string and how it is made, or the program of an exec call. */
export type CommandData =
  | { script: Node; argument: Node; viaArgv: boolean; level: CommandLevel; program?: undefined }
  | { program: Node; script?: undefined };

/** What a wildcard match hands to its fix: the command and the glob characters to prefix. */
export interface WildcardData {
  script: Node;
  globs: TemplateChar[];
}

/** A call of one of `names`: the resolved callee, or null. Pre-filtered by the callee's last name. */
export function calleeOf(model: FileModel, call: CallSite, names: Set<string>, lastNames: Set<string>): string | null {
  if (!lastNames.has(call.lastName)) {
    const imported = model.importedLastNames.get(call.lastName);
    if (!imported || !lastNames.has(imported) || call.fnType !== "identifier") return null;
  }
  for (const q of model.calleeNames(call)) if (names.has(q)) return q;
  return null;
}

export function lastNamesOf(names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const n of names) out.add(n.replace(/\(\)/g, "").split(".").pop()!);
  return out;
}

/** `shell=` with a truthy literal value (True, 1, a non-empty string). */
function shellIsTrue(model: FileModel, call: CallSite): boolean {
  const kw = keywordArgument(model, call, "shell");
  const v = kw?.childForFieldName("value");
  if (!v) return false;
  if (v.type === "true") return true;
  if (v.type === "integer") return Number(model.text(v)) !== 0;
  if (v.type === "string") {
    const c = model.classify(v, call.scope);
    return c.kind === "constant" && c.value !== "";
  }
  return false;
}

function listItems(n: Node): Node[] | null {
  if (n.type !== "list" && n.type !== "tuple") return null;
  const items = n.namedChildren.filter((c) => c.type !== "comment");
  return items.some((c) => c.type.endsWith("splat")) ? null : items;
}

export interface ShellCommand {
  call: CallSite;
  callee?: string;
  /** the command string the shell parses */
  script: Node;
  /** the argument that holds it (the script itself, or a list whose item it is) */
  argument: Node;
  /** reached through `[sh, "-c", script]` rather than a shell-running function */
  viaArgv: boolean;
  /** how the message names the call: the resolved callee, else the callee as written */
  label: string;
}

function commandArgument(model: FileModel, call: CallSite, places: SourceSpec["command"]): Node | null {
  for (const p of places) {
    const a = argument(model, call, p.position, p.keyword);
    if (a) return a;
  }
  return null;
}

/** A source's name sets, built once. */
const compiledSources = new WeakMap<SourceSpec, { names: Set<string>; lasts: Set<string>; excluded: Set<string>; excludedNames: RegExp | null }>();
function compiled(src: SourceSpec) {
  let c = compiledSources.get(src);
  if (!c) {
    c = { names: new Set(src.calls), lasts: lastNamesOf(src.calls), excluded: new Set(src.exclude), excludedNames: src.exclude_names ? new RegExp(src.exclude_names) : null };
    compiledSources.set(src, c);
  }
  return c;
}

/** Start indices of `shell=` in the file, ascending. */
function shellKeywordPositions(model: FileModel): number[] {
  const out: number[] = [];
  const re = /\bshell\s*=/g;
  for (let m = re.exec(model.source); m; m = re.exec(model.source)) out.push(m.index);
  return out;
}

/**
 * The calls whose own argument list has a keyword written at one of the positions, found from the
 * keyword's place in the tree — not by reading the arguments of every call in the file.
 */
function callsHolding(model: FileModel, positions: number[]): Set<CallSite> {
  const root = model.parsed.tree.rootNode;
  const out = new Set<CallSite>();
  for (const pos of positions) {
    const name = root.descendantForIndex(pos, pos + 1);
    const keyword = name.parent;
    if (keyword?.type !== "keyword_argument" || keyword.parent?.type !== "argument_list") continue;
    const callNode = keyword.parent.parent;
    const site = callNode?.type === "call" ? callSiteOf(model, callNode) : undefined;
    if (site) out.add(site);
  }
  return out;
}

/** Every call in the file that hands a command string to a shell, per the rule's sources. */
export function shellCommands(model: FileModel, sources: SourceSpec[]): ShellCommand[] {
  const out: ShellCommand[] = [];
  const seen = new Set<CallSite>();
  for (const src of sources) {
    // any call with `shell=`: find the keyword in the text once rather than in every call's arguments
    const shellAt = src.shell === "any_call" ? shellKeywordPositions(model) : null;
    if (shellAt && !shellAt.length) continue;
    const holders = shellAt ? callsHolding(model, shellAt) : null;
    const { names, lasts, excluded, excludedNames } = compiled(src);
    const hasModule = src.unresolved_method ? model.imports.some((i) => i.qualified === src.unresolved_method!.module || i.qualified.startsWith(`${src.unresolved_method!.module}.`)) : false;
    for (const call of model.calls) {
      if (!model.inFocus(call.start)) continue;
      if (seen.has(call)) continue;
      let callee: string | undefined;
      if (src.shell === "any_call") {
        if (!holders!.has(call)) continue;
        if (!shellIsTrue(model, call) || excludedNames?.test(call.lastName)) continue;
        const resolved = model.calleeNames(call);
        if (resolved.some((q) => excluded.has(q))) continue;
        callee = resolved[0] ?? model.text(call.fn);
      } else {
        callee = calleeOf(model, call, names, lasts) ?? undefined;
        if (!callee && hasModule && call.lastName === src.unresolved_method!.name && call.fnType === "attribute" && !model.calleeNames(call).length) {
          callee = undefined;
        } else if (!callee) continue;
      }
      const arg = commandArgument(model, call, src.command);
      if (!arg) continue;
      // `assertRaises(TypeError, ..., shell=True)`: a builtin name is never a command string
      if (src.shell === "any_call" && arg.type === "identifier" && !model.lookup(model.text(arg), call.scope, arg.startIndex)) continue;
      const shell = src.shell !== "keyword" || shellIsTrue(model, call);
      const items = listItems(arg);
      if (shell) {
        // with a shell, only the first item of an argument list is the command (the rest are $0, $1…)
        const script = items ? items[0] : arg;
        if (!script) continue;
        out.push({ call, callee, script, argument: arg, viaArgv: false, label: callee ?? model.text(call.fn) });
        seen.add(call);
      } else if (src.argv_shell && items) {
        const script = shellScriptInArgv(model, items[0], items, call.scope);
        if (!script) continue;
        out.push({ call, callee, script, argument: arg, viaArgv: true, label: callee ?? model.text(call.fn) });
        seen.add(call);
      }
    }
  }
  return out;
}

export type CommandLevel = "constant" | "safe" | "built" | "dynamic";

export interface CommandAssessment {
  level: CommandLevel;
  template: CommandTemplate | null;
  /** a built command held in a name bound in the same scope: where it was built */
  origin?: Node;
}

/** `name += x` / `name %= x` in the scope: the name is not the constant it was first bound to. */
function augmented(model: FileModel, name: string, scope: Scope): boolean {
  const text = model.source.slice(scope.start, scope.end);
  return new RegExp(`(^|[^\\w.])${name.replace(/[^\w]/g, "")}\\s*[-+%*]=`, "m").test(text);
}

/** How a command value is made, following a name bound once to a string. */
export function assessCommand(model: FileModel, node: Node, scope: Scope, depth = 0): CommandAssessment {
  let n = node;
  while (n.type === "parenthesized_expression" && n.namedChildCount === 1) n = n.namedChild(0)!;
  const v = model.classify(n, scope);
  if (v.kind === "constant" || v.kind === "literal") {
    if (n.type === "identifier" && augmented(model, model.text(n), scope)) return { level: "dynamic", template: null };
    return { level: "constant", template: commandTemplate(model, n, scope) };
  }
  if (v.kind === "fstring" || v.kind === "percent" || v.kind === "format" || v.kind === "concat") {
    const template = commandTemplate(model, n, scope);
    if (!template) return { level: "built", template };
    const holes = template.parts.filter((p) => p.t === "h");
    if (holes.some((h) => !h.safe)) return { level: "built", template };
    // values that are all constants make a constant command; a quoted value makes it safe
    const constant = holes.every((h) => ["constant", "literal"].includes(model.classify(h.expr, scope).kind));
    return { level: constant ? "constant" : "safe", template };
  }
  if (n.type === "call" && isSafeValue(model, n, scope)) return { level: "safe", template: null };
  if (n.type === "identifier" && depth < 3) {
    const found = model.lookup(model.text(n), scope, n.startIndex);
    const bindings = found?.scope.bindings.get(model.text(n));
    if (found && bindings?.length === 1 && found.binding.kind === "local" && found.binding.value && !augmented(model, model.text(n), found.scope)) {
      const inner = assessCommand(model, found.binding.value, found.scope, depth + 1);
      if (inner.level === "safe") return { level: inner.level, template: null };
      if (inner.level === "built") return { level: inner.level, template: null, ...(found.scope === scope ? { origin: inner.origin ?? found.binding.value } : {}) };
    }
  }
  return { level: "dynamic", template: null };
}

function fill(template: string, callee: string | undefined): string {
  return template.replace(/\{callee\}/g, callee ?? "this call");
}

function gradeHit(rule: Rule, grade: GradeSpec, node: Node, cmd: ShellCommand, level: CommandLevel): Hit<CommandData> | null {
  if (grade.severity === "none") return null;
  // a method found by its name alone (the receiver could not be resolved) is less certain
  const confidence = !cmd.callee && grade.confidence === "high" ? "medium" : grade.confidence;
  return {
    node,
    call: cmd.call,
    callee: cmd.callee,
    severity: grade.severity as Severity,
    confidence: confidence as Confidence,
    message: fill(grade.message ?? rule.message, cmd.label),
    data: { script: cmd.script, argument: cmd.argument, viaArgv: cmd.viaArgv, level },
  };
}

/** A command run through a shell, graded by how the command string is made. */
export function shellCommandHits(model: FileModel, rule: Rule, o: ShellOptions): Hit<CommandData>[] {
  const hits: Hit<CommandData>[] = [];
  for (const cmd of shellCommands(model, o.sources)) {
    const { level, origin } = assessCommand(model, cmd.script, cmd.call.scope);
    // `["sh", "-c", "constant"]` is a deliberate shell: nothing to inject, not worth a note
    if (level === "safe" || (level === "constant" && cmd.viaArgv)) continue;
    const grade = level === "constant" ? o.constant : level === "built" ? o.built : o.dynamic;
    const hit = gradeHit(rule, grade, cmd.call.node, cmd, level);
    if (hit) hits.push(origin && origin.startIndex < cmd.call.start ? { ...hit, origin } : hit);
  }
  return hits;
}

/** Words of the literal text of a command, split where the shell splits (quote-aware). */
interface ShellWord {
  chars: TemplateChar[];
  /** the word starts with an unquoted glob character */
  glob: boolean;
  hasHole: boolean;
  /** a command separator (`|`, `;`, `&`, newline) ends the segment after this word */
  endsSegment: boolean;
}

function shellWords(tpl: CommandTemplate): ShellWord[] {
  const words: ShellWord[] = [];
  let cur: ShellWord | null = null;
  let state: "none" | "single" | "double" = "none";
  const close = (sep: boolean) => {
    if (cur) words.push(cur);
    else if (sep && words.length) words[words.length - 1].endsSegment = true;
    if (cur && sep) cur.endsSegment = true;
    cur = null;
  };
  for (const p of tpl.parts) {
    if (p.t === "h") {
      cur ??= { chars: [], glob: false, hasHole: false, endsSegment: false };
      cur.hasHole = true;
      continue;
    }
    const ch = p.ch;
    if (state === "none") {
      if (ch === " " || ch === "\t") {
        close(false);
        continue;
      }
      if ("|;&\n".includes(ch)) {
        close(true);
        continue;
      }
      if (!cur) cur = { chars: [], glob: "*?[".includes(ch), hasHole: false, endsSegment: false };
      if (ch === "'") state = "single";
      else if (ch === '"') state = "double";
      cur.chars.push(p);
    } else {
      cur!.chars.push(p);
      if ((state === "single" && ch === "'") || (state === "double" && ch === '"')) state = "none";
    }
  }
  close(false);
  return words;
}

const PREFIX_COMMANDS = new Set(["sudo", "nice", "nohup", "exec", "time", "command", "env", "ionice", "doas"]);

/** Unquoted glob words (`*`, `*.txt`) after chown/chmod/tar/rsync: each is a finding, with the glob's first character. */
export function wildcardGlobs(tpl: CommandTemplate, programs: Set<string>): TemplateChar[] {
  const out: TemplateChar[] = [];
  const words = shellWords(tpl);
  let atStart = true;
  let afterPrefix = false;
  let active = false;
  for (const w of words) {
    const text = w.chars.map((c) => c.ch).join("");
    if (atStart) {
      if (w.hasHole) {
        atStart = false;
      } else if (PREFIX_COMMANDS.has(text) || /^[A-Za-z_]\w*=/.test(text) || (afterPrefix && text.startsWith("-"))) {
        afterPrefix = true; // `sudo -n`, `VAR=value`, `nice`: the program comes later
      } else {
        active = programs.has(text.slice(text.lastIndexOf("/") + 1));
        atStart = false;
      }
    } else if (active && w.glob && !w.hasHole) {
      out.push(w.chars[0]);
    }
    if (w.endsSegment) {
      atStart = true;
      afterPrefix = false;
      active = false;
    }
  }
  return out;
}

/** A glob that a file name can turn into options: `tar cf x.tar *`, `chown user *`. */
export function shellWildcardHits(model: FileModel, rule: Rule, o: WildcardOptions): Hit<WildcardData>[] {
  const programs = new Set(o.programs);
  const hits: Hit<WildcardData>[] = [];
  if (!model.source.includes("*")) return hits;
  for (const cmd of shellCommands(model, o.sources)) {
    const tpl = commandTemplate(model, cmd.script, cmd.call.scope);
    if (!tpl) continue;
    const globs = wildcardGlobs(tpl, programs);
    if (!globs.length) continue;
    hits.push({
      node: cmd.call.node,
      call: cmd.call,
      callee: cmd.callee,
      message: fill(rule.message, cmd.label),
      data: { script: cmd.script, globs },
    });
  }
  return hits;
}

/** os.exec*, os.spawn*, os.startfile: where the program and its argument vector are. */
function execShape(callee: string): { program: number; argv: "rest" | "list" | null; argvAt: number } | null {
  const m = /^os\.(exec|spawn)(l|v)(p?)(e?)$/.exec(callee);
  if (m) {
    const base = m[1] === "exec" ? 0 : 1; // spawn*(mode, path, ...)
    return { program: base, argv: m[2] === "l" ? "rest" : "list", argvAt: base + 1 };
  }
  // asyncio.create_subprocess_exec(program, *args); loop.subprocess_exec(factory, program, *args)
  if (/^asyncio(\.subprocess)?\.create_subprocess_exec$/.test(callee)) return { program: 0, argv: "rest", argvAt: 0 };
  if (/^asyncio\.(get_running_loop|get_event_loop|new_event_loop)\(\)\.subprocess_exec$/.test(callee)) return { program: 1, argv: "rest", argvAt: 1 };
  if (callee === "os.startfile" || callee === "os.posix_spawn" || callee === "os.posix_spawnp") {
    return { program: 0, argv: callee === "os.startfile" ? null : "list", argvAt: 1 };
  }
  return null;
}

const execSources = new WeakMap<object, SourceSpec>();

/** A process started without a shell whose program is not a constant, or `sh -c` with a built script. */
export function execSpawnHits(model: FileModel, rule: Rule, o: ExecOptions): Hit<CommandData>[] {
  let spec = execSources.get(o);
  // Source's defaults for a source of just these callees (Source.parse({ calls }) without loading zod)
  if (!spec) execSources.set(o, (spec = { calls: o.calls, command: [{ position: 0 }], shell: "always", exclude: [], argv_shell: false }));
  const { names, lasts } = compiled(spec);
  const trusted = new Set(o.trusted);
  const hits: Hit<CommandData>[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const callee = calleeOf(model, call, names, lasts);
    if (!callee || !call.args) continue;
    const shape = execShape(callee);
    if (!shape) continue;
    const positional = call.args.namedChildren.filter((c) => c.type !== "comment" && c.type !== "keyword_argument");
    if (positional.slice(0, shape.program + 1).some((c) => c.type.endsWith("splat"))) continue;
    const program = positional[shape.program];
    if (!program) continue;
    let argv: Node[] | null = null;
    if (shape.argv === "rest") argv = positional.slice(shape.argvAt).filter((c) => !c.type.endsWith("splat"));
    else if (shape.argv === "list" && positional[shape.argvAt]) argv = listItems(positional[shape.argvAt]);
    const script = argv ? shellScriptInArgv(model, program, argv, call.scope) : null;
    if (script) {
      const { level } = assessCommand(model, script, call.scope);
      if (level === "built" || level === "dynamic") {
        const grade = level === "built" ? o.shell_built : o.shell_dynamic;
        const cmd: ShellCommand = { call, callee, script, argument: script, viaArgv: true, label: callee };
        const hit = gradeHit(rule, grade, call.node, cmd, level);
        if (hit) hits.push(hit);
      }
      continue;
    }
    const pv = model.classify(program, call.scope);
    if (pv.kind === "constant" || pv.kind === "literal") continue;
    if (model.resolve(program, call.scope).some((q) => trusted.has(q))) continue;
    if (o.program.severity === "none") continue;
    hits.push({
      node: call.node,
      call,
      callee,
      severity: o.program.severity as Severity,
      confidence: o.program.confidence as Confidence,
      message: fill(o.program.message ?? rule.message, callee),
      data: { program },
    });
  }
  return hits;
}
