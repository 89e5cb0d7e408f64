/**
 * Validates requests (path and query parameters, bodies) and response bodies against GitHub's own
 * OpenAPI description, as extracted into test/fixtures/openapi/operations.json by
 * scripts/extract-openapi.mjs. Shared schemas are `$ref`s into the fixture's `components`.
 */
import { readFileSync } from "node:fs";
import AjvModule, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { ContractProblems } from "../../src/standin/github-standin.js";

// ajv and ajv-formats are CommonJS; under NodeNext their default import is `module.exports`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export interface OpenApiParameter {
  name: string;
  in: string;
  required: boolean;
  schema: Record<string, any>;
}

export interface OpenApiOperation {
  method: string;
  path: string;
  parameters: OpenApiParameter[];
  requestBody: { required: boolean; schema: object } | null;
  response: { status: number; schema: object | null } | null;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/openapi/operations.json", import.meta.url), "utf8"));
export const operations: Record<string, OpenApiOperation> = fixture.operations;
export const components: Record<string, object> = fixture.components?.schemas ?? {};

/** OpenAPI 3.0 means `nullable: true` to admit null even with an `enum` or a `$ref`; ajv wants it said plainly. */
function allowNullInNullableEnums(node: unknown): any {
  if (Array.isArray(node)) return node.map(allowNullInNullableEnums);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = allowNullInNullableEnums(v);
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  // ajv reads `nullable` only beside `type`; without one (`allOf: [$ref]`), say it as anyOf
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, ...rest } = out;
    return { anyOf: [rest, { type: "null" }] };
  }
  return out;
}

// OpenAPI 3.0 schemas: `nullable` is understood by ajv; formats such as int64 are not, hence
// strict: false (unknown formats and keywords are ignored rather than fatal).
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// the shared schemas, reachable as "#/components/schemas/NAME" from every compiled schema
const ROOT = "https://hunkguard.invalid/openapi";
ajv.addSchema({ $id: ROOT, components: { schemas: allowNullInNullableEnums(components) } });
const rooted = (schema: unknown): any =>
  JSON.parse(JSON.stringify(allowNullInNullableEnums(schema)).replace(/"\$ref":"#\/components\//g, `"$ref":"${ROOT}#/components/`));

const compiled = new Map<string, ValidateFunction>();

function compile(key: string, schema: unknown): ValidateFunction {
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(rooted(schema));
    compiled.set(key, validate);
  }
  return validate;
}

function operation(operationId: string): OpenApiOperation {
  const op = operations[operationId];
  if (!op) throw new Error(`unknown operationId ${operationId} (add it to scripts/extract-openapi.mjs)`);
  return op;
}

function validatorFor(operationId: string, part: "request" | "response"): ValidateFunction {
  const op = operation(operationId);
  const schema = part === "request" ? op.requestBody?.schema : op.response?.schema;
  if (!schema) throw new Error(`${operationId} has no ${part} body schema`);
  return compile(`${part}:${operationId}`, schema);
}

function messages(errors: ErrorObject[] | null | undefined, prefix = ""): string[] {
  return (errors ?? []).map((e) => `${prefix}${e.instancePath || "/"} ${e.message ?? e.keyword}`);
}

/** Error messages for `body` as the request body of `operationId`; empty when valid. */
export function validateRequestBody(operationId: string, body: unknown): string[] {
  const validate = validatorFor(operationId, "request");
  return validate(body) ? [] : messages(validate.errors);
}

/** Error messages for `body` as the 2xx response body of `operationId`; empty when valid. */
export function validateResponseBody(operationId: string, body: unknown): string[] {
  const validate = validatorFor(operationId, "response");
  return validate(body) ? [] : messages(validate.errors);
}

/** A path or query value as the schema's type reads it (they arrive as strings). */
function coerce(value: string, schema: Record<string, any>): unknown {
  if (schema.type === "integer" || schema.type === "number") return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (schema.type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

function checkParameters(operationId: string, where: "path" | "query", given: Record<string, string>): string[] {
  const declared = operation(operationId).parameters.filter((p) => p.in === where);
  const problems: string[] = [];
  for (const p of declared) {
    const value = given[p.name];
    if (value === undefined) {
      if (p.required) problems.push(`${p.name} is required`);
      continue;
    }
    const validate = compile(`${where}:${operationId}:${p.name}`, p.schema);
    if (!validate(coerce(value, p.schema))) problems.push(...messages(validate.errors, `${p.name}=${JSON.stringify(value)}: `).map((m) => m.replace(": / ", ": ")));
  }
  for (const name of Object.keys(given)) if (!declared.some((p) => p.name === name)) problems.push(`${name} is not a parameter of ${operationId}`);
  return problems;
}

/**
 * A whole request against `operationId`: its path parameters, its query parameters (an unknown one
 * is a problem: GitHub ignores it, so the app would not notice its mistake), and its body.
 */
export function validateRequest(operationId: string, parts: { path: Record<string, string>; query: Record<string, string>; body: unknown }): ContractProblems {
  const op = operation(operationId);
  const body: string[] = [];
  if (op.requestBody) {
    if (parts.body !== undefined) body.push(...validateRequestBody(operationId, parts.body));
    else if (op.requestBody.required) body.push("a body is required");
  }
  return { path: checkParameters(operationId, "path", parts.path), query: checkParameters(operationId, "query", parts.query), body };
}

/** Options for a GitHub stand-in that holds requests and answers to GitHub's OpenAPI description. */
export const OPENAPI_CHECKS = {
  checkRequest: validateRequest,
  checkResponse: (operationId: string, _status: number, body: unknown) => (operation(operationId).response?.schema ? validateResponseBody(operationId, body) : []),
};
