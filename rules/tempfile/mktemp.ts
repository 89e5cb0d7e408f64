/** The fix for `tempfile.mktemp` (matched by the call pattern in the rule file): create the file or folder instead of naming it. */
import type { Node } from "../../src/core/python.js";
import type { CallSite, FileModel } from "../../src/core/scope.js";
import type { Edit, FixContext, FixDecline, FixProposal } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument, hasKwargsSplat, callSiteOf } from "../../src/core/args.js";
import { setKeyword } from "../../src/core/lib/edits.js";
import { withoutSecrets } from "../../src/core/lib/secrets.js";

const MKTEMP_KEYWORDS = ["suffix", "prefix", "dir"];
type Model = FileModel;
type Call = CallSite;

/** Where the temporary name goes first: the call it is passed to, and as which argument. */
interface NameUse {
  call: Call;
  position: number;
  keyword?: string;
}

function useIn(model: Model, id: Node): NameUse | null {
  let arg: Node = id;
  let keyword: string | undefined;
  if (arg.parent?.type === "keyword_argument") {
    keyword = model.text(arg.parent.childForFieldName("name")!);
    arg = arg.parent;
  }
  const list = arg.parent;
  if (!list || list.type !== "argument_list" || list.parent?.type !== "call") return null;
  const call = callSiteOf(model, list.parent);
  if (!call) return null;
  const positional = list.namedChildren.filter((c) => c.type !== "keyword_argument" && c.type !== "comment");
  return { call, position: keyword ? -1 : positional.findIndex((c) => c.id === arg.id), keyword };
}

/** The first use of `name` after `after` in the scope ending at `scopeEnd` (null when it is not an argument, or unused). */
function nextUse(model: Model, name: string, after: number, scopeEnd: number): NameUse | "other" | null {
  const re = new RegExp(`(?<![\\w.])${name}\\b`, "g");
  re.lastIndex = after;
  const m = re.exec(model.source);
  if (!m || m.index >= scopeEnd) return null;
  const id = model.parsed.tree.rootNode.descendantForIndex(m.index, m.index + name.length);
  if (id.type !== "identifier") return "other";
  return useIn(model, id) ?? "other";
}

/** Calls that need the path NOT to exist yet: a suggestion that creates the file breaks them. */
const NEEDS_NEW_PATH = new Set([
  "bind", "mkfifo", "mknod", "symlink", "link", "copytree", "Listener", "start_unix_server", "create_unix_server",
  "open_unix_connection", "connect", "connect_ex", "UnixStreamServer", "UnixDatagramServer", "ThreadingUnixStreamServer",
  "mkdir", "makedirs", "rename", "replace", "move", "create", "clone_from", "extractall",
]);
const OPENERS = new Set(["open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open", "tarfile.open", "zipfile.ZipFile"]);
const SOCKETISH = /sock|pipe|fifo|addr|listen|server/i;

type Verdict = { safety: "safe" } | { safety: "review" } | { decline: string };

function judgeUse(model: Model, use: NameUse | "other" | null): Verdict {
  if (use === null || use === "other") return { safety: "review" };
  const names = model.calleeNames(use.call);
  const last = use.call.lastName;
  if (names.includes("sqlite3.connect") && use.position === 0) return { safety: "safe" }; // an empty file is a new database
  if (SOCKETISH.test(last)) return { decline: `the name is passed to \`${last}\`, which needs a path that does not exist yet` };
  if (NEEDS_NEW_PATH.has(last) && !(last === "symlink" || last === "link" || last === "copytree" || last === "rename" || last === "replace" || last === "move") ) {
    return { decline: `the name is passed to \`${last}\`, which needs a path that does not exist yet` };
  }
  if ((last === "symlink" || last === "link" || last === "copytree" || last === "rename" || last === "replace" || last === "move") && use.position === 1) {
    return { decline: `the name is the destination of \`${last}\`, which needs a path that does not exist yet` };
  }
  if (names.some((q) => OPENERS.has(q))) {
    const mode = argument(model, use.call, 1, "mode");
    const v = mode ? model.classify(mode, use.call.scope) : null;
    if (v?.kind === "constant" && v.value!.includes("x")) return { decline: "the file is opened with mode \"x\", which needs a path that does not exist yet" };
    if (v?.kind === "constant" && /[wa]/.test(v.value!) && use.position === 0) return { safety: "safe" };
    return { safety: "review" };
  }
  if (names.some((q) => /^shutil\.copy(file|2)?$/.test(q)) && use.position === 1) return { safety: "safe" };
  return { safety: "review" };
}

const MKTEMP_CAVEAT = "The file now exists (empty, mode 0600) when the name is returned: code that needs a new path (a socket, a FIFO, `shutil.copytree`, `open(..., \"x\")`) will fail.";

/** tempfile.mktemp(...) → NamedTemporaryFile(..., delete=False).name, or mkdtemp(...) when the path becomes a directory. */
function mktempSecure({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call = match.call;
  if (!call || !call.args) return { decline: "not a call" };
  if (hasKwargsSplat(call) || call.args.namedChildren.some((a) => a.type === "list_splat")) return { decline: "the call takes `*args`/`**kwargs`" };
  const at = call.node.startIndex;
  const tempfileAlias = model.importedAs("tempfile", call.scope, at);
  const nameFor = (fn: string): string | null => {
    if (call.fnType === "attribute") {
      const obj = call.fn.childForFieldName("object");
      return obj ? `${model.text(obj)}.${fn}` : null;
    }
    return model.importedAs(`tempfile.${fn}`, call.scope, at) ?? (tempfileAlias ? `${tempfileAlias}.${fn}` : null);
  };
  // a socket or pipe address: there is no file to create in its place
  for (const a of call.args.namedChildren) if (SOCKETISH.test(model.text(a))) return { decline: "the name looks like a socket or pipe address, which must not exist yet: create a private directory with `mkdtemp()` and put the socket inside it", example: "d = tempfile.mkdtemp()\naddress = os.path.join(d, \"listener.sock\")" };

  const parent = call.node.parent;
  const left = parent?.type === "assignment" && parent.childForFieldName("right")?.id === call.node.id ? parent.childForFieldName("left") : null;
  let use: NameUse | "other" | null = null;
  if (left?.type === "identifier") {
    const name = model.text(left);
    if (SOCKETISH.test(name)) return { decline: "the name looks like a socket or pipe address, which must not exist yet: create a private directory with `mkdtemp()` and put the socket inside it", example: "d = tempfile.mkdtemp()\naddress = os.path.join(d, \"listener.sock\")" };
    if (/(?:^|_)(?:dir|dirs|directory|folder)(?:_|$)|Dir$/.test(name)) {
      return { decline: "the name says the path becomes a directory: create it with `mkdtemp()`", example: "workdir = tempfile.mkdtemp()" };
    }
    use = nextUse(model, name, parent!.endIndex, call.scope.end);
  } else if (left) {
    use = "other";
  } else {
    const direct = useIn(model, call.node);
    if (!direct && parent?.type !== "return_statement") {
      // `mktemp() + ".py"`: a file created under the first name does not protect the second
      return { decline: "the name is changed before it is used: pass the ending as `suffix=` so the created file is the one used" };
    }
    use = direct ?? "other";
  }

  // workdir = tempfile.mktemp(); os.mkdir(workdir) → workdir = tempfile.mkdtemp()
  if (use && use !== "other" && use.position === 0) {
    const names = model.calleeNames(use.call);
    const which = names.includes("os.mkdir") ? "mkdir" : names.includes("os.makedirs") ? "makedirs" : null;
    if (which) return mkdtempFix(model, call, parent!, use.call, which, nameFor("mkdtemp"));
  }
  const verdict = judgeUse(model, use);
  if ("decline" in verdict) return { decline: verdict.decline, example: "d = tempfile.mkdtemp()\npath = os.path.join(d, \"name\")  # a new path inside a private directory" };

  const fn = nameFor("NamedTemporaryFile");
  if (!fn) return { decline: "the file does not import `tempfile` as a module", example: "import tempfile\npath = tempfile.NamedTemporaryFile(delete=False).name" };
  const edits: Edit[] = [{ start: call.fn.startIndex, end: call.fn.endIndex, text: fn }];
  let pos = 0;
  for (const a of call.args.namedChildren) {
    if (a.type === "comment" || a.type === "keyword_argument") continue;
    if (pos >= MKTEMP_KEYWORDS.length) return { decline: "unexpected positional arguments" };
    edits.push({ start: a.startIndex, end: a.startIndex, text: `${MKTEMP_KEYWORDS[pos++]}=` });
  }
  const del = setKeyword(model, call, "delete", "False");
  if (!del) return { decline: "the keyword cannot be added to this call" };
  edits.push(del, { start: call.node.endIndex, end: call.node.endIndex, text: ".name" });
  return verdict.safety === "safe" ? { edits } : { edits, safety: "review", caveat: MKTEMP_CAVEAT };
}

function mkdtempFix(model: Model, call: Call, assign: Node, mkdir: Call, which: "mkdir" | "makedirs", fn: string | null): FixProposal | { decline: string; example?: string } {
  if (!fn) return { decline: "the file does not import `tempfile` as a module", example: "import tempfile\nworkdir = tempfile.mkdtemp()" };
  const edits: Edit[] = [{ start: call.fn.startIndex, end: call.fn.endIndex, text: fn }];
  const exist = keywordArgument(model, mkdir, "exist_ok")?.childForFieldName("value");
  if (!(which === "makedirs" && exist && model.text(exist) === "True")) {
    const mode = argument(model, mkdir, 1, "mode");
    if (mode && model.text(mode) !== "0o700") return { decline: "the directory is created with another mode than mkdtemp's 0o700" };
    const stmt = mkdir.node.parent;
    if (!stmt || stmt.type !== "expression_statement" || stmt.parent?.id !== assign.parent?.parent?.id) {
      return { decline: "the `os.mkdir` call is not a statement of its own next to the assignment" };
    }
    const src = model.source;
    const lineStart = src.lastIndexOf("\n", stmt.startIndex - 1) + 1;
    const nl = src.indexOf("\n", stmt.endIndex);
    const lineEnd = nl === -1 ? src.length : nl + 1;
    if (src.slice(lineStart, stmt.startIndex).trim() || src.slice(stmt.endIndex, lineEnd).trim().replace(/^#.*/, "")) {
      return { decline: "the `os.mkdir` call shares its line with other code" };
    }
    edits.push({ start: lineStart, end: lineEnd, text: "" });
  }
  return {
    edits,
    safety: "review",
    caveat: "`mkdtemp` creates the directory itself (mode 0700), so an `os.mkdir` that followed is dropped: it would now fail.",
  };
}

export default defineRule({
  options: NO_OPTIONS,
  fix: withoutSecrets(mktempSecure),
});
