/** The README's first quick-start command, end to end over real HTTP on loopback. */
import { runDemo } from "../src/demo/run.js";

test("npm run demo posts one review with suggestions and completes the check", async () => {
  let printed = "";
  const code = await runDemo((s) => {
    printed += s;
  });
  expect(code).toBe(0);
  expect(printed).toContain("→ HTTP 200");
  expect(printed).toContain("Inline comment on app/config.py:10");
  expect(printed).toContain("```suggestion\n    return yaml.safe_load(stream)\n```");
  expect(printed).toContain("```suggestion\n    return ast.literal_eval(raw)\n```");
  expect(printed).toContain('Check run "HunkGuard": completed / failure');
  // the untouched function in reports.py stays quiet
  expect(printed).not.toContain("app/reports.py:15");
});
