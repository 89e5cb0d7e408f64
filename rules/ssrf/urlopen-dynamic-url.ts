/** urllib opening a URL whose scheme is not fixed (file:// and custom handlers included). */
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument } from "../../src/core/args.js";
import { calleeNames, importedLastName, leadingLiteral, requestObjectIsSent } from "../../src/core/lib/http.js";

const URLOPEN_CALLEES = new Set([
  "urllib.request.urlopen", "urllib.request.Request", "urllib.request.urlretrieve", "urllib.request.URLopener",
  "urllib.request.FancyURLopener", "urllib.urlopen", "urllib.urlretrieve", "urllib.URLopener", "urllib.FancyURLopener",
  "urllib2.urlopen", "urllib2.Request", "six.moves.urllib.request.urlopen", "six.moves.urllib.request.Request",
  "six.moves.urllib.request.urlretrieve",
]);
const URLOPEN_LAST = new Set([...URLOPEN_CALLEES].map((q) => q.slice(q.lastIndexOf(".") + 1)));
const REQUEST_OBJECTS = new Set(["urllib.request.Request()", "urllib2.Request()", "six.moves.urllib.request.Request()"]);
/** Code that checks the scheme before opening: `urlparse(u).scheme in (...)`, `u.startswith(("http://", ...))`. */
const SCHEME_CHECK = /\.scheme\b|startswith\(\s*\(?\s*[rbuRBU]?["']https?[:"']/;

function urlopenDynamicUrl({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  if (!/urlopen|Request|urlretrieve|URLopener/.test(model.source)) return hits;
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    if (!URLOPEN_LAST.has(importedLastName(model, call))) continue;
    const callee = calleeNames(model, call).find((q) => URLOPEN_CALLEES.has(q));
    if (!callee) continue;
    if (callee.endsWith(".Request") && !requestObjectIsSent(model, call)) continue;
    if (callee.endsWith("URLopener")) {
      // the legacy openers take proxies, not a URL: every `.open(url)` on them accepts any scheme
      hits.push({ node: call.node, call, callee, message: `\`${callee}\` (deprecated) opens any scheme it is given, \`file://\` included: use \`urlopen\` after checking the scheme is http or https.` });
      continue;
    }
    const url = argument(model, call, 0, "url") ?? argument(model, call, undefined, "fullurl");
    if (!url) continue;
    const v = model.classify(url, call.scope);
    if (v.kind === "constant" || v.kind === "literal") continue;
    // a scheme written in the literal (`f"https://{host}/x"`) is fixed: no file:// or custom handler
    const lit = leadingLiteral(model, url, call.scope, call.node);
    if (lit && /^[a-z][a-z0-9+.-]*:/i.test(lit.text)) continue;
    // a Request object is reported where it is built
    if (model.resolve(url, call.scope).some((q) => REQUEST_OBJECTS.has(q))) continue;
    const scopeStart = call.scope.node ? call.scope.node.startIndex : 0;
    if (SCHEME_CHECK.test(model.source.slice(scopeStart, call.node.startIndex))) continue;
    hits.push({
      node: call.node,
      call,
      callee,
      ...(callee.endsWith(".Request") ? { message: `The \`${callee}\` built here is opened with whatever scheme the URL names, \`file://\` included: check that it is http or https first.` } : {}),
    });
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: urlopenDynamicUrl,
});
