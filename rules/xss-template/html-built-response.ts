/**
 * XSS: HTML built by hand (f-string, `+`, `%`, `.format`) with values put in unescaped, sent as an
 * HTML response (Django `HttpResponse`, Flask `Response`/`make_response` or a route's returned
 * string, FastAPI/Starlette `HTMLResponse` or a route with `response_class=HTMLResponse`, aiohttp
 * `web.Response(text=..., content_type="text/html")`), or used as a template's source
 * (`render_template_string`, `jinja2.Template`, `Environment().from_string`, Django `format_html`).
 */
import type { Node } from "../../src/core/python.js";
import type { CallSite, FileModel, Scope } from "../../src/core/scope.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument } from "../../src/core/args.js";
import { functionScope, scopeAt } from "../../src/core/lib/imports.js";
import { decoratorExpression, decoratorsOf, routesOf, webFile } from "../../src/core/lib/routes.js";
import { builtString, HTML_TAG, type BuiltString } from "../../src/core/lib/html.js";
import { taintIndex } from "../../src/core/taint.js";

interface Sink {
  position?: number;
  keywords: string[];
  /** the sink renders a template: any built source counts, markup or not */
  template?: boolean;
  /** the keyword naming the content type, when the response is HTML only if it says so (aiohttp) */
  needsHtmlType?: string;
  /** keywords that, given a non-HTML type, make the response something else */
  typeKeywords?: string[];
}

const RESPONSE: Sink = { position: 0, keywords: ["content", "response"], typeKeywords: ["content_type", "mimetype", "media_type"] };
const TEMPLATE: Sink = { position: 0, keywords: ["source"], template: true };
const SINKS: Record<string, Sink> = {
  "django.http.HttpResponse": RESPONSE,
  "django.http.response.HttpResponse": RESPONSE,
  "flask.Response": RESPONSE,
  "flask.wrappers.Response": RESPONSE,
  "flask.make_response": RESPONSE,
  "werkzeug.wrappers.Response": RESPONSE,
  "quart.Response": RESPONSE,
  "fastapi.responses.HTMLResponse": RESPONSE,
  "starlette.responses.HTMLResponse": RESPONSE,
  "aiohttp.web.Response": { keywords: ["text", "body"], needsHtmlType: "content_type" },
  "aiohttp.web_response.Response": { keywords: ["text", "body"], needsHtmlType: "content_type" },
  "flask.render_template_string": TEMPLATE,
  "flask.templating.render_template_string": TEMPLATE,
  "jinja2.Template": TEMPLATE,
  "jinja2.environment.Template": TEMPLATE,
  "jinja2.Environment().from_string": TEMPLATE,
  "jinja2.environment.Environment().from_string": TEMPLATE,
  "django.utils.html.format_html": { position: 0, keywords: ["format_string"], template: true },
};
const LASTS = new Set(Object.keys(SINKS).map((q) => q.replace(/\(\)/g, "").split(".").pop()!));
const HTML_RESPONSE_CLASSES = new Set(["fastapi.responses.HTMLResponse", "starlette.responses.HTMLResponse"]);

function constantString(model: FileModel, n: Node | null, scope: Scope): string | null {
  if (!n) return null;
  const v = model.classify(n, scope);
  return v.kind === "constant" && typeof v.value === "string" ? v.value : null;
}

function keywordValue(model: FileModel, call: CallSite, names: string[]): Node | null {
  for (const k of names) {
    const v = argument(model, call, undefined, k);
    if (v) return v;
  }
  return null;
}

function describe(model: FileModel, b: BuiltString): string {
  const names = b.unsafe.slice(0, 2).map((v) => `\`${model.text(v).slice(0, 40)}\``);
  return names.join(", ") + (b.unsafe.length > 2 ? " …" : "");
}

/** A function's route decorator says its returned strings are HTML: a Flask route, a FastAPI route with `response_class=HTMLResponse`. */
function htmlRoute(model: FileModel, fn: Node, scope: Scope, framework: "flask" | "fastapi"): boolean {
  if (framework === "flask") return routesOf(model, fn, scope, "flask").length > 0;
  for (const d of decoratorsOf(fn)) {
    const call = decoratorExpression(d);
    if (call?.type !== "call") continue;
    for (const a of call.childForFieldName("arguments")?.namedChildren ?? []) {
      if (a.type !== "keyword_argument" || model.text(a.childForFieldName("name")!) !== "response_class") continue;
      if (model.resolve(a.childForFieldName("value")!, scope).some((q) => HTML_RESPONSE_CLASSES.has(q))) return true;
    }
  }
  return false;
}

/** A request handler: a route (decorated `route`/`get`/`post`/… of an app or router), a view taking `request`, a Lambda handler. */
function handler(model: FileModel, scope: Scope): boolean {
  const fnScope = functionScope(scope);
  const fn = fnScope?.node;
  if (!fn) return false;
  const params = (fn.childForFieldName("parameters")?.namedChildren ?? []).map((p) => {
    const id = p.type === "identifier" ? p : p.childForFieldName("name") ?? p.namedChildren.find((c) => c.type === "identifier");
    return id ? model.text(id) : "";
  });
  if (params.includes("request") || (params.includes("event") && params.includes("context"))) return true;
  const framework = webFile(model);
  return !!framework && routesOf(model, fn, fnScope!.parent ?? model.module, framework).length > 0;
}

function returnsOf(fn: Node): Node[] {
  const out: Node[] = [];
  const body = fn.childForFieldName("body");
  const todo: Node[] = body ? [...body.namedChildren] : [];
  while (todo.length) {
    const n = todo.pop()!;
    if (n.type === "function_definition" || n.type === "class_definition" || n.type === "lambda") continue;
    if (n.type === "return_statement") out.push(n);
    else for (let i = n.namedChildCount - 1; i >= 0; i--) todo.push(n.namedChild(i)!);
  }
  return out;
}

function htmlBuilt({ model, taintSources }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  const taint = taintIndex(model, taintSources);
  const report = (node: Node, scope: Scope, b: BuiltString, what: string, call?: CallSite, callee?: string) => {
    const source = taint.taintOf(b.at, scope) ?? b.unsafe.map((v) => taint.taintOf(v, scope)).find((t) => t) ?? null;
    // without request data in sight, only a request handler's own HTML (values from its database):
    // a library helper's parameters are its caller's, most often configuration
    if (!source && !handler(model, scope)) return;
    const values = describe(model, b);
    hits.push({
      node,
      call,
      callee,
      confidence: source ? "high" : "medium",
      source: source?.description,
      message: `${what} HTML built with ${values} put in unescaped: markup or script in ${b.unsafe.length > 1 ? "these values" : "the value"} runs in the reader's browser (XSS).`,
    });
  };
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const last = model.importedLastNames.get(call.lastName) ?? call.lastName;
    if (!LASTS.has(call.lastName) && !LASTS.has(last)) continue;
    const callee = model.calleeNames(call).find((q) => SINKS[q] !== undefined);
    if (!callee) continue;
    const sink = SINKS[callee];
    const arg = argument(model, call, sink.position, sink.keywords[0]) ?? keywordValue(model, call, sink.keywords);
    if (!arg) continue;
    if (sink.needsHtmlType) {
      const type = constantString(model, argument(model, call, undefined, sink.needsHtmlType), call.scope);
      if (!type || !/html/i.test(type)) continue;
    }
    if (sink.typeKeywords) {
      const typeNode = keywordValue(model, call, sink.typeKeywords);
      const type = typeNode ? constantString(model, typeNode, call.scope) : null;
      if (typeNode && (type === null || !/html/i.test(type))) continue;
    }
    const b = builtString(model, arg, call.scope);
    if (!b || !b.unsafe.length) continue;
    if (!sink.template && !HTML_TAG.test(b.text)) continue;
    const short = callee.replace(/\(\)/g, "").split(".").slice(-1)[0];
    report(call.node, call.scope, b, sink.template ? `\`${short}\` gets a template source:` : `\`${short}\` sends`, call, callee);
  }
  // strings returned from an HTML route
  const framework = webFile(model);
  if (framework) {
    for (const { node: fn, scope } of model.functions) {
      const outer = scope.parent ?? model.module;
      if (!decoratorsOf(fn).length || !htmlRoute(model, fn, outer, framework)) continue;
      for (const ret of returnsOf(fn)) {
        if (!model.inFocus(ret.startIndex)) continue;
        let value = ret.namedChild(0);
        // `return html, 200`
        if (value?.type === "expression_list" || value?.type === "tuple") value = value.namedChild(0);
        if (!value) continue;
        const at = scopeAt(model, value.startIndex);
        if (!functionScope(at)) continue;
        const b = builtString(model, value, at);
        if (!b || !b.unsafe.length || !HTML_TAG.test(b.text)) continue;
        report(ret, at, b, "The route returns");
      }
    }
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: htmlBuilt,
});
