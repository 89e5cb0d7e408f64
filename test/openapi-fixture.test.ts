import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { components, operations, validateRequest, validateRequestBody, validateResponseBody } from "./support/openapi.js";
import { RestApi } from "../src/standin/rest.js";
import { Model } from "../src/standin/model.js";

const SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
const routeOf = (id: string) => `${operations[id].method} ${operations[id].path}`;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("OpenAPI fixture", () => {
  test("holds every REST operation HunkGuard calls (found in src/), with GitHub's method and path", () => {
    const root = new URL("..", import.meta.url).pathname;
    const calls = new Set<string>();
    for (const file of sources(join(root, "src"))) {
      if (file.includes("/standin/")) continue; // the fake GitHub answers; it does not call
      for (const m of readFileSync(file, "utf8").matchAll(/\brest\.(\w+)\.(\w+)\b/g)) calls.add(`${m[1]}.${m[2]}`);
    }
    const octokit = new Octokit() as unknown as { rest: Record<string, Record<string, { endpoint: { DEFAULTS: { method: string; url: string } } }>> };
    const routes = new Set(Object.keys(operations).map(routeOf));
    const missing = [...calls].filter((call) => {
      const [scope, method] = call.split(".");
      const { method: verb, url } = octokit.rest[scope][method].endpoint.DEFAULTS;
      return !routes.has(`${verb} ${url}`);
    });
    expect(calls.size).toBeGreaterThan(10);
    expect(missing).toStrictEqual([]);
    // and the two Probot makes for the app: the installation token, the manifest's conversion
    expect(routeOf("apps/create-installation-access-token")).toBe("POST /app/installations/{installation_id}/access_tokens");
    expect(routeOf("apps/create-from-manifest")).toBe("POST /app-manifests/{code}/conversions");
  });

  test("holds every route the GitHub stand-in serves, with the same method and path template", () => {
    const rest = new RestApi(new Model("hunkguard[bot]", { default_permissions: {}, default_events: [] }));
    const mismatched = rest.routes.filter((r) => !operations[r.operationId] || routeOf(r.operationId) !== `${r.method} ${r.template}`).map((r) => `${r.operationId}: ${r.method} ${r.template}`);
    expect(mismatched).toStrictEqual([]);
  });

  test("every request and response schema compiles, and every $ref resolves within the fixture", () => {
    for (const [id, op] of Object.entries(operations)) {
      if (op.requestBody) expect(() => validateRequestBody(id, {})).not.toThrow();
      if (op.response?.schema) expect(() => validateResponseBody(id, {})).not.toThrow();
    }
    const refs = [...JSON.stringify({ operations, components }).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((name) => !(name in components))).toStrictEqual([]);
  });
});

describe("path and query parameters", () => {
  test("a request as the app sends it passes", () => {
    expect(validateRequest("checks/list-for-ref", { path: { owner: "o", repo: "r", ref: SHA }, query: { check_name: "HunkGuard", filter: "all", per_page: "100" }, body: undefined })).toStrictEqual({ path: [], query: [], body: [] });
    expect(validateRequest("pulls/list", { path: { owner: "o", repo: "r" }, query: { state: "open", per_page: "100" }, body: undefined })).toStrictEqual({ path: [], query: [], body: [] });
  });

  test("a query value outside its enum, an unknown query parameter and a non-integer path parameter are problems", () => {
    const problems = validateRequest("checks/list-for-ref", { path: { owner: "o", repo: "r", ref: SHA }, query: { filter: "everything", check: "HunkGuard" }, body: undefined });
    expect(problems.query).toStrictEqual(['filter="everything": / must be equal to one of the allowed values', "check is not a parameter of checks/list-for-ref"].map((m) => m.replace(": / ", ": ")));
    expect(validateRequest("pulls/get", { path: { owner: "o", repo: "r", pull_number: "two" }, query: {}, body: undefined }).path).toStrictEqual(['pull_number="two": must be integer']);
    expect(validateRequest("pulls/list-files", { path: { owner: "o", repo: "r", pull_number: "2" }, query: { per_page: "100" }, body: undefined })).toStrictEqual({ path: [], query: [], body: [] });
  });

  test("a body the operation requires but was not sent is a problem", () => {
    expect(validateRequest("checks/create", { path: { owner: "o", repo: "r" }, query: {}, body: undefined }).body).toStrictEqual(["a body is required"]);
  });
});

describe("pulls/create-review request body", () => {
  const good = {
    commit_id: SHA,
    event: "COMMENT",
    body: "HunkGuard found 1 issue.",
    comments: [
      { path: "app/x.py", line: 3, side: "RIGHT", body: "pickle.loads <!-- hunkguard:fp=abc -->" },
      { path: "app/x.py", start_line: 5, start_side: "RIGHT", line: 7, side: "RIGHT", body: "multi" },
    ],
  };

  test("accepts a COMMENT review with line/side anchors", () => {
    expect(validateRequestBody("pulls/create-review", good)).toEqual([]);
  });

  test("rejects an unknown event", () => {
    expect(validateRequestBody("pulls/create-review", { ...good, event: "BOGUS" })).toEqual([
      "/event must be equal to one of the allowed values",
    ]);
  });

  test("requires path and body on every comment, nothing else", () => {
    const errors = validateRequestBody("pulls/create-review", {
      ...good,
      comments: [{ line: 3, side: "RIGHT" }],
    });
    expect(errors).toEqual([
      "/comments/0 must have required property 'path'",
      "/comments/0 must have required property 'body'",
    ]);
    // The schema says nothing about `line`, and `side` is a free string: GitHub itself answers
    // 422 for a bad anchor, so anchor checks live in the stand-in, not here.
    expect(validateRequestBody("pulls/create-review", { comments: [{ path: "a.py", body: "x", side: "right" }] })).toEqual([]);
  });
});

describe("checks/create and checks/update request bodies", () => {
  const annotation = {
    path: "app/x.py",
    start_line: 3,
    end_line: 3,
    start_column: 7,
    end_column: 25,
    annotation_level: "failure",
    message: "pickle.loads on untrusted data",
    title: "pickle-load",
  };
  const create = {
    name: "HunkGuard",
    head_sha: SHA,
    status: "in_progress",
    started_at: "2024-01-01T00:00:00Z",
    output: { title: "HunkGuard", summary: "Analysing…" },
  };
  const complete = {
    status: "completed",
    conclusion: "failure",
    completed_at: "2024-01-01T00:00:05Z",
    output: { title: "1 finding", summary: "…", annotations: [annotation] },
  };

  test("accept HunkGuard's create and completing update", () => {
    expect(validateRequestBody("checks/create", create)).toEqual([]);
    expect(validateRequestBody("checks/update", complete)).toEqual([]);
  });

  test("create requires name and head_sha", () => {
    expect(validateRequestBody("checks/create", { status: "queued" })).toEqual([
      "/ must have required property 'name'",
      "/ must have required property 'head_sha'",
    ]);
  });

  test("reject an annotation without annotation_level", () => {
    const { annotation_level: _dropped, ...bad } = annotation;
    expect(validateRequestBody("checks/update", { output: { ...complete.output, annotations: [bad] } })).toEqual([
      "/output/annotations/0 must have required property 'annotation_level'",
    ]);
  });

  test("reject a bad conclusion, more than 50 annotations, and an over-long summary", () => {
    expect(validateRequestBody("checks/update", { ...complete, conclusion: "passed" })).toContain(
      "/conclusion must be equal to one of the allowed values",
    );
    const many = Array.from({ length: 51 }, () => annotation);
    expect(validateRequestBody("checks/create", { ...create, output: { ...create.output, annotations: many } })).toEqual([
      "/output/annotations must NOT have more than 50 items",
    ]);
    // the description counts characters; GitHub counts bytes (the stand-in refuses by bytes)
    expect(
      validateRequestBody("checks/update", { output: { title: "t", summary: "x".repeat(65536) } }),
    ).toEqual(["/output/summary must NOT have more than 65535 characters"]);
  });

  test("output needs title and summary on create, only summary on update", () => {
    expect(validateRequestBody("checks/create", { ...create, output: { annotations: [annotation] } })).toEqual([
      "/output must have required property 'title'",
      "/output must have required property 'summary'",
    ]);
    expect(validateRequestBody("checks/update", { output: { annotations: [annotation] } })).toEqual([
      "/output must have required property 'summary'",
    ]);
  });

  test("update: status completed requires a conclusion (anyOf in GitHub's schema)", () => {
    expect(validateRequestBody("checks/update", { status: "completed" })).toContain(
      "/ must have required property 'conclusion'",
    );
    expect(validateRequestBody("checks/update", { status: "in_progress" })).toEqual([]);
  });
});
