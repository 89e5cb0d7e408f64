/**
 * Hard-coded secret → read it from the environment (`NAME = os.environ["NAME"]`, when the file imports
 * `os`), or a password default → `None`. A suggestion holds whole lines, so it is withheld whenever
 * another secret sits on those lines: it would be repeated in the comment.
 */
import type { Node } from "../python.js";
import type { FileModel, Scope } from "../scope.js";
import type { FixBuilder, FixDecline } from "./types.js";
import type { RawMatch } from "../match.js";
import { hardcodedSecret, hardcodedToken } from "../matchers/secrets-hardcoded.js";
import { splitWords } from "../matchers/secrets-words.js";

export const ENV_EXAMPLE = `import os
API_TOKEN = os.environ["API_TOKEN"]  # set in the deployment, never in the code`;

/** The innermost scope holding string index `at`. */
export function scopeAt(model: FileModel, at: number): Scope {
  let best = model.module;
  for (const s of model.scopes) if (s.start <= at && at < s.end && s.start >= best.start) best = s;
  return best;
}

/** How the file reaches `os.environ` at this point: `os.environ`, `environ`, or null. */
export function environAccess(model: FileModel, scope: Scope, at: number): string | null {
  const direct = model.importedAs("os.environ", scope, at);
  if (direct) return direct;
  const os = model.importedAs("os", scope, at);
  return os ? `${os}.environ` : null;
}

/** Whether a hard-coded secret other than `except` is on rows first..last (0-based): a suggestion would repeat it. */
export function secretOnRows(model: FileModel, rule: RawMatch["rule"], first: number, last: number, except?: number): boolean {
  const ctx = (form?: string) => ({ model, rule, options: form ? { form } : {} });
  const hits = [
    ...hardcodedToken(ctx()),
    ...hardcodedSecret(ctx("string")),
    ...hardcodedSecret(ctx("argument")),
    ...hardcodedSecret(ctx("default")),
  ];
  return hits.some((h) => h.node.id !== except && h.node.startPosition.row <= last && h.node.endPosition.row >= first);
}

/** Row (0-based) of string index `at`. */
function rowOf(model: FileModel, at: number): number {
  const starts = model.parsed.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export const SECRET_ON_LINES = "a hard-coded secret is on the lines this suggestion replaces: it would be repeated in the comment";

/**
 * Wrap a builder so it never offers a suggestion whose lines hold a hard-coded secret (other than
 * the one it removes): the suggestion block is whole lines, and would repeat the value.
 */
export function withoutSecrets(builder: FixBuilder): FixBuilder {
  return (ctx) => {
    const out = builder(ctx);
    if ("decline" in out || !out.edits.length) return out;
    const first = rowOf(ctx.model, Math.min(...out.edits.map((e) => e.start)));
    const last = rowOf(ctx.model, Math.max(...out.edits.map((e) => Math.max(e.start, e.end - 1))));
    if (secretOnRows(ctx.model, ctx.match.rule, first, last, ctx.match.node.id)) return { decline: SECRET_ON_LINES };
    return out;
  };
}

function decline(why: string, example = ENV_EXAMPLE): FixDecline {
  return { decline: why, example };
}

export const hardcodedSecretFix: FixBuilder = ({ model, match }) => {
  const value: Node = match.node;
  if (value.type === "comment") return decline("the secret is in a comment: delete it, then rotate it");
  const parent = value.parent;
  if (parent?.type === "assignment" && parent.childForFieldName("right")?.id === value.id) {
    const left = parent.childForFieldName("left");
    if (!left || left.type !== "identifier" || parent.parent?.type === "assignment") {
      return decline("only a plain `NAME = \"…\"` is rewritten in one click: move it to the environment or a secrets manager");
    }
    const scope = scopeAt(model, value.startIndex);
    const env = environAccess(model, scope, value.startIndex);
    if (!env) return decline("the file does not import `os`: read the secret from the environment (`os.environ[...]`) or a secrets manager");
    const name = model.text(left);
    // dbPassword → DB_PASSWORD: environment variables are upper snake case
    const envName = /^[A-Z][A-Z0-9_]*$/.test(name) ? name : splitWords(name).join("_").toUpperCase();
    return {
      edits: [{ start: value.startIndex, end: value.endIndex, text: `${env}["${envName}"]` }],
      caveat: `Rotate the exposed secret (it stays in the git history); the process now fails fast when \`${envName}\` is not set.`,
    };
  }
  if (parent?.type === "default_parameter" && parent.childForFieldName("value")?.id === value.id) {
    return {
      edits: [{ start: value.startIndex, end: value.endIndex, text: "None" }],
      caveat: "Callers that relied on the default must now pass the password; rotate the exposed one.",
    };
  }
  if (parent?.type === "typed_default_parameter") {
    return decline("a typed default cannot become `None` without changing its annotation to an optional type", `def connect(host, password: str | None = None):\n    password = password or os.environ["DB_PASSWORD"]`);
  }
  return decline("the secret is written inline: move it to the environment or a secrets manager and read it from there");
};
