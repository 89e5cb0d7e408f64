/** Flask debug mode switched on by assignment: `app.debug = True`, `app.config["DEBUG"] = True`. */
import type { Matcher, MatcherHit } from "./types.js";
import { importsModule } from "./misc-values.js";

const FLASK_APPS = new Set(["flask.Flask()", "flask.app.Flask()"]);

export const flaskDebugSetting: Matcher = ({ model }) => {
  if (!importsModule(model, ["flask"]) || !/debug/i.test(model.source)) return [];
  const hits: MatcherHit[] = [];
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
};
