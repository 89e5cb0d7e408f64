/**
 * The shape of the code: no value import cycle anywhere in src/ and rules/ (a type-only import is
 * erased and never runs), no grab-bag modules, and every rule's code beside its rule file.
 */
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { join, dirname, resolve, relative, basename } from "node:path";

const ROOT = process.cwd();

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** Relative imports that load a module at run time: `import`/`export … from` that are not type-only, and bare `import "x"`. */
export function valueImports(file: string, text: string): string[] {
  const out: string[] = [];
  const statement = /^(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s*"(\.[^"]+)"|^import\s+"(\.[^"]+)"/gm;
  for (const m of text.matchAll(statement)) {
    const spec = m[3] ?? m[4];
    if (m[1]) continue; // import type { … } / export type { … }
    const names = m[2] ?? "";
    // `import { type A, type B } from …` is erased too
    const braces = /^\{([\s\S]*)\}$/.exec(names.trim());
    if (braces && braces[1].split(",").map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith("type "))) continue;
    out.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
  }
  return out;
}

/** Every cycle found by a depth-first walk, as the files on it. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (start: string) => {
    // iterative DFS: each frame is a file and the index of its next import
    const frames: { file: string; next: number }[] = [{ file: start, next: 0 }];
    state.set(start, "open");
    stack.push(start);
    while (frames.length) {
      const top = frames[frames.length - 1];
      const deps = graph.get(top.file) ?? [];
      if (top.next < deps.length) {
        const dep = deps[top.next++];
        if (!graph.has(dep)) continue;
        const s = state.get(dep);
        if (s === "open") found.push([...stack.slice(stack.indexOf(dep)), dep]);
        else if (!s) {
          state.set(dep, "open");
          stack.push(dep);
          frames.push({ file: dep, next: 0 });
        }
      } else {
        state.set(top.file, "done");
        stack.pop();
        frames.pop();
      }
    }
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

test("no value import cycle in src/ or rules/", () => {
  const files = [...tsFiles(join(ROOT, "src")), ...tsFiles(join(ROOT, "rules"))];
  const graph = new Map(files.map((f) => [f, valueImports(f, readFileSync(f, "utf8"))]));
  const found = cycles(graph).map((c) => c.map((f) => relative(ROOT, f)).join(" → "));
  expect(found).toEqual([]);
});

test("the cycle finder finds a cycle and ignores type-only imports", () => {
  const a = "/x/a.ts";
  const b = "/x/b.ts";
  expect(valueImports(a, 'import { f } from "./b.js";\nimport type { T } from "./c.js";\nimport { type U } from "./d.js";\n')).toEqual([b]);
  expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual([[a, b, a]]);
  expect(cycles(new Map([[a, [b]], [b, []]]))).toEqual([]);
});

test("no grab-bag modules (misc, utils, helpers) and no area folders of matchers or fixes", () => {
  const files = [...tsFiles(join(ROOT, "src")), ...tsFiles(join(ROOT, "rules"))].map((f) => relative(ROOT, f));
  expect(files.filter((f) => /(^|\/)(misc|utils?|helpers?)[^/]*\.ts$/.test(f))).toEqual([]);
  expect(existsSync(join(ROOT, "src/core/matchers")) || existsSync(join(ROOT, "src/core/fixes"))).toBe(false);
});

test("every rule module sits beside its rule file", () => {
  const modules = tsFiles(join(ROOT, "rules"));
  expect(modules.length).toBeGreaterThan(0);
  for (const m of modules) expect([basename(m), existsSync(m.replace(/\.ts$/, ".yml"))]).toEqual([basename(m), true]);
});
