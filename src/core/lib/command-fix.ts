/**
 * Fixes for the command rules.
 *
 * A shell command built from values (an f-string, `%`, `.format()` or `+`) run by this process
 * gets one fix, review tier: an argument list without the shell, when the literal parts use no
 * shell feature and every value is a whole word (`os.system("ping -c 1 " + host)` →
 * `subprocess.run(["ping", "-c", "1", host], check=False)`). Otherwise it is explained: a
 * suggestion that keeps the local shell and quotes the values (`shlex.quote`) leaves the shell —
 * what the finding is about — in place, so it is never offered one-click.
 * A command run by a remote shell (SSH) has no shell to drop: there each value is wrapped in
 * `shlex.quote(...)` (dropping the template's own quotes around it: `'{x}'` → `{shlex.quote(x)}`).
 * A command held in a variable is explained, never rewritten: `shell=False` on a string raises
 * FileNotFoundError and `shlex.split` changes what a command using shell features means.
 */
import type { Edit, FixContext, FixDecline, FixProposal } from "../types.js";
import type { Node } from "../python.js";
import type { CallSite, FileModel, Scope } from "../scope.js";
import { keywordArgument } from "../args.js";
import { removeArgument, setKeyword } from "./edits.js";
import { importedName } from "./imports.js";
import { argvWords, commandTemplate, holeContexts, isShellQuoted, type CommandTemplate, type TemplateChar } from "./shell.js";
import { assessCommand, type CommandData, type WildcardData } from "./commands.js";

/** subprocess functions whose `shell=True` can simply go once the command is a list */
/** node types that build a string in place (a literal, `%`, `+`, `.format()`) */
const STRING_BUILDERS = new Set(["string", "concatenated_string", "binary_operator", "call", "parenthesized_expression"]);

const SUBPROCESS_ARGV = new Set(["subprocess.call", "subprocess.run", "subprocess.Popen", "subprocess.check_call", "subprocess.check_output"]);

const ARGV_CAVEAT =
  "Runs without a shell: each value becomes exactly one argument (no splitting, globbing or `$` expansion); a value starting with `-` can still be read as an option (add `--` where the tool supports it), and non-string values need `str()`.";
const CONSTANT_CAVEAT = "Runs the program directly instead of through `/bin/sh`: the same PATH lookup, but shell aliases and builtins no longer apply.";
const SYSTEM_CAVEAT = "Runs the program directly instead of through `/bin/sh`; `check=False` keeps ignoring a failing exit status, as `os.system` did.";
const SHLEX_CAVEAT =
  "`shlex.quote` takes only `str` (wrap a `Path` or a number in `str()`) and quotes for a POSIX shell, not `cmd.exe`; an argument list without a shell is safer still.";

const VARIABLE_REASON =
  "the command is a string made elsewhere: `shell=False` on a string fails (FileNotFoundError) and `shlex.split` changes what shell features in it mean; build it as an argument list, or quote each value where it is built";
const VARIABLE_EXAMPLE = `import shlex
import subprocess

# no shell: one list item per argument, nothing to escape
subprocess.run(["git", "log", "--oneline", branch], check=True)

# when you need shell features, quote every value that goes into the command
subprocess.run(f"git log --oneline {shlex.quote(branch)} | head -n 5", shell=True, check=True)
`;

/** A name we may introduce with an import: not bound to anything else where the call is. */
function nameIsFree(model: FileModel, name: string, call: CallSite): boolean {
  return !model.lookup(name, call.scope, call.node.startIndex);
}

type ScriptData = Extract<CommandData, { script: object }>;

function decline(reason: string, example?: string): FixDecline {
  return example ? { decline: reason, example } : { decline: reason };
}

/** Python source for the argument list, or the reason there is none. */
function argvItems(model: FileModel, tpl: CommandTemplate, scope: Scope): string[] | { reason: string } {
  const words = argvWords(tpl);
  if ("reason" in words) return words;
  if (words.some((w) => w.t === "hole" && isShellQuoted(model, w.hole.expr, scope))) {
    return { reason: "a value is already quoted for the shell" };
  }
  const q = tpl.quote === "'" ? "'" : '"';
  return words.map((w) => {
    if (w.t === "text") {
      // as written when the word is one run of plain characters; else spelled anew (a word split over
      // `+` operands, `%%`, a raw string's backslash would not survive being copied into a plain literal)
      const written = model.source.slice(w.start, w.end);
      return written === w.text && !written.includes("\\") ? `${q}${written}${q}` : pythonString(w.text, q);
    }
    const text = model.text(w.hole.expr);
    return w.hole.numeric ? `str(${text})` : text;
  });
}

/** A Python string literal for `text` in the quote `q`. */
function pythonString(text: string, q: string): string {
  let out = "";
  for (const ch of text) {
    if (ch === "\\" || ch === q) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch < " " || ch === "\x7f") out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${q}${out}${q}`;
}

/** The no-shell rewrite for the callee, or the reason it does not apply. */
function argvRoute(ctx: FixContext<unknown, CommandData>, d: ScriptData, tpl: CommandTemplate): FixProposal | { reason: string } {
  const { model, match } = ctx;
  const call = match.call!;
  const callee = match.callee ?? "";
  if (d.viaArgv || d.script.id !== d.argument.id) return { reason: "the command is already inside an argument list" };
  const items = argvItems(model, tpl, call.scope);
  if ("reason" in items) return items;
  const list = `[${items.join(", ")}]`;
  const script = { start: d.script.startIndex, end: d.script.endIndex };

  if (callee === "os.system") {
    if (call.node.parent?.type !== "expression_statement") return { reason: "the exit status of `os.system` is used" };
    let sp = importedName(model, "subprocess", call);
    const imports: string[] = [];
    if (!sp) {
      if (!nameIsFree(model, "subprocess", call)) return { reason: "the name `subprocess` means something else here" };
      sp = "subprocess";
      imports.push("import subprocess");
    }
    const check = setKeyword(model, call, "check", "False");
    if (!check) return { reason: "cannot add `check=False` to this call" };
    return {
      edits: [{ start: call.fn.startIndex, end: call.fn.endIndex, text: `${sp}.run` }, { ...script, text: list }, check],
      caveat: tpl.kind === "constant" ? SYSTEM_CAVEAT : ARGV_CAVEAT,
      imports,
      localImportOk: true,
    };
  }

  if (SUBPROCESS_ARGV.has(callee)) {
    const shell = keywordArgument(model, call, "shell");
    if (!shell) return { reason: "no `shell=` keyword to remove" };
    if (keywordArgument(model, call, "executable")) return { reason: "`executable=` names the shell to run" };
    return {
      edits: [{ ...script, text: list }, removeArgument(model, shell)],
      caveat: tpl.kind === "constant" ? CONSTANT_CAVEAT : ARGV_CAVEAT,
    };
  }

  if (callee === "asyncio.create_subprocess_shell" && call.fnType === "attribute" && d.argument.parent?.type === "argument_list") {
    const attr = call.fn.childForFieldName("attribute")!;
    return {
      edits: [{ start: attr.startIndex, end: attr.endIndex, text: "create_subprocess_exec" }, { ...script, text: items.join(", ") }],
      caveat: tpl.kind === "constant" ? CONSTANT_CAVEAT : ARGV_CAVEAT,
    };
  }
  return { reason: "this call needs its shell (its result or signature depends on it)" };
}

/** Keep the shell and quote every value that is not already safe. */
function shlexRoute(ctx: FixContext<unknown, CommandData>, tpl: CommandTemplate): FixProposal | FixDecline {
  const { model, match } = ctx;
  const call = match.call!;
  if (tpl.opaque) return decline("the command holds an escape sequence HunkGuard does not rewrite");
  let quote = importedName(model, "shlex.quote", call);
  const imports: string[] = [];
  if (!quote) {
    const mod = importedName(model, "shlex", call);
    if (mod) quote = `${mod}.quote`;
    else if (nameIsFree(model, "shlex", call)) {
      quote = "shlex.quote";
      imports.push("import shlex");
    } else return decline("the name `shlex` means something else here");
  }
  const contexts = holeContexts(tpl.parts);
  const removed = new Set<number>(); // indices of template quote characters to drop
  const wrap = new Map<number, Node>();
  for (const [i, where] of contexts) {
    const hole = tpl.parts[i];
    if (hole.t !== "h" || hole.safe) continue;
    if (!hole.wrappable) return decline("a value in the command uses a conversion or format spec (`!r`, `:>10`, `=`)");
    if (where.where === "inside") {
      return decline("a value sits inside a longer quoted string of the command: quoting it there would break the quotes");
    }
    if (where.where === "unquoted" && where.command) {
      return decline("the program itself comes from a value (it may hold several words on purpose): choose it from an allowlist");
    }
    if (where.where === "unquoted" && where.glued) {
      return decline("a value is glued to a word (`checkout%s`): it may carry its own leading space and options, which quoting would merge");
    }
    if (where.where === "quoted-alone") {
      removed.add(tpl.parts.indexOf(where.open));
      removed.add(tpl.parts.indexOf(where.close));
    }
    wrap.set(hole.expr.id, hole.expr);
  }
  if (!wrap.size) return decline("no value to quote");
  const edits: Edit[] = [];
  // `a + '"' + b + '"'`: a string operand left empty by dropping its quote goes with its `+`
  const dropped = new Set<number>();
  for (const [k, op] of (tpl.operands ?? []).entries()) {
    if (op.to === op.from || dropped.has(k - 1)) continue;
    let all = true;
    for (let j = op.from; j < op.to && all; j++) all = removed.has(j);
    if (!all) continue;
    const ops = tpl.operands!;
    if (k > 0) edits.push({ start: ops[k - 1].node.endIndex, end: op.node.endIndex, text: "" });
    else if (ops.length > 1) edits.push({ start: op.node.startIndex, end: ops[1].node.startIndex, text: "" });
    else continue;
    dropped.add(k);
    for (let j = op.from; j < op.to; j++) removed.delete(j);
  }
  for (const j of removed) {
    const c = tpl.parts[j] as TemplateChar;
    edits.push({ start: c.start, end: c.end, text: "" });
  }
  for (const expr of wrap.values()) {
    edits.push({ start: expr.startIndex, end: expr.startIndex, text: `${quote}(` });
    edits.push({ start: expr.endIndex, end: expr.endIndex, text: ")" });
  }
  // a rule may word the quoting caveat for its own setting (a remote shell, say)
  const caveat = ctx.rule.fix?.caveat?.includes("shlex.quote") ? ctx.rule.fix.caveat : SHLEX_CAVEAT;
  return { edits, caveat, imports, localImportOk: true };
}

/** Callees that start a process on this machine: their shell can go, and a fix must not keep it. */
const LOCAL_PROCESS = /^(os|subprocess|asyncio|commands|popen2)\./;

const KEEPS_SHELL_EXAMPLE = `import subprocess

# no shell: one list item per argument, nothing to escape
subprocess.run(["ping", "-c", "1", host], check=False)

# pipes and redirections can be done in Python: run each program without a shell
ping = subprocess.run(["ping", "-c", "1", host], capture_output=True, text=True, check=False)
`;

/** A shell command built from values → an argument list without the shell; for a remote shell, `shlex.quote` around each value. */
export function shellCommandFix(ctx: FixContext<unknown, CommandData>): FixProposal | FixDecline {
  const { model, match, data } = ctx;
  const call = match.call;
  if (data?.program) return decline("the program comes from a value: only you know which programs are allowed; choose it from an allowlist");
  const d = data;
  if (!call || !d?.script) return decline("no command string to rewrite");
  if (d.level === "constant" && !STRING_BUILDERS.has(d.script.type)) {
    return decline("the constant command is held in a variable: write it as an argument list where it is defined");
  }
  if (d.level === "dynamic" || !STRING_BUILDERS.has(d.script.type)) {
    // a process started here can take an argument list instead; a remote or unknown callee cannot
    const local = LOCAL_PROCESS.test(match.callee ?? "") || d.viaArgv;
    return local ? decline(VARIABLE_REASON, VARIABLE_EXAMPLE) : decline("the command is a string made elsewhere: quote each value with `shlex.quote` where it is built");
  }
  if (d.argument.type === "list" || d.argument.type === "tuple") {
    if (!d.viaArgv) {
      return decline("with `shell=True` only the first item of the list is the command (the others become `$0`, `$1`…): pass the list without `shell=True`, or one command string");
    }
  }
  const tpl = commandTemplate(ctx.model, d.script, call.scope);
  if (!tpl) return decline("the command is built in a way HunkGuard does not rewrite mechanically", VARIABLE_EXAMPLE);
  const argv = argvRoute(ctx, d, tpl);
  if (!("reason" in argv)) return argv;
  if (d.level === "constant") return decline(argv.reason);
  // quoting the values keeps a local shell, which is what the finding is about: explain instead
  if (LOCAL_PROCESS.test(match.callee ?? "") || d.viaArgv || keywordArgument(model, call, "shell")) {
    return {
      decline: `${argv.reason}, so no argument list can replace the shell here: run the program without a shell (one list item per argument); if the shell is truly needed, quote every value with \`shlex.quote(...)\``,
      example: KEEPS_SHELL_EXAMPLE,
      byDesign: true,
    };
  }
  return shlexRoute(ctx, tpl);
}

/** `tar czf out.tgz *` → `tar czf out.tgz ./*`: expanded names can no longer start with `-`. */
export function wildcardDotSlash({ model, match, data }: FixContext<unknown, WildcardData>): FixProposal | FixDecline {
  const globs: TemplateChar[] = data?.globs ?? [];
  if (!globs.length) return decline("no glob to rewrite");
  // one suggestion per line: the injection fix on this command goes first, this one on the next push
  const script = data?.script;
  if (script && match.call && assessCommand(model, script, match.call.scope).level === "built") {
    return decline("the values in this command need quoting first (the command-injection suggestion on this line); `./*` follows");
  }
  if (globs.some((g) => g.end - g.start !== 1)) return decline("the glob is written with an escape sequence");
  return { edits: globs.map((g) => ({ start: g.start, end: g.start, text: "./" })) };
}
