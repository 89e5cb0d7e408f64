/** Vendored code (`vendored: skip | report`): which paths count as vendored, and the config key. */
import { pathSelector, VENDORED_PATH } from "../src/core/config.js";
import { parseConfig } from "../src/core/config-schema.js";

test("vendor folders and copies of CPython's library are vendored; look-alikes are not", () => {
  const vendored = ["pip/_vendor/requests/api.py", "vendor/six.py", "src/third_party/ssl_match.py", "tools/thirdparty/x.py", "3rdparty/y.py", "app/vendored/yaml/loader.py", "Lib/urllib/request.py", "env/lib/python3.11/ssl.py", "build/lib/python3/os.py"];
  const own = ["app/vendors.py", "app/vendor_api/views.py", "library/x.py", "lib/app.py", "src/lib/python_helpers.py", "myvendor/x.py"];
  expect(vendored.filter((p) => !VENDORED_PATH.test(p))).toEqual([]);
  expect(own.filter((p) => VENDORED_PATH.test(p))).toEqual([]);
});

test("vendored code is left out by default and analysed with `vendored: report`", () => {
  const byDefault = pathSelector(parseConfig({}).config);
  expect(byDefault("pip/_vendor/requests/api.py")).toBe(false);
  expect(byDefault("app/views.py")).toBe(true);
  const report = parseConfig({ vendored: "report" });
  expect(report.problems).toEqual([]);
  expect(pathSelector(report.config)("pip/_vendor/requests/api.py")).toBe(true);
  expect(parseConfig({ vendored: "yes" }).problems[0]).toMatch(/^`vendored`: /);
});
