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
    // AWS's documentation key is AKIAIOSFODNN7EXAMPLE
    accept: (m) => !/EXAMPLE/.test(m) && random(m.slice(4)),
  },
  {
    kind: "github-token",
    label: "GitHub token",
    re: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
    showPrefix: 4,
    accept: (m) => random(m.slice(4)),
  },
  {
    kind: "github-fine-grained-token",
    label: "GitHub fine-grained token",
    re: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9])/g,
    showPrefix: 4,
    accept: (m) => random(m.slice(11)),
  },
  {
    kind: "slack-token",
    label: "Slack token",
    re: /(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,}/g,
    showPrefix: 4,
    accept: (m) => random(m.slice(5)) && !PLACEHOLDER_WORDS.test(m),
  },
  {
    kind: "slack-webhook",
    label: "Slack webhook URL",
    re: /hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/g,
    showPrefix: 4,
    accept: (m) => random(m.slice(m.lastIndexOf("/") + 1)),
  },
  {
    kind: "stripe-live-key",
    label: "Stripe live secret key",
    re: /(?<![A-Za-z0-9_])[rs]k_live_[A-Za-z0-9]{16,}/g,
    showPrefix: 4,
    accept: (m) => random(m.slice(8)),
  },
  {
    kind: "google-api-key",
    label: "Google API key",
    re: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
    showPrefix: 4,
    accept: (m) => random(m.slice(4)),
  },
  {
    kind: "gitlab-token",
    label: "GitLab token",
    re: /(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20}(?![A-Za-z0-9_-])/g,
    showPrefix: 4,
    accept: (m) => random(m.slice(6)),
  },
  {
    kind: "npm-token",
    label: "npm token",
    re: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g,
    showPrefix: 4,
    accept: (m) => random(m.slice(4)),
  },
  {
    kind: "pypi-token",
    label: "PyPI token",
    re: /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g,
    showPrefix: 4,
    accept: (m) => random(m.slice(20)) && !m.includes("pypi-", 5),
  },
  {
    kind: "sendgrid-key",
    label: "SendGrid API key",
    re: /(?<![A-Za-z0-9_])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
    showPrefix: 3,
  },
  {
    kind: "private-key",
    label: "private key",
    re: /-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g,
    showPrefix: 0,
    // a header alone is a marker that parsing code looks for, not a key
    accept: (_m, source, end) => hasKeyMaterial(source.slice(end, end + 400)),
  },
  {
    kind: "url-password",
    label: "password in a URL",
    re: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,15}:\/\/[^\s\/:@'"`{}%$<>]{1,64}:[^\s\/@'"`]{1,128}@/g,
    showPrefix: 0,
    accept: (m) => urlPasswordIsReal(m),
  },
];

/** After a PEM header: at least 40 base64 characters (literal `\n` escapes and headers may sit between). */
function hasKeyMaterial(after: string): boolean {
  const flat = after.replace(/\\[nr]|\s|["'+]/g, "");
  return /[A-Za-z0-9+/]{40}/.test(flat);
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
    format.re.lastIndex = 0;
    for (const m of text.matchAll(format.re)) {
      const end = m.index + m[0].length;
      if (format.accept && !format.accept(m[0], text, end)) continue;
      out.push({ format, index: m.index, end, masked: maskToken(m[0], format.showPrefix) });
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
