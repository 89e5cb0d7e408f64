/**
 * Glob matching time on hostile `include` / `exclude` patterns (issue 11, item 10):
 *
 *   npm run build && node dist/bench/globs.js
 *
 * Each pattern is matched against a path it does not match (the worst case for a backtracking
 * matcher). The figures are for `compileGlob` (an automaton simulated one character at a time);
 * `--regexp` also times the regular expression these globs used to compile to, on the patterns
 * where that finishes in minutes.
 */
import { benchArgs } from "./args.js";
import { compileGlob } from "../src/core/config.js";

// The former compilation to a regular expression: a globstar and slash became a starred group of
// "non-slashes then a slash", a globstar "any characters", a star "non-slashes".
function formerRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      re += slash ? "(?:[^/]*/)*" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\*?]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

const CASES: { glob: string; path: string; regexpFinishes: boolean }[] = [
  { glob: `${"**/".repeat(8)}vendor/*.py`, path: `${"a/".repeat(20)}deep.py`, regexpFinishes: true },
  { glob: `${"**/".repeat(16)}vendor/*.py`, path: `${"a/".repeat(40)}deep.py`, regexpFinishes: false },
  { glob: `${"**/x/".repeat(8)}y.py`, path: `${"x/".repeat(40)}z.py`, regexpFinishes: true },
  { glob: `${"*a".repeat(12)}*b.py`, path: `${"a".repeat(60)}.py`, regexpFinishes: true },
  { glob: `${"*a".repeat(40)}*b.py`, path: `${"a".repeat(4000)}.py`, regexpFinishes: false },
];

const { values } = benchArgs({ options: { regexp: { type: "boolean", default: false } } }, "usage: node dist/bench/globs.js [--regexp]");
const ms = (f: () => unknown) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
for (const c of CASES) {
  const matcher = compileGlob(c.glob);
  const now = ms(() => matcher.test(c.path));
  const before = values.regexp && c.regexpFinishes ? `${ms(() => formerRegExp(c.glob).test(c.path)).toFixed(0)} ms` : "not run";
  console.log(`${c.glob.length > 40 ? `${c.glob.slice(0, 37)}...` : c.glob} on a ${c.path.length}-character path: ${now.toFixed(2)} ms (regular expression: ${before})`);
}
