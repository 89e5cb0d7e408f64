/** Hugging Face Hub downloads that do not pin a commit (B615). */
import type { Node } from "../../src/core/python.js";
import type { Hit, MatchContext } from "../../src/core/types.js";
import { defineRule, NO_OPTIONS } from "../../src/core/rule-code.js";
import { argument, keywordArgument, hasKwargsSplat } from "../../src/core/args.js";
import { calleeName, importsModule } from "../../src/core/lib/imports.js";

/** libraries whose `from_pretrained` fetches from the Hub */
const HUB_MODULES = ["transformers", "diffusers", "peft", "sentence_transformers", "huggingface_hub", "optimum", "setfit", "datasets"];
const HUB_LIBRARIES = ["transformers.", "diffusers.", "peft.", "sentence_transformers.", "huggingface_hub.", "optimum.", "setfit."];

/** callee → where the repository id is passed (position, keyword) */
const DOWNLOADS: Record<string, [number, string]> = {
  "huggingface_hub.hf_hub_download": [0, "repo_id"],
  "huggingface_hub.snapshot_download": [0, "repo_id"],
  "huggingface_hub.file_download.hf_hub_download": [0, "repo_id"],
  "huggingface_hub._snapshot_download.snapshot_download": [0, "repo_id"],
  "datasets.load_dataset": [0, "path"],
  "transformers.pipeline": [1, "model"],
  "sentence_transformers.SentenceTransformer": [0, "model_name_or_path"],
};
const LAST_NAMES = new Set(["from_pretrained", ...Object.keys(DOWNLOADS).map((q) => q.slice(q.lastIndexOf(".") + 1))]);

/** `datasets` builders that read local files, not a Hub repository */
const PACKAGED_BUILDERS = new Set(["json", "csv", "parquet", "text", "arrow", "pandas", "sql", "generator", "imagefolder", "audiofolder", "videofolder", "webdataset", "xml"]);
const COMMIT = /^[0-9a-f]{40}$/;

function isLocalPath(id: string): boolean {
  return /^[./~\\]/.test(id) || /^[A-Za-z]:[\\/]/.test(id) || id.endsWith("/") || /\.(bin|safetensors|pt|pth|json|onnx|gguf)$/.test(id);
}

function hubUnpinned({ model }: MatchContext<unknown>): Hit<undefined>[] {
  if (!importsModule(model, HUB_MODULES)) return [];
  const hits: Hit<undefined>[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const name = calleeName(model, call);
    if (!LAST_NAMES.has(name)) continue;
    const names = model.calleeNames(call);
    let callee: string | undefined;
    let repo: Node | null = null;
    if (name === "from_pretrained") {
      callee = names.find((q) => HUB_LIBRARIES.some((p) => q.startsWith(p)));
      // PeftModel.from_pretrained(base_model, adapter_id)
      if (callee) repo = callee.startsWith("peft.") ? argument(model, call, 1, "model_id") : argument(model, call, 0, "pretrained_model_name_or_path");
    } else {
      callee = names.find((q) => DOWNLOADS[q] !== undefined);
      if (callee) repo = argument(model, call, DOWNLOADS[callee][0], DOWNLOADS[callee][1]);
    }
    if (!callee || !repo || hasKwargsSplat(call)) continue;
    const local = keywordArgument(model, call, "local_files_only");
    if (local?.childForFieldName("value")?.type === "true") continue;
    const rv = model.classify(repo, call.scope);
    if (rv.kind === "literal" || rv.kind === "collection") continue;
    if (rv.kind === "constant") {
      if (isLocalPath(rv.value!)) continue;
      if (callee === "datasets.load_dataset" && PACKAGED_BUILDERS.has(rv.value!)) continue;
    }
    const revision = argument(model, call, undefined, "revision");
    let moving: string | null = null;
    if (revision) {
      const v = model.classify(revision, call.scope);
      if (v.kind !== "constant") continue; // decided elsewhere
      if (COMMIT.test(v.value!)) continue;
      moving = v.value!;
    }
    const remoteCode = keywordArgument(model, call, "trust_remote_code")?.childForFieldName("value")?.type === "true";
    const what = rv.kind === "constant" ? `\`${rv.value}\`` : "the repository";
    hits.push({
      node: call.node,
      call,
      callee,
      ...(remoteCode ? { severity: "high" as const } : {}),
      ...(rv.kind !== "constant" && !remoteCode ? { confidence: "low" as const } : {}),
      message: moving !== null
        ? `\`${name}\` pins ${what} to \`${moving}\`, a branch or tag that can move: pin a commit hash.`
        : remoteCode
          ? `\`${name}\` runs the code of ${what} (\`trust_remote_code=True\`) at whatever revision is current: pin \`revision=\` to a commit.`
          : `\`${name}\` downloads ${what} at whatever revision is current: a changed or hijacked repository changes what you load.`,
    });
  }
  return hits;
}

export default defineRule({
  options: NO_OPTIONS,
  match: hubUnpinned,
});
