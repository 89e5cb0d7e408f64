import type { Edit, FixSafety } from "../finding.js";
import type { FileModel } from "../scope.js";
import type { RawMatch } from "../match.js";

export interface FixContext {
  model: FileModel;
  match: RawMatch;
  /** parameters from the rule's fix spec */
  rule: RawMatch["rule"];
}

export interface FixProposal {
  edits: Edit[];
  /** a builder may lower the tier the rule declares (never raise it) */
  safety?: FixSafety;
  caveat?: string;
  /** import statements the fix needs that the file lacks, e.g. "import ast" */
  imports?: string[];
  /** the import may go just above the statement (inside a function, say) when nothing better exists */
  localImportOk?: boolean;
}

/** No one-click fix for this finding: why, and the secure pattern to show instead. */
export interface FixDecline {
  decline: string;
  example?: string;
  /** true when this code shape simply has no one-click fix (not a failure): not counted as withheld */
  byDesign?: boolean;
}

export type FixBuilder = (ctx: FixContext) => FixProposal | FixDecline;

export function isDecline(x: FixProposal | FixDecline): x is FixDecline {
  return (x as FixDecline).decline !== undefined;
}
