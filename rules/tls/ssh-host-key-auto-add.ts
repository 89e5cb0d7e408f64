/** SSH clients that accept unknown host keys: paramiko AutoAddPolicy/WarningPolicy, asyncssh `known_hosts=None`, pysftp `hostkeys = None`. */
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument } from "../../src/core/args.js";
import { calleeNames, importedLastName, importsModule } from "../../src/core/lib/http.js";

const AUTO_POLICIES = new Set(["AutoAddPolicy", "WarningPolicy"]);

function sshHostKeyAutoAdd({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  if (!/set_missing_host_key_policy|known_hosts|hostkeys/.test(model.source)) return hits;
  const paramikoFile = importsModule(model, "paramiko");
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const last = importedLastName(model, call);
    if (last === "set_missing_host_key_policy") {
      const arg = argument(model, call, 0, "policy");
      if (!arg) continue;
      const target = arg.type === "call" ? arg.childForFieldName("function")! : arg;
      const names = model.resolve(target, call.scope);
      const policy = names.map((q) => q.slice(q.lastIndexOf(".") + 1)).find((n) => AUTO_POLICIES.has(n));
      if (!policy) continue;
      const resolved = names.some((q) => q.startsWith("paramiko."));
      if (!resolved && !paramikoFile) continue;
      hits.push({
        node: call.node,
        call,
        callee: `paramiko.${policy}`,
        confidence: resolved ? "high" : "medium",
        message: `\`${policy}\` accepts the host key of any server it has not seen: the first connection (or any, after known_hosts is lost) can go to an impostor.`,
      });
    } else if (last === "connect" || last === "SSHClientConnectionOptions" || last === "connect_reverse") {
      const kn = keywordArgument(model, call, "known_hosts");
      if (!kn || kn.childForFieldName("value")?.type !== "none") continue;
      const callee = calleeNames(model, call).find((q) => q.startsWith("asyncssh."));
      if (!callee) continue;
      hits.push({
        node: call.node,
        call,
        callee,
        message: "`known_hosts=None` makes asyncssh accept any server host key: the connection can go to an impostor.",
      });
    }
  }
  if (importsModule(model, "pysftp")) {
    for (const { node } of model.assignments) {
      const left = node.childForFieldName("left");
      if (left?.type !== "attribute" || node.childForFieldName("right")?.type !== "none") continue;
      if (model.text(left.childForFieldName("attribute")!) !== "hostkeys") continue;
      hits.push({
        node,
        callee: "pysftp.CnOpts.hostkeys",
        message: "`cnopts.hostkeys = None` makes pysftp accept any server host key: the connection can go to an impostor.",
      });
    }
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: sshHostKeyAutoAdd,
});
