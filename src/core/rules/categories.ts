/**
 * The categories (design.md): what a finding is about. No catch-all: a rule that fits none names a
 * new one. `cleartext` is a protocol that sends data unencrypted (FTP, Telnet, SNMP v1/v2c);
 * `supply-chain` is code or models that can change under you (unpinned downloads, hidden source
 * text); `denial-of-service` is a call that can block or exhaust the service.
 */
export const CATEGORIES = [
  "deserialization", "code-exec", "command-injection", "tls", "secrets", "auth", "sqli",
  "crypto-hash", "crypto-cipher", "random", "jwt", "xml", "yaml", "tempfile", "debug", "bind-all",
  "ssrf", "path-traversal", "xss-template", "archive", "rate-limit", "open-redirect", "permissions",
  "cleartext", "supply-chain", "denial-of-service",
] as const;
