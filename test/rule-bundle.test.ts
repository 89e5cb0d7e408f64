/** The build's rule bundle (src/core/rules/bundle.ts): a built rule module as a function body. */
import { join } from "node:path";
import { ruleModuleBody } from "../src/core/rules/bundle.js";

const root = join("/d", "dist", "rules");
const hoister = () => {
  const specs: string[] = [];
  return { specs, hoist: (spec: string) => `ns${specs.push(spec) - 1}` };
};

test("a built rule module becomes a function body returning its default export, imports hoisted", () => {
  const js = [
    'import { defineRule, NO_OPTIONS as NONE } from "../../src/core/rule-code.js";',
    'import * as path from "node:path";',
    'import thing from "./thing.js";',
    "export const LIMIT = 3;",
    "export default defineRule({ options: NONE, n: LIMIT + later() + thing, sep: path.sep });",
    "function later() { return 1; }",
    "//# sourceMappingURL=x.js.map",
  ].join("\n");
  const { specs, hoist } = hoister();
  const body = ruleModuleBody(js, join(root, "cat"), root, hoist);
  expect(specs).toEqual(["../src/core/rule-code.js", "node:path", "./cat/thing.js"]);
  expect(body).not.toMatch(/sourceMappingURL|^import|^export/m);
  const mod = new Function("ns0", "ns1", "ns2", body!)({ defineRule: (x: unknown) => x, NO_OPTIONS: "none" }, { sep: "/" }, { default: 10 });
  expect(mod).toEqual({ default: { options: "none", n: 14, sep: "/" } });
});

test("a module of a form it does not handle is left out (its own file is imported)", () => {
  const body = (js: string) => ruleModuleBody(js, join(root, "cat"), root, hoister().hoist);
  expect(body("const a = 1;\nexport { a };\nexport default a;")).toBeNull();
  expect(body('const m = await import("x");\nexport default m;')).toBeNull();
  expect(body("export default import.meta.url;")).toBeNull();
  expect(body('import {\n  a } from "x";\nexport default a;')).toBeNull();
  expect(body("export const a = 1;")).toBeNull();
});
