/** Apply every one-click suggestion of some findings the way GitHub does (bottom-up, with companions). */
import type { Finding } from "../../src/core/finding.js";
import { applySuggestion, type Suggestion } from "../../src/core/fix.js";

export function suggestionsOf(findings: Finding[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const f of findings) {
    if (!f.fix || f.fix.safety === "explain" || f.fix.replacement === undefined) continue;
    out.push({ startLine: f.fix.startLine, endLine: f.fix.endLine, replacement: f.fix.replacement });
    if (f.fix.companion) out.push(f.fix.companion);
  }
  return out;
}

export function applyAll(source: string, suggestions: Suggestion[]): string {
  const ordered = [...suggestions].sort((a, b) => b.startLine - a.startLine);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i].endLine >= ordered[i - 1].startLine) throw new Error("overlapping suggestions");
  }
  let text = source;
  for (const s of ordered) text = applySuggestion(text, s);
  return text;
}
