/** Matchers that only fire when an untrusted value reaches the call (see src/core/taint.ts). */
import type { Matcher } from "./types.js";
import { taintIndex } from "../taint.js";

/**
 * `tainted-call`: options `calls` (resolved callee names), and optionally `position` / `keyword`
 * of the argument that must carry request data, input() or sys.argv.
 */
const taintedCall: Matcher = ({ model, options }) => {
  const calls = new Set((options.calls as string[] | undefined) ?? []);
  const lasts = new Set([...calls].map((c) => c.replace(/\(\)/g, "").split(".").pop()!));
  const position = options.position as number | undefined;
  const keyword = options.keyword as string | undefined;
  const hits = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const last = model.importedLastNames.get(call.lastName) ?? call.lastName;
    if (!lasts.has(call.lastName) && !lasts.has(last)) continue;
    const callee = model.calleeNames(call).find((q) => calls.has(q));
    if (!callee) continue;
    const source = taintIndex(model).callTaint(call, position, keyword);
    if (source) hits.push({ node: call.node, call, callee, source: source.description, confidence: "high" as const });
  }
  return hits;
};

export const MATCHERS: Record<string, Matcher> = { "tainted-call": taintedCall };
