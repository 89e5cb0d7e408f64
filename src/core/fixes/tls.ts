/** Fix builders for the tls rules (and the request rules in other/ that share their HTTP knowledge). */
import type { Edit } from "../finding.js";
import type { Node } from "../python.js";
import type { FileModel } from "../scope.js";
import { argument, keywordArgument } from "../match.js";
import type { LeadingLiteral } from "../matchers/tls-http.js";
import { mappingEntries } from "../matchers/tls-http.js";
import { removeArgument, renameCallee } from "./edits.js";
import type { FixBuilder } from "./types.js";

/**
 * Delete a whole statement line (`session.verify = False`), when the statement is alone on its
 * lines and not the only statement of its block (an empty block would not parse).
 */
function deleteStatement(model: FileModel, inner: Node): Edit | { decline: string } {
  const stmt = inner.parent?.type === "expression_statement" ? inner.parent : inner;
  const block = stmt.parent;
  if (!block || (block.type !== "block" && block.type !== "module")) return { decline: "the statement is not on its own line" };
  if (block.namedChildren.filter((c) => c.type !== "comment").length < 2) {
    return { decline: "it is the only statement of its block: delete it and its block by hand" };
  }
  const src = model.source;
  const lineStart = src.lastIndexOf("\n", stmt.startIndex - 1) + 1;
  const nl = src.indexOf("\n", stmt.endIndex);
  const lineEnd = nl === -1 ? src.length : nl + 1;
  const before = src.slice(lineStart, stmt.startIndex);
  const after = src.slice(stmt.endIndex, nl === -1 ? src.length : nl).replace(/\r$/, "");
  if (!/^[ \t]*$/.test(before) || !/^[ \t]*(#.*)?$/.test(after)) return { decline: "the statement shares its line with other code" };
  return { start: lineStart, end: lineEnd, text: "" };
}

/** `f(url, verify=False,\n    timeout=3)` would keep the space after `url,` at the end of the line: take it too. */
function withoutTrailingBlank(model: FileModel, edit: Edit): Edit {
  const src = model.source;
  if (edit.text !== "" || !/^\r?\n/.test(src.slice(edit.end, edit.end + 2))) return edit;
  let start = edit.start;
  while (start > 0 && (src[start - 1] === " " || src[start - 1] === "\t")) start--;
  return src[start - 1] === "\n" ? edit : { ...edit, start };
}

/** verify=False → (argument removed); `session.verify = False` → (line removed). */
const removeVerifyFalse: FixBuilder = ({ model, match }) => {
  if (match.data?.form === "assignment") {
    const edit = deleteStatement(model, match.node);
    return "decline" in edit ? edit : { edits: [edit] };
  }
  const call = match.call;
  const kw = call ? keywordArgument(model, call, "verify") : null;
  if (!kw) return { decline: "no `verify=` keyword on this call" };
  return { edits: [withoutTrailingBlank(model, removeArgument(model, kw))] };
};

/** Keywords `_create_unverified_context` and `create_default_context` share (with the same meaning). */
const SHARED_CONTEXT_KEYWORDS = new Set(["cafile", "capath", "cadata", "purpose"]);

/** ssl._create_unverified_context(...) → ssl.create_default_context(...), when the arguments carry over. */
const unverifiedToDefaultContext: FixBuilder = ({ model, match }) => {
  const call = match.call;
  if (!call) {
    return { decline: "the unverified context is installed process-wide: remove the assignment (and the `try`/`else` around it)" };
  }
  for (const a of call.args?.namedChildren ?? []) {
    if (a.type === "comment") continue;
    if (a.type !== "keyword_argument") return { decline: "positional arguments (the protocol) do not carry over to `create_default_context`" };
    const name = model.text(a.childForFieldName("name")!);
    if (!SHARED_CONTEXT_KEYWORDS.has(name)) {
      return { decline: `\`${name}=\` has no counterpart in \`create_default_context\` (set it on the context instead)` };
    }
  }
  if (call.fnType === "attribute") {
    const edit = renameCallee(model, call, "create_default_context");
    if (edit) return { edits: [edit] };
  }
  const ssl = model.importedAs("ssl", call.scope, call.node.startIndex);
  if (!ssl) return { decline: "`ssl` is not imported as a module here", example: "import ssl\nctx = ssl.create_default_context()" };
  return { edits: [{ start: call.fn.startIndex, end: call.fn.endIndex, text: `${ssl}.create_default_context` }] };
};

/** "http://host/…" → "https://host/…" in the literal, when it is written in the call itself. */
const httpToHttps: FixBuilder = ({ model, match }) => {
  const literal = match.data?.literal as LeadingLiteral | undefined;
  if (!literal) return { decline: "the URL is not a literal" };
  if (!literal.local) {
    const line = literal.string.startPosition.row + 1;
    return { decline: `the URL is defined on line ${line}: change \`http://\` to \`https://\` there` };
  }
  const port = match.data?.port as string | undefined;
  if (port && /^\d+$/.test(port)) return { decline: `the URL names port ${port}, which serves plain HTTP: the HTTPS port is probably another one` };
  if (port) return { decline: "the URL's port is set at run time: the HTTPS port is probably another one" };
  const scheme = model.source.slice(literal.start, literal.start + 4);
  if (scheme.toLowerCase() !== "http") return { decline: "the URL does not start with http://" };
  return { edits: [{ start: literal.start, end: literal.start + 4, text: scheme === "HTTP" ? "HTTPS" : "https" }] };
};

/** A weak RSA/DSA size literal → 2048; a weak curve → SECP256R1 / P-256. */
const strongerKey: FixBuilder = ({ model, match }) => {
  const arg = match.data?.arg as Node | undefined;
  const call = match.call;
  if (!arg || !call) return { decline: "no key size argument" };
  if (match.data?.algorithm !== "EC") {
    if (arg.type !== "integer") return { decline: "the size comes from a name: raise it where it is defined" };
    return { edits: [{ start: arg.startIndex, end: arg.endIndex, text: "2048" }] };
  }
  if (arg.type === "string") {
    const first = arg.firstChild!;
    const last = arg.lastChild!;
    if (arg.namedChildren.some((c) => c.type === "interpolation")) return { decline: "the curve name is built at run time" };
    return { edits: [{ start: first.endIndex, end: last.startIndex, text: "P-256" }] };
  }
  const target = arg.type === "call" ? arg.childForFieldName("function")! : arg;
  if (target.type === "attribute") {
    const attr = target.childForFieldName("attribute")!;
    return { edits: [{ start: attr.startIndex, end: attr.endIndex, text: "SECP256R1" }] };
  }
  if (target.type === "identifier") {
    const local = model.importedAs("cryptography.hazmat.primitives.asymmetric.ec.SECP256R1", call.scope, call.node.startIndex);
    if (local) return { edits: [{ start: target.startIndex, end: target.endIndex, text: local }] };
    return { decline: "`SECP256R1` is not imported here" };
  }
  return { decline: "the curve is not named directly in the call" };
};

const HEADER_EXAMPLE = `# send the key the way the API documents it, for example:
resp = requests.get(url, headers={"X-Api-Key": api_key}, timeout=30)
# or an OAuth bearer token:
resp = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)`;

/**
 * params={"access_token": t} → headers={"Authorization": f"Bearer {t}"}: RFC 6750 requires servers
 * that take OAuth bearer tokens to accept the header. Other names depend on the API: explain.
 */
const queryTokenToHeader: FixBuilder = ({ model, match }) => {
  const call = match.call;
  const name = String(match.data?.name ?? "the key");
  if (!call || match.data?.where !== "params") {
    return { decline: `\`${name}\` is written into the URL: which header the API expects depends on the API`, example: HEADER_EXAMPLE };
  }
  if (name !== "access_token") {
    return { decline: `which header the API expects for \`${name}\` depends on the API`, example: HEADER_EXAMPLE };
  }
  const kw = keywordArgument(model, call, "params");
  const value = kw?.childForFieldName("value");
  if (!kw || value?.type !== "dictionary") return { decline: "the parameters are not a `params=` dict written in the call", example: HEADER_EXAMPLE };
  const entries = mappingEntries(model, value, call.scope);
  const pairs = value.namedChildren.filter((c) => c.type !== "comment");
  if (entries.length !== 1 || pairs.length !== 1) {
    return { decline: "other query parameters travel with the token: move only the token to the header by hand", example: HEADER_EXAMPLE };
  }
  if (argument(model, call, undefined, "headers")) return { decline: "the call already sends headers: add the Authorization header there", example: HEADER_EXAMPLE };
  const token = entries[0].value;
  if (!token || !/^(identifier|attribute)$/.test(token.type)) return { decline: "the token is not a plain name", example: HEADER_EXAMPLE };
  const q = model.text(entries[0].keyNode).endsWith("'") ? "'" : '"';
  return { edits: [{ start: kw.startIndex, end: kw.endIndex, text: `headers={${q}Authorization${q}: f${q}Bearer {${model.text(token)}}${q}}` }] };
};

export const BUILDERS: Record<string, FixBuilder> = {
  "remove-verify-false": removeVerifyFalse,
  "unverified-context-to-default": unverifiedToDefaultContext,
  "http-to-https": httpToHttps,
  "stronger-key": strongerKey,
  "query-token-to-header": queryTokenToHeader,
};
