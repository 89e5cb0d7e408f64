/** A broken SSL/TLS protocol version passed to a call or assigned. */
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { isSslOrTlsOld, protocolUses } from "../../src/core/lib/crypto.js";

function brokenOrDeprecated(version: string): string {
  return version.startsWith("SSL") ? "broken" : "deprecated (RFC 8996)";
}

const sslInsecureVersion = ({ model }: MatchContext<unknown>): Hit<undefined>[] =>
  protocolUses(model)
    .filter((u) => u.context !== "default")
    .map((u) => ({
      node: u.node,
      callee: u.qualified,
      severity: isSslOrTlsOld(u.version),
      message: `\`${model.text(u.node)}\` selects ${u.version}, which is ${brokenOrDeprecated(u.version)}: use TLS 1.2 or newer.`,
    }));

export default defineRule({
  options: NO_OPTIONS,
  match: sslInsecureVersion,
});
