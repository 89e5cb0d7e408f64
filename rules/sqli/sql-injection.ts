/** SQL built from values reaching execute, sqlalchemy.text, raw or pandas.read_sql; the fix moves the values into parameters. */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { sqlBuiltHits, sqlParametersFix, type SqlSink } from "../../src/core/lib/sql.js";
import { withoutSecrets } from "../../src/core/lib/secrets.js";

const SINKS = new Set<SqlSink>(["execute", "text", "raw", "read_sql"]);

export default defineRule({
  options: NO_OPTIONS,
  match: ({ model, rule }) => sqlBuiltHits(model, rule.message, SINKS),
  fix: withoutSecrets(sqlParametersFix),
});
