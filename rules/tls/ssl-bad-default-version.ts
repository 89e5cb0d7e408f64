/** A broken SSL/TLS protocol version as a parameter default. */
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { protocolUses } from "../../src/core/lib/crypto.js";

function brokenOrDeprecated(version: string): string {
  return version.startsWith("SSL") ? "broken" : "deprecated (RFC 8996)";
}

const sslBadDefaultVersion = ({ model }: MatchContext<unknown>): Hit<undefined>[] =>
  protocolUses(model)
    .filter((u) => u.context === "default")
    .map((u) => ({
      node: u.node,
      callee: u.qualified,
      message: `This parameter defaults to \`${model.text(u.node)}\` (${u.version}, ${brokenOrDeprecated(u.version)}): every caller that omits it gets an insecure connection.`,
    }));

export default defineRule({
  options: NO_OPTIONS,
  match: sslBadDefaultVersion,
});
