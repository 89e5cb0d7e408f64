/**
 * Suppression comments on the flagged line (or the first line of a multi-line statement):
 * `# nosec` (all), `# nosec B301, B302` (Bandit ids), `# noqa: S301` (Ruff ids; a bare `# noqa`
 * is left to the linters it belongs to), `# hunkguard: ignore[rule-id, …]` and `# hunkguard: ignore`.
 */
export interface SuppressibleRule {
  id: string;
  bandit?: string;
  ruff?: string;
}

const NOSEC = /#\s*nosec\b([^#]*)/i;
const NOQA = /#\s*noqa\s*:\s*([A-Z0-9, \t]+)/i;
const HUNKGUARD = /#\s*hunkguard\s*:\s*ignore\b(?:\[([^\]]*)\])?/i;

function ids(list: string): string[] {
  return list.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** Whether a comment on this line text silences the rule. */
export function suppressedBy(lineText: string, rule: SuppressibleRule): boolean {
  if (!lineText.includes("#")) return false;
  const hg = HUNKGUARD.exec(lineText);
  if (hg) {
    if (hg[1] === undefined) return true;
    if (ids(hg[1]).includes(rule.id)) return true;
  }
  const nosec = NOSEC.exec(lineText);
  if (nosec) {
    const listed = ids(nosec[1]).filter((s) => /^B\d{3}$/i.test(s));
    if (!listed.length) return true;
    if (rule.bandit && listed.some((s) => s.toUpperCase() === rule.bandit)) return true;
  }
  const noqa = NOQA.exec(lineText);
  if (noqa && rule.ruff && ids(noqa[1]).some((s) => s.toUpperCase() === rule.ruff)) return true;
  return false;
}
