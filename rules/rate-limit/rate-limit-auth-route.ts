/** Sign-in, token, reset and one-time-code routes with no rate limit (CWE-307); the fix reuses the app's limiter. */
import type { Node } from "../../src/core/python.js";
import type { FileModel } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { importsModule } from "../../src/core/lib/imports.js";
import { decoratorsOf, decoratorExpression, routesOf, webFile } from "../../src/core/lib/routes.js";
import { eolOf, lineIndent } from "../../src/core/lib/edits.js";

/** The route to limit and the app's limiter, if it has one. */
interface LimitData {
  limiter?: string;
  kind?: "flask" | "slowapi";
  fn: Node;
  decorator: Node;
}


const LIMITER_MODULES = [
  "flask_limiter", "slowapi", "fastapi_limiter", "ratelimit", "ratelimiter", "limits", "django_ratelimit",
  "flask_ratelimit", "flask_rate_limiter", "fastapi_limiter",
];
const LIMITER_CLASSES: Record<string, "flask" | "slowapi"> = {
  "flask_limiter.Limiter": "flask",
  "flask_limiter.extension.Limiter": "flask",
  "slowapi.Limiter": "slowapi",
  "slowapi.extension.Limiter": "slowapi",
};

const AUTH_WORDS = new Set([
  "login", "signin", "logon", "authenticate", "token", "password", "passwd", "forgot", "otp", "verify",
  "2fa", "mfa", "totp", "twofactor", "passcode",
]);
const AUTH_PAIRS: [string, string][] = [["sign", "in"], ["log", "in"], ["log", "on"], ["two", "factor"], ["one", "time"]];
const WRITES = new Set(["POST", "PUT", "PATCH"]);

function words(text: string): string[] {
  return text
    .replace(/<[^>]*>|\{[^}]*\}/g, " ") // path parameters are values, not words (`/reset/<token>`)
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The first word sequence that names an authentication step, or null. */
function authWord(text: string): string | null {
  const w = words(text);
  for (let i = 0; i < w.length; i++) {
    if (AUTH_WORDS.has(w[i])) return w[i];
    const p = AUTH_PAIRS.find(([a, b]) => w[i] === a && w[i + 1] === b);
    if (p) return `${p[0]} ${p[1]}`;
  }
  return null;
}

function limitsDecorator(model: FileModel, d: Node): boolean {
  const e = decoratorExpression(d);
  if (!e) return false;
  const callee = e.type === "call" ? e.childForFieldName("function") : e;
  return !!callee && /limit|throttle|exempt/i.test(model.text(callee));
}

interface LimiterInstance {
  name: string;
  kind: "flask" | "slowapi";
  /** default_limits / application_limits given: every route is limited already */
  global: boolean;
}

function limiterInstances(model: FileModel): LimiterInstance[] {
  const out: LimiterInstance[] = [];
  for (const site of model.assignments) {
    const { node, scope } = site;
    if (scope !== model.module) continue;
    const left = site.left;
    const right = site.right;
    if (left?.type !== "identifier" || right?.type !== "call") continue;
    const fn = right.childForFieldName("function")!;
    const kind = model.resolve(fn, scope).map((q) => LIMITER_CLASSES[q]).find(Boolean);
    if (!kind) continue;
    const args = right.childForFieldName("arguments");
    const global = !!args?.namedChildren.some((a) => {
      if (a.type === "dictionary_splat") return true;
      if (a.type !== "keyword_argument") return false;
      const k = model.text(a.childForFieldName("name")!);
      const v = a.childForFieldName("value")!;
      return (k === "default_limits" || k === "application_limits") && !(v.type === "list" && v.namedChildCount === 0);
    });
    out.push({ name: model.text(left), kind, global });
  }
  return out;
}

function authRouteRateLimit({ model }: MatchContext<unknown>): Hit<LimitData>[] {
  const framework = webFile(model);
  if (!framework) return [];
  const decorated = model.functions.filter((f) => f.node.parent?.type === "decorated_definition");
  if (!decorated.length) return [];
  const instances = limiterInstances(model);
  if (instances.some((i) => i.global)) return [];
  const limiterInFile = importsModule(model, LIMITER_MODULES) ||
    model.imports.some((i) => /limit/i.test(i.local)) ||
    decorated.some((f) => decoratorsOf(f.node).some((d) => limitsDecorator(model, d)));
  if (limiterInFile && !instances.length) return []; // configured elsewhere: its defaults may cover this route

  const hits: Hit<LimitData>[] = [];
  for (const f of decorated) {
    const decorators = decoratorsOf(f.node);
    if (decorators.some((d) => limitsDecorator(model, d))) continue;
    const outer = f.scope.parent ?? model.module;
    const fnName = model.text(f.node.childForFieldName("name")!);
    for (const route of routesOf(model, f.node, outer, framework)) {
      if (!route.methods.some((m) => WRITES.has(m))) continue;
      const word = (route.path !== null ? authWord(route.path) : null) ?? authWord(fnName);
      if (!word) continue;
      const method = route.methods.find((m) => WRITES.has(m))!;
      const shown = route.path !== null ? `\`${method} ${route.path}\`` : `\`${fnName}\``;
      const limiter = instances[0];
      hits.push({
        node: route.decorator,
        message: limiter
          ? `${shown} (${word}) is not covered by \`${limiter.name}\`: unlimited attempts let anyone guess passwords or codes.`
          : `${shown} (${word}) has no rate limit in this app: unlimited attempts let anyone guess passwords or codes.`,
        data: { limiter: limiter?.name, kind: limiter?.kind, fn: f.node, decorator: route.decorator },
      });
      break;
    }
  }
  return hits;
}

/** Add `@limiter.limit("5 per minute")` right below the route decorator. */
function rateLimitDecorator({ model, data }: FixContext<unknown, LimitData>): FixProposal | FixDecline {
  const limiter = data?.limiter;
  const kind = data?.kind;
  const decorator = data?.decorator;
  const fn = data?.fn;
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
}

export default defineRule({
  options: NO_OPTIONS,
  match: authRouteRateLimit,
  fix: rateLimitDecorator,
});
