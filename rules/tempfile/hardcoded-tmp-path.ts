/** Hard-coded paths in shared temporary folders (B108), where they are used as paths. */
import type { Node } from "../../src/core/python.js";
import type { FileModel } from "../../src/core/scope.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { callSiteOf } from "../../src/core/args.js";
import { splitWords, targetNames } from "../../src/core/lib/words.js";

const TMP_PREFIX = /^(?:\/tmp|\/var\/tmp|\/dev\/shm)(?:\/|$)/;

/** String methods whose argument is compared or searched, not opened. */
const NOT_A_PATH_USE = new Set([
  "startswith", "endswith", "replace", "find", "rfind", "index", "rindex", "count", "split", "rsplit", "strip",
  "lstrip", "rstrip", "partition", "rpartition", "removeprefix", "removesuffix", "relative_to", "is_relative_to",
  "commonpath", "commonprefix", "relpath", "match", "fnmatch", "get", "pop", "setdefault", "print", "append",
]);

/** Names that hold a path. */
const PATH_WORDS = new Set([
  "path", "paths", "file", "files", "filename", "fname", "dir", "dirs", "directory", "folder", "tmp", "temp", "tmpdir",
  "tempdir", "log", "logfile", "out", "output", "outfile", "dest", "destination", "target", "location", "socket", "sock",
  "pid", "pidfile", "lock", "lockfile", "cache", "db", "database", "root", "base", "home", "fifo", "pipe", "workdir",
  "scratch", "spool", "upload", "uploads", "download", "downloads", "store", "storage",
]);

/** The leading literal text of a string (up to its first interpolation). */
function leadingText(model: FileModel, n: Node): string | null {
  if (n.type === "concatenated_string") return n.namedChild(0) ? leadingText(model, n.namedChild(0)!) : null;
  if (n.type !== "string") return null;
  let out = "";
  for (const c of n.namedChildren) {
    if (c.type === "interpolation") break;
    if (c.type === "string_content") out += model.text(c);
  }
  return out;
}

function isTmpLiteral(model: FileModel, n: Node): string | null {
  const text = leadingText(model, n);
  if (text === null) return null;
  const m = TMP_PREFIX.exec(text);
  return m ? m[0].replace(/\/$/, "") : null;
}

const OCCURRENCE = /["'](?:\/tmp|\/var\/tmp|\/dev\/shm)(?:\/|["'])/g;

function hardcodedTmp({ model, rule }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  const seen = new Set<number>();
  const root = model.parsed.tree.rootNode;
  OCCURRENCE.lastIndex = 0;
  for (const m of model.source.matchAll(OCCURRENCE)) {
    let value: Node | null = root.descendantForIndex(m.index + 1, m.index + 2);
    while (value && value.type !== "string") value = value.type === "string_content" ? value.parent : null;
    if (!value) continue;
    if (value.parent?.type === "concatenated_string") {
      if (value.parent.namedChild(0)?.id !== value.id) continue;
      value = value.parent;
    }
    if (seen.has(value.id)) continue;
    seen.add(value.id);
    const prefix = isTmpLiteral(model, value);
    if (!prefix || !usedAsPath(model, value)) continue;
    hits.push({ node: value, message: rule.message.replace("{prefix}", prefix) });
  }
  return hits;
}

/** An argument of a call that may open or create it, a path-like name's value, or a parameter default. */
function usedAsPath(model: FileModel, value: Node): boolean {
  let holder = value.parent;
  if (holder?.type === "keyword_argument" && holder.childForFieldName("value")?.id === value.id) holder = holder.parent;
  if (holder?.type === "argument_list") {
    const callNode = holder.parent;
    const call = callNode ? callSiteOf(model, callNode) : undefined;
    if (!call || NOT_A_PATH_USE.has(call.lastName)) return false;
    // tempfile creates its files safely whatever folder it is given
    return !model.calleeNames(call).some((q) => q.startsWith("tempfile."));
  }
  if (holder?.type === "assignment" && holder.childForFieldName("right")?.id === value.id) {
    const left = holder.childForFieldName("left");
    return !!left && targetNames(model, left).some((t) => splitWords(t).some((w) => PATH_WORDS.has(w)));
  }
  return holder?.type === "default_parameter" || holder?.type === "typed_default_parameter";
}

export default defineRule({
  options: NO_OPTIONS,
  match: hardcodedTmp,
});
