#!/usr/bin/env bash
# Compare the JSON reports of two revisions on the same inputs: findings, fixes and their order.
#
#   scripts/compare-reports.sh BASE_REF [PATH...]
#
# Builds BASE_REF (exported with `git archive` into a temporary folder, sharing this checkout's
# node_modules) and the working tree, then scans with both CLIs, one thread each:
#   - every PATH given (default: the Python standard library),
#   - every rule example of BASE_REF (each `bad` and `good` snippet as a file of its own).
# Prints the differences (`diff -u` of the normalised reports) and exits 1 when there are any.
# A rule that changed category shows as a `category` line of its own: set IGNORE_CATEGORY=1 to
# compare without that field and list the category changes separately. HEAD_REF=REF compares that
# commit instead of the working tree (so the working tree can change while it runs).
set -euo pipefail

base_ref=${1:?usage: scripts/compare-reports.sh BASE_REF [PATH...]}
shift || true
here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
  set -- "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
base="$work/base"
mkdir -p "$base" "$work/examples"
git -C "$here" archive "$base_ref" | tar -x -C "$base"
ln -s "$here/node_modules" "$base/node_modules"

head="$here"
if [ -n "${HEAD_REF:-}" ]; then
  head="$work/head"
  mkdir -p "$head"
  git -C "$here" archive "$HEAD_REF" | tar -x -C "$head"
  ln -s "$here/node_modules" "$head/node_modules"
fi
echo "building $base_ref and ${HEAD_REF:-the working tree}" >&2
(cd "$base" && npx tsc -p tsconfig.json)
(cd "$head" && npx tsc -p tsconfig.json)

# the rule examples of the base revision, one file per snippet
node --input-type=module -e '
import { readFileSync, writeFileSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
const require = createRequire(process.argv[1] + "/");
const { parse } = require("yaml");
const [rulesDir, out] = process.argv.slice(2);
const files = [];
const walk = (d) => { for (const n of readdirSync(d).sort()) { const p = join(d, n); if (statSync(p).isDirectory()) { if (!n.startsWith("_")) walk(p); } else if (n.endsWith(".yml")) files.push(p); } };
walk(rulesDir);
for (const f of files) {
  const r = parse(readFileSync(f, "utf8"));
  const dir = join(out, r.id.replace(/-/g, "_"));
  mkdirSync(dir, { recursive: true });
  r.examples.bad.forEach((b, i) => writeFileSync(join(dir, `bad_${i}.py`), b.code));
  r.examples.good.forEach((g, i) => writeFileSync(join(dir, `good_${i}.py`), g));
}
' "$here" "$base/rules" "$work/examples"

normalise() {
  # the report without timings; optionally without the category of each finding
  node --input-type=module -e '
    const chunks = []; process.stdin.on("data", (c) => chunks.push(c)); process.stdin.on("end", () => {
      const r = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const drop = process.env.IGNORE_CATEGORY === "1";
      for (const f of r.findings) { if (drop) delete f.category; }
      delete r.tally?.durationMs;
      process.stdout.write(JSON.stringify(r, null, 1) + "\n");
    });'
}

scan() {
  local root=$1 label=$2; shift 2
  (cd "$root" && node bin/hunkguard.js scan "$@" --format json --fail-on never) | normalise > "$work/$label.json" || true
}

status=0
for target in "$@" "$work/examples"; do
  name=$(basename "$target")
  echo "scanning $target" >&2
  scan "$base" "base-$name" "$target"
  scan "$head" "head-$name" "$target"
  count() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).findings.length)' "$1"; }
  echo "$target: base $(count "$work/base-$name.json") findings, head $(count "$work/head-$name.json") findings" >&2
  if ! diff -u --label "$base_ref" --label "${HEAD_REF:-working tree}" "$work/base-$name.json" "$work/head-$name.json"; then status=1; fi
done
if [ "${IGNORE_CATEGORY:-0}" = "1" ]; then
  echo "category changes (rule: base → head):" >&2
  node --input-type=module -e '
    import { readdirSync, readFileSync, statSync } from "node:fs";
    import { join } from "node:path";
    import { createRequire } from "node:module";
    const require = createRequire(process.argv[1] + "/");
    const { parse } = require("yaml");
    const cats = (dir) => { const out = new Map(); const walk = (d) => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) { if (!n.startsWith("_")) walk(p); } else if (n.endsWith(".yml")) { const r = parse(readFileSync(p, "utf8")); out.set(r.id, r.category); } } }; walk(dir); return out; };
    const a = cats(process.argv[2]); const b = cats(process.argv[3]);
    for (const [id, c] of a) if (b.get(id) !== c) console.log(`  ${id}: ${c} → ${b.get(id) ?? "(removed)"}`);
    for (const id of b.keys()) if (!a.has(id)) console.log(`  ${id}: (new) → ${b.get(id)}`);
  ' "$here" "$base/rules" "$head/rules" >&2
fi
exit $status
