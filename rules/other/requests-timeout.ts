/** requests calls without a timeout (and `timeout=None` on requests/httpx); the fix in the rule file adds one. */
import type { FileModel, CallSite } from "../../src/core/scope.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { keywordArgument, hasKwargsSplat } from "../../src/core/args.js";
import { httpCalls } from "../../src/core/lib/http.js";

/** A session with an adapter that sets its own timeout: `s.mount("https://", TimeoutHTTPAdapter(timeout=5))`. */
function sessionHasTimeoutAdapter(model: FileModel, call: CallSite): boolean {
  if (call.fnType !== "attribute") return false;
  const objText = model.text(call.fn.childForFieldName("object")!);
  return model.calls.some(
    (c) => c.lastName === "mount" && c.fnType === "attribute" && model.text(c.fn.childForFieldName("object")!) === objText && !!c.args && /timeout/i.test(model.text(c.args)),
  );
}

function requestsTimeout({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  for (const h of httpCalls(model)) {
    if (h.library === "urllib") continue;
    const kw = keywordArgument(model, h.call, "timeout");
    if (kw) {
      if (kw.childForFieldName("value")?.type !== "none") continue;
      hits.push({
        node: h.call.node,
        call: h.call,
        callee: h.callee,
        severity: "low",
        message: `\`timeout=None\` lets \`${h.callee}\` wait forever on a server that stops answering.`,
      });
      continue;
    }
    // httpx applies a 5 s default; requests has none
    if (h.library !== "requests" || hasKwargsSplat(h.call)) continue;
    if (h.kind === "session" && sessionHasTimeoutAdapter(model, h.call)) continue;
    hits.push({ node: h.call.node, call: h.call, callee: h.callee });
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: requestsTimeout,
});
