/**
 * One engine-level pass that keeps secrets out of every output, whichever rule produced it. The
 * secrets of a file are found by value shape, not by rule: every well-known credential format
 * (`findTokens`: cloud keys, tokens, private keys, passwords in URLs) anywhere in the text —
 * strings and comments alike — and every hard-coded secret value a secrets rule flagged. Outputs
 * (messages, suggestions, examples, notes, the code lines the CLI prints) are masked by value, so a
 * secret repeated elsewhere in the file, or inside another rule's suggestion, is masked too; a
 * suggestion that would repeat one is withheld (shown as text, masked) rather than posted.
 */
import { findTokens, maskToken } from "./lib/tokens.js";

/** A private key block runs from its header to its footer (the header alone is what the format matches). */
const PEM_END = /-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----/g;
/** Values shorter than this are not searched for in outputs: they would mask unrelated text. */
const MIN_VALUE = 4;
/** Pieces of a multi-line secret (a key body split over lines or string literals) that are masked too. */
const KEY_PIECE = /^(?=.*[a-z0-9+/])[A-Za-z0-9+/=]{8,}$/;
/** Key material after a PEM header without a footer: base64, line breaks (`\n` escapes too), quotes and `+` between pieces. */
const KEY_BODY = /(?:(?:\\[nr]|[\s"'+])*[A-Za-z0-9+/=]{16,})*/y;

export class Redactor {
  /** value → what is shown instead, longest first */
  private readonly masks: [string, string][];
  private readonly lookup: Map<string, string>;
  /** the values as alternations, a few hundred to a pattern (one huge pattern is too large for V8) */
  private readonly patterns: RegExp[] = [];
  /** values too long for a pattern, found with `includes` */
  private readonly long: [string, string][] = [];

  constructor(values: Map<string, string>) {
    this.masks = [...values].filter(([v]) => v.length >= MIN_VALUE).sort((a, b) => b[0].length - a[0].length);
    this.lookup = new Map(this.masks);
    const short = this.masks.filter(([v]) => v.length <= 512);
    this.long = this.masks.filter(([v]) => v.length > 512);
    for (let i = 0; i < short.length; i += 256) {
      this.patterns.push(new RegExp(short.slice(i, i + 256).map(([v]) => escapeRe(v)).join("|"), "g"));
    }
  }

  get empty(): boolean {
    return this.masks.length === 0;
  }

  /** Whether `text` repeats a secret of the file. */
  holds(text: string): boolean {
    for (const [v] of this.long) if (text.includes(v)) return true;
    return this.patterns.some((p) => {
      p.lastIndex = 0;
      return p.test(text);
    });
  }

  /** `text` with every secret of the file masked. */
  mask(text: string): string;
  mask(text: string | undefined): string | undefined;
  mask(text: string | undefined): string | undefined {
    if (text === undefined || this.empty) return text;
    let out = text;
    for (const [v, m] of this.long) if (out.includes(v)) out = out.split(v).join(m);
    for (const p of this.patterns) out = out.replace(p, (m) => this.lookup.get(m) ?? "…");
    return out;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** What may be shown of a hard-coded value: at most 4 characters, fewer for short ones. */
function maskValue(value: string): string {
  return maskToken(value, Math.min(4, Math.floor(value.length / 4)));
}

/** The text between a string literal's quotes (`b"…"`, `'''…'''`), or the text itself when it is not one. */
function literalContent(text: string): string {
  const m = /^[A-Za-z]{0,3}("""|'''|"|')([\s\S]*)\1$/.exec(text);
  return m ? m[2] : text;
}

/**
 * The secrets of one file: every credential format in `source`, and the hard-coded values at
 * `flagged` (string index ranges of the string literals a secrets rule reported).
 */
export function redactorFor(source: string, flagged: { start: number; end: number }[] = []): Redactor {
  const values = new Map<string, string>();
  const add = (value: string, masked: string) => {
    if (value.length < MIN_VALUE || values.has(value)) return;
    values.set(value, masked);
    // a secret spread over lines (a key body, a literal split with `\` or `+`): each piece alone is masked too
    if (value.includes("\n") || value.includes("\\n")) {
      for (const piece of value.split(/\\n|\n|["'\\\s]+/)) if (KEY_PIECE.test(piece) && !values.has(piece)) values.set(piece, "…");
    }
  };
  for (const t of findTokens(source)) {
    let end = t.end;
    if (t.format.kind === "private-key") {
      PEM_END.lastIndex = t.end;
      const footer = PEM_END.exec(source);
      if (footer && footer.index - t.end < 20_000) end = footer.index + footer[0].length;
      else {
        KEY_BODY.lastIndex = t.end;
        end = t.end + (KEY_BODY.exec(source)?.[0].length ?? 0);
      }
    }
    add(source.slice(t.index, end), t.masked);
  }
  for (const { start, end } of flagged) {
    const value = literalContent(source.slice(start, end));
    add(value, maskValue(value));
  }
  return new Redactor(values);
}
