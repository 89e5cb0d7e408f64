/** Credentials sent in a URL's query string; the fix moves an OAuth access token into the Authorization header. */
import type { Node } from "../../src/core/python.js";
import type { FileModel, CallSite } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument, hasKwargsSplat } from "../../src/core/args.js";
import { boundValue, httpCalls, leadingLiteral, mappingEntries, requestObjectIsSent, urlArgument } from "../../src/core/lib/http.js";

/** Where the credential travels (`params=` or the URL itself) and its name. */
interface KeyInUrlData {
  where: "params" | "url";
  name: string;
}


/** Query parameter names that carry a credential; `key` and `auth` only with a value from code. */
const QUERY_SECRET = /^(api[-_]?key|apikey|access[-_]?token|auth[-_]?token|token|password|passwd|pwd|secret|client[-_]?secret|private[-_]?token|key|auth)$/i;
const AMBIGUOUS = /^(key|auth)$/i;
const URL_SECRET = /[?&](api[-_]?key|apikey|access[-_]?token|auth[-_]?token|token|password|passwd|pwd|secret|client[-_]?secret|private[-_]?token|key|auth)=/i;

function apiKeyInUrl({ model }: MatchContext<unknown>): Hit<KeyInUrlData>[] {
  const hits: Hit<KeyInUrlData>[] = [];
  for (const h of httpCalls(model)) {
    if (h.callee.endsWith(".Request") && !requestObjectIsSent(model, h.call)) continue;
    const params = h.library === "urllib" ? null : argument(model, h.call, h.kind === "function" && h.callee.endsWith(".get") ? 1 : undefined, "params");
    let found: { name: string; where: "params" | "url"; keyNode?: Node } | null = null;
    for (const e of mappingEntries(model, params, h.call.scope)) {
      if (!QUERY_SECRET.test(e.key) || !e.value || e.value.type === "none") continue;
      const v = model.classify(e.value, h.call.scope);
      if (v.kind === "constant" && !v.value) continue;
      if (AMBIGUOUS.test(e.key) && (v.kind === "constant" || v.kind === "literal")) continue;
      found = { name: e.key, where: "params", keyNode: e.keyNode };
      break;
    }
    if (!found) {
      const url = urlArgument(model, h);
      const { node: expr, scope } = url ? boundValue(model, url, h.call.scope) : { node: null, scope: h.call.scope };
      if (expr && expr.type !== "identifier") {
        const m = URL_SECRET.exec(model.text(expr));
        const constant = model.classify(expr, scope).kind === "constant";
        if (m && !(AMBIGUOUS.test(m[1]) && constant) && leadingLiteral(model, expr, scope, h.call.node) !== null) {
          found = { name: m[1], where: "url" };
        }
      }
    }
    if (!found) continue;
    hits.push({
      node: h.call.node,
      call: h.call,
      callee: h.callee,
      message: `\`${found.name}\` is sent in the URL's query string, which ends up in server access logs, proxy logs and error reports: send it in a header.`,
      data: { where: found.where, name: found.name },
    });
  }
  return hits;
}

const HEADER_EXAMPLE = `# send the key the way the API documents it, for example:
resp = requests.get(url, headers={"X-Api-Key": api_key}, timeout=30)
# or an OAuth bearer token:
resp = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)`;

/**
 * params={"access_token": t} → headers={"Authorization": f"Bearer {t}"}: RFC 6750 requires servers
 * that take OAuth bearer tokens to accept the header. Other names depend on the API: explain.
 */
function queryTokenToHeader({ model, match, data }: FixContext<unknown, KeyInUrlData>): FixProposal | FixDecline {
  const call = match.call;
  const name = data?.name ?? "the key";
  if (!call || data?.where !== "params") {
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
}

export default defineRule({
  options: NO_OPTIONS,
  match: apiKeyInUrl,
  fix: queryTokenToHeader,
});
