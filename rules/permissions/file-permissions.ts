/** chmod with a constant mode that lets every account write the path (B103); the fix drops the world-write bit. */
import type { Node } from "../../src/core/python.js";
import type { CallSite, FileModel, Scope } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument } from "../../src/core/args.js";
import { calleeName } from "../../src/core/lib/imports.js";
import { constantInt, parseIntLiteral } from "../../src/core/lib/literals.js";

/** callee → position of the mode argument */
const CHMOD: Record<string, number> = {
  "os.chmod": 1,
  "os.fchmod": 1,
  "os.lchmod": 1,
  "pathlib.Path().chmod": 0,
  "pathlib.Path().lchmod": 0,
  "pathlib.PosixPath().chmod": 0,
};

const WORLD_WRITE = 0o002;
const STICKY = 0o1000;

/** `def f(p: Path): p.chmod(…)`: the receiver is a parameter annotated as a pathlib path. */
function pathParameterReceiver(model: FileModel, call: CallSite): boolean {
  if (call.fnType !== "attribute") return false;
  const obj = call.fn.childForFieldName("object");
  if (!obj || obj.type !== "identifier") return false;
  const name = model.text(obj);
  const found = model.lookup(name, call.scope, obj.startIndex);
  if (!found || found.binding.kind !== "param" || !found.scope.node) return false;
  for (const p of found.scope.node.childForFieldName("parameters")?.namedChildren ?? []) {
    const id = p.childForFieldName("name") ?? p.namedChildren.find((c) => c.type === "identifier");
    if (!id || model.text(id) !== name) continue;
    const type = p.childForFieldName("type");
    const t = type?.namedChild(0) ?? type;
    return !!t && model.resolve(t, found.scope.parent ?? model.module).some((q) => /^pathlib\.(Path|PosixPath|WindowsPath)$/.test(q));
  }
  return false;
}

/** a mode `a | b` where one operand is `stat.S_IWOTH` or `stat.S_IRWXO` (the rest need not be constant) */
function addsWorldWrite(model: FileModel, n: Node, scope: Scope): boolean {
  if (n.type === "parenthesized_expression") return !!n.namedChild(0) && addsWorldWrite(model, n.namedChild(0)!, scope);
  if (n.type === "binary_operator" && model.text(n.childForFieldName("operator")!) === "|") {
    return addsWorldWrite(model, n.childForFieldName("left")!, scope) || addsWorldWrite(model, n.childForFieldName("right")!, scope);
  }
  if (n.type === "identifier" || n.type === "attribute") return model.resolve(n, scope).some((q) => q === "stat.S_IWOTH" || q === "stat.S_IRWXO");
  return false;
}

function chmodMode({ model }: MatchContext<unknown>): Hit<Node>[] {
  if (!model.source.includes("chmod")) return [];
  const hits: Hit<Node>[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const name = calleeName(model, call);
    if (name !== "chmod" && name !== "fchmod" && name !== "lchmod") continue;
    const callee = model.calleeNames(call).find((q) => CHMOD[q] !== undefined) ?? (pathParameterReceiver(model, call) ? "pathlib.Path().chmod" : undefined);
    if (!callee) continue;
    const modeNode = argument(model, call, CHMOD[callee], "mode");
    if (!modeNode) continue;
    let mode = constantInt(model, modeNode, call.scope);
    // `st.st_mode | stat.S_IWOTH`: whatever the rest, the world-write bit is added
    if (mode === null && addsWorldWrite(model, modeNode, call.scope)) mode = WORLD_WRITE;
    if (mode === null || !(mode & WORLD_WRITE)) continue;
    // a sticky world-writable directory (0o1777, like /tmp) is shared on purpose
    if (mode & STICKY) continue;
    hits.push({
      node: call.node,
      call,
      callee,
      message: `\`${callee.replace("pathlib.Path()", "Path")}\` sets mode ${"0o" + (mode & 0o7777).toString(8).padStart(3, "0")}: every account on the host can write this path.`,
      data: modeNode,
    });
  }
  return hits;
}

/** `os.chmod(p, 0o777)` → `0o775`: only the world-write bit goes, written the way the author wrote the mode. */
function chmodDropWorldWrite({ model, data: modeNode }: FixContext<unknown, Node>): FixProposal | FixDecline {
  if (!modeNode || modeNode.type !== "integer") {
    return { decline: "the mode is built from names; drop `S_IWOTH` (or `S_IRWXO`) from it" };
  }
  const text = model.text(modeNode);
  const m = /^0([oO])([0-7_]+)$/.exec(text);
  const value = parseIntLiteral(text);
  if (!m || value === null) return { decline: "the mode is not written in octal; write it as `0o755`-style octal without the world-write bit" };
  const digits = (value & ~0o002).toString(8).padStart(m[2].replace(/_/g, "").length, "0");
  return { edits: [{ start: modeNode.startIndex, end: modeNode.endIndex, text: `0${m[1]}${digits}` }] };
}

export default defineRule({
  options: NO_OPTIONS,
  match: chmodMode,
  fix: chmodDropWorldWrite,
});
