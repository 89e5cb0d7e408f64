/**
 * Who may do what on the stand-in, as on GitHub: an installation token carries the permissions the
 * app was registered with (app.yml's `default_permissions`), every route and GraphQL field names
 * the permission GitHub requires, and a missing one is refused the way GitHub refuses it (REST 403
 * "Resource not accessible by integration"; GraphQL a FORBIDDEN error next to the data).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

export type Access = "read" | "write";
export type Permissions = Record<string, Access>;

/** What an operation needs: the app itself (a JWT), nothing, or one installation permission. */
export type Requirement = { app: true } | { none: true } | { permission: string; access: Access };

export const NOT_ACCESSIBLE = "Resource not accessible by integration";

/** `write` satisfies `read`. */
export function allows(granted: Permissions, permission: string, access: Access): boolean {
  const have = granted[permission];
  return have === "write" || (have === "read" && access === "read");
}

export interface Manifest {
  name?: string;
  default_permissions: Permissions;
  default_events: string[];
}

/** The repository's app.yml (found by walking up from this module), as GitHub reads a manifest. */
export function readManifest(path = findAppYml()): Manifest {
  const doc = (parseYaml(readFileSync(path, "utf8")) ?? {}) as Record<string, unknown>;
  const permissions = (doc.default_permissions ?? {}) as Record<string, unknown>;
  for (const [name, access] of Object.entries(permissions)) {
    if (access !== "read" && access !== "write") throw new Error(`${path}: default_permissions.${name} must be read or write, not ${String(access)}`);
  }
  return {
    name: typeof doc.name === "string" ? doc.name : undefined,
    default_permissions: permissions as Permissions,
    default_events: Array.isArray(doc.default_events) ? doc.default_events.map(String) : [],
  };
}

function findAppYml(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "app.yml"))) return join(dir, "app.yml");
    dir = dirname(dir);
  }
  throw new Error("cannot find app.yml above the stand-in");
}

/** A JWT an app signs for itself (`iss` = app id); the stand-in checks its shape and clock, not its key. */
export function parseAppJwt(token: string, nowSeconds: number): { appId: string } | { problem: string } {
  const parts = token.split(".");
  if (parts.length !== 3) return { problem: "not a JWT" };
  let payload: { iss?: unknown; exp?: unknown; iat?: unknown };
  try {
    payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return { problem: "A JSON web token could not be decoded" };
  }
  if (typeof payload.exp !== "number" || payload.exp < nowSeconds) return { problem: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
  if (typeof payload.iat === "number" && payload.iat > nowSeconds + 60) return { problem: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  if (payload.iss === undefined) return { problem: "'Issuer' claim ('iss') must be an Integer" };
  return { appId: String(payload.iss) };
}

/**
 * What each GraphQL field the app may touch requires of an installation token. GitHub documents
 * none of this for GraphQL; these follow the REST equivalents, and `resolveReviewThread` follows
 * the public reports that an installation needs `contents: write` for it (with `pull_requests:
 * write` and `contents: read` the mutation answers "Resource not accessible by integration").
 */
export const GRAPHQL_REQUIREMENTS: Record<string, { permission: string; access: Access }> = {
  "Query.repository": { permission: "metadata", access: "read" },
  "Repository.object": { permission: "contents", access: "read" },
  "Repository.pullRequest": { permission: "pull_requests", access: "read" },
  "Mutation.addPullRequestReviewThreadReply": { permission: "pull_requests", access: "write" },
  "Mutation.resolveReviewThread": { permission: "contents", access: "write" },
  "Mutation.unresolveReviewThread": { permission: "contents", access: "write" },
};
