/**
 * Well-known credential formats, found anywhere in a file's text. Every expression here is linear:
 * a fixed prefix, then character classes with bounded counts or one unbounded class at the very end
 * (a match consumes the whole run, so the scan never revisits it). test/secrets-regex.test.ts runs each
 * one against 100,000-character adversarial strings.
 */

export interface TokenFormat {
  kind: string;
  /** what the token is, for the message */
  label: string;
  /** global, linear */
  re: RegExp;
  /** characters of the match that may be shown (at most 4): the public prefix that names the format */
  showPrefix: number;
  /** an extra check on the match (placeholders, key material after a PEM header) */
  accept?: (match: string, source: string, end: number) => boolean;
  /** every match contains one of these: a text without them is not scanned */
  contains: string[];
  /**
   * where matches can start, in order, when the expression cannot find them fast itself (it starts
   * with a character class): it is then only tried there
   */
  starts?: (text: string) => Iterable<number>;
}

/** Too few distinct characters after the prefix to be a random credential: `ghp_xxxx…`, `AKIA0000…`. */
function random(body: string): boolean {
  const seen = new Set<string>();
  for (const c of body) {
    seen.add(c);
    if (seen.size >= 5) return true;
  }
  return false;
}

const PLACEHOLDER_WORDS = /example|sample|dummy|placeholder|your|redacted_|xxxx|\*\*\*/i;

export const TOKEN_FORMATS: TokenFormat[] = [
  {
    kind: "aws-access-key-id",
    label: "AWS access key id",
    re: /(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])/g,
    showPrefix: 4,
    contains: ["AKIA", "ASIA"],
    // AWS's documentation key is AKIAIOSFODNN7EXAMPLE
    accept: (m) => !/EXAMPLE/.test(m) && random(m.slice(4)),
  },
  {
    kind: "github-token",
    label: "GitHub token",
    re: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
    showPrefix: 4,
    contains: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    accept: (m) => random(m.slice(4)),
  },
  {
    kind: "github-fine-grained-token",
    label: "GitHub fine-grained token",
    re: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9])/g,
    showPrefix: 4,
    contains: ["github_pat_"],
    accept: (m) => random(m.slice(11)),
  },
  {
    kind: "slack-token",
    label: "Slack token",
    re: /(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,}/g,
    showPrefix: 4,
    contains: ["xox"],
    accept: (m) => random(m.slice(5)) && !PLACEHOLDER_WORDS.test(m),
  },
  {
    kind: "slack-webhook",
    label: "Slack webhook URL",
    re: /hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/g,
    showPrefix: 4,
    contains: ["hooks.slack.com/services/"],
    accept: (m) => random(m.slice(m.lastIndexOf("/") + 1)),
  },
  {
    kind: "stripe-live-key",
    label: "Stripe live secret key",
    re: /(?<![A-Za-z0-9_])[rs]k_live_[A-Za-z0-9]{16,}/g,
    showPrefix: 4,
    contains: ["k_live_"],
    accept: (m) => random(m.slice(8)),
  },
  {
    kind: "google-api-key",
    label: "Google API key",
    re: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
    showPrefix: 4,
    contains: ["AIza"],
    accept: (m) => random(m.slice(4)),
  },
  {
    kind: "gitlab-token",
    label: "GitLab token",
    re: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20}(?![A-Za-z0-9_-])/g,
    showPrefix: 4,
    contains: ["glpat-"],
    accept: (m) => random(m.slice(6)),
  },
  {
    kind: "npm-token",
    label: "npm token",
    re: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
    showPrefix: 4,
    contains: ["npm_"],
    accept: (m) => random(m.slice(4)),
  },
  {
    kind: "pypi-token",
    label: "PyPI token",
    re: /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g,
    showPrefix: 4,
    contains: ["pypi-AgEIcHlwaS5vcmc"],
    accept: (m) => random(m.slice(20)) && !m.includes("pypi-", 5),
  },
  {
    kind: "sendgrid-key",
    label: "SendGrid API key",
    re: /(?<![A-Za-z0-9_])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
    showPrefix: 3,
    contains: ["SG."],
  },
  {
    kind: "private-key",
    label: "private key",
    re: /-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g,
    showPrefix: 0,
    contains: ["-----BEGIN "],
    // a header alone is a marker that parsing code looks for, not a key
    accept: (_m, source, end) => hasKeyMaterial(source.slice(end, end + 400)),
  },
  {
    kind: "url-password",
    label: "password in a URL",
    re: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,15}:\/\/[^\s\/:@'"`{}%$<>]{0,64}:[^\s\/@'"`]{1,128}@/g,
    showPrefix: 0,
    contains: ["://"],
    starts: schemeStarts,
    accept: (m) => urlPasswordIsReal(m),
  },
];

const SCHEME_CHAR = /[A-Za-z0-9+.-]/;
const LETTER = /[A-Za-z]/;

/**
 * Where a `scheme://` can start: before each `://`, the run of scheme characters that ends there,
 * when it is 2 to 16 long and starts with a letter (the only start the url-password expression,
 * with its look-behind, can match at).
 */
function* schemeStarts(text: string): Generator<number> {
  for (let at = text.indexOf("://"); at !== -1; at = text.indexOf("://", at + 1)) {
    let start = at;
    while (start > 0 && at - start <= 16 && SCHEME_CHAR.test(text[start - 1])) start--;
    if (at - start >= 2 && at - start <= 16 && LETTER.test(text[start])) yield start;
  }
}

/** The matches of a format's expression in order, as `text.matchAll(format.re)` gives them. */
function* formatMatches(format: TokenFormat, text: string): Generator<{ index: number; text: string }> {
  if (!format.starts) {
    format.re.lastIndex = 0;
    for (const m of text.matchAll(format.re)) yield { index: m.index, text: m[0] };
    return;
  }
  // the same expression, tried only where a match can start (sticky), never inside the last match
  const sticky = (stickyCache.get(format.re) ?? stickyCache.set(format.re, new RegExp(format.re.source, "y")).get(format.re))!;
  let end = 0;
  for (const start of format.starts(text)) {
    if (start < end) continue;
    sticky.lastIndex = start;
    const m = sticky.exec(text);
    if (!m) continue;
    end = start + m[0].length;
    yield { index: start, text: m[0] };
  }
}
const stickyCache = new Map<RegExp, RegExp>();

/** After a PEM header: at least 40 base64 characters (literal `\n` escapes and headers may sit between). */
function hasKeyMaterial(after: string): boolean {
  const flat = after.replace(/\\[nr]|\s|["'+]/g, "");
  // an RSA key's DER starts `MII…`: even a truncated body of two dozen base64 characters is key material
  return /[A-Za-z0-9+/]{24}/.test(flat);
}

function urlPasswordIsReal(m: string): boolean {
  const pw = m.slice(m.lastIndexOf(":") + 1, -1);
  if (pw.length < 3) return false;
  // templates and placeholders: {password}, %(pw)s, ${PW}, <password>, ***, password, xxx
  if (/[{}%$<>*]/.test(pw)) return false;
  if (/^(password|passwd|pass|pwd|secret|token|pw|x+|changeme|yourpassword|your_password|redacted)$/i.test(pw)) return false;
  return true;
}

export interface TokenHit {
  format: TokenFormat;
  /** string index of the match */
  index: number;
  end: number;
  /** what may be shown of it: at most 4 characters then an ellipsis */
  masked: string;
}

/** Every accepted well-known credential in `text`, in order. */
/** One linear pass that every credential needs to pass: the fixed part each format starts with. */
const ANY_PREFIX = /AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposre]-|hooks\.slack\.com|[rs]k_live_|AIza|glpat-|npm_|pypi-|SG\.|-----BEGIN |:\/\//;

export function findTokens(text: string): TokenHit[] {
  if (!ANY_PREFIX.test(text)) return [];
  const out: TokenHit[] = [];
  for (const format of TOKEN_FORMATS) {
    if (!format.contains.some((c) => text.includes(c))) continue;
    for (const m of formatMatches(format, text)) {
      const end = m.index + m.text.length;
      if (format.accept && !format.accept(m.text, text, end)) continue;
      out.push({ format, index: m.index, end, masked: maskToken(m.text, format.showPrefix) });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** At most four characters of a secret, then an ellipsis. */
export function maskToken(value: string, show = 4): string {
  const n = Math.max(0, Math.min(4, show, value.length - 1));
  return n ? `${value.slice(0, n)}…` : "…";
}

/** Whether a string value holds a well-known credential (the format rule reports it, not the name rules). */
export function hasTokenFormat(value: string): boolean {
  return findTokens(value).length > 0;
}
