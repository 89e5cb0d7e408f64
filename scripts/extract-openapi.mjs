#!/usr/bin/env node
// Extracts the GitHub REST operations HunkGuard and its GitHub stand-in use from @octokit/openapi
// into a small fixture the tests validate requests (path and query parameters, bodies) and the
// stand-in's answers against.
//
// Usage:
//   mkdir -p /tmp/oa && cd /tmp/oa && npm init -y && npm i @octokit/openapi
//   node scripts/extract-openapi.mjs /tmp/oa/node_modules/@octokit/openapi [out.json]
//
// Default output: test/fixtures/openapi/operations.json. The package is large (~400 MB), so it
// is installed outside the repository and never becomes a dependency.
//
// Reads generated/api.github.com.json. Schemas the description shares (`#/components/schemas/…`)
// stay references, copied once into the fixture's `components`; parameters, request bodies and
// responses are inlined. Documentation keywords (description, example(s), externalDocs, x-*) are
// dropped; every validation keyword (type, enum, required, properties, items, maxItems, maxLength,
// oneOf/anyOf/allOf, format, nullable, …) is kept.

import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Every operation the app calls (test/openapi-fixture.test.ts finds them in src/ and fails when one
// is missing here), and every route the GitHub stand-in serves (src/standin/rest.ts).
const OPERATION_IDS = [
  "pulls/create-review",
  "checks/create",
  "checks/update",
  "checks/get",
  "checks/list-for-ref",
  "checks/list-annotations",
  "pulls/list",
  "pulls/list-files",
  "pulls/list-review-comments",
  "pulls/get",
  "pulls/list-reviews",
  "pulls/delete-pending-review",
  "pulls/dismiss-review",
  "repos/get-content",
  "repos/compare-commits-with-basehead",
  "repos/list-pull-requests-associated-with-commit",
  "git/get-blob",
  "apps/get-authenticated",
  "apps/create-installation-access-token",
  "apps/get-installation",
  "apps/get-repo-installation",
  "apps/create-from-manifest",
];

const HTTP_METHODS = new Set(["get", "put", "post", "patch", "delete", "head", "options"]);
const DOC_KEYWORDS = new Set(["description", "example", "examples", "externalDocs", "summary"]);
const SHARED = "#/components/schemas/";

function usage(message) {
  if (message) console.error(message);
  console.error("usage: node scripts/extract-openapi.mjs <path to @octokit/openapi> [out.json]");
  process.exit(2);
}

const pkgDir = process.argv[2];
if (!pkgDir) usage();
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outFile = resolve(process.argv[3] ?? join(repoRoot, "test/fixtures/openapi/operations.json"));
const specPath = join(pkgDir, "generated/api.github.com.json");
if (!existsSync(specPath)) usage(`${specPath} does not exist`);
const spec = JSON.parse(readFileSync(specPath, "utf8"));
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));

function lookup(ref) {
  if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
  let target = spec;
  for (const part of ref.slice(2).split("/")) {
    target = target[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
  }
  return target;
}

/** Shared schemas reached so far (copied into the fixture's components). */
const shared = new Map();

/**
 * Drops documentation from a schema, walking only schema positions (a property named
 * `description` survives, the keyword goes). A reference to a shared schema stays a reference
 * (and the schema is copied once); any other reference (parameters, responses) is inlined.
 */
function stripSchema(schema) {
  if (Array.isArray(schema)) return schema.map(stripSchema);
  if (schema === null || typeof schema !== "object") return schema;
  if (typeof schema.$ref === "string") {
    if (schema.$ref.startsWith(SHARED)) {
      const name = schema.$ref.slice(SHARED.length);
      if (!shared.has(name)) {
        shared.set(name, null); // placeholder: a recursive reference stops here
        shared.set(name, stripSchema(lookup(schema.$ref)));
      }
      return { $ref: schema.$ref };
    }
    return stripSchema(lookup(schema.$ref));
  }
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

const deref = (node) => (node && typeof node.$ref === "string" ? deref(lookup(node.$ref)) : node);

function jsonContent(content) {
  if (!content) return undefined;
  return content["application/json"] ?? Object.values(content)[0];
}

const found = {};
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!HTTP_METHODS.has(method) || !OPERATION_IDS.includes(op?.operationId)) continue;
    const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);
    const requestBody = deref(op.requestBody);
    const requestJson = requestBody?.content?.["application/json"];
    const [status, rawResponse] = Object.entries(op.responses ?? {}).find(([code]) => /^2\d\d$/.test(code)) ?? [];
    const responseContent = jsonContent(deref(rawResponse)?.content);
    found[op.operationId] = {
      method: method.toUpperCase(),
      path,
      parameters: params.map((p) => ({ name: p.name, in: p.in, required: p.required ?? false, schema: stripSchema(p.schema ?? {}) })),
      requestBody: requestJson ? { required: requestBody.required ?? false, schema: stripSchema(requestJson.schema) } : null,
      response: status ? { status: Number(status), schema: responseContent ? stripSchema(responseContent.schema) : null } : null,
    };
  }
}

const missing = OPERATION_IDS.filter((id) => !found[id]);
for (const id of missing) console.error(`note: ${id} is absent from this description; skipped`);

const fixture = {
  _source: {
    package: `${pkg.name}@${pkg.version}`,
    file: "generated/api.github.com.json",
    openapi: spec.openapi,
    generatedBy: "scripts/extract-openapi.mjs",
    note: "description/example(s)/x-* keywords stripped; validation keywords kept; shared schemas are $refs into components",
  },
  operations: Object.fromEntries(OPERATION_IDS.filter((id) => found[id]).map((id) => [id, found[id]])),
  components: { schemas: Object.fromEntries([...shared.entries()].sort(([a], [b]) => a.localeCompare(b))) },
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(fixture, null, 1) + "\n");
console.log(`wrote ${outFile}: ${Object.keys(fixture.operations).length} operations, ${shared.size} shared schemas`);
