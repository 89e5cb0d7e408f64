/** HTTP requests to a plain `http://` URL on a public host; the fix switches the literal to https. */
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { httpToHttpsFix, plainHttpCalls, plainHttpConnections, type PlainHttpData } from "../../src/core/lib/http.js";

type Data = PlainHttpData | { connection: string };

const requestsHttp = ({ model }: MatchContext<unknown>): Hit<Data>[] => [
  ...plainHttpCalls(model)
    .filter((p) => !p.credential)
    .map((p) => ({
      node: p.http.call.node,
      call: p.http.call,
      callee: p.http.callee,
      ...(p.origin ? { origin: p.origin } : {}),
      ...(p.http.unresolved ? { confidence: "medium" as const } : {}),
      message:
        p.url.scheme === "ftp"
          ? `\`${p.http.callee}\` fetches this file from \`${p.url.host}\` over plain FTP: anyone on the path can read and change it.`
          : `\`${p.http.callee}\` sends this request to \`${p.url.host}\` over plain HTTP: anyone on the path can read and change it.`,
      data: { literal: p.literal, port: p.url.port, inScope: p.origin !== undefined, scheme: p.url.scheme },
    })),
  ...plainHttpConnections(model).map((c) => ({
    node: c.call.node,
    call: c.call,
    callee: c.callee,
    message: `\`${c.callee}\` talks plain HTTP to \`${c.host}\`: anyone on the path can read and change the traffic.`,
    data: { connection: c.callee },
  })),
];

export default defineRule<Record<string, never>, Data>({
  options: NO_OPTIONS,
  match: requestsHttp,
  fix: (ctx) => {
    const data = ctx.data;
    if (data && "connection" in data) {
      const https = data.connection.replace(/HTTPConnection/, "HTTPSConnection");
      return { decline: `use \`${https}\` (and the HTTPS port) for this host`, example: `conn = ${https}(host, context=ssl.create_default_context())`, byDesign: true };
    }
    return httpToHttpsFix({ ...ctx, data });
  },
});
