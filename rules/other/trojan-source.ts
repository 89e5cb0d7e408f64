/** Trojan Source (B613): bidirectional control characters written into the source text. */
import type { Node } from "../../src/core/python.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";

// embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069); the marks U+200E/U+200F do not reorder text
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
const NAMES: Record<number, string> = {
  0x202a: "LEFT-TO-RIGHT EMBEDDING", 0x202b: "RIGHT-TO-LEFT EMBEDDING", 0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE", 0x202e: "RIGHT-TO-LEFT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE",
};

function bidiCharacters({ model }: MatchContext<unknown>): Hit<undefined>[] {
  const src = model.source;
  BIDI.lastIndex = 0;
  if (!BIDI.test(src)) return [];
  BIDI.lastIndex = 0;
  const hits: Hit<undefined>[] = [];
  const seen = new Set<number>();
  const root = model.parsed.tree.rootNode;
  for (let m = BIDI.exec(src); m; m = BIDI.exec(src)) {
    let node: Node = root.descendantForIndex(m.index, m.index + 1);
    // report the comment or string literal that holds the character
    for (let n: Node | null = node; n; n = n.parent) {
      if (n.type === "comment" || n.type === "string" || n.type === "concatenated_string") {
        node = n;
        if (n.type !== "string" || n.parent?.type !== "concatenated_string") break;
      }
    }
    if (node.type === "module") node = root.descendantForIndex(m.index, m.index + 1);
    const line = node.startPosition.row;
    if (seen.has(line)) continue;
    seen.add(line);
    const where = node.type === "comment" ? "a comment" : node.type.includes("string") ? "a string literal" : "the code";
    hits.push({
      node,
      message: `Invisible ${NAMES[m[0].codePointAt(0)!]} (U+${m[0].codePointAt(0)!.toString(16).toUpperCase()}) in ${where}: the code can read differently from how it runs.`,
    });
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: bidiCharacters,
});
