/**
 * Suppression comments on the flagged line (or the first line of a multi-line statement):
 * `# nosec` (all), `# nosec B301, B302` (Bandit ids), `# noqa: S301` (Ruff ids; a bare `# noqa`
 * is left to the linters it belongs to), `# hunkguard: ignore[rule-id, …]` and `# hunkguard: ignore`.
 */
import { descendantsOfTypes, type ParsedPython } from "./python.js";
import type { FileModel } from "./scope.js";

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

/**
 * The comments on each line, read from the tree's comment nodes: a `# nosec` inside a string
 * literal (`os.system("ping " + host + " # nosec")`) is part of the value, not a comment, and
 * silences nothing. Lines without a comment give "".
 */
export function commentsByLine(parsed: ParsedPython, model?: FileModel): (line: number) => string {
  let byLine: Map<number, string> | null = null;
  return (line) => {
    if (!byLine) {
      byLine = new Map();
      const { source, lineStarts } = parsed;
      // the model's walk found them already; else one walk of the tree for them
      const comments = model?.parsed === parsed ? model.sideNodes("comment") : descendantsOfTypes(parsed.tree.rootNode, ["comment"]);
      let row = 0;
      for (let i = 0; i < comments.length; i++) {
        const start = comments.start(i);
        // comments come in document order: the line only moves forward
        while (row + 1 < lineStarts.length && lineStarts[row + 1] <= start) row++;
        let end = source.indexOf("\n", start);
        if (end < 0) end = source.length;
        const text = source.slice(start, end).replace(/\r$/, "");
        byLine.set(row + 1, (byLine.get(row + 1) ?? "") + text);
      }
    }
    return byLine.get(line) ?? "";
  };
}
