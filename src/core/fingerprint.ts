/**
 * A finding's fingerprint survives the code moving: rule + path + the statement's text with
 * whitespace and comments normalised + which occurrence of that same text it is. Never the line.
 */
import { createHash } from "node:crypto";

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

export function fingerprint(rule: string, path: string, snippet: string, occurrence: number): string {
  return createHash("sha256").update(`${rule}\0${path}\0${normalizeSnippet(snippet)}\0${occurrence}`).digest("hex").slice(0, 20);
}
