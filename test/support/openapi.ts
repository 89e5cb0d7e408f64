/**
 * Validates request and response bodies against GitHub's own OpenAPI description, as extracted
 * into test/fixtures/openapi/operations.json by scripts/extract-openapi.mjs.
 */
import { readFileSync } from "node:fs";
import AjvModule, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv and ajv-formats are CommonJS; under NodeNext their default import is `module.exports`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export interface OpenApiOperation {
  method: string;
  path: string;
  parameters: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody: { required: boolean; schema: object } | null;
  response: { status: number; schema: object | null } | null;
}

export const operations: Record<string, OpenApiOperation> = JSON.parse(
  readFileSync(new URL("../fixtures/openapi/operations.json", import.meta.url), "utf8"),
).operations;

// OpenAPI 3.0 schemas: `nullable` is understood by ajv; formats such as int64 are not, hence
// strict: false (unknown formats and keywords are ignored rather than fatal).
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

/** OpenAPI 3.0 means `nullable: true` to admit null even with an `enum`; ajv wants null listed. */
function allowNullInNullableEnums(node: unknown): any {
  if (Array.isArray(node)) return node.map(allowNullInNullableEnums);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = allowNullInNullableEnums(v);
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

const compiled = new Map<string, ValidateFunction>();

function validatorFor(operationId: string, part: "request" | "response"): ValidateFunction {
  const key = `${part}:${operationId}`;
  let validate = compiled.get(key);
  if (validate) return validate;
  const op = operations[operationId];
  if (!op) throw new Error(`unknown operationId ${operationId}`);
  const schema = part === "request" ? op.requestBody?.schema : op.response?.schema;
  if (!schema) throw new Error(`${operationId} has no ${part} body schema`);
  validate = ajv.compile(allowNullInNullableEnums(schema));
  compiled.set(key, validate);
  return validate;
}

function messages(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
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
