/**
 * GitHub's GraphQL API as the stand-in answers it: every document is parsed and validated against
 * GitHub's published schema (`@octokit/graphql-schema`), then executed by graphql-js over views of
 * the stand-in's model. Aliases, fragments, variables and their types behave as on GitHub because
 * the same schema decides them; a field the stand-in does not model fails loudly instead of
 * answering null. Connections page like GitHub's: `first`/`last` are required and at most 100,
 * cursors are opaque, `pageInfo` says whether there is more.
 */
import { buildClientSchema, execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { schema as published } from "@octokit/graphql-schema";

let githubSchema: GraphQLSchema | undefined;

/** GitHub's schema, built once per process (~0.2 s). */
export function gitHubSchema(): GraphQLSchema {
  githubSchema ??= buildClientSchema((published.json as unknown as { data?: IntrospectionQuery } & IntrospectionQuery).data ?? (published.json as unknown as IntrospectionQuery));
  return githubSchema;
}

/** An error GitHub reports next to the data: `{ type, path, locations, message }`. */
export class GitHubGraphqlError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** A field the stand-in does not model: a gap in the stand-in, never a silent null. */
export class NotModelled extends Error {}

export interface GraphqlAnswer {
  /** HTTP status: GitHub answers 200 for field errors and validation errors alike */
  status: number;
  body: { data?: unknown; errors?: unknown[] };
  /** the document was not valid against GitHub's schema (the app sent something GitHub rejects) */
  invalid?: string[];
}

/** Messages for a document GitHub's schema rejects; empty when valid. */
export function validateDocument(query: string): string[] {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (e) {
    return [(e as Error).message];
  }
  return validate(gitHubSchema(), document).map((e) => e.message);
}

/**
 * Resolve a field from the view object: a property, or a method called with the field's arguments.
 * Views carry `__typename`, which graphql-js uses to pick the type of an interface or union.
 */
const strictResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
    throw new NotModelled(`the GitHub stand-in does not model ${info.parentType.name}.${info.fieldName}`);
  }
  const value = (source as Record<string, unknown>)[info.fieldName];
  return typeof value === "function" ? (value as (a: unknown, c: unknown, i: unknown) => unknown).call(source, args, context, info) : value;
};

function shapeError(e: GraphQLError): Record<string, unknown> {
  const original = e.originalError;
  const located = { ...(e.path ? { path: e.path } : {}), ...(e.locations ? { locations: e.locations } : {}) };
  if (original instanceof GitHubGraphqlError) return { type: original.type, ...located, message: original.message };
  if (original instanceof NotModelled) return { type: "STANDIN_NOT_MODELLED", ...located, message: original.message };
  // a resolver that threw: a bug in the stand-in (variables that do not fit their types fail before any field, without a path)
  if (original && e.path) return { type: "INTERNAL", ...located, message: `Something went wrong while executing your query. (${original.message})` };
  return { ...located, message: e.message };
}

const parsed = new Map<string, { document: DocumentNode; problems: readonly GraphQLError[] }>();

/**
 * Run one request body (`{ query, variables, operationName }`) against `roots` (one view object
 * for queries, one for mutations).
 */
export async function runGraphql(body: unknown, roots: { query: object; mutation: object }): Promise<GraphqlAnswer> {
  const request = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof request.query !== "string" || request.query === "") {
    return { status: 400, body: { errors: [{ message: "A query attribute must be specified and must be a string." }] }, invalid: ["no query"] };
  }
  let checked = parsed.get(request.query);
  if (!checked) {
    try {
      const document = parse(request.query);
      checked = { document, problems: validate(gitHubSchema(), document) };
    } catch (e) {
      const error = e as GraphQLError;
      return { status: 200, body: { errors: [{ ...(error.locations ? { locations: error.locations } : {}), message: error.message }] }, invalid: [error.message] };
    }
    // the app sends the same few documents again and again (the threads query, batches of a PR)
    if (parsed.size >= 200) parsed.delete(parsed.keys().next().value!);
    parsed.set(request.query, checked);
  }
  const { document, problems } = checked;
  if (problems.length) return { status: 200, body: { errors: problems.map(shapeError) }, invalid: problems.map((p) => p.message) };
  const operationName = typeof request.operationName === "string" ? request.operationName : undefined;
  const operation = document.definitions.find((d) => d.kind === "OperationDefinition" && (!operationName || d.name?.value === operationName));
  const isMutation = operation?.kind === "OperationDefinition" && operation.operation === "mutation";
  const variables = request.variables && typeof request.variables === "object" ? (request.variables as Record<string, unknown>) : {};
  const result = await execute({
    schema: gitHubSchema(),
    document,
    rootValue: isMutation ? roots.mutation : roots.query,
    variableValues: variables,
    operationName,
    fieldResolver: strictResolver,
  });
  const out: GraphqlAnswer["body"] = {};
  if (result.data !== undefined) out.data = result.data;
  if (result.errors?.length) out.errors = result.errors.map(shapeError);
  // variables that do not fit their declared types: GitHub rejects the whole request
  const invalid = result.data === undefined && result.errors?.length ? result.errors.map((e) => e.message) : undefined;
  return { status: 200, body: out, ...(invalid ? { invalid } : {}) };
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

const cursorOf = (index: number) => Buffer.from(`cursor:v2:${index}`).toString("base64");
function indexOf(cursor: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!m) throw new GitHubGraphqlError("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
}

/** A connection over `items` as GitHub pages it: `first`/`after` forwards, `last`/`before` backwards. */
export function connection<T>(items: T[], args: PageArgs, name: string, node: (item: T) => unknown = (x) => x): object {
  const { first, last } = args;
  if (first == null && last == null) {
    throw new GitHubGraphqlError("MISSING_PAGINATION_BOUNDARIES", `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
  }
  for (const [key, value] of [["first", first], ["last", last]] as const) {
    if (value != null && value > 100) {
      throw new GitHubGraphqlError("EXCESSIVE_PAGINATION", `Requesting ${value} records on the \`${name}\` connection exceeds the \`${key}\` limit of 100 records.`);
    }
    if (value != null && value < 0) throw new GitHubGraphqlError("INVALID_PAGINATION", `\`${key}\` on the \`${name}\` connection cannot be less than zero.`);
  }
  let start = args.after ? indexOf(args.after) + 1 : 0;
  let end = args.before ? indexOf(args.before) : items.length;
  start = Math.max(0, Math.min(start, items.length));
  end = Math.max(start, Math.min(end, items.length));
  let from = start;
  let to = end;
  if (first != null) to = Math.min(to, from + first);
  if (last != null) from = Math.max(from, to - last);
  const slice = items.slice(from, to).map((item, i) => ({ cursor: cursorOf(from + i), node: node(item) }));
  return {
    totalCount: items.length,
    nodes: slice.map((e) => e.node),
    edges: slice,
    pageInfo: {
      hasNextPage: to < end,
      hasPreviousPage: from > start,
      startCursor: slice[0]?.cursor ?? null,
      endCursor: slice[slice.length - 1]?.cursor ?? null,
    },
  };
}
