#!/usr/bin/env node
// Extracts the GitHub REST operations HunkGuard calls from @octokit/openapi into a small,
// self-contained fixture that tests validate request bodies against.
//
// Usage:
//   mkdir -p /tmp/oa && cd /tmp/oa && npm init -y && npm i @octokit/openapi
//   node scripts/extract-openapi.mjs /tmp/oa/node_modules/@octokit/openapi [out.json]
//
// Default output: test/fixtures/openapi/operations.json. The package is large (hundreds of MB),
// so it is installed outside the repo and never becomes a dependency.
//
// Reads generated/api.github.com.deref.json when the package ships it; otherwise resolves the
// `$ref`s of generated/api.github.com.json itself (a recursive reference becomes `{}`).
// Documentation keywords (description, example(s), externalDocs, x-*) are dropped to keep the
// file small; every validation keyword (type, enum, required, properties, items, maxItems,
// maxLength, oneOf/anyOf/allOf, format, nullable, ...) is kept.

import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const OPERATION_IDS = [
  "pulls/create-review",
  "checks/create",
  "checks/update",
  "pulls/list-files",
  "pulls/list-review-comments",
  "pulls/get",
  "repos/get-content",
  "git/get-blob",
  "pulls/list-reviews",
  "pulls/dismiss-review",
  "apps/create-installation-access-token",
];

const HTTP_METHODS = new Set(["get", "put", "post", "patch", "delete", "head", "options"]);
const DOC_KEYWORDS = new Set(["description", "example", "examples", "externalDocs", "summary"]);

function usage(message) {
  if (message) console.error(message);
  console.error("usage: node scripts/extract-openapi.mjs <path to @octokit/openapi> [out.json]");
  process.exit(2);
}

const pkgDir = process.argv[2];
if (!pkgDir) usage();
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outFile = resolve(process.argv[3] ?? join(repoRoot, "test/fixtures/openapi/operations.json"));

const derefPath = join(pkgDir, "generated/api.github.com.deref.json");
const plainPath = join(pkgDir, "generated/api.github.com.json");
let spec;
let dereferenced;
if (existsSync(derefPath)) {
  spec = JSON.parse(readFileSync(derefPath, "utf8"));
  dereferenced = true;
} else if (existsSync(plainPath)) {
  spec = JSON.parse(readFileSync(plainPath, "utf8"));
  dereferenced = false;
} else {
  usage(`neither ${derefPath} nor ${plainPath} exists`);
}
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));

/** Resolves local `#/...` references; a reference already being expanded becomes `{}`. */
function resolveRefs(node, root, stack = []) {
  if (Array.isArray(node)) return node.map((n) => resolveRefs(n, root, stack));
  if (node === null || typeof node !== "object") return node;
  if (typeof node.$ref === "string") {
    const ref = node.$ref;
    if (stack.includes(ref)) return {};
    if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
    let target = root;
    for (const part of ref.slice(2).split("/")) {
      target = target[part.replace(/~1/g, "/").replace(/~0/g, "~")];
      if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    }
    return resolveRefs(target, root, [...stack, ref]);
  }
  const out = {};
  for (const [k, v] of Object.entries(node)) out[k] = resolveRefs(v, root, stack);
  return out;
}

/** Drops documentation from a JSON schema, walking only schema positions (so a property named
 *  `description` survives while the keyword `description` goes). */
function stripSchema(schema) {
  if (Array.isArray(schema)) return schema.map(stripSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (DOC_KEYWORDS.has(k) || k.startsWith("x-")) continue;
    if (k === "properties" || k === "patternProperties" || k === "definitions") {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, stripSchema(s)]));
    } else if (["items", "additionalProperties", "not", "oneOf", "anyOf", "allOf"].includes(k)) {
      out[k] = typeof v === "boolean" ? v : stripSchema(v);
    } else {
      out[k] = v;
    }
  }
  return out;
}

function jsonContent(content) {
  if (!content) return undefined;
  return content["application/json"] ?? Object.values(content)[0];
}

const found = {};
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, rawOp] of Object.entries(item)) {
    if (!HTTP_METHODS.has(method) || !OPERATION_IDS.includes(rawOp?.operationId)) continue;
    const op = dereferenced ? rawOp : resolveRefs(rawOp, spec);
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) =>
      dereferenced ? p : resolveRefs(p, spec),
    );
    const requestJson = op.requestBody?.content?.["application/json"];
    const [status, response] =
      Object.entries(op.responses ?? {}).find(([code]) => /^2\d\d$/.test(code)) ?? [];
    const responseContent = jsonContent(response?.content);
    found[op.operationId] = {
      method: method.toUpperCase(),
      path,
      parameters: params.map((p) => ({
        name: p.name,
        in: p.in,
        required: p.required ?? false,
        schema: stripSchema(p.schema ?? {}),
      })),
      requestBody: requestJson
        ? { required: op.requestBody.required ?? false, schema: stripSchema(requestJson.schema) }
        : null,
      response: status
        ? { status: Number(status), schema: responseContent ? stripSchema(responseContent.schema) : null }
        : null,
    };
  }
}

const missing = OPERATION_IDS.filter((id) => !found[id]);
for (const id of missing) console.error(`note: ${id} is absent from this description; skipped`);

const fixture = {
  _source: {
    package: `${pkg.name}@${pkg.version}`,
    file: dereferenced ? "generated/api.github.com.deref.json" : "generated/api.github.com.json",
    openapi: spec.openapi,
    generatedBy: "scripts/extract-openapi.mjs",
    note: "description/example(s)/x-* keywords stripped; validation keywords kept",
  },
  operations: Object.fromEntries(OPERATION_IDS.filter((id) => found[id]).map((id) => [id, found[id]])),
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(fixture, null, 1) + "\n");
console.log(`wrote ${outFile}: ${Object.keys(fixture.operations).length} operations`);
