import { operations, validateRequestBody, validateResponseBody } from "./support/openapi.js";

const SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

describe("OpenAPI fixture", () => {
  test("holds every operation HunkGuard calls, with GitHub's method and path", () => {
    const routes = Object.fromEntries(
      Object.entries(operations).map(([id, op]) => [id, `${op.method} ${op.path}`]),
    );
    expect(routes).toMatchObject({
      "pulls/create-review": "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
      "checks/create": "POST /repos/{owner}/{repo}/check-runs",
      "checks/update": "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
      "pulls/list-files": "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
      "pulls/list-review-comments": "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments",
      "pulls/get": "GET /repos/{owner}/{repo}/pulls/{pull_number}",
      "repos/get-content": "GET /repos/{owner}/{repo}/contents/{path}",
      "git/get-blob": "GET /repos/{owner}/{repo}/git/blobs/{file_sha}",
      "pulls/list-reviews": "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
      "apps/create-installation-access-token": "POST /app/installations/{installation_id}/access_tokens",
    });
  });

  test("every request and response schema compiles", () => {
    for (const [id, op] of Object.entries(operations)) {
      if (op.requestBody) expect(() => validateRequestBody(id, {})).not.toThrow();
      if (op.response?.schema) expect(() => validateResponseBody(id, {})).not.toThrow();
    }
  });

  test("is self-contained: no $ref left", () => {
    const text = JSON.stringify(operations);
    expect(text).not.toContain('"$ref"');
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
