/** Flask debug mode switched on by assignment (the `run(debug=True)` calls are patterns in the rule file); the fix removes `debug=True`. */
import type { CallSite } from "../../src/core/scope.js";
import type { FixContext, FixDecline, FixProposal, Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument } from "../../src/core/args.js";
import { importsModule } from "../../src/core/lib/imports.js";
import { removeArgument } from "../../src/core/lib/edits.js";

const FLASK_APPS = new Set(["flask.Flask()", "flask.app.Flask()"]);

function flaskDebugSetting({ model }: MatchContext<unknown>): Hit<undefined>[] {
  if (!importsModule(model, ["flask"]) || !/debug/i.test(model.source)) return [];
  const hits: Hit<undefined>[] = [];
  for (const { node, scope } of model.assignments) {
    const left = node.childForFieldName("left");
    const right = node.childForFieldName("right");
    if (!left || !right || right.type !== "true") continue;
    let app = null;
    if (left.type === "attribute" && model.text(left.childForFieldName("attribute")!) === "debug") {
      app = left.childForFieldName("object");
    } else if (left.type === "subscript") {
      const value = left.childForFieldName("value");
      const key = left.childForFieldName("subscript");
      if (value?.type === "attribute" && model.text(value.childForFieldName("attribute")!) === "config" && key) {
        const k = model.classify(key, scope);
        if (k.kind === "constant" && k.value === "DEBUG") app = value.childForFieldName("object");
      }
    }
    if (!app || !model.resolve(app, scope).some((q) => FLASK_APPS.has(q))) continue;
    hits.push({
      node,
      severity: "medium",
      confidence: "medium",
      message: "Flask debug mode is switched on: run by `app.run()` it serves the Werkzeug debugger, a Python console for anyone who triggers an error.",
    });
  }
  return hits;
}

/** app.run(..., debug=True) → app.run(...). */
function flaskDebugOff({ model, match }: FixContext<unknown, undefined>): FixProposal | FixDecline {
  const call: CallSite | undefined = match.call;
  if (!call) return { decline: "debug mode is set by assignment: delete the line, or read it from `FLASK_DEBUG` in the environment" };
  const kw = keywordArgument(model, call, "debug");
  if (kw) return { edits: [removeArgument(model, kw)] };
  const positional = argument(model, call, 2);
  if (!positional || argument(model, call, 3)) return { decline: "debug is passed by position before other arguments" };
  return { edits: [removeArgument(model, positional)] };
}

export default defineRule({
  options: NO_OPTIONS,
  match: flaskDebugSetting,
  fix: flaskDebugOff,
});
