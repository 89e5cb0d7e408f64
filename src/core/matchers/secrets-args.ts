/** Call-site lookup for the secrets matchers; argument lookup lives in ../args.ts (no import cycle there). */
import type { Node } from "../python.js";
import type { CallSite, FileModel } from "../scope.js";

export { argument as argumentAt, keywordArgument as keywordNode, hasKwargsSplat as hasDoubleStar } from "../args.js";

const callIndex = new WeakMap<FileModel, Map<number, CallSite>>();

/** The call site of a `call` node (indexed once per file). */
export function callSiteOf(model: FileModel, node: Node): CallSite | undefined {
  let index = callIndex.get(model);
  if (!index) {
    index = new Map(model.calls.map((c) => [c.node.id, c]));
    callIndex.set(model, index);
  }
  return index.get(node.id);
}
