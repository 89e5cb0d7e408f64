/** Credentials sent to a plain `http://` URL on a public host; the fix switches the literal to https. */
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { httpToHttpsFix, plainHttpCalls, type PlainHttpData } from "../../src/core/lib/http.js";

const credentialsOverHttp = ({ model }: MatchContext<unknown>): Hit<PlainHttpData>[] =>
  plainHttpCalls(model)
    .filter((p) => p.credential)
    .map((p) => ({
      node: p.http.call.node,
      call: p.http.call,
      callee: p.http.callee,
      ...(p.origin ? { origin: p.origin } : {}),
      ...(p.http.unresolved ? { confidence: "medium" as const } : {}),
      message: `\`${p.http.callee}\` sends ${p.credential} to \`${p.url.host}\` over plain ${p.url.scheme === "ftp" ? "FTP" : "HTTP"}: anyone on the path can read and replay it.`,
      data: { literal: p.literal, port: p.url.port, userinfo: p.url.userinfo, inScope: p.origin !== undefined, scheme: p.url.scheme },
    }));

export default defineRule({
  options: NO_OPTIONS,
  match: credentialsOverHttp,
  fix: httpToHttpsFix,
});
