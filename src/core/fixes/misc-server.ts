/** Fixes for how a web app is served: listen address, Flask debug mode, rate limits on sign-in routes. */
import type { Node } from "../python.js";
import type { CallSite } from "../scope.js";
import type { FixBuilder } from "./types.js";
import { argument, keywordArgument } from "../match.js";
import { removeArgument } from "./edits.js";
import { eolOf, lineIndent, reachableAs, stringQuote } from "../matchers/misc-values.js";

/**
 * host="0.0.0.0" → host=os.environ.get("HOST", "127.0.0.1"), reusing the file's `os` import:
 * loopback by default, every interface only where the deployment says so.
 */
export const bindHostFromEnv: FixBuilder = ({ model, match }) => {
  const node = match.node;
  const call = match.call;
  if (!call || node.type !== "string") return { decline: "the address comes from a name; change it where it is defined" };
  const value = match.data?.value as string;
  const loopback = value === "0.0.0.0" ? "127.0.0.1" : value === "::" ? "::1" : null;
  if (!loopback) return { decline: "the address carries a port; read it from the environment (`os.environ.get(...)`) with a loopback default" };
  const q = stringQuote(model, node);
  if (!q || q.prefix || q.quote.length !== 1) return { decline: "an unusual string literal" };
  const at = call.node.startIndex;
  let getter: string | null = null;
  const os = reachableAs(model, "os", call.scope, at);
  if (os) getter = `${os}.environ.get`;
  else {
    const environ = reachableAs(model, "os.environ", call.scope, at);
    if (environ) getter = `${environ}.get`;
  }
  if (!getter) {
    return {
      decline: "the file does not import `os`",
      example: `import os\n...\n${model.text(call.fn)}(host=os.environ.get("HOST", "127.0.0.1"), ...)  # set HOST=0.0.0.0 in the container`,
    };
  }
  return { edits: [{ start: node.startIndex, end: node.endIndex, text: `${getter}(${q.quote}HOST${q.quote}, ${q.quote}${loopback}${q.quote})` }] };
};

/** app.run(..., debug=True) → app.run(...). */
export const flaskDebugOff: FixBuilder = ({ model, match }) => {
  const call: CallSite | undefined = match.call;
  if (!call) return { decline: "debug mode is set by assignment: delete the line, or read it from `FLASK_DEBUG` in the environment" };
  const kw = keywordArgument(model, call, "debug");
  if (kw) return { edits: [removeArgument(model, kw)] };
  const positional = argument(model, call, 2);
  if (!positional || argument(model, call, 3)) return { decline: "debug is passed by position before other arguments" };
  return { edits: [removeArgument(model, positional)] };
};

/** Add `@limiter.limit("5 per minute")` right below the route decorator. */
export const rateLimitDecorator: FixBuilder = ({ model, match }) => {
  const limiter = match.data?.limiter as string | undefined;
  const kind = match.data?.kind as string | undefined;
  const decorator = match.data?.decorator as Node | undefined;
  const fn = match.data?.fn as Node | undefined;
  const example = [
    "from flask_limiter import Limiter",
    "from flask_limiter.util import get_remote_address",
    "",
    "limiter = Limiter(get_remote_address, app=app)",
    "",
    '@app.route("/login", methods=["POST"])',
    '@limiter.limit("5 per minute")',
    "def login():",
    "    ...",
  ].join("\n");
  if (!limiter || !decorator || !fn) {
    return { decline: "the app has no rate limiter to reuse; add one (Flask-Limiter, slowapi) or limit at the proxy", example };
  }
  if (kind === "slowapi") {
    const params = fn.childForFieldName("parameters")?.namedChildren ?? [];
    const hasRequest = params.some((p) => {
      const id = p.type === "identifier" ? p : p.childForFieldName("name") ?? p.namedChildren.find((c) => c.type === "identifier");
      return id && model.text(id) === "request";
    });
    if (!hasRequest) return { decline: "slowapi needs the endpoint to take a `request: Request` parameter" };
  }
  const src = model.source;
  const { indent } = lineIndent(src, decorator.startIndex);
  const eol = eolOf(src);
  const expr = decorator.namedChildren.find((c) => c.type !== "comment") ?? decorator;
  // after the decorator's line, comment included
  let at = src.indexOf("\n", expr.endIndex);
  if (at === -1) at = src.length;
  else if (src[at - 1] === "\r") at -= 1;
  const q = /'/.test(model.text(expr)) && !/"/.test(model.text(expr)) ? "'" : '"';
  return { edits: [{ start: at, end: at, text: `${eol}${indent}@${limiter}.limit(${q}5 per minute${q})` }] };
};
