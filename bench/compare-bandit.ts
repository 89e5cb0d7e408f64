/**
 * HunkGuard next to Bandit on the same files, per Bandit test id:
 *
 *   npm run build && node dist/bench/compare-bandit.js PATH [--samples N] [--json] [--out FILE]
 *                                                           [--exclude GLOBS] [--bandit-json FILE]
 *
 * Runs Debian's `bandit -r -f json -q PATH` (never a dependency: when it is missing the script says
 * how to install it), then HunkGuard's engine in this process on exactly the files Bandit read, and
 * matches the findings by file and line: a HunkGuard finding whose node or statement spans Bandit's
 * line, from a rule for the same Bandit check, is the same finding. Prints one table (both / only
 * Bandit / only HunkGuard per Bandit id), HunkGuard's findings that no Bandit check covers, and the
 * Bandit checks HunkGuard leaves out on purpose, with the reason. `--samples N` adds N places per
 * "only" cell; string literals on lines about secrets are masked, so no hard-coded secret is printed.
 *
 * `--exclude` is a comma-separated list handed to `bandit -x` (default `site-packages,dist-packages`,
 * the folders `hunkguard scan` does not enter); `--bandit-json FILE` reuses a saved
 * `bandit -r -f json` report instead of running Bandit again (for reruns on a large tree).
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadRules, type RuleSet } from "../src/core/rules/load.js";
import { analyzeSource, maskStringLiterals } from "../src/core/engine.js";
import { decodeSource } from "../src/core/decode.js";
import { NativeMemoryGuard } from "../src/core/memory.js";
import type { Finding } from "../src/core/finding.js";

// ---------------------------------------------------------------------------------------------
// What we know about Bandit's checks

/** Bandit's test names (upstream's current list); the installed Bandit's own names take precedence. */
export const BANDIT_NAMES: Record<string, string> = {
  B101: "assert_used", B102: "exec_used", B103: "set_bad_file_permissions", B104: "hardcoded_bind_all_interfaces",
  B105: "hardcoded_password_string", B106: "hardcoded_password_funcarg", B107: "hardcoded_password_default",
  B108: "hardcoded_tmp_directory", B109: "password_config_option_not_marked_secret", B110: "try_except_pass",
  B111: "execute_with_run_as_root_equals_true", B112: "try_except_continue", B113: "request_without_timeout",
  B201: "flask_debug_true", B202: "tarfile_unsafe_members",
  B301: "pickle", B302: "marshal", B303: "md5", B304: "ciphers", B305: "cipher_modes", B306: "mktemp_q", B307: "eval",
  B308: "mark_safe", B309: "httpsconnection", B310: "urllib_urlopen", B311: "random", B312: "telnetlib",
  B313: "xml_bad_cElementTree", B314: "xml_bad_ElementTree", B315: "xml_bad_expatreader", B316: "xml_bad_expatbuilder",
  B317: "xml_bad_sax", B318: "xml_bad_minidom", B319: "xml_bad_pulldom", B320: "xml_bad_etree", B321: "ftplib",
  B322: "input", B323: "unverified_context", B324: "hashlib_insecure_functions", B325: "tempnam",
  B401: "import_telnetlib", B402: "import_ftplib", B403: "import_pickle", B404: "import_subprocess",
  B405: "import_xml_etree", B406: "import_xml_sax", B407: "import_xml_expat", B408: "import_xml_minidom",
  B409: "import_xml_pulldom", B410: "import_lxml", B411: "import_xmlrpclib", B412: "import_httpoxy",
  B413: "import_pycrypto", B414: "import_pycryptodome", B415: "import_pyghmi",
  B501: "request_with_no_cert_validation", B502: "ssl_with_bad_version", B503: "ssl_with_bad_defaults",
  B504: "ssl_with_no_version", B505: "weak_cryptographic_key", B506: "yaml_load", B507: "ssh_no_host_key_verification",
  B508: "snmp_insecure_version", B509: "snmp_weak_cryptography",
  B601: "paramiko_calls", B602: "subprocess_popen_with_shell_equals_true", B603: "subprocess_without_shell_equals_true",
  B604: "any_other_function_with_shell_equals_true", B605: "start_process_with_a_shell", B606: "start_process_with_no_shell",
  B607: "start_process_with_partial_path", B608: "hardcoded_sql_expressions", B609: "linux_commands_wildcard_injection",
  B610: "django_extra_used", B611: "django_rawsql_used", B612: "logging_config_insecure_listen", B613: "trojansource",
  B614: "pytorch_load", B615: "huggingface_unsafe_download",
  B701: "jinja2_autoescape_false", B702: "use_of_mako_templates", B703: "django_mark_safe", B704: "markupsafe_markup_xss",
};

/**
 * Bandit checks HunkGuard has no rule for, on purpose, and why — the same reasons as the `noise`
 * docs of the rules named here. An id listed here that a rule starts to carry moves to the main table.
 */
export const NOT_REPORTED: Record<string, string> = {
  B101: "An `assert` is not a vulnerability by itself; Bandit reports every one, and test suites are made of them.",
  B109: "OpenStack `oslo.config` options only; not a Python pattern.",
  B110: "`try/except/pass` swallows errors: a robustness smell, not a vulnerability.",
  B111: "OpenStack rootwrap only; not a Python pattern.",
  B112: "`try/except/continue` swallows errors: a robustness smell, not a vulnerability.",
  B309: "Python 2 only: `HTTPSConnection` verifies certificates by default since Python 3.4.3 (dropped from later Bandit).",
  B322: "Python 2's `input()` evaluated what it read; Python 3's returns a string (dropped from later Bandit).",
  B325: "`os.tempnam`/`os.tmpnam` exist only in Python 2 (dropped from later Bandit); `mktemp` covers Python 3.",
  B401: "Importing `telnetlib` is not a use: `telnet-cleartext` reports opening a connection.",
  B402: "Importing `ftplib` is not a use: `ftp-cleartext` reports opening a plain-text connection.",
  B403: "Importing `pickle` is not a use: `pickle-load` reports loading (dumping is never a finding).",
  B404: "Importing `subprocess` is not a use: `subprocess-shell` and the other command rules report a shell with a value in it.",
  B405: "Importing `xml.etree` is not a use: `xml-etree` / `xml-celementtree` report parsing non-constant input.",
  B406: "Importing `xml.sax` is not a use: `xml-sax` / `xml-expatreader` report parsing and enabling external entities.",
  B407: "Importing `xml.dom.expatbuilder` is not a use: `xml-expatbuilder` reports parsing.",
  B408: "Importing `xml.dom.minidom` is not a use: `xml-minidom` reports parsing non-constant input.",
  B409: "Importing `xml.dom.pulldom` is not a use: `xml-pulldom` reports parsing non-constant input.",
  B410: "Importing `lxml` is not a use: `lxml-parse` reports parsing with entity resolution on.",
  B412: "An import check (CGI handlers and HTTPoxy); HunkGuard reports uses, not imports.",
  B413: "Importing a cipher module is not a use: `weak-cipher` and `cipher-ecb-mode` report constructing a weak cipher.",
  B414: "Importing a cipher module is not a use: `weak-cipher` and `cipher-ecb-mode` report constructing a weak cipher.",
  B415: "An import check (IPMI); HunkGuard reports uses, not imports.",
  B603: "An argument list without a shell lets no value become a command, whatever its values (see `subprocess-shell`).",
  B607: "A program named without its full path is not an injection (see `subprocess-shell`); PATH is the deployment's.",
};

/**
 * One concern that Bandit and HunkGuard split into checks differently: a HunkGuard rule carrying
 * any id of a family matches Bandit's findings under every id of it (e.g. Bandit 1.6 reports
 * `hashlib.md5()` as B303 and `hashlib.new("md5")` as B324; `weak-hash` carries B324).
 */
export const BANDIT_FAMILIES: string[][] = [
  ["B105", "B106", "B107"], // hard-coded passwords: string, argument, default
  ["B301", "B302"], // pickle, marshal
  ["B303", "B324"], // weak hashes: blacklisted call, hashlib.new
  ["B308", "B703"], // mark_safe: the blacklist and the plugin both fire on one call
  ["B313", "B314", "B315", "B316", "B317", "B318", "B319", "B320"], // XML parsing calls
  ["B502", "B503", "B504"], // SSL/TLS versions
  ["B602", "B604", "B605", "B606"], // commands through a shell or spawned
];

/** String-literal checks Bandit < 1.6.3 never runs on Python ≥ 3.8 (it visits `Str`, which the AST no longer has). */
export const SKIPPED_ON_PY38 = new Set(["B104", "B105", "B108", "B608"]);

/** Bandit ids whose lines hold hard-coded secrets: their sample lines are always masked. */
const SECRET_BANDIT_IDS = new Set(["B105", "B106", "B107"]);

const IMPORT_CHECK = /^B4\d\d$/;

// ---------------------------------------------------------------------------------------------
// Bandit's JSON report

export interface BanditResult {
  filename: string;
  line: number;
  testId: string;
  testName: string;
  severity: string;
  confidence: string;
}

export interface BanditReport {
  results: BanditResult[];
  /** files Bandit could not scan (syntax errors, I/O), with its reason */
  errors: { filename: string; reason: string }[];
  /** every file Bandit read (its per-file metrics), the ones in `errors` included */
  files: string[];
}

/** Bandit's `-f json` output → results, errors and files. Throws when it is not Bandit's JSON. */
export function parseBanditJson(text: string): BanditReport {
  const data = JSON.parse(text) as {
    results?: { filename: string; line_number: number; test_id: string; test_name: string; issue_severity: string; issue_confidence: string }[];
    errors?: { filename: string; reason: string }[];
    metrics?: Record<string, unknown>;
  };
  if (!data || !Array.isArray(data.results)) throw new Error("not a Bandit JSON report (no `results` list)");
  return {
    results: data.results.map((r) => ({
      filename: r.filename,
      line: r.line_number,
      testId: r.test_id,
      testName: r.test_name,
      severity: r.issue_severity,
      confidence: r.issue_confidence,
    })),
    errors: (data.errors ?? []).map((e) => ({ filename: e.filename, reason: e.reason })),
    files: Object.keys(data.metrics ?? {}).filter((k) => k !== "_totals"),
  };
}

// ---------------------------------------------------------------------------------------------
// Matching (pure)

/** What the matching needs of a HunkGuard finding (paths already in Bandit's spelling). */
export type ComparedFinding = Pick<Finding, "rule" | "category" | "path" | "line" | "endLine" | "statementLine" | "statementEndLine"> & {
  bandit?: string;
};

/** What the matching needs of a rule. */
export interface RuleInfo {
  id: string;
  category: string;
  bandit?: string;
}

export interface Place {
  path: string;
  line: number;
  /** Bandit id or HunkGuard rule id */
  by: string;
  /** the line holds a secret: mask its string literals when printing it */
  secret: boolean;
}

export interface IdRow {
  id: string;
  name: string;
  both: number;
  onlyBandit: number;
  onlyHunkGuard: number;
  /** HunkGuard rules carrying this id */
  rules: string[];
  /** HunkGuard rules carrying another id of the same family (they match this id too) */
  familyRules: string[];
  onlyBanditPlaces: Place[];
  onlyHunkGuardPlaces: Place[];
}

export interface Comparison {
  /** per Bandit id HunkGuard has a rule for, or Bandit reported and is not in NOT_REPORTED; sorted by id */
  rows: IdRow[];
  totals: { both: number; onlyBandit: number; onlyHunkGuard: number };
  /** HunkGuard findings of rules without a Bandit id that matched no Bandit finding, per rule */
  beyond: { rule: string; count: number; places: Place[] }[];
  /** Bandit checks HunkGuard leaves out on purpose: Bandit's count and the reason */
  notReported: { id: string; name: string; count: number; reason: string; places: Place[] }[];
}

export interface CompareOptions {
  rules: RuleInfo[];
  names?: Record<string, string>;
  families?: string[][];
  notReported?: Record<string, string>;
}

const byPlace = (a: Place, b: Place) => a.path.localeCompare(b.path) || a.line - b.line || a.by.localeCompare(b.by);

/**
 * The ids a Bandit id is matched with, and the categories of HunkGuard rules without a Bandit id
 * that may stand for it (e.g. `hardcoded-token`, category secrets, for B105–B107).
 */
function compatibility(rules: RuleInfo[], families: string[][]) {
  const family = (id: string): Set<string> => new Set(families.find((f) => f.includes(id)) ?? [id]);
  const categoriesOf = new Map<string, Set<string>>();
  const categoriesFor = (id: string): Set<string> => {
    let hit = categoriesOf.get(id);
    if (!hit) {
      const fam = family(id);
      hit = new Set(rules.filter((r) => r.bandit && fam.has(r.bandit)).map((r) => r.category));
      categoriesOf.set(id, hit);
    }
    return hit;
  };
  return (banditId: string, f: ComparedFinding): boolean =>
    f.bandit ? family(banditId).has(f.bandit) : categoriesFor(banditId).has(f.category);
}

const spans = (f: ComparedFinding, line: number) =>
  (f.line <= line && line <= f.endLine) || (f.statementLine <= line && line <= f.statementEndLine);

/**
 * Match Bandit's results with HunkGuard's findings on the same files. A Bandit result is found by
 * both when a HunkGuard finding in the same file spans its line (node or statement) and comes from
 * a rule for the same check (same id, same family, or — for a rule without an id — the category of
 * the rules that carry it). HunkGuard findings no Bandit result matched count as "only HunkGuard"
 * under their rule's id, or as beyond Bandit when the rule has none.
 */
export function compareResults(bandit: BanditResult[], findings: ComparedFinding[], opts: CompareOptions): Comparison {
  const names = { ...BANDIT_NAMES, ...(opts.names ?? {}) };
  const notReportedTable = opts.notReported ?? NOT_REPORTED;
  const families = opts.families ?? BANDIT_FAMILIES;
  const compatible = compatibility(opts.rules, families);
  const ruleIds = new Set(opts.rules.flatMap((r) => (r.bandit ? [r.bandit] : [])));
  const deliberate = (id: string) => id in notReportedTable && !ruleIds.has(id);

  // lines holding a secret, by either tool: their samples are masked whichever cell shows them
  const secretLines = new Set<string>();
  for (const b of bandit) if (SECRET_BANDIT_IDS.has(b.testId)) secretLines.add(`${b.filename}\0${b.line}`);
  for (const f of findings) if (isSecretFinding(f)) for (let l = f.line; l <= f.endLine; l++) secretLines.add(`${f.path}\0${l}`);
  const place = (path: string, line: number, by: string): Place => ({ path, line, by, secret: secretLines.has(`${path}\0${line}`) });

  const byFile = new Map<string, { f: ComparedFinding; matched: boolean }[]>();
  for (const f of findings) {
    const list = byFile.get(f.path) ?? [];
    list.push({ f, matched: false });
    byFile.set(f.path, list);
  }

  const rows = new Map<string, IdRow>();
  const row = (id: string): IdRow => {
    let r = rows.get(id);
    if (!r) {
      r = {
        id,
        name: names[id] ?? "",
        both: 0,
        onlyBandit: 0,
        onlyHunkGuard: 0,
        rules: opts.rules.filter((x) => x.bandit === id).map((x) => x.id).sort(),
        familyRules: opts.rules
          .filter((x) => x.bandit && x.bandit !== id && (families.find((f) => f.includes(id)) ?? []).includes(x.bandit))
          .map((x) => x.id)
          .sort(),
        onlyBanditPlaces: [],
        onlyHunkGuardPlaces: [],
      };
      rows.set(id, r);
    }
    return r;
  };
  for (const id of ruleIds) row(id);

  const notReported = new Map<string, Comparison["notReported"][number]>();
  for (const b of bandit) {
    if (deliberate(b.testId)) {
      const n = notReported.get(b.testId) ?? { id: b.testId, name: names[b.testId] ?? b.testName, count: 0, reason: notReportedTable[b.testId], places: [] };
      n.count++;
      n.places.push(place(b.filename, b.line, b.testId));
      notReported.set(b.testId, n);
      continue;
    }
    const r = row(b.testId);
    if (!r.name) r.name = b.testName;
    let found = false;
    for (const entry of byFile.get(b.filename) ?? []) {
      if (spans(entry.f, b.line) && compatible(b.testId, entry.f)) {
        entry.matched = true;
        found = true;
      }
    }
    if (found) r.both++;
    else {
      r.onlyBandit++;
      r.onlyBanditPlaces.push(place(b.filename, b.line, b.testId));
    }
  }

  const beyond = new Map<string, Comparison["beyond"][number]>();
  for (const list of byFile.values()) {
    for (const { f, matched } of list) {
      if (matched) continue;
      if (f.bandit) {
        const r = row(f.bandit);
        r.onlyHunkGuard++;
        r.onlyHunkGuardPlaces.push(place(f.path, f.line, f.rule));
      } else {
        const b = beyond.get(f.rule) ?? { rule: f.rule, count: 0, places: [] };
        b.count++;
        b.places.push(place(f.path, f.line, f.rule));
        beyond.set(f.rule, b);
      }
    }
  }

  const sortedRows = [...rows.values()].sort((a, b) => a.id.localeCompare(b.id));
  for (const r of sortedRows) {
    r.onlyBanditPlaces.sort(byPlace);
    r.onlyHunkGuardPlaces.sort(byPlace);
  }
  const totals = { both: 0, onlyBandit: 0, onlyHunkGuard: 0 };
  for (const r of sortedRows) {
    totals.both += r.both;
    totals.onlyBandit += r.onlyBandit;
    totals.onlyHunkGuard += r.onlyHunkGuard;
  }
  return {
    rows: sortedRows,
    totals,
    beyond: [...beyond.values()].map((b) => ({ ...b, places: b.places.sort(byPlace) })).sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule)),
    notReported: [...notReported.values()].map((n) => ({ ...n, places: n.places.sort(byPlace) })).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** Findings whose line may hold a credential: the secrets rules, and rules about keys or passwords in URLs. */
function isSecretFinding(f: ComparedFinding): boolean {
  return f.category === "secrets" || (f.bandit !== undefined && SECRET_BANDIT_IDS.has(f.bandit)) || /secret|password|token|api-key|credential/.test(f.rule);
}

/** `n` places spread evenly over the list (first and last included), so samples are not all from one file. */
export function spread<T>(items: T[], n: number): T[] {
  if (n <= 0 || !items.length) return [];
  if (items.length <= n) return items.slice();
  if (n === 1) return [items[0]];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rendering

export interface BanditInfo {
  /** e.g. "1.6.2"; undefined when a saved report was read and Bandit is not installed */
  version?: string;
  /** the Python Bandit runs on, e.g. "3.11.2" */
  python?: string;
  /** ids the installed Bandit runs; undefined when unknown */
  tests?: Set<string>;
  /** the installed Bandit's test names, by id */
  names?: Record<string, string>;
}

export interface RunInfo {
  path: string;
  date: string;
  command: string;
  rules: number;
  bandit: BanditInfo;
  files: { bandit: number; compared: number; banditErrors: { filename: string; reason: string }[]; notUtf8: { filename: string; reason: string }[] };
}

const versionBelow = (v: string, than: number[]) => {
  const parts = v.split(".").map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < than.length; i++) if ((parts[i] ?? 0) !== than[i]) return (parts[i] ?? 0) < than[i];
  return false;
};

/** The note shown next to an id: what makes its numbers read differently. */
export function noteFor(id: string, bandit: BanditInfo): string {
  const notes: string[] = [];
  if (bandit.tests && !bandit.tests.has(id)) notes.push(`not a check in bandit ${bandit.version ?? "(installed)"}: its findings are all "only HunkGuard"`);
  else if (SKIPPED_ON_PY38.has(id)) {
    if (bandit.version && bandit.python) {
      if (versionBelow(bandit.version, [1, 6, 3]) && !versionBelow(bandit.python, [3, 8]))
        notes.push(`bandit ${bandit.version} on Python ${bandit.python} silently skips this check (fixed in 1.6.3): "only HunkGuard" here may be real`);
    } else notes.push(`bandit < 1.6.3 on Python ≥ 3.8 silently skips this check: "only HunkGuard" here may be real`);
  }
  if (IMPORT_CHECK.test(id)) notes.push("Bandit reports the import, HunkGuard the use: the lines rarely coincide");
  return notes.join("; ");
}

/** Reads a file's lines once, for samples. */
export type LineReader = (path: string, line: number) => string;

/**
 * String literals masked, and the tail of a literal the line does not close (the first line of a
 * multi-line string) cut after four characters, like `maskStringLiterals` does for whole literals.
 */
export function maskSecretLine(code: string): string {
  return maskStringLiterals(code).replace(/([rbuRBU]{0,2}(["']{1,3}))(?![^"'\n]*\2)([^\n]{4})[^\n]+$/, (_m, open: string, _q, keep: string) => `${open}${keep}********`);
}

function sampleLine(p: Place, readLine: LineReader, display: (path: string) => string): string {
  let code = readLine(p.path, p.line).trim();
  if (p.secret) code = maskSecretLine(code);
  if (code.length > 140) code = `${code.slice(0, 137)}...`;
  const fence = code.includes("`") ? "``" : "`";
  return `- ${display(p.path)}:${p.line} (${p.by}) ${code ? `${fence}${code.includes("`") ? " " : ""}${code}${code.includes("`") ? " " : ""}${fence}` : ""}`.trimEnd();
}

/** B313–B320 for a run of consecutive ids, B602/B604/B605/B606 otherwise. */
function familyLabel(ids: string[]): string {
  const n = ids.map((id) => Number(id.slice(1)));
  const consecutive = n.every((x, i) => i === 0 || x === n[i - 1] + 1);
  return consecutive && ids.length > 2 ? `${ids[0]}–${ids[ids.length - 1]}` : ids.join("/");
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

export function renderMarkdown(c: Comparison, run: RunInfo, samples: number, readLine: LineReader, display: (path: string) => string): string {
  const out: string[] = [];
  const b = run.bandit;
  out.push(`# Bandit vs HunkGuard: ${run.path}`, "");
  out.push(`- date: ${run.date}`);
  out.push(`- command: \`${run.command}\``);
  out.push(`- bandit ${b.version ?? "(version unknown)"}${b.python ? ` on Python ${b.python}` : ""}; HunkGuard ${run.rules} rules`);
  const skipped = run.files.banditErrors.length + run.files.notUtf8.length;
  out.push(
    `- files: ${run.files.compared} compared of ${run.files.bandit} Bandit read` +
      (skipped ? ` (${run.files.banditErrors.length} Bandit could not scan, ${run.files.notUtf8.length} not UTF-8: left out for both tools)` : ""),
  );
  out.push(
    "- matching: same file, and Bandit's line inside the HunkGuard finding's node or statement, from a rule for the same check " +
      "(same id, same family — " + BANDIT_FAMILIES.map(familyLabel).join(", ") +
      " — or a rule without an id in the same category)",
    "",
  );

  out.push("| Bandit id | name | HunkGuard rules | both | only Bandit | only HunkGuard | note |", "|---|---|---|--:|--:|--:|---|");
  for (const r of c.rows) {
    // a family's rules are named only where no rule carries the id itself (the XML family would fill every row)
    const ruleCell = r.rules.length
      ? r.rules.map((x) => `\`${x}\``).join(", ")
      : r.familyRules.length
        ? `via its family: ${r.familyRules.map((x) => `\`${x}\``).join(", ")}`
        : "";
    out.push(`| ${r.id} | ${r.name} | ${ruleCell || "—"} | ${r.both} | ${r.onlyBandit} | ${r.onlyHunkGuard} | ${cell(noteFor(r.id, b))} |`);
  }
  out.push(`| **total** | | | **${c.totals.both}** | **${c.totals.onlyBandit}** | **${c.totals.onlyHunkGuard}** | |`, "");

  out.push("## Beyond Bandit: HunkGuard rules without a Bandit id", "");
  if (!c.beyond.length) out.push("(none)", "");
  else {
    out.push("| rule | findings |", "|---|--:|");
    for (const x of c.beyond) out.push(`| \`${x.rule}\` | ${x.count} |`);
    out.push(`| **total** | **${c.beyond.reduce((s, x) => s + x.count, 0)}** |`, "");
  }

  out.push("## Deliberately not reported by HunkGuard", "");
  const shown = new Map(c.notReported.map((n) => [n.id, n]));
  const ruleIds = new Set(c.rows.map((r) => r.id));
  const ids = Object.keys(NOT_REPORTED).filter((id) => shown.has(id) || !ruleIds.has(id)).sort();
  out.push("| Bandit id | name | Bandit findings | why HunkGuard has no rule |", "|---|---|--:|---|");
  for (const id of ids) {
    const n = shown.get(id);
    out.push(`| ${id} | ${BANDIT_NAMES[id] ?? n?.name ?? ""} | ${n?.count ?? 0} | ${cell(NOT_REPORTED[id] ?? n?.reason ?? "")} |`);
  }
  out.push(`| **total** | | **${c.notReported.reduce((s, n) => s + n.count, 0)}** | |`, "");

  if (run.files.banditErrors.length) {
    out.push("## Files Bandit could not scan (left out)", "");
    const reasons = new Map<string, string[]>();
    for (const e of run.files.banditErrors) reasons.set(e.reason, [...(reasons.get(e.reason) ?? []), e.filename]);
    for (const [reason, files] of reasons) out.push(`- ${reason}: ${files.length} (${files.slice(0, 3).map(display).join(", ")}${files.length > 3 ? ", …" : ""})`);
    out.push("");
  }
  if (run.files.notUtf8.length) {
    out.push("## Files HunkGuard does not read (left out)", "");
    out.push(`- ${run.files.notUtf8.length}: ${run.files.notUtf8.slice(0, 5).map((e) => `${display(e.filename)} (${e.reason})`).join(", ")}${run.files.notUtf8.length > 5 ? ", …" : ""}`, "");
  }

  if (samples > 0) {
    out.push(`## Samples (up to ${samples} per "only" cell; string literals masked on lines about secrets)`, "");
    if (!c.rows.some((r) => r.onlyBanditPlaces.length || r.onlyHunkGuardPlaces.length) && !c.beyond.length) out.push("(none)", "");
    for (const r of c.rows) {
      for (const [label, places] of [["only Bandit", r.onlyBanditPlaces], ["only HunkGuard", r.onlyHunkGuardPlaces]] as const) {
        if (!places.length) continue;
        out.push(`### ${r.id} ${r.name}: ${label} (${places.length})`, "");
        for (const p of spread(places, samples)) out.push(sampleLine(p, readLine, display));
        out.push("");
      }
    }
    for (const x of c.beyond) {
      out.push(`### beyond Bandit: \`${x.rule}\` (${x.count})`, "");
      for (const p of spread(x.places, samples)) out.push(sampleLine(p, readLine, display));
      out.push("");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

export function renderJson(c: Comparison, run: RunInfo, samples: number, readLine: LineReader, display: (path: string) => string): string {
  const sample = (places: Place[]) =>
    spread(places, samples).map((p) => {
      const code = readLine(p.path, p.line).trim();
      return { path: display(p.path), line: p.line, by: p.by, code: p.secret ? maskSecretLine(code) : code };
    });
  const withSamples = samples > 0;
  return `${JSON.stringify(
    {
      version: 1,
      path: run.path,
      date: run.date,
      command: run.command,
      bandit: { version: run.bandit.version ?? null, python: run.bandit.python ?? null },
      rules: run.rules,
      files: {
        bandit: run.files.bandit,
        compared: run.files.compared,
        banditErrors: run.files.banditErrors.map((e) => ({ path: display(e.filename), reason: e.reason })),
        notUtf8: run.files.notUtf8.map((e) => ({ path: display(e.filename), reason: e.reason })),
      },
      rows: c.rows.map((r) => ({
        id: r.id,
        name: r.name,
        rules: r.rules,
        familyRules: r.familyRules,
        both: r.both,
        onlyBandit: r.onlyBandit,
        onlyHunkGuard: r.onlyHunkGuard,
        note: noteFor(r.id, run.bandit) || null,
        ...(withSamples ? { samples: { onlyBandit: sample(r.onlyBanditPlaces), onlyHunkGuard: sample(r.onlyHunkGuardPlaces) } } : {}),
      })),
      totals: c.totals,
      beyondBandit: c.beyond.map((x) => ({ rule: x.rule, count: x.count, ...(withSamples ? { samples: sample(x.places) } : {}) })),
      notReported: c.notReported.map((n) => ({ id: n.id, name: n.name, count: n.count, reason: n.reason })),
    },
    null,
    2,
  )}\n`;
}

// ---------------------------------------------------------------------------------------------
// Running the tools (I/O)

const INSTALL_HINT = "bandit is not installed; on Debian: apt-get install -y bandit";

/** `bandit --version` and `bandit --help` of the installed Bandit, or undefined when there is none. */
export function probeBandit(): BanditInfo | undefined {
  const v = spawnSync("bandit", ["--version"], { encoding: "utf8" });
  if (v.error) return undefined;
  const text = `${v.stdout}\n${v.stderr}`;
  const info: BanditInfo = {
    version: /bandit\s+(\d+(?:\.\d+)*)/.exec(text)?.[1],
    python: /python version\s*=\s*(\d+(?:\.\d+)*)/.exec(text)?.[1],
  };
  const h = spawnSync("bandit", ["--help"], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const tests = new Map<string, string>();
  for (const m of (h.stdout ?? "").matchAll(/^\s*(B\d{3})\s+(\w+)\s*$/gm)) tests.set(m[1], m[2]);
  if (tests.size) {
    info.tests = new Set(tests.keys());
    info.names = Object.fromEntries(tests);
  }
  return info;
}

/** Runs `bandit -r -f json -q` into a temporary file (its report can be large) and parses it. */
async function runBandit(path: string, exclude: string): Promise<BanditReport> {
  const dir = mkdtempSync(join(tmpdir(), "hunkguard-bandit-"));
  const file = join(dir, "report.json");
  const fd = openSync(file, "w");
  try {
    const args = ["-r", "-f", "json", "-q", ...(exclude ? ["-x", exclude] : []), path];
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done, fail) => {
      const child = spawn("bandit", args, { stdio: ["ignore", fd, "pipe"] });
      let err = "";
      child.stderr?.on("data", (d: Buffer) => (err = (err + d.toString("utf8")).slice(-4000)));
      child.on("error", fail);
      child.on("close", (c) => done({ code: c, stderr: err }));
    });
    closeSync(fd);
    const text = readFileSync(file, "utf8");
    // Bandit exits 1 when it finds issues; its JSON is on stdout either way
    try {
      return parseBanditJson(text);
    } catch (e) {
      throw new Error(`bandit printed no JSON report (exit ${code}): ${(e as Error).message}\n${stderr.trim().split("\n").slice(-5).join("\n")}`);
    }
  } finally {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Analysed {
  findings: ComparedFinding[];
  notUtf8: { filename: string; reason: string }[];
  texts: Map<string, string[]>;
  compared: number;
}

/** HunkGuard's engine on the files Bandit scanned, keyed by Bandit's spelling of each path. */
async function runHunkGuard(files: string[], rules: RuleSet): Promise<Analysed> {
  const memory = new NativeMemoryGuard();
  const out: Analysed = { findings: [], notUtf8: [], texts: new Map(), compared: 0 };
  for (const filename of files) {
    await memory.afterFile();
    let bytes: Buffer;
    try {
      bytes = readFileSync(filename);
    } catch (e) {
      out.notUtf8.push({ filename, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    const decoded = decodeSource(bytes);
    if ("skip" in decoded) {
      out.notUtf8.push({ filename, reason: decoded.skip });
      continue;
    }
    out.compared++;
    const analysis = analyzeSource(filename, decoded.text, { rules, fixes: false });
    for (const f of analysis.findings) {
      out.findings.push({
        rule: f.rule,
        category: f.category,
        path: filename,
        line: f.line,
        endLine: f.endLine,
        statementLine: f.statementLine,
        statementEndLine: f.statementEndLine,
        ...(f.bandit ? { bandit: f.bandit } : {}),
      });
    }
  }
  return out;
}

const USAGE = `usage: node dist/bench/compare-bandit.js PATH [--samples N] [--json] [--out FILE] [--exclude GLOBS] [--bandit-json FILE]
  (npm run compare:bandit -- PATH ...)`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        samples: { type: "string" },
        json: { type: "boolean" },
        out: { type: "string" },
        exclude: { type: "string" },
        "bandit-json": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const root = positionals[0];
  if (!existsSync(root)) {
    process.stderr.write(`no such file or directory: ${root}\n`);
    return 2;
  }
  const samples = values.samples === undefined ? 0 : Number(values.samples);
  if (!Number.isInteger(samples) || samples < 0) {
    process.stderr.write("--samples takes a whole number ≥ 0\n");
    return 2;
  }
  const exclude = values.exclude ?? "site-packages,dist-packages";

  const probed = probeBandit();
  let report: BanditReport;
  if (values["bandit-json"]) {
    try {
      report = parseBanditJson(readFileSync(values["bandit-json"], "utf8"));
    } catch (e) {
      process.stderr.write(`${values["bandit-json"]}: ${(e as Error).message}\n`);
      return 2;
    }
  } else {
    if (!probed) {
      process.stderr.write(`${INSTALL_HINT}\n`);
      return 2;
    }
    process.stderr.write(`running bandit -r on ${root} (this can take minutes on a large tree)…\n`);
    try {
      report = await runBandit(root, exclude);
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n`);
      return 2;
    }
  }

  const rules = await loadRules();
  const errored = new Set(report.errors.map((e) => e.filename));
  const files = [...new Set([...report.files, ...report.results.map((r) => r.filename)])].filter((f) => !errored.has(f)).sort();
  process.stderr.write(`running HunkGuard on ${files.length} files…\n`);
  const hg = await runHunkGuard(files, rules);

  // Bandit's results on files HunkGuard could not read are left out, like the files
  const unread = new Set(hg.notUtf8.map((e) => e.filename));
  const banditResults = report.results.filter((r) => !errored.has(r.filename) && !unread.has(r.filename));
  const comparison = compareResults(banditResults, hg.findings, {
    rules: rules.rules.map((r) => ({ id: r.id, category: r.category, ...(r.bandit ? { bandit: r.bandit } : {}) })),
    names: probed?.names,
  });

  const base = resolve(root);
  const rootIsDir = statSync(root).isDirectory();
  const display = (p: string) => {
    const abs = resolve(p);
    if (!rootIsDir) return basename(abs);
    const rel = relative(base, abs);
    return (rel.startsWith("..") ? abs : rel).split(sep).join("/");
  };
  const readLine: LineReader = (path, line) => {
    let lines = hg.texts.get(path);
    if (!lines) {
      try {
        lines = readFileSync(path, "utf8").split("\n");
      } catch {
        lines = [];
      }
      hg.texts.set(path, lines);
    }
    return (lines[line - 1] ?? "").replace(/\r$/, "");
  };
  const run: RunInfo = {
    path: root,
    date: new Date().toISOString().slice(0, 10),
    command: ["node dist/bench/compare-bandit.js", ...argv.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a))].join(" "),
    rules: rules.rules.length,
    bandit: probed ?? {},
    files: { bandit: files.length + errored.size, compared: hg.compared, banditErrors: report.errors, notUtf8: hg.notUtf8 },
  };
  const text = values.json ? renderJson(comparison, run, samples, readLine, display) : renderMarkdown(comparison, run, samples, readLine, display);
  if (values.out) {
    writeFileSync(values.out, text);
    process.stderr.write(`wrote ${values.out}\n`);
  } else process.stdout.write(text);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
