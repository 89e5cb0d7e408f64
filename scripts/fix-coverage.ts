/**
 * How many findings in the rules' own `bad` examples get a one-click fix, by tier.
 * `npm run build && node dist/scripts/fix-coverage.js`
 */
import { loadRules } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";

const rules = await loadRules();
const tally = { findings: 0, safe: 0, review: 0, explain: 0, none: 0, withheld: 0 };
const perRule: string[] = [];
for (const rule of rules.rules) {
  let n = 0;
  let oneClick = 0;
  for (const [i, bad] of rule.examples.bad.entries()) {
    const r = analyzeSource(`${rule.id}_${i}.py`, bad.code, { rules, enabled: (x) => x.id === rule.id });
    for (const f of r.findings) {
      n++;
      tally.findings++;
      if (!f.fix) tally.none++;
      else if (f.fix.replacement !== undefined && f.fix.safety !== "explain") {
        tally[f.fix.safety]++;
        oneClick++;
      } else {
        tally.explain++;
        if (f.fix.withheld) tally.withheld++;
      }
    }
  }
  perRule.push(`${rule.id.padEnd(32)} ${String(oneClick).padStart(3)}/${n}  ${rule.fix?.safety ?? "no fix"}`);
}
console.log(perRule.join("\n"));
const pct = (x: number) => `${((100 * x) / tally.findings).toFixed(1)}%`;
console.log(
  `\n${tally.findings} findings in ${rules.rules.length} rules' bad examples: ` +
    `${tally.safe + tally.review} one-click (${pct(tally.safe + tally.review)}: ${tally.safe} safe, ${tally.review} review), ` +
    `${tally.explain} explain (${tally.withheld} of them a withheld or declined fix), ${tally.none} with no fix.`,
);
