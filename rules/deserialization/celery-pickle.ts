/**
 * Celery configured to (de)serialize with pickle: `accept_content` listing pickle, or
 * `task_serializer` / `result_serializer` set to it — as module settings (celeryconfig, Django's
 * `CELERY_*`), `app.conf.<name> = …`, `app.conf.update(<name>=…)` or `Celery(..., <name>=…)`.
 */
import type { Node } from "../../src/core/python.js";
import type { FileModel, Scope } from "../../src/core/scope.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { importsModule } from "../../src/core/lib/imports.js";

const SETTINGS: Record<string, "accept" | "serializer"> = {
  accept_content: "accept",
  result_accept_content: "accept",
  task_serializer: "serializer",
  result_serializer: "serializer",
  event_serializer: "serializer",
  celery_accept_content: "accept",
  celery_result_accept_content: "accept",
  celery_task_serializer: "serializer",
  celery_result_serializer: "serializer",
  celery_event_serializer: "serializer",
};
/** other Celery settings: a module that sets one of them is Celery configuration */
const CELERY_SETTINGS = /^(broker_url|result_backend|task_routes|task_acks_late|worker_prefetch_multiplier|beat_schedule|imports|include|CELERY_\w+|BROKER_URL)$/;
const SETTING_WORDS = /accept_content|_serializer/i;
const PICKLE = /^(pickle|application\/x-python-serialize)$/;

function pickleIn(model: FileModel, n: Node, scope: Scope, kind: "accept" | "serializer"): Node | null {
  const items = kind === "accept" && /^(list|tuple|set)$/.test(n.type) ? n.namedChildren : [n];
  for (const item of items) {
    const v = model.classify(item, scope);
    if (v.kind === "constant" && typeof v.value === "string" && PICKLE.test(v.value)) return item;
  }
  return null;
}

function celeryPickle({ model }: MatchContext<unknown>): Hit<undefined>[] {
  // every setting this rule looks at has one of these in its name: most files have neither
  if (!SETTING_WORDS.test(model.source)) return [];
  const celery = importsModule(model, ["celery", "kombu"]);
  let configModule = celery;
  if (!configModule) {
    for (const { left, scope } of model.assignments) {
      if (scope === model.module && left?.type === "identifier" && CELERY_SETTINGS.test(model.text(left))) {
        configModule = true;
        break;
      }
    }
  }
  const hits: Hit<undefined>[] = [];
  const flag = (node: Node, name: string, kind: "accept" | "serializer") => {
    hits.push({
      node,
      confidence: kind === "accept" ? "high" : "medium",
      message:
        kind === "accept"
          ? `\`${name}\` lets workers accept pickled messages: whoever can put a message on the broker runs code on every worker.`
          : `\`${name} = "pickle"\` sends tasks pickled, and workers must accept pickle to read them: whoever can put a message on the broker runs code on the workers.`,
    });
  };
  for (const site of model.assignments) {
    const { node, scope } = site;
    if (!model.inFocus(node.startIndex)) continue;
    const left = site.left;
    const right = site.right;
    if (!left || !right) continue;
    let name: string;
    if (left.type === "identifier") {
      name = model.text(left);
      const kind = SETTINGS[name.toLowerCase()];
      // a plain module setting counts in Celery configuration, or under Django's CELERY_ prefix
      if (!kind || !(configModule || name.startsWith("CELERY_"))) continue;
      if (pickleIn(model, right, scope, kind)) flag(node, name, kind);
    } else if (left.type === "attribute") {
      // app.conf.accept_content = [...]
      const obj = left.childForFieldName("object")!;
      name = model.text(left.childForFieldName("attribute")!);
      const kind = SETTINGS[name.toLowerCase()];
      if (!kind || !celery || !/(^|\.)conf$/.test(model.text(obj))) continue;
      if (pickleIn(model, right, scope, kind)) flag(node, name, kind);
    }
  }
  if (celery) {
    // app.conf.update(accept_content=[...]), Celery("app", task_serializer="pickle")
    for (const call of model.calls) {
      if (!model.inFocus(call.start) || !call.args) continue;
      const isUpdate = call.lastName === "update" && /(^|\.)conf\.update$/.test(model.text(call.fn));
      const isCelery = model.calleeNames(call).some((q) => q === "celery.Celery");
      if (!isUpdate && !isCelery) continue;
      for (const a of call.args.namedChildren) {
        if (a.type !== "keyword_argument") continue;
        const name = model.text(a.childForFieldName("name")!);
        const kind = SETTINGS[name.toLowerCase()];
        if (kind && pickleIn(model, a.childForFieldName("value")!, call.scope, kind)) flag(a, name, kind);
      }
    }
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: celeryPickle,
});
