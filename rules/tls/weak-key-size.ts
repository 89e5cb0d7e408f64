/** RSA/DSA keys under 2048 bits and elliptic curves under 224 bits; the fix raises the size or names P-256. */
import type { Node } from "../../src/core/python.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { weakKeys } from "../../src/core/lib/crypto.js";

/** The key's algorithm and the argument holding its size or curve. */
interface KeyData {
  algorithm: "RSA" | "DSA" | "EC";
  arg: Node;
}


const weakKeySize = ({ model }: MatchContext<unknown>): Hit<KeyData>[] =>
  weakKeys(model).map((k) => ({
    node: k.call.node,
    call: k.call,
    callee: k.callee,
    severity: k.severity,
    message:
      k.algorithm === "EC"
        ? `A ${k.bits}-bit elliptic curve is too small: use at least a 224-bit curve (SECP256R1 / P-256).`
        : `A ${k.bits}-bit ${k.algorithm} key is too small: use at least 2048 bits.`,
    data: { algorithm: k.algorithm, arg: k.arg },
  }));


/** A weak RSA/DSA size literal → 2048; a weak curve → SECP256R1 / P-256. */
function strongerKey({ model, match, data }: FixContext<unknown, KeyData>): FixProposal | FixDecline {
  const arg = data?.arg;
  const call = match.call;
  if (!arg || !call) return { decline: "no key size argument" };
  if (data?.algorithm !== "EC") {
    if (arg.type !== "integer") return { decline: "the size comes from a name: raise it where it is defined" };
    return { edits: [{ start: arg.startIndex, end: arg.endIndex, text: "2048" }] };
  }
  if (arg.type === "string") {
    const first = arg.firstChild!;
    const last = arg.lastChild!;
    if (arg.namedChildren.some((c) => c.type === "interpolation")) return { decline: "the curve name is built at run time" };
    return { edits: [{ start: first.endIndex, end: last.startIndex, text: "P-256" }] };
  }
  const target = arg.type === "call" ? arg.childForFieldName("function")! : arg;
  if (target.type === "attribute") {
    const attr = target.childForFieldName("attribute")!;
    return { edits: [{ start: attr.startIndex, end: attr.endIndex, text: "SECP256R1" }] };
  }
  if (target.type === "identifier") {
    const local = model.importedAs("cryptography.hazmat.primitives.asymmetric.ec.SECP256R1", call.scope, call.node.startIndex);
    if (local) return { edits: [{ start: target.startIndex, end: target.endIndex, text: local }] };
    return { decline: "`SECP256R1` is not imported here" };
  }
  return { decline: "the curve is not named directly in the call" };
}

export default defineRule({
  options: NO_OPTIONS,
  match: weakKeySize,
  fix: strongerKey,
});
