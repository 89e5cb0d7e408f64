/**
 * Sign-in and token endpoints of Django, Django REST framework and aiohttp with no rate limit in
 * sight (CWE-307): Django's auth URLs and login/reset views mounted in a URLconf, DRF views that
 * authenticate or issue tokens without `throttle_classes`, and aiohttp login routes. Flask and
 * FastAPI routes are `rate-limit-auth-route`'s.
 */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import type { Node } from "../../src/core/python.js";
import type { FileModel } from "../../src/core/scope.js";
import type { Hit } from "../../src/core/types.js";
import { argument, callSiteOf } from "../../src/core/args.js";
import { importsModule } from "../../src/core/lib/imports.js";
import { constantString } from "../../src/core/lib/words.js";

/** Modules whose presence in the file says a limit or lockout is applied there. */
const LIMITERS = ["django_ratelimit", "ratelimit", "axes", "defender", "aiohttp_ratelimiter", "aiolimiter", "aiohttp_limiter", "brake"];

/** Django / DRF views that take passwords or issue tokens. */
const AUTH_VIEWS = [
  "django.contrib.auth.views.LoginView",
  "django.contrib.auth.views.PasswordResetView",
  "django.contrib.auth.views.PasswordResetConfirmView",
  "django.contrib.auth.views.PasswordChangeView",
  "rest_framework.authtoken.views.ObtainAuthToken",
  "rest_framework_simplejwt.views.TokenObtainPairView",
  "rest_framework_simplejwt.views.TokenObtainSlidingView",
  "rest_framework_simplejwt.views.TokenRefreshView",
];
const AUTH_FUNCTIONS = new Set(["rest_framework.authtoken.views.obtain_auth_token", "django.contrib.auth.views.login"]);
const DRF_BASES = /(?:^|\.)(?:APIView|GenericAPIView|CreateAPIView|ViewSet|GenericViewSet|ModelViewSet|ObtainAuthToken|TokenObtainPairView|TokenViewBase)$/;
const AUTH_NAME = /login|log_in|signin|sign_in|logon|token|password|passwd|reset|otp|verify|mfa|2fa|totp|authenticat/i;
const AIOHTTP_ADD = new Set(["add_post", "add_put", "add_patch", "add_route"]);

function wrappedByLimiter(model: FileModel, n: Node): boolean {
  // ratelimit(key="ip", rate="5/m")(LoginView.as_view()): the view is the argument of a call whose callee is a call
  for (let p = n.parent; p && p.type !== "module" && p.type !== "expression_statement"; p = p.parent) {
    if (p.type === "call") {
      const fn = p.childForFieldName("function");
      if (fn?.type === "call" && /limit|throttle|axes/i.test(model.text(fn.childForFieldName("function") ?? fn))) return true;
    }
  }
  return false;
}

const URL_CALLS = new Set(["path", "re_path", "url"]);
const AUTH_MODULES = /^(?:django\.contrib\.auth\.views|rest_framework\.authtoken\.views|rest_framework_simplejwt\.views)\./;

/** Whether `n` is (inside) the view argument of a `path(...)` / `re_path(...)` / `url(...)` call. */
function inUrlPattern(model: FileModel, n: Node): boolean {
  for (let p = n.parent; p && p.type !== "module"; p = p.parent) {
    if (p.type === "call") {
      const fn = p.childForFieldName("function");
      const last = fn ? model.text(fn).split(".").pop()! : "";
      if (URL_CALLS.has(last)) return true;
    }
    if (p.type.endsWith("statement") || p.type === "function_definition") return false;
  }
  return false;
}

const authOnlyCache = new WeakMap<FileModel, boolean>();

/**
 * A URLconf whose every view is an authentication view (Django's own `django/contrib/auth/urls.py`,
 * DRF's `rest_framework/urls.py`): the library that ships the views, not a project mounting them;
 * a project is reported where it mounts the library (`include("django.contrib.auth.urls")`).
 */
function authOnlyUrlconf(model: FileModel): boolean {
  const known = authOnlyCache.get(model);
  if (known !== undefined) return known;
  let views = 0;
  let auth = 0;
  for (const call of model.calls) {
    if (!URL_CALLS.has(call.lastName)) continue;
    const v = argument(model, call, 1, "view");
    if (!v) continue;
    views++;
    const target = v.type === "call" ? v.childForFieldName("function")?.childForFieldName("object") ?? null : v;
    if (target && (target.type === "identifier" || target.type === "attribute") && model.resolve(target, call.scope).some((r) => AUTH_MODULES.test(r))) auth++;
  }
  const out = views > 0 && views === auth;
  authOnlyCache.set(model, out);
  return out;
}

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model }) => {
    const hits: Hit<undefined>[] = [];
    // a limiter imported here may guard the aiohttp routes (Django's are checked where they are mounted)
    const limited = importsModule(model, LIMITERS);
    for (const call of model.calls) {
      if (!model.inFocus(call.start)) continue;
      const last = call.lastName;
      if (last === "include") {
        if (!model.calleeNames(call).includes("django.urls.include")) continue;
        const a = argument(model, call, 0);
        if (a && constantString(model, a) === "django.contrib.auth.urls") {
          hits.push({ node: call.node, call, callee: "include", message: "Django's auth URLs (`django.contrib.auth.urls`: login, password reset) are mounted with no rate limit or lockout: anyone can guess passwords without end." });
        }
        continue;
      }
      if (last === "as_view") {
        if (!inUrlPattern(model, call.node) || authOnlyUrlconf(model)) continue;
        const names = model.calleeNames(call);
        const view = AUTH_VIEWS.find((v) => names.includes(`${v}.as_view`));
        if (!view || wrappedByLimiter(model, call.node)) continue;
        const kws = call.args?.namedChildren.filter((c) => c.type === "keyword_argument").map((c) => model.text(c.childForFieldName("name")!)) ?? [];
        if (kws.includes("throttle_classes")) continue;
        hits.push({ node: call.node, call, callee: view, message: `\`${view.slice(view.lastIndexOf(".") + 1)}\` is mounted with no rate limit or lockout: unlimited attempts let anyone guess passwords.` });
        continue;
      }
      if (AIOHTTP_ADD.has(last) || last === "post") {
        const names = model.calleeNames(call);
        const aio = names.some((n) => /^aiohttp\.web\.(?:post|route|put)$/.test(n)) || (AIOHTTP_ADD.has(last) && /\.router\.add_\w+$/.test(model.text(call.fn)) && importsModule(model, ["aiohttp"]));
        if (!aio || limited) continue;
        const pathArg = argument(model, call, last === "add_route" || last === "route" ? 1 : 0);
        const path = pathArg ? constantString(model, pathArg) : null;
        if (!path || !AUTH_NAME.test(path.replace(/\{[^}]*\}/g, ""))) continue;
        hits.push({ node: call.node, call, message: `The aiohttp route \`${path}\` handles authentication with no rate limit: unlimited attempts let anyone guess passwords or codes.` });
      }
    }
    // path("api-token-auth/", obtain_auth_token)
    for (const call of model.calls) {
      if (call.lastName !== "path" && call.lastName !== "re_path" && call.lastName !== "url") continue;
      if (!model.inFocus(call.start)) continue;
      const v = argument(model, call, 1, "view");
      if (!v || (v.type !== "identifier" && v.type !== "attribute")) continue;
      if (authOnlyUrlconf(model)) continue;
      const resolved = model.resolve(v, call.scope);
      if (resolved.some((r) => AUTH_FUNCTIONS.has(r))) hits.push({ node: v, message: "A token or login view is mounted with no rate limit or lockout: unlimited attempts let anyone guess passwords." });
    }
    // DRF: class LoginView(APIView) whose methods authenticate, with no throttle_classes
    // a base resolves to rest_framework only through an import that names it
    for (const { node: cls } of model.source.includes("rest_framework") ? model.classes : []) {
      if (!model.inFocus(cls.startIndex)) continue;
      const name = cls.childForFieldName("name");
      const supers = cls.childForFieldName("superclasses");
      const body = cls.childForFieldName("body");
      if (!name || !supers || !body) continue;
      const bases = supers.namedChildren.filter((b) => b.type === "identifier" || b.type === "attribute");
      const scope = model.module;
      const drf = bases.some((b) => model.resolve(b, scope).some((r) => r.startsWith("rest_framework") && DRF_BASES.test(r)));
      if (!drf) continue;
      const text = model.text(body);
      if (/\bthrottle_classes\b|\bthrottle_scope\b|ratelimit/.test(text)) continue;
      const authenticates = /\bauthenticate\s*\(|\bcheck_password\s*\(/.test(text);
      const tokenView = bases.some((b) => model.resolve(b, scope).some((r) => /ObtainAuthToken|TokenObtain|TokenViewBase/.test(r)));
      if (!authenticates && !(tokenView && AUTH_NAME.test(model.text(name)))) continue;
      hits.push({ node: name, message: `\`${model.text(name)}\` checks passwords with no \`throttle_classes\`: unlimited attempts let anyone guess passwords (unless \`DEFAULT_THROTTLE_CLASSES\` covers it).` });
    }
    return hits;
  },
});
