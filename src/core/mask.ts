/**
 * Masking string literals so a secret's value never reaches an output: one linear scan (a regex
 * with a bounded repeat retries from every quote and skips literals longer than its bound).
 */
function masked(body: string): string {
  return `${body.length > 4 ? body.slice(0, 4) : ""}${"*".repeat(Math.min(8, Math.max(3, body.length - 4)))}`;
}

/** Every string literal's content masked to at most a 4-character prefix; triple-quoted ones too. */
export function maskStringLiterals(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '"' && c !== "'") {
      out += c;
      i++;
      continue;
    }
    const triple = text.startsWith(c.repeat(3), i);
    const quote = triple ? c.repeat(3) : c;
    let j = i + quote.length;
    let closed = -1;
    while (j < text.length) {
      const d = text[j];
      if (d === "\\") {
        j += 2;
        continue;
      }
      if (!triple && d === "\n") break;
      if (text.startsWith(quote, j)) {
        closed = j;
        break;
      }
      j++;
    }
    // an unclosed literal (a line cut in the middle) is masked to the end of what we have
    const end = closed === -1 ? Math.min(j, text.length) : closed;
    out += quote + masked(text.slice(i + quote.length, end)) + (closed === -1 ? "" : quote);
    i = closed === -1 ? end : closed + quote.length;
  }
  return out;
}
