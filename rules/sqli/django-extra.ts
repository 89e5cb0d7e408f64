/** SQL built from values passed to Django's `extra`. */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { sqlBuiltHits, type SqlSink } from "../../src/core/lib/sql.js";

const SINKS = new Set<SqlSink>(["extra"]);

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model, rule }) => sqlBuiltHits(model, rule.message, SINKS),
});
