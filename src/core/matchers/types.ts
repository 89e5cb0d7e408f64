import type { Node } from "../python.js";
import type { FileModel, CallSite } from "../scope.js";
import type { Rule } from "../rules/load.js";
import type { Confidence, Severity } from "../finding.js";

export interface MatcherContext {
  model: FileModel;
  rule: Rule;
  options: Record<string, unknown>;
}

export interface MatcherHit {
  node: Node;
  call?: CallSite;
  callee?: string;
  severity?: Severity;
  confidence?: Confidence;
  message?: string;
  source?: string;
  data?: Record<string, unknown>;
}

/** A named TypeScript matcher: the escape hatch for what rule data cannot say. */
export type Matcher = (ctx: MatcherContext) => MatcherHit[];
