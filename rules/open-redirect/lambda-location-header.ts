/**
 * AWS Lambda behind API Gateway / a function URL: a `Location` header, in the dict the handler
 * returns, that carries the event's data (an open redirect without a redirect call).
 */
import type { Node } from "../../src/core/python.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { scopeAt } from "../../src/core/lib/imports.js";
import { taintIndex } from "../../src/core/taint.js";

function locationHeader({ model, taintSources }: MatchContext<unknown>): Hit<undefined>[] {
  if (!/["']location["']/i.test(model.source) || !/\bevent\b/.test(model.source)) return [];
  // a target checked against an allow-list, or parsed and reset, is clean
  const taint = taintIndex(model, taintSources, { threats: ["remote"], sanitizers: [], allowLists: true });
  const hits: Hit<undefined>[] = [];
  for (const n of model.parsed.tree.rootNode.descendantsOfType("pair")) {
    if (!model.inFocus(n.startIndex)) continue;
    const key = n.childForFieldName("key");
    const value = n.childForFieldName("value");
    if (!key || !value || key.type !== "string") continue;
    const scope = scopeAt(model, n.startIndex);
    const k = model.classify(key, scope);
    if (k.kind !== "constant" || k.value?.toLowerCase() !== "location") continue;
    const source = taint.taintOf(value, scope);
    if (!source || !/Lambda/i.test(source.description)) continue;
    hits.push({
      node: n as Node,
      source: source.description,
      message: "The response's `Location` header carries a value from the Lambda event: API Gateway redirects the browser to a site of the caller's choosing under your domain.",
    });
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: locationHeader,
});
