/** `[sys.executable, "-c", code]` with code built from values: the script runs as Python in a new interpreter. */
import type { Node } from "../../src/core/python.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument } from "../../src/core/args.js";
import { assessCommand } from "../../src/core/lib/commands.js";

/** Calls that take an argument list first (subprocess) or the arguments one by one (exec-style). */
const LIST_FIRST = new Set(["subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen"]);
const SPREAD = new Map([
  ["asyncio.create_subprocess_exec", 0], ["asyncio.subprocess.create_subprocess_exec", 0],
  ["os.execl", 1], ["os.execlp", 1], ["os.execle", 1], ["os.execlpe", 1],
]);
const LIST_AT = new Map([["os.execv", 1], ["os.execvp", 1], ["os.execve", 1], ["os.execvpe", 1]]);
const TRUSTED_PYTHON = new Set(["sys.executable", "sys._base_executable"]);
const LAST_NAMES = new Set(["run", "call", "check_call", "check_output", "Popen", "create_subprocess_exec", "execl", "execlp", "execle", "execlpe", "execv", "execvp", "execve", "execvpe"]);

function pythonCode({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  if (!/["']-c["']/.test(model.source)) return hits;
  for (const call of model.calls) {
    if (!model.inFocus(call.start) || !LAST_NAMES.has(model.calleeLastName(call)) || !call.args) continue;
    const callee = model.calleeNames(call).find((q) => LIST_FIRST.has(q) || SPREAD.has(q) || LIST_AT.has(q));
    if (!callee) continue;
    let argv: Node[] = [];
    const positional = call.args.namedChildren.filter((c) => c.type !== "comment" && c.type !== "keyword_argument");
    const listArg = LIST_FIRST.has(callee) ? argument(model, call, 0, "args") : LIST_AT.has(callee) ? positional[LIST_AT.get(callee)!] : null;
    if (listArg) {
      if (listArg.type !== "list" && listArg.type !== "tuple") continue;
      argv = listArg.namedChildren.filter((c) => c.type !== "comment");
    } else if (SPREAD.has(callee)) argv = positional.slice(SPREAD.get(callee)!);
    for (let i = 0; i + 2 < argv.length + 1 && i + 1 < argv.length; i++) {
      const flag = model.classify(argv[i + 1], call.scope);
      if (flag.kind !== "constant" || flag.value !== "-c" || i + 2 >= argv.length) continue;
      if (!isPython(model, argv[i], call.scope)) continue;
      const { level } = assessCommand(model, argv[i + 2], call.scope);
      if (level !== "built" && level !== "dynamic") continue;
      hits.push({
        node: call.node,
        call,
        callee,
        confidence: level === "built" ? "high" : "medium",
        message:
          level === "built"
            ? "This runs Python with `-c` and code built from values: a value holding `)` or a newline adds statements of its own."
            : "This runs Python with `-c` and code taken from a variable: whatever built it decides what runs.",
      });
      break;
    }
  }
  return hits;
}

function isPython(model: MatchContext<unknown>["model"], n: Node, scope: Parameters<MatchContext<unknown>["model"]["classify"]>[1]): boolean {
  if (model.resolve(n, scope).some((q) => TRUSTED_PYTHON.has(q))) return true;
  const v = model.classify(n, scope);
  return v.kind === "constant" && /(^|\/)(python|pypy)[\d.]*(\.exe)?$/i.test(v.value!);
}

export default defineRule({
  options: NO_OPTIONS,
  match: pythonCode,
});
