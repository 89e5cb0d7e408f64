/**
 * Fix builders for the smaller rules of the secrets area: JWT verification overrides, weak hashes,
 * `random` for secrets, and `tempfile.mktemp`.
 */
import type { Node } from "../python.js";
import type { FixBuilder, FixProposal } from "./types.js";
import type { Edit } from "../finding.js";
import { argument, keywordArgument, hasKwargsSplat } from "../match.js";
import { argumentAt, callSiteOf } from "../matchers/secrets-args.js";
import { removeArgument, setKeyword } from "./edits.js";
import { randomSecret } from "../matchers/secrets-random.js";
import type { RawMatch } from "../match.js";
import type { Matcher } from "../matchers/types.js";

/** Whether another finding of the same matcher shares the lines of this one: two suggestions would clash. */
export function sameRuleOnRows(matcher: Matcher, model: Parameters<FixBuilder>[0]["model"], match: RawMatch): boolean {
  const first = match.node.startPosition.row;
  const last = match.node.endPosition.row;
  return matcher({ model, rule: match.rule, options: match.rule.match.options ?? {} }).some(
    (h) => h.node.id !== match.node.id && h.node.startPosition.row <= last && h.node.endPosition.row >= first,
  );
}

/** jwt.decode(token, key, algorithms=[...], options={"verify_signature": False}) → without the override. */
export const jwtDropOverride: FixBuilder = ({ model, match }) => {
  const call = match.call;
  if (!call) return { decline: "not a call" };
  const options = keywordArgument(model, call, "options");
  const dict = options?.childForFieldName("value");
  if (!options || !dict || dict.type !== "dictionary") return { decline: "the options are not a dict literal" };
  const key = argument(model, call, 1, "key");
  const algorithms = keywordArgument(model, call, "algorithms") ?? argument(model, call, 2);
  if (!key || !algorithms) {
    return { decline: "without the verification key and `algorithms`, dropping the override would make every decode fail: pass the key and the algorithms you issue" };
  }
  const pairs = dict.namedChildren.filter((c) => c.type === "pair");
  const target = pairs.find((p) => {
    const k = p.childForFieldName("key");
    return k && k.type === "string" && /^["']verify_signature["']$/.test(model.text(k));
  });
  if (!target) return { decline: "the override is not a literal `verify_signature` key" };
  return { edits: [removeArgument(model, pairs.length === 1 ? options : target)] };
};

/** md5/sha1 for a checksum or cache key → `usedforsecurity=False`; anything else is explained. */
export const hashUsedForSecurity: FixBuilder = ({ model, match }) => {
  const call = match.call;
  const context = match.data?.context;
  if (!call) return { decline: "not a call" };
  if (context === "security") {
    return {
      decline: "the digest protects a password, token or signature: a faster or different hash is not the fix, a key-derivation function or an HMAC is",
      example: `# passwords: a slow, salted key-derivation function
salt = os.urandom(16)
key = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
# signatures and tokens: an HMAC with a secret key
mac = hmac.new(secret_key, message, hashlib.sha256).hexdigest()`,
    };
  }
  if (context !== "integrity") {
    return {
      decline: "nothing says what this digest is for: if it only identifies data (checksum, cache key), add `usedforsecurity=False`; if it protects anything, use SHA-256 or an HMAC",
    };
  }
  if (hasKwargsSplat(call)) return { decline: "the call takes `**kwargs`" };
  const edit = setKeyword(model, call, "usedforsecurity", "False");
  return edit ? { edits: [edit] } : { decline: "the keyword cannot be added to this call" };
};

/** Parents in which `a + b` can replace a call without parentheses. */
const SUM_SAFE = new Set([
  "assignment", "augmented_assignment", "return_statement", "argument_list", "keyword_argument", "expression_statement",
  "parenthesized_expression", "list", "tuple", "set", "pair", "interpolation", "expression_list", "comparison_operator",
  "boolean_operator", "conditional_expression", "generator_expression", "list_comprehension", "set_comprehension",
]);

function intLiteral(model: { text(n: Node): string }, n: Node | null): number | null {
  if (!n || n.type !== "integer") return null;
  const t = model.text(n).replace(/_/g, "");
  return /^\d+$/.test(t) && t.length < 16 ? Number(t) : null;
}

/** random.X(...) in a secret's context → `secrets.*` when imported, else `random.SystemRandom().X(...)`. */
export const randomSecure: FixBuilder = ({ model, match }) => {
  const call = match.call;
  const callee = match.callee ?? "";
  if (!call) return { decline: "not a call" };
  if (callee.includes("Random()")) {
    return { decline: "a `random.Random` instance: create it as `random.SystemRandom()` instead, or use `secrets`" };
  }
  if (sameRuleOnRows(randomSecret, model, match)) return { decline: "another `random` call on the same line needs the same fix: change them together" };
  const fnName = callee.slice(callee.lastIndexOf(".") + 1);
  const at = call.node.startIndex;
  const s = model.importedAs("secrets", call.scope, at);
  const secretsCaveat = "`secrets` draws from the operating system and cannot be seeded: runs are no longer reproducible.";
  const replaceFn = (text: string): Edit => ({ start: call.fn.startIndex, end: call.fn.endIndex, text });
  const args = (call.args?.namedChildren ?? []).filter((a) => a.type !== "comment");
  const positional = args.every((a) => a.type !== "keyword_argument" && !a.type.endsWith("splat"));
  if (s && positional) {
    const sum = (low: number, span: string): FixProposal => {
      let text = low === 0 ? `${s}.randbelow(${span})` : `${low} + ${s}.randbelow(${span})`;
      if (low !== 0 && call.node.parent && !SUM_SAFE.has(call.node.parent.type)) text = `(${text})`;
      return { edits: [{ start: call.node.startIndex, end: call.node.endIndex, text }], caveat: secretsCaveat };
    };
    if (fnName === "choice" && args.length === 1) return { edits: [replaceFn(`${s}.choice`)], caveat: secretsCaveat };
    if (fnName === "getrandbits" && args.length === 1) return { edits: [replaceFn(`${s}.randbits`)], caveat: secretsCaveat };
    if (fnName === "randbytes" && args.length === 1) return { edits: [replaceFn(`${s}.token_bytes`)], caveat: secretsCaveat };
    if (fnName === "randint" && args.length === 2) {
      const a = intLiteral(model, args[0]);
      const b = intLiteral(model, args[1]);
      if (a !== null && b !== null && b >= a) return sum(a, String(b - a + 1));
    }
    if (fnName === "randrange" && args.length === 1) return { edits: [replaceFn(`${s}.randbelow`)], caveat: secretsCaveat };
    if (fnName === "randrange" && args.length === 2) {
      const a = intLiteral(model, args[0]);
      const b = intLiteral(model, args[1]);
      if (a !== null && b !== null && b > a) return sum(a, String(b - a));
    }
  }
  const caveat = "`random.SystemRandom` draws from the operating system and ignores `seed()`: runs are no longer reproducible.";
  const r = model.importedAs("random", call.scope, at);
  if (r) return { edits: [replaceFn(`${r}.SystemRandom().${fnName}`)], caveat };
  const sysRandom = model.importedAs("random.SystemRandom", call.scope, at);
  if (sysRandom) return { edits: [replaceFn(`${sysRandom}().${fnName}`)], caveat };
  return {
    decline: "the file imports neither `random` nor `secrets` as a module",
    example: "import secrets\ntoken = secrets.token_urlsafe(32)\ncode = secrets.randbelow(1_000_000)",
  };
};

const MKTEMP_KEYWORDS = ["suffix", "prefix", "dir"];
type Model = Parameters<FixBuilder>[0]["model"];
type Call = NonNullable<RawMatch["call"]>;

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
    const mode = argumentAt(model, use.call, 1, "mode");
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
export const mktempSecure: FixBuilder = ({ model, match }) => {
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
};

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
