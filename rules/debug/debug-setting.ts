/**
 * Debug mode left on where it is configured: `DEBUG = True` in a Django settings module or in a
 * config class (`class ProductionConfig: DEBUG = True`), and `.run(debug=True)` on the app an
 * application factory returns (`app = create_app(); app.run(debug=True)`).
 */
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import type { Node } from "../../src/core/python.js";
import type { FileModel } from "../../src/core/scope.js";
import type { Hit } from "../../src/core/types.js";
import { keywordArgument } from "../../src/core/args.js";
import { removeArgument } from "../../src/core/lib/edits.js";

/** Names only a Django settings module assigns at its top level. */
const DJANGO_SETTINGS = new Set(["INSTALLED_APPS", "ALLOWED_HOSTS", "ROOT_URLCONF", "MIDDLEWARE", "DATABASES", "WSGI_APPLICATION", "ASGI_APPLICATION", "AUTH_PASSWORD_VALIDATORS", "TEMPLATES"]);
/** Config classes: `ProductionConfig`, `Settings`, `BaseConfig`. */
const CONFIG_CLASS = /(?:Config|Settings|Configuration)$/;
/** Test configs: debug there is expected. */
const TEST_CLASS = /^(?:Test|Testing|Unittest)/;
const DEV_CLASS = /^(?:Dev|Development|Local|Debug)/;
/** The app returned by a factory: `create_app().run`, `make_app().run`. */
const FACTORY_RUN = /(?:^|\.)(?:create_app|make_app|get_app|build_app|app_factory|create_application)\(\)\.run$/;

type Data = { keyword: Node } | undefined;

function isTrue(model: FileModel, n: Node | null): boolean {
  return !!n && n.type === "true";
}

function statementAssignment(stmt: Node): { left: Node; right: Node } | null {
  if (stmt.type !== "expression_statement") return null;
  const a = stmt.namedChild(0);
  if (a?.type !== "assignment") return null;
  const left = a.childForFieldName("left");
  const right = a.childForFieldName("right");
  return left && right ? { left, right } : null;
}

export default defineRule<Record<string, never>, Data>({
  options: NO_OPTIONS,
  match: ({ model }) => {
    const hits: Hit<Data>[] = [];
    const root = model.parsed.tree.rootNode;
    // the first two kinds assign `DEBUG`: a file without the word has none
    const assignsDebug = model.source.includes("DEBUG");
    // module level: DEBUG = True beside Django's own settings
    const top = assignsDebug ? root.namedChildren.map(statementAssignment).filter((a): a is { left: Node; right: Node } => a !== null) : [];
    const names = new Set(top.filter((a) => a.left.type === "identifier").map((a) => model.text(a.left)));
    if ([...names].some((n) => DJANGO_SETTINGS.has(n))) {
      for (const a of top) {
        if (a.left.type === "identifier" && model.text(a.left) === "DEBUG" && isTrue(model, a.right) && model.inFocus(a.right.startIndex)) {
          hits.push({ node: a.right.parent!, message: "`DEBUG = True` in a Django settings module: error pages show source, settings and request data to anyone who triggers an error." });
        }
      }
    }
    // class bodies of config classes
    for (const { node: cls } of assignsDebug ? model.classes : []) {
      const name = cls.childForFieldName("name");
      const body = cls.childForFieldName("body");
      if (!name || !body) continue;
      const cname = model.text(name);
      if (!CONFIG_CLASS.test(cname) || TEST_CLASS.test(cname)) continue;
      for (const stmt of body.namedChildren) {
        const a = statementAssignment(stmt);
        if (!a || a.left.type !== "identifier" || model.text(a.left) !== "DEBUG" || !isTrue(model, a.right)) continue;
        if (!model.inFocus(a.right.startIndex)) continue;
        const dev = DEV_CLASS.test(cname);
        hits.push({
          node: a.right.parent!,
          confidence: dev ? "low" : undefined,
          message: dev
            ? `\`DEBUG = True\` in \`${cname}\`: when this config is the one the app starts with (a factory's default), tracebacks and the debugger are served to anyone who triggers an error.`
            : `\`DEBUG = True\` in \`${cname}\`: tracebacks and the debugger are served to anyone who triggers an error.`,
        });
      }
    }
    // app = create_app(); app.run(debug=True)
    for (const call of model.calls) {
      if (call.lastName !== "run") continue;
      if (!model.calleeNames(call).some((n) => FACTORY_RUN.test(n))) continue;
      const kw = keywordArgument(model, call, "debug");
      if (!kw || !isTrue(model, kw.childForFieldName("value"))) continue;
      hits.push({
        node: call.node,
        call,
        message: "`app.run(debug=True)` on the app the factory returns serves the Werkzeug debugger: anyone who triggers an error gets a Python console.",
        severity: "high",
        data: { keyword: kw },
      });
    }
    return hits;
  },
  fix: ({ model, data }) => {
    if (!data) return { decline: "debug mode is set by assignment: read it from the environment instead" };
    return { edits: [removeArgument(model, data.keyword)] };
  },
});
