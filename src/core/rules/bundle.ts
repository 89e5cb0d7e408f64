/**
 * The built rules' code modules in one file (dist/rules/bundle.js, written by `npm run build`): a
 * start-up imports one module where it imported one per rule (each ES module costs the loader
 * about half a millisecond however small it is). Each rule's module body runs in a function of its
 * own, called when the rule loads, so one rule's failure stays that rule's. A rule's entry is used
 * only while its built file is the one bundled: the same size, and the same modification time or
 * (an installed package, whose files all carry the tarball's time) the same SHA-256; anything else
 * (a rule built since, a rule outside the package, src/ under ts-jest) imports the rule's own file.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

export const BUNDLE_FILE = "bundle.js";

/** What bundle.js exports: per built rule file (relative to dist/rules, `/` separators). */
export interface RuleBundle {
  files: Record<string, { size: number; mtimeMs: number; hash: string; load: () => { default?: unknown } }>;
}

/** One import declaration as tsc writes it (one line): `import { a, b as c } from "…";`, `import * as n from "…";`, `import d from "…";`. */
const IMPORT = /^import\s+(?:(\{[^}]*\})|\*\s+as\s+([A-Za-z_$][\w$]*)|([A-Za-z_$][\w$]*))\s+from\s+("[^"]+"|'[^']+');\s*$/;

/** The body of one rule module as a function body, or null when its form is not one this handles (the rule is then not bundled). */
export function ruleModuleBody(js: string, fileDir: string, bundleDir: string, hoist: (specifier: string) => string): string | null {
  const out: string[] = [];
  let hasDefault = false;
  for (const line of js.split("\n")) {
    if (line.startsWith("//# sourceMappingURL=")) continue;
    // what a function body cannot mean the same: a dynamic import or import.meta (relative to the
    // rule's own file), a top-level await (also refused inside functions: the check is by line)
    if (/\bimport\s*\(|\bimport\.meta\b|^\s*await\b/.test(line)) return null;
    if (/^import\b/.test(line)) {
      const m = IMPORT.exec(line);
      if (!m) return null;
      let spec = m[4].slice(1, -1);
      if (spec.startsWith(".")) {
        spec = relative(bundleDir, join(fileDir, spec)).split(sep).join("/");
        if (!spec.startsWith(".")) spec = `./${spec}`;
      }
      const ns = hoist(spec);
      if (m[1]) {
        const names = m[1]
          .slice(1, -1)
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => {
            const [from, to] = s.split(/\s+as\s+/);
            return to ? `${from}: ${to}` : from;
          });
        out.push(`const { ${names.join(", ")} } = ${ns};`);
      } else if (m[2]) out.push(`const ${m[2]} = ${ns};`);
      else out.push(`const ${m[3]} = ${ns}.default;`);
      continue;
    }
    if (line.startsWith("export default ")) {
      if (hasDefault) return null;
      hasDefault = true;
      out.push(`const __hgDefault = ${line.slice("export default ".length)}`);
      continue;
    }
    if (/^export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s/.test(line)) {
      out.push(line.slice("export ".length));
      continue;
    }
    if (/^export\b/.test(line)) return null;
    out.push(line);
  }
  if (!hasDefault) return null;
  out.push("return { default: __hgDefault };");
  return out.join("\n");
}

/** The SHA-256 of a built rule module's text (base64). */
export function builtHash(js: string): string {
  return createHash("sha256").update(js).digest("base64");
}

/** Write `<builtRulesDir>/bundle.js` from every built rule module there; the number bundled. */
export function writeRuleBundle(builtRulesDir: string): number {
  const files: string[] = [];
  const todo = [builtRulesDir];
  while (todo.length) {
    const d = todo.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) todo.push(p);
      else if (e.name.endsWith(".js") && d !== builtRulesDir) files.push(p);
    }
  }
  files.sort();
  const imports = new Map<string, string>();
  const hoist = (spec: string) => {
    let ns = imports.get(spec);
    if (!ns) imports.set(spec, (ns = `__hg${imports.size}`));
    return ns;
  };
  const entries: string[] = [];
  for (const file of files) {
    const js = readFileSync(file, "utf8");
    const body = ruleModuleBody(js, dirname(file), builtRulesDir, hoist);
    if (body === null) continue;
    const st = statSync(file);
    const key = relative(builtRulesDir, file).split(sep).join("/");
    entries.push(`  ${JSON.stringify(key)}: { size: ${st.size}, mtimeMs: ${st.mtimeMs}, hash: ${JSON.stringify(builtHash(js))}, load: () => {\n${body}\n} },`);
  }
  const head = [...imports].map(([spec, ns]) => `import * as ${ns} from ${JSON.stringify(spec)};`).join("\n");
  writeFileSync(join(builtRulesDir, BUNDLE_FILE), `// Written by npm run build (src/core/rules/bundle.ts): the built rule modules in one file, for start-up.\n${head}\nexport const files = {\n${entries.join("\n")}\n};\n`);
  return entries.length;
}
