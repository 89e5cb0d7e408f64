/** A login on an SMTP/IMAP/POP3 connection that never switched to TLS (no STARTTLS on that object in that scope). */
import type { CallSite } from "../../src/core/scope.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument } from "../../src/core/args.js";
import { isLocalHost } from "../../src/core/lib/http.js";

/** Plain-text mail protocol classes, what logs in on them, and the call that upgrades them to TLS. */
const PROTOCOLS = [
  { classes: ["smtplib.SMTP", "smtplib.LMTP"], logins: ["login", "auth"], upgrade: "starttls", name: "SMTP", secure: "smtplib.SMTP_SSL" },
  { classes: ["imaplib.IMAP4"], logins: ["login", "authenticate", "login_cram_md5"], upgrade: "starttls", name: "IMAP", secure: "imaplib.IMAP4_SSL" },
  { classes: ["poplib.POP3"], logins: ["user", "pass_", "apop", "rpop"], upgrade: "stls", name: "POP3", secure: "poplib.POP3_SSL" },
];

const LOGIN_NAMES = new Set(PROTOCOLS.flatMap((p) => p.logins));

function mailLogins({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const hits: Hit<undefined>[] = [];
  if (!/smtplib|imaplib|poplib/.test(model.source)) return hits;
  for (const call of model.calls) {
    if (!model.inFocus(call.start) || call.fnType !== "attribute" || !LOGIN_NAMES.has(call.lastName)) continue;
    const names = model.calleeNames(call);
    const proto = PROTOCOLS.find((p) => p.logins.includes(call.lastName) && names.some((q) => p.classes.some((c) => q === `${c}().${call.lastName}`)));
    if (!proto) continue;
    const obj = call.fn.childForFieldName("object")!;
    const objText = model.text(obj);
    // STARTTLS on the same object in the same function upgrades the connection before (or after: we cannot order branches)
    const upgraded = model.calls.some((c: CallSite) => c.scope === call.scope && c.lastName === proto.upgrade && c.fnType === "attribute" && model.text(c.fn.childForFieldName("object")!) === objText);
    if (upgraded) continue;
    // a relay on this machine: the password never leaves it
    const ctor = constructorCall(model, obj, call);
    if (ctor) {
      const host = argument(model, ctor, 0, "host");
      const v = host ? model.classify(host, ctor.scope) : null;
      if (v?.kind === "constant" && isLocalHost(v.value!.replace(/:\d+$/, ""))) continue;
    }
    hits.push({
      node: call.node,
      call,
      callee: `${proto.classes[0]}.${call.lastName}`,
      message: `\`${objText}.${call.lastName}(...)\` sends the ${proto.name} credentials in clear text: the connection never calls \`${proto.upgrade}()\`. Call \`${proto.upgrade}()\` first, or connect with \`${proto.secure}\`.`,
    });
  }
  return hits;
}

/** The `smtplib.SMTP(...)` call an object was made by, when it is a name bound once in reach, or the call itself. */
function constructorCall(model: MatchContext<unknown>["model"], obj: CallSite["node"], call: CallSite): CallSite | null {
  let value = obj;
  if (obj.type === "identifier") {
    const found = model.lookup(model.text(obj), call.scope, obj.startIndex);
    if (!found?.binding.value) return null;
    value = found.binding.value;
  }
  if (value.type !== "call") return null;
  return model.calls.find((c) => c.node.id === value.id) ?? null;
}

export default defineRule({
  options: NO_OPTIONS,
  match: mailLogins,
});
