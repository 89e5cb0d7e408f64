/**
 * A finding's fingerprint survives the code moving: never the line. It has two parts, both hex:
 *
 * - the first 12 characters, its *kind*: the rule and the statement's text with whitespace and
 *   comments normalised — the same for identical statements, wherever they are;
 * - the last 8, its *place*: the kind, the path and which occurrence of that same text in the file.
 *
 * The review code matches the bot's earlier comments to today's findings by kind first (and by the
 * line GitHub moved the comment to), so two identical findings, an identical statement added above
 * a commented one, or a renamed file never swap or repeat comments; the full fingerprint settles
 * what the kind leaves open.
 */
import { createHash } from "node:crypto";

export const KIND_LENGTH = 12;
export const FINGERPRINT_LENGTH = 20;

export function normalizeSnippet(text: string): string {
  return text
    .split(/\r?\n|\r/)
    .map((l) => {
      // drop a trailing comment: one linear search (a regex ending in `.*$` retries at every ` #`)
      const hash = l.search(/(?:^|\s)#/);
      return (hash === -1 ? l : l.slice(0, hash)).trim();
    })
    .filter(Boolean)
    .join(" ")
    .replace(/\s+/g, " ");
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export function fingerprint(rule: string, path: string, snippet: string, occurrence: number): string {
  const kind = sha256(`${rule}\0${normalizeSnippet(snippet)}`).slice(0, KIND_LENGTH);
  return kind + sha256(`${kind}\0${path}\0${occurrence}`).slice(0, FINGERPRINT_LENGTH - KIND_LENGTH);
}

/** The kind part of a fingerprint (an import companion's `-import` suffix aside). */
export function kindOf(fp: string): string {
  return fp.slice(0, KIND_LENGTH);
}
