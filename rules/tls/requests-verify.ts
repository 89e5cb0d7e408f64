/** `verify=False` on requests/httpx/boto3 calls and sessions; the fix removes it. */
import type { Node } from "../../src/core/python.js";
import type { FileModel, CallSite } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument, hasKwargsSplat } from "../../src/core/args.js";
import { calleeNames, httpCalls, importedLastName, importsModule, HTTP_VERBS } from "../../src/core/lib/http.js";
import { deleteStatement, removeArgument, withoutTrailingBlank } from "../../src/core/lib/edits.js";

/** Whether the match is a call's `verify=False` or a session's `verify = False` assignment. */
interface VerifyData {
  form: "call" | "assignment";
}

function isFalse(n: Node | null): boolean {
  return !!n && n.type === "false";
}

const VERIFY_EXTRA_CALLEES = new Set([
  "boto3.client", "boto3.resource", "boto3.Session().client", "boto3.Session().resource",
  "boto3.session.Session().client", "boto3.session.Session().resource",
]);
const METHOD_NAMES = new Set<string>([...HTTP_VERBS, "request", "send", "stream"]);
const SESSION_TYPES = new Set(["requests.Session()", "requests.session()", "requests.sessions.Session()", "requests.sessions.session()"]);

function requestsVerify({ model }: MatchContext<unknown>): Hit<VerifyData>[] {
  const hits: Hit<VerifyData>[] = [];
  if (!model.source.includes("verify")) return hits;
  const known = new Set<CallSite>();
  for (const h of httpCalls(model)) {
    known.add(h.call);
    if (h.library === "urllib") continue;
    const kw = argument(model, h.call, undefined, "verify");
    if (isFalse(kw)) hits.push({ node: h.call.node, call: h.call, callee: h.callee, data: { form: "call" } });
  }
  const httpFile = importsModule(model, "requests") || importsModule(model, "httpx");
  const botoFile = importsModule(model, "boto3");
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const last = importedLastName(model, call);
    if (!(httpFile && METHOD_NAMES.has(last)) && !(botoFile && (last === "client" || last === "resource"))) continue;
    if (known.has(call) || !call.args) continue;
    if (!isFalse(argument(model, call, undefined, "verify"))) continue;
    const names = calleeNames(model, call);
    const boto = names.find((n) => VERIFY_EXTRA_CALLEES.has(n));
    if (boto) {
      hits.push({ node: call.node, call, callee: boto, data: { form: "call" } });
    } else if (httpFile && METHOD_NAMES.has(last)) {
      // `self.session.get(url, verify=False)`: the session is not resolvable, the keyword is unambiguous
      hits.push({ node: call.node, call, callee: model.text(call.fn), confidence: "medium", data: { form: "call" } });
    }
  }
  if (importsModule(model, "requests")) {
    for (const { node, scope } of model.assignments) {
      const left = node.childForFieldName("left");
      const right = node.childForFieldName("right");
      if (left?.type !== "attribute" || !isFalse(right)) continue;
      if (model.text(left.childForFieldName("attribute")!) !== "verify") continue;
      const obj = left.childForFieldName("object")!;
      const resolved = model.resolve(obj, scope).some((q) => SESSION_TYPES.has(q));
      if (!resolved && !/sess/i.test(model.text(obj))) continue;
      hits.push({
        node,
        callee: "requests.Session.verify",
        confidence: resolved ? "high" : "medium",
        message: `\`${model.text(left)} = False\` turns off certificate verification for every request of the session: anyone on the network path can read and change the traffic.`,
        data: { form: "assignment" },
      });
    }
  }
  return hits;
}

/** verify=False → (argument removed); `session.verify = False` → (line removed). */
function removeVerifyFalse({ model, match, data }: FixContext<unknown, VerifyData>): FixProposal | FixDecline {
  if (data?.form === "assignment") {
    const edit = deleteStatement(model, match.node);
    return "decline" in edit ? edit : { edits: [edit] };
  }
  const call = match.call;
  const kw = call ? keywordArgument(model, call, "verify") : null;
  if (!kw) return { decline: "no `verify=` keyword on this call" };
  return { edits: [withoutTrailingBlank(model, removeArgument(model, kw))] };
}

export default defineRule({
  options: NO_OPTIONS,
  match: requestsVerify,
  fix: removeVerifyFalse,
});
