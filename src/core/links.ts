/**
 * Where a rule's documentation is: its entry in the rules reference (docs/rules.md) on the
 * repository's web page, so a comment's or annotation's rule id is one click from it, as Semgrep's
 * and CodeQL's are. A self-hosted copy points `HUNKGUARD_RULES_URL` at its own docs/rules.md.
 */

/** This project's rules reference: package.json's `homepage` + `/blob/main/docs/rules.md` (a test keeps them in step). */
export const UPSTREAM_RULES_REFERENCE = "https://github.com/hunkguard/hunkguard/blob/main/docs/rules.md";

/** The reference to link to: `HUNKGUARD_RULES_URL` when set, else this project's. */
export function rulesReference(env: Record<string, string | undefined> = process.env): string {
  return (env.HUNKGUARD_RULES_URL?.trim() || UPSTREAM_RULES_REFERENCE).replace(/#.*$/, "");
}

/** A rule's entry: GitHub's anchor for the heading "### `eval`" is `#eval`. */
export function ruleUrl(ruleId: string, reference = rulesReference()): string {
  return `${reference}#${ruleId}`;
}
