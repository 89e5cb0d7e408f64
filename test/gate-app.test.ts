/**
 * Issue 11 through the app, the way an attacker's pull request reaches it: a real webhook into
 * Probot, GitHub mocked with nock (network blocked, every mock used), and what matters asserted on
 * the request bodies GitHub receives — the check's conclusion and summary, the annotations, the
 * review's comments. Each test names the item of issue 11 it covers.
 */
import nock from "nock";
import {
  API,
  GitHubMock,
  HEAD_SHA,
  OWNER,
  PULL,
  REPO,
  RULES,
  createApp,
  isolateNetwork,
  listFilesEntry,
  pullRequestPayload,
  type PullFile,
  type TestApp,
} from "./support/probot.js";
import { buildRuleSet, type Rule, type RuleSet } from "../src/core/rules/load.js";
import { analyzeSource } from "../src/core/engine.js";

isolateNetwork();

const suggestionsIn = (body: string) => [...body.matchAll(/(`{3,})suggestion\n([\s\S]*?)\n\1/g)].map((m) => m[2]);

async function appWith(rules?: RuleSet): Promise<TestApp> {
  return createApp(rules ? { rules } : {});
}

/** The requests of an analysis up to the contents (token, check, files, one contents batch). */
function analysisOf(gh: GitHubMock, files: PullFile[], opts: { config?: string; answer?: (expr: string) => unknown } = {}): GitHubMock {
  gh.token().checkCreate(7000).config(opts.config).files(files);
  const texts: Record<string, string> = {};
  for (const f of files) if (f.head !== null) texts[`${HEAD_SHA}:${f.path}`] = f.head;
  return gh.contents(texts, opts.answer as never);
}

const added = (path: string, head: string): PullFile => ({ path, base: null, head });

describe("item 1: a string of 3,000 `+` pieces or 3,000 parentheses cannot turn the check green", () => {
  test("both findings are annotated and the check fails; no rule failure", async () => {
    const app = await appWith();
    const code = [
      "import os",
      "import sqlite3",
      "",
      "def ping(h):",
      `    os.system("ping " + ${Array(3000).fill("h").join(" + ")})`,
      "",
      "def find(c, v):",
      `    c.execute(${"(".repeat(3000)}"SELECT * FROM t WHERE a = " + v${")".repeat(3000)})`,
      "",
    ].join("\n");
    const gh = analysisOf(new GitHubMock(), [added("app/deep.py", code)]).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const done = gh.completion;
    expect(done.conclusion).toBe("failure");
    expect(done.output.annotations.map((a: { title: string; start_line: number }) => `${a.title}@${a.start_line}`)).toEqual([
      expect.stringMatching(/\(os-system\)@5$/),
      expect.stringMatching(/\(sql-injection\)@8$/),
    ]);
    expect(done.output.summary).not.toContain("Rule failures");
    expect(done.output.summary).not.toContain("Not analysed");
  });

  test("a rule that fails on a file makes that file not analysed: `neutral`, the file and the rule named", async () => {
    const base = RULES.byId.get("hardcoded-token")!;
    // the rule's code module throws
    const failing: Rule = {
      ...base,
      id: "gate-planted-failure",
      code: {
        match: () => {
          throw new Error("planted failure");
        },
      },
    };
    const app = await appWith(buildRuleSet([...RULES.rules, failing]));
    const gh = analysisOf(new GitHubMock(), [added("app/clean.py", "x = 1\n")]).threads().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const done = gh.completion;
    expect(done.conclusion).toBe("neutral");
    expect(done.output.title).toBe("No security issues in the changed lines; 1 file not analysed");
    expect(done.output.summary).toContain("### ⚠️ Not analysed: the check is `neutral`, not `success`");
    expect(done.output.summary).toContain("- `app/clean.py`: the rule `gate-planted-failure` failed on it (planted failure)");
  });
});

describe("item 2: what was not analysed is never `success`", () => {
  const LATIN1 = "# -*- coding: latin-1 -*-\nimport yaml\nNAME = 'café'\ncfg = yaml.load(open('c.yml'))\n";

  test("a Latin-1 file with its coding cookie (GitHub gives no UTF-8 text) is read as bytes, decoded as Python does, analysed", async () => {
    const app = await appWith();
    const file = added("app/latin.py", LATIN1);
    const gh = analysisOf(new GitHubMock(), [file], {
      // GraphQL's Blob.text is UTF-8 only: none for these bytes
      answer: (expr) => (expr.endsWith("app/latin.py") ? { text: null, isBinary: false, byteSize: Buffer.byteLength(LATIN1, "latin1"), isTruncated: false } : undefined),
    });
    const sha = listFilesEntry(file).sha as string;
    gh.scope.get(`/repos/${OWNER}/${REPO}/git/blobs/${sha}`).reply(200, () => ({
      sha,
      node_id: `B_${sha}`,
      size: Buffer.byteLength(LATIN1, "latin1"),
      url: `${API}/repos/${OWNER}/${REPO}/git/blobs/${sha}`,
      content: Buffer.from(LATIN1, "latin1").toString("base64"),
      encoding: "base64",
    }));
    gh.threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.completion.conclusion).toBe("failure");
    expect(gh.completion.output.annotations.map((a: { title: string; start_line: number }) => [a.title, a.start_line])).toEqual([[expect.stringContaining("(yaml-load)"), 4]]);
    expect(suggestionsIn(gh.reviews[0].comments[0].body)).toEqual(["cfg = yaml.safe_load(open('c.yml'))"]);
  });

  test("a file over the size limit: `neutral` with the file named; `unanalysed: failure` makes it `failure`", async () => {
    const big = `x = 1\n${"# padding\n".repeat(200)}`;
    for (const [config, conclusion] of [["max_file_bytes: 1024\n", "neutral"], ["max_file_bytes: 1024\nunanalysed: failure\n", "failure"]] as const) {
      const app = await appWith();
      const gh = analysisOf(new GitHubMock(), [added("app/big.py", big)], { config }).threads().checkUpdate(7000);

      await app.deliver("pull_request", pullRequestPayload());

      gh.done();
      nock.cleanAll();
      expect(gh.completion.conclusion).toBe(conclusion);
      expect(gh.completion.output.summary).toContain(`- \`app/big.py\`: ${Buffer.byteLength(big)} bytes, over the 1024-byte limit`);
    }
  });

  test("code on an added line that does not parse is not analysed: `neutral`, the lines named", async () => {
    const app = await appWith();
    const gh = analysisOf(new GitHubMock(), [{ path: "app/odd.py", base: "x = 1\n", head: "x = 1\ny = (1 +* 2)\n" }]).threads().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.completion.conclusion).toBe("neutral");
    expect(gh.completion.output.summary).toContain("- `app/odd.py`: syntax errors on line 2: that code was not analysed");
  });

  test("past GitHub's 3,000-file list: the files it does not list cannot pass as analysed", async () => {
    const app = await appWith();
    const gh = new GitHubMock().token().checkCreate(7000).config();
    const path = `/repos/${OWNER}/${REPO}/pulls/${PULL}/files`;
    gh.scope
      .get(path)
      .query(true)
      .times(30)
      .reply((uri) => {
        const page = Number(new URL(uri, API).searchParams.get("page") ?? "1");
        const entries = Array.from({ length: 100 }, (_, i) => listFilesEntry({ path: `docs/p${page}-${i}.md`, base: null, head: "text\n" }));
        const next = page < 30 ? { link: `<${API}${path}?per_page=100&page=${page + 1}>; rel="next"` } : {};
        return [200, entries, next];
      });
    gh.contents({}).checkUpdate(7000);
    // GitHub lists 3,000 of the pull request's 3,100 changed files
    const payload = pullRequestPayload();
    payload.pull_request.changed_files = 3100;

    await app.deliver("pull_request", payload);

    gh.done();
    expect(gh.completion.conclusion).toBe("neutral");
    expect(gh.completion.output.summary).toContain("GitHub lists at most 3,000 changed files: the files past that were not analysed");
  });
});

describe("item 3: `# nosec` inside a string literal silences nothing", () => {
  test("the command injection is annotated and the check fails", async () => {
    const app = await appWith();
    const code = 'import os\n\ndef ping(host):\n    os.system("ping " + host + " # nosec")\n';
    const gh = analysisOf(new GitHubMock(), [added("app/ping.py", code)]).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    expect(gh.completion.conclusion).toBe("failure");
    expect(gh.completion.output.annotations.map((a: { title: string; start_line: number }) => [a.title, a.start_line])).toEqual([[expect.stringContaining("(os-system)"), 4]]);
    expect(gh.completion.output.summary).not.toContain("suppressed by comments");
  });
});

describe("item 13: no suggestion, comment or annotation repeats a secret another rule found", () => {
  const GOOGLE_KEY = `AIza${"SyB1x9Kq2LmPw7Zr4Tx9Wv3Ny6Bc0DaQ8"}xy`;
  const AWS_KEY = "AKIAZ7Q2R4X9LMNB3KPD";
  const code = [
    "import requests",
    "import yaml",
    "",
    "def fetch():",
    `    return requests.get("http://maps.example.com/api?key=${GOOGLE_KEY}", timeout=5)`,
    "",
    "def load(f):",
    `    return yaml.load(f)  # aws_access_key_id=${AWS_KEY}`,
    "",
  ].join("\n");

  test("the `requests-http` and `yaml-load` suggestions are withheld (shown masked); nothing GitHub receives holds a key", async () => {
    const app = await appWith();
    const gh = analysisOf(new GitHubMock(), [added("app/client.py", code)]).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const sent = JSON.stringify(gh.requests.map((r) => r.body));
    expect(sent).not.toContain(GOOGLE_KEY.slice(4, 20));
    expect(sent).not.toContain(AWS_KEY.slice(4));
    const bodies = gh.reviews[0].comments.map((c: { body: string }) => c.body);
    const http = bodies.find((b: string) => b.includes("`requests-http`"));
    const yaml = bodies.find((b: string) => b.includes("`yaml-load`"));
    expect(suggestionsIn(http)).toEqual([]);
    expect(suggestionsIn(yaml)).toEqual([]);
    expect(yaml).toContain("the suggestion would repeat a secret that is in this file (shown as text, masked)");
    expect(yaml).toContain("return yaml.safe_load(f)  # aws_access_key_id=AKIA…");
    for (const a of gh.completion.output.annotations) expect(a.raw_details ?? "").not.toContain("AKIA" + AWS_KEY.slice(4, 8));
  });
});

describe("items 18 and 19: command injection fixed without a shell; one import suggestion per file", () => {
  const code = [
    "import os",
    "",
    "def ping(host):",
    '    os.system("ping -c 1 " + host)',
    "",
    "def trace(host):",
    '    os.system(f"traceroute -n {host}")',
    "",
  ].join("\n");

  test("each os.system becomes subprocess.run(argv, check=False); `import subprocess` is suggested once", async () => {
    const app = await appWith();
    const gh = analysisOf(new GitHubMock(), [added("app/net.py", code)]).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const comments = gh.reviews[0].comments as { line: number; body: string }[];
    const all = comments.flatMap((c) => suggestionsIn(c.body).map((s) => `${c.line}: ${s}`));
    expect(all.sort()).toEqual([
      "1: import os\nimport subprocess",
      '4:     subprocess.run(["ping", "-c", "1", host], check=False)',
      '7:     subprocess.run(["traceroute", "-n", host], check=False)',
    ]);
    // no suggestion keeps a shell, and GitHub is never sent two suggestions on one line
    expect(all.join("\n")).not.toMatch(/shlex|shell=True|os\.system/);
    const lines = comments.filter((c) => suggestionsIn(c.body).length).map((c) => c.line);
    expect(new Set(lines).size).toBe(lines.length);
  });
});

describe("item 20 (a): a fix whose finding is still there is never posted as a suggestion", () => {
  test("a rule whose edit leaves the finding: the comment has no suggestion, the check says why", async () => {
    const base = RULES.byId.get("yaml-load")!;
    // a "fix" that changes the text but not the danger: FullLoader still builds arbitrary objects
    const stubborn: Rule = { ...base, fix: { safety: "safe", edits: [{ set_keyword: { name: "Loader", value: "yaml.FullLoader" } }] } };
    const app = await appWith(buildRuleSet([stubborn]));
    const gh = analysisOf(new GitHubMock(), [added("app/cfg.py", "import yaml\n\ncfg = yaml.load(f)\n")]).threads().review().checkUpdate(7000);

    await app.deliver("pull_request", pullRequestPayload());

    gh.done();
    const [comment] = gh.reviews[0].comments;
    expect(suggestionsIn(comment.body)).toEqual([]);
    expect(comment.body).toContain("_No one-click fix: the finding is still there after the fix._");
    expect(gh.completion.output.summary).toContain("- `app/cfg.py:3` `yaml-load`: the finding is still there after the fix");
    expect(gh.completion.output.annotations[0]).not.toHaveProperty("raw_details");
  });

  test("a fix that would not parse, or would raise another rule's finding, is not posted either", async () => {
    const base = RULES.byId.get("yaml-load")!;
    // `yaml.safe_load(f, Loader=1 +)`: no longer parses
    const broken: Rule = { ...base, id: "gate-broken-fix", fix: { safety: "safe", edits: [{ rename_callee: "yaml.safe_load" }, { set_keyword: { name: "Loader", value: "1 +" } }] } };
    // `yaml.safe_load(f, extra=eval(raw))`: the YAML finding goes, an eval finding comes
    const trading: Rule = { ...base, id: "gate-trading-fix", fix: { safety: "safe", edits: [{ rename_callee: "yaml.safe_load" }, { set_keyword: { name: "extra", value: "eval(raw)" } }] } };
    for (const [rule, reason] of [[broken, "the fixed code would not parse"], [trading, "the fix would raise another finding (eval)"]] as const) {
      const app = await appWith(buildRuleSet([rule, RULES.byId.get("eval")!]));
      const gh = analysisOf(new GitHubMock(), [added("app/cfg.py", "import yaml\n\ncfg = yaml.load(f)\n")]).threads().review().checkUpdate(7000);

      await app.deliver("pull_request", pullRequestPayload());

      gh.done();
      nock.cleanAll();
      const [comment] = gh.reviews[0].comments;
      expect(suggestionsIn(comment.body)).toEqual([]);
      expect(comment.body).toContain(`_No one-click fix: ${reason}._`);
    }
  });

  test("the same with hundreds of fixes in one file (checked in batches): none is offered", () => {
    const base = RULES.byId.get("yaml-load")!;
    const stubborn: Rule = { ...base, fix: { safety: "safe", edits: [{ set_keyword: { name: "Loader", value: "yaml.FullLoader" } }] } };
    const code = `import yaml\n${Array.from({ length: 300 }, (_, i) => `c${i} = yaml.load(f${i})`).join("\n")}\n`;
    const a = analyzeSource("many.py", code, { rules: buildRuleSet([stubborn]) });
    expect(a.findings).toHaveLength(300);
    expect(a.findings.filter((f) => f.fix?.replacement !== undefined)).toEqual([]);
    expect(new Set(a.withheldFixes.map((w) => w.reason))).toEqual(new Set(["the finding is still there after the fix"]));

    // a fix that trades the finding for another rule's is not offered in a batch either
    const trading: Rule = { ...base, id: "gate-trading-fix", fix: { safety: "safe", edits: [{ rename_callee: "yaml.safe_load" }, { set_keyword: { name: "extra", value: "eval(raw)" } }] } };
    const t = analyzeSource("many.py", code, { rules: buildRuleSet([trading, RULES.byId.get("eval")!]) });
    expect(t.findings).toHaveLength(300);
    expect(t.findings.filter((f) => f.fix?.replacement !== undefined)).toEqual([]);
    expect(new Set(t.withheldFixes.map((w) => w.reason))).toEqual(new Set(["the fix would raise another finding (eval)"]));
  });

  test("in batches too: fixes that would not parse are found by halving, and each is withheld; the good ones are offered", () => {
    const base = RULES.byId.get("yaml-load")!;
    const broken: Rule = { ...base, id: "gate-broken-fix", fix: { safety: "safe", edits: [{ rename_callee: "yaml.safe_load" }, { set_keyword: { name: "Loader", value: "1 +" } }] } };
    // 300 calls, every fix broken
    const code = `import yaml\n${Array.from({ length: 300 }, (_, i) => `c${i} = yaml.load(f${i})`).join("\n")}\n`;
    const a = analyzeSource("many.py", code, { rules: buildRuleSet([broken]) });
    expect(a.findings).toHaveLength(300);
    expect(a.findings.filter((f) => f.fix?.replacement !== undefined)).toEqual([]);
    // halving 300 broken fixes needs more parses than a file may spend: the rest say so, none is lost
    const reasons = new Set(a.withheldFixes.map((w) => w.reason));
    expect(reasons.has("the fixed code would not parse")).toBe(true);
    expect([...reasons].every((r) => r === "the fixed code would not parse" || r.startsWith("HunkGuard's budget for checking fixes in this file is spent"))).toBe(true);
    expect(a.withheldFixes).toHaveLength(300);

    // one broken fix among 299 good ones: found, and the others offered
    const mixed = buildRuleSet([base, { ...broken, match: { patterns: [{ calls: ["pickle.loads"] }] } }]);
    const code2 = `import yaml\nimport pickle\n${Array.from({ length: 300 }, (_, i) => (i === 137 ? `c${i} = pickle.loads(f${i})` : `c${i} = yaml.load(f${i})`)).join("\n")}\n`;
    const b = analyzeSource("mixed.py", code2, { rules: mixed });
    expect(b.findings).toHaveLength(300);
    expect(b.findings.filter((f) => f.fix?.replacement !== undefined)).toHaveLength(299);
    expect(b.withheldFixes).toEqual([{ rule: "gate-broken-fix", line: 140, reason: "the fixed code would not parse" }]);
  });
});
