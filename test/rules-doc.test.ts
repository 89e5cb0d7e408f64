/**
 * docs/rules.md and the README's rules table are generated from the rule files: a rule added or
 * changed without regenerating them fails here.
 */
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { loadRules } from "../src/core/rules/load.js";
import { generatedFiles, renderRulesDoc, renderRulesTable, replaceRulesBlock, REPO_ROOT, START_MARKER, END_MARKER } from "../scripts/rules-doc.js";

test("docs/rules.md and the README rules table are up to date (run npm run docs)", async () => {
  for (const [file, expected] of Object.entries(await generatedFiles())) {
    const path = join(REPO_ROOT, file);
    const actual = existsSync(path) ? readFileSync(path, "utf8") : "(missing)";
    if (actual !== expected) throw new Error(`${file} is out of date with the rule files: run npm run docs`);
  }
});

test("every rule has its section, with its docs, references and examples", async () => {
  const rules = (await loadRules()).rules;
  const doc = renderRulesDoc(rules);
  for (const r of rules) {
    const at = doc.indexOf(`### \`${r.id}\`\n`);
    expect([r.id, at]).not.toEqual([r.id, -1]);
    const section = doc.slice(at, doc.indexOf("\n### ", at + 1) === -1 ? undefined : doc.indexOf("\n### ", at + 1));
    expect(section).toContain(r.title);
    expect(section).toContain(r.docs.what.trim().replace(/\s*\n\s*/g, " ").slice(0, 40));
    for (const ref of r.docs.references) expect(section).toContain(ref);
    for (const cwe of r.cwe) expect(section).toContain(cwe);
    const shown = r.examples.bad.find((b) => b.fixed !== undefined) ?? r.examples.bad[0];
    expect(section).toContain(shown.code);
    if (shown.fixed !== undefined) expect(section).toContain(shown.fixed);
    if (r.fix) expect(section).toContain(`**Fix: ${r.fix.safety}`);
  }
});

test("the README block is replaced between its markers and nowhere else", async () => {
  const rules = (await loadRules()).rules;
  const table = renderRulesTable(rules);
  const readme = `# X\n\n${START_MARKER}\nold table\n${END_MARKER}\n\nrest\n`;
  expect(replaceRulesBlock(readme, table)).toBe(`# X\n\n${START_MARKER}\n${table}\n${END_MARKER}\n\nrest\n`);
  expect(replaceRulesBlock("# no markers\n", table)).toBeNull();
  expect(table.split("\n")).toHaveLength(rules.length + 2);
});
