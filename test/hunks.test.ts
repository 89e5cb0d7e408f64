import { readFileSync } from "node:fs";
import {
  DiffParseError,
  filePatchFromContents,
  hunkAt,
  inOneHunk,
  parseFilePatch,
  parseUnifiedDiff,
  type FilePatch,
  type Hunk,
} from "../src/core/hunks.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/patches/${name}`, import.meta.url), "utf8");

/** n..m inclusive */
const range = (n: number, m: number): number[] => Array.from({ length: m - n + 1 }, (_, k) => n + k);
const sorted = (lines: Set<number>): number[] => [...lines].sort((a, b) => a - b);

interface Golden {
  fixture: string;
  hunks: Hunk[];
  added: number[];
  commentable: number[];
  /** bytes the fixture must contain, so a checkout that normalised it fails loudly instead of passing vacuously */
  contains?: string;
}

// Each per-file patch (GitHub's `patch` field), with exactly what it must yield.
const goldenPatches: Golden[] = [
  {
    fixture: "added-file.patch",
    hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 3, added: [1, 2, 3], newRange: [1, 3] }],
    added: [1, 2, 3],
    commentable: [1, 2, 3],
  },
  {
    fixture: "deleted-file.patch",
    hunks: [{ oldStart: 1, oldLines: 6, newStart: 0, newLines: 0, added: [], newRange: null }],
    added: [],
    commentable: [],
  },
  {
    fixture: "renamed-with-edits.patch",
    hunks: [{ oldStart: 3, oldLines: 7, newStart: 3, newLines: 7, added: [6], newRange: [3, 9] }],
    added: [6],
    commentable: range(3, 9),
  },
  {
    // " c = 3" then "\ No newline": the marker is not a line; the hunk still ends at 3.
    fixture: "no-newline-both-sides.patch",
    hunks: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, added: [2], newRange: [1, 3] }],
    added: [2],
    commentable: [1, 2, 3],
    contains: "\n\\ No newline at end of file",
  },
  {
    // marker in the middle of the hunk, after the old side's last line
    fixture: "no-newline-old-side.patch",
    hunks: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 3, added: [2, 3], newRange: [1, 3] }],
    added: [2, 3],
    commentable: [1, 2, 3],
    contains: "-b = 2\n\\ No newline at end of file\n+b = 2",
  },
  {
    fixture: "no-newline-new-side.patch",
    hunks: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 2, added: [2], newRange: [1, 2] }],
    added: [2],
    commentable: [1, 2],
    contains: "+b = 2\n\\ No newline at end of file",
  },
  {
    // a CRLF file: every diff line ends with "\r" before git's "\n"
    fixture: "crlf.patch",
    hunks: [{ oldStart: 1, oldLines: 4, newStart: 1, newLines: 5, added: [2], newRange: [1, 5] }],
    added: [2],
    commentable: range(1, 5),
    contains: "+import sys\r\n",
  },
  {
    // the patch itself saved with CRLF separators, including the "\ No newline" marker
    fixture: "crlf-separators.patch",
    hunks: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 3, added: [2, 3], newRange: [1, 3] }],
    added: [2, 3],
    commentable: [1, 2, 3],
    contains: "@@ -1,2 +1,3 @@\r\n",
  },
  {
    // UTF-8 content, an astral emoji, and U+2028 inside a line (must not split it)
    fixture: "non-ascii.patch",
    hunks: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 4, added: [3, 4], newRange: [1, 4] }],
    added: [3, 4],
    commentable: [1, 2, 3, 4],
    contains: "\u2028",
  },
  {
    // changes 6 unchanged lines apart share a hunk (contexts touch), 7 apart do not; a trailing
    // pure deletion ends the last hunk
    fixture: "several-hunks.patch",
    hunks: [
      { oldStart: 1, oldLines: 5, newStart: 1, newLines: 5, added: [2], newRange: [1, 5] },
      { oldStart: 7, oldLines: 13, newStart: 7, newLines: 14, added: [10, 17], newRange: [7, 20] },
      { oldStart: 21, oldLines: 10, newStart: 22, newLines: 9, added: [25], newRange: [22, 30] },
    ],
    added: [2, 10, 17, 25],
    commentable: [...range(1, 5), ...range(7, 20), ...range(22, 30)],
  },
  {
    fixture: "one-line-no-counts.patch",
    hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, added: [1], newRange: [1, 1] }],
    added: [1],
    commentable: [1],
    contains: "@@ -1 +1 @@\n",
  },
  {
    // removed "-- old comment" and added "++ new" read "--- old comment" / "+++ new": exactly a
    // file-header pair, but inside the hunk's counts they are content
    fixture: "dash-lines-in-hunk.patch",
    hunks: [{ oldStart: 1, oldLines: 5, newStart: 1, newLines: 5, added: [2, 3], newRange: [1, 5] }],
    added: [2, 3],
    commentable: [1, 2, 3, 4, 5],
    contains: "\n---- a\n--- old comment\n+++ new\n++++ b\n",
  },
  { fixture: "empty.patch", hunks: [], added: [], commentable: [] },
];

describe("parseFilePatch golden cases", () => {
  test.each(goldenPatches)("$fixture", ({ fixture: name, hunks, added, commentable, contains }) => {
    const text = fixture(name);
    if (contains !== undefined) expect(text).toContain(contains);
    const fp = parseFilePatch(text);
    expect(fp.hunks).toStrictEqual(hunks);
    expect(sorted(fp.addedLines)).toStrictEqual(added);
    expect(sorted(fp.commentableLines)).toStrictEqual(commentable);
  });

  test.each([undefined, null, ""])("%p (no patch, e.g. a rename without content change) has no hunks", (patch) => {
    const fp = parseFilePatch(patch);
    expect(fp.hunks).toStrictEqual([]);
    expect(fp.addedLines.size).toBe(0);
    expect(fp.commentableLines.size).toBe(0);
  });

  test("a trailing newline after the last hunk is not a line", () => {
    const withNewline = parseFilePatch(`${fixture("several-hunks.patch")}\n`);
    expect(withNewline).toStrictEqual(parseFilePatch(fixture("several-hunks.patch")));
  });

  test("a context line whose single space was stripped still counts", () => {
    const fp = parseFilePatch("@@ -1,3 +1,3 @@\n a\n\n-b\n+c");
    expect(fp.hunks[0].added).toStrictEqual([3]);
    expect(sorted(fp.commentableLines)).toStrictEqual([1, 2, 3]);
  });
});

describe("parseFilePatch rejects malformed patches with the line number", () => {
  const cases: Array<{ name: string; patch: string; line: number; message: RegExp }> = [
    {
      name: "malformed hunk header",
      patch: "@@ -1,2 +1,2 @@\n a\n-b\n+c\n@@ -x,1 +4 @@\n+d",
      line: 5,
      message: /malformed hunk header/,
    },
    { name: "header without '+' side", patch: "@@ -1,2 @@\n a", line: 1, message: /malformed hunk header/ },
    { name: "impossible start 0 with lines", patch: "@@ -0,1 +1,1 @@\n-a\n+b", line: 1, message: /impossible/ },
    { name: "combined (merge) diff", patch: "@@@ -1,1 -1,1 +1,1 @@@\n  a", line: 1, message: /combined/ },
    { name: "text before the first hunk", patch: "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b", line: 1, message: /must start with a hunk header/ },
    { name: "hunk shorter than its header", patch: "@@ -1,3 +1,3 @@\n a\n-b\n+c", line: 5, message: /ends early/ },
    { name: "hunk longer than its header", patch: "@@ -1 +1 @@\n-a\n+b\n+c", line: 4, message: /after a hunk/ },
    { name: "more added lines than counted", patch: "@@ -1,2 +1,1 @@\n+a\n+b\n-c", line: 3, message: /more added lines/ },
    { name: "garbage inside a hunk", patch: "@@ -1,2 +1,2 @@\n a\n?b\n+c", line: 3, message: /unexpected line "\?b"/ },
  ];
  test.each(cases)("$name", ({ patch, line, message }) => {
    let error: unknown;
    try {
      parseFilePatch(patch);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiffParseError);
    expect(error).toBeInstanceOf(Error);
    expect((error as DiffParseError).line).toBe(line);
    expect((error as DiffParseError).message).toMatch(new RegExp(`^line ${line}: `));
    expect((error as DiffParseError).message).toMatch(message);
  });
});

describe("hunkAt / inOneHunk", () => {
  const fp = parseFilePatch(fixture("several-hunks.patch")); // new-side hunks 1-5, 7-20, 22-30

  test.each([
    [1, 1],
    [5, 1],
    [6, undefined],
    [7, 2],
    [20, 2],
    [21, undefined],
    [22, 3],
    [30, 3],
    [31, undefined],
    [0, undefined],
  ])("hunkAt(%i) is hunk #%p", (line, which) => {
    expect(hunkAt(fp, line)).toBe(which === undefined ? undefined : fp.hunks[which - 1]);
  });

  test.each([
    [1, 5, true],
    [2, 2, true],
    [7, 20, true],
    [10, 17, true],
    [22, 30, true],
    [5, 7, false], // spans the gap at line 6
    [4, 6, false],
    [20, 22, false], // two hunks, both ends commentable
    [1, 30, false],
    [29, 31, false],
    [0, 1, false],
    [3, 2, false], // start after end
  ])("inOneHunk(%i, %i) is %p", (start, end, expected) => {
    expect(inOneHunk(fp, start, end)).toBe(expected);
  });

  test("a deleted file has no hunk on the new side", () => {
    const deleted = parseFilePatch(fixture("deleted-file.patch"));
    expect(hunkAt(deleted, 0)).toBeUndefined();
    expect(hunkAt(deleted, 1)).toBeUndefined();
    expect(inOneHunk(deleted, 1, 1)).toBe(false);
  });
});

describe("filePatchFromContents matches git", () => {
  // The two sides of each fixture, exactly as committed in the scratch repo the fixtures came from.
  const sides: Array<{ fixture: string; oldText: string; newText: string }> = [
    {
      fixture: "several-hunks.patch",
      oldText: fixture("several-hunks.old.txt"),
      newText: fixture("several-hunks.new.txt"),
    },
    { fixture: "added-file.patch", oldText: "", newText: 'import subprocess\n\nsubprocess.run("ls", shell=True)\n' },
    { fixture: "deleted-file.patch", oldText: 'import os\nimport sys\n\n\ndef main():\n    print("hi")\n', newText: "" },
    {
      fixture: "renamed-with-edits.patch",
      oldText: "def a():\n    return 1\n\n\ndef b():\n    return 2\n\n\ndef c():\n    return 3\n",
      newText: "def a():\n    return 1\n\n\ndef b():\n    return 20\n\n\ndef c():\n    return 3\n",
    },
    { fixture: "no-newline-both-sides.patch", oldText: "a = 1\nb = 2\nc = 3", newText: "a = 1\nb = 22\nc = 3" },
    { fixture: "no-newline-old-side.patch", oldText: "a = 1\nb = 2", newText: "a = 1\nb = 2\nc = 3\n" },
    { fixture: "no-newline-new-side.patch", oldText: "a = 1\nb = 2\n", newText: "a = 1\nb = 2" },
    {
      fixture: "crlf.patch",
      oldText: "import os\r\n\r\ndef f():\r\n    return os.getcwd()\r\n",
      newText: "import os\r\nimport sys\r\n\r\ndef f():\r\n    return os.getcwd()\r\n",
    },
    {
      fixture: "non-ascii.patch",
      oldText: '# café\nname = "naïve"\n',
      newText: '# café\nname = "naïve"\ngreeting = "你好 🐍"\nsep = "a\u2028b"\n',
    },
    {
      fixture: "dash-lines-in-hunk.patch",
      oldText: 'SQL = """\n--- a\n-- old comment\nselect 1\n"""\n',
      newText: 'SQL = """\n++ new\n+++ b\nselect 1\n"""\n',
    },
  ];

  test.each(sides)("$fixture", ({ fixture: name, oldText, newText }) => {
    const computed = filePatchFromContents(oldText, newText);
    expect(computed).toStrictEqual(parseFilePatch(fixture(name)));
    expect(computed.approximate).toBeUndefined();
  });

  test("added file round-trip: every line added and commentable", () => {
    const text = "a = 1\nb = 2\nc = 3\n";
    const fp = filePatchFromContents("", text);
    expect(fp.hunks).toStrictEqual([{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 3, added: [1, 2, 3], newRange: [1, 3] }]);
    expect(sorted(fp.addedLines)).toStrictEqual([1, 2, 3]);
    expect(sorted(fp.commentableLines)).toStrictEqual([1, 2, 3]);
  });

  test("removed file round-trip: nothing on the new side", () => {
    const fp = filePatchFromContents("a = 1\nb = 2\nc = 3\n", "");
    expect(fp.hunks).toStrictEqual([{ oldStart: 1, oldLines: 3, newStart: 0, newLines: 0, added: [], newRange: null }]);
    expect(fp.addedLines.size).toBe(0);
    expect(fp.commentableLines.size).toBe(0);
  });

  test("identical and empty texts have no hunks", () => {
    expect(filePatchFromContents("x = 1\n", "x = 1\n").hunks).toStrictEqual([]);
    expect(filePatchFromContents("", "").hunks).toStrictEqual([]);
  });

  test("beyond maxEditLength: one whole-file hunk, marked approximate", () => {
    const fp = filePatchFromContents("a\nb\nc\n", "x\ny", { maxEditLength: 1 });
    expect(fp.approximate).toBe(true);
    expect(fp.hunks).toStrictEqual([{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 2, added: [1, 2], newRange: [1, 2] }]);
    expect(sorted(fp.addedLines)).toStrictEqual([1, 2]);
    expect(sorted(fp.commentableLines)).toStrictEqual([1, 2]);
    const emptied = filePatchFromContents("a\nb\n", "", { maxEditLength: 0 });
    expect(emptied.hunks).toStrictEqual([{ oldStart: 1, oldLines: 2, newStart: 0, newLines: 0, added: [], newRange: null }]);
  });
});

describe("parseUnifiedDiff", () => {
  interface ExpectedFile {
    oldPath: string | null;
    newPath: string | null;
    status: "added" | "removed" | "modified" | "renamed";
    binary: boolean;
    /** the per-file fixture whose FilePatch this file must equal; omitted = no hunks */
    patch?: string;
  }
  const noHunks: FilePatch = { hunks: [], addedLines: new Set(), commentableLines: new Set() };
  const expectFiles = (actual: ReturnType<typeof parseUnifiedDiff>, expected: ExpectedFile[]): void => {
    expect(actual).toStrictEqual(
      expected.map(({ patch, ...meta }) => ({ ...meta, patch: patch === undefined ? noHunks : parseFilePatch(fixture(patch)) })),
    );
  };

  // `git diff --cached -M` over every kind of change
  const gitMultiFile: ExpectedFile[] = [
    { oldPath: null, newPath: "added.py", status: "added", binary: false, patch: "added-file.patch" },
    { oldPath: "café.py", newPath: "café.py", status: "modified", binary: false, patch: "non-ascii.patch" },
    { oldPath: "crlf.py", newPath: "crlf.py", status: "modified", binary: false, patch: "crlf.patch" },
    { oldPath: "dashes.py", newPath: "dashes.py", status: "modified", binary: false, patch: "dash-lines-in-hunk.patch" },
    { oldPath: "deleted.py", newPath: null, status: "removed", binary: false, patch: "deleted-file.patch" },
    { oldPath: null, newPath: "empty_new.py", status: "added", binary: false }, // new empty file: no ---/+++ at all
    { oldPath: "img.png", newPath: "img.png", status: "modified", binary: true },
    { oldPath: "mode.py", newPath: "mode.py", status: "modified", binary: false }, // mode change only
    { oldPath: "multi.py", newPath: "multi.py", status: "modified", binary: false, patch: "several-hunks.patch" },
    { oldPath: "nonl.py", newPath: "nonl.py", status: "modified", binary: false, patch: "no-newline-both-sides.patch" },
    { oldPath: "nonl_new.py", newPath: "nonl_new.py", status: "modified", binary: false, patch: "no-newline-new-side.patch" },
    { oldPath: "nonl_old.py", newPath: "nonl_old.py", status: "modified", binary: false, patch: "no-newline-old-side.patch" },
    { oldPath: "pure_rename.py", newPath: "pure_renamed.py", status: "renamed", binary: false }, // similarity 100%
    { oldPath: "moved.py", newPath: "renamed.py", status: "renamed", binary: false, patch: "renamed-with-edits.patch" },
    { oldPath: "with space.py", newPath: "with space.py", status: "modified", binary: false, patch: "one-line-no-counts.patch" },
  ];

  test("git-multi-file.diff: every file with its status, paths and exact hunks", () => {
    expectFiles(parseUnifiedDiff(fixture("git-multi-file.diff")), gitMultiFile);
  });

  test("the same diff with CRLF separators parses the same", () => {
    const crlf = fixture("git-multi-file.diff").replace(/\n/g, "\r\n");
    expectFiles(parseUnifiedDiff(crlf), gitMultiFile);
  });

  test("git format-patch mail: message, '---' separator, diffstat and signature are skipped", () => {
    const mail = fixture("git-format-patch.mbox");
    expect(mail).toContain("\n---\n");
    expect(mail).toContain("\n-- \n");
    expectFiles(parseUnifiedDiff(mail), gitMultiFile);
  });

  test("git-quoted-paths.diff: octal-escaped UTF-8, spaces, quotes, rename from a quoted name", () => {
    const added = (n: number): FilePatch => ({
      hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: n, added: range(1, n), newRange: [1, n] }],
      addedLines: new Set(range(1, n)),
      commentableLines: new Set(range(1, n)),
    });
    expect(parseUnifiedDiff(fixture("git-quoted-paths.diff"))).toStrictEqual([
      { oldPath: null, newPath: "naïve name.py", status: "added", binary: false, patch: added(1) },
      { oldPath: "café.py", newPath: "plain.py", status: "renamed", binary: false, patch: noHunks },
      { oldPath: null, newPath: 'quote"d.py', status: "added", binary: false, patch: added(1) },
      {
        oldPath: "with space.py",
        newPath: null,
        status: "removed",
        binary: false,
        patch: {
          hunks: [{ oldStart: 1, oldLines: 1, newStart: 0, newLines: 0, added: [], newRange: null }],
          addedLines: new Set(),
          commentableLines: new Set(),
        },
      },
    ]);
  });

  test("a diff of a diff: hunk lines that look like file headers stay content", () => {
    const [file, ...rest] = parseUnifiedDiff(fixture("diff-of-a-diff.diff"));
    expect(rest).toStrictEqual([]);
    expect(file.newPath).toBe("example.patch");
    expect(file.status).toBe("modified");
    expect(file.patch.hunks).toStrictEqual([
      { oldStart: 1, oldLines: 6, newStart: 1, newLines: 7, added: [4, 6, 7], newRange: [1, 7] },
    ]);
    expect(sorted(file.patch.addedLines)).toStrictEqual([4, 6, 7]);
    expect(sorted(file.patch.commentableLines)).toStrictEqual(range(1, 7));
  });

  test("plain `diff -ruN`: timestamps after a tab; an epoch timestamp means the file is new", () => {
    expect(parseUnifiedDiff(fixture("plain-diff-u.diff"))).toStrictEqual([
      {
        oldPath: "m.py",
        newPath: "m.py",
        status: "modified",
        binary: false,
        patch: {
          hunks: [{ oldStart: 1, oldLines: 2, newStart: 1, newLines: 2, added: [2], newRange: [1, 2] }],
          addedLines: new Set([2]),
          commentableLines: new Set([1, 2]),
        },
      },
      {
        oldPath: null,
        newPath: "new.py",
        status: "added",
        binary: false,
        patch: {
          hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, added: [1], newRange: [1, 1] }],
          addedLines: new Set([1]),
          commentableLines: new Set([1]),
        },
      },
    ]);
  });

  test("binary files: new, deleted, and GIT binary patch", () => {
    const text = [
      "diff --git a/new.png b/new.png",
      "new file mode 100644",
      "index 0000000..71b06a2",
      "Binary files /dev/null and b/new.png differ",
      "diff --git a/old.png b/old.png",
      "deleted file mode 100644",
      "index 71b06a2..0000000",
      "Binary files a/old.png and /dev/null differ",
      "diff --git a/img.png b/img.png",
      "index d9d6533..71b06a2 100644",
      "GIT binary patch",
      "literal 11",
      "ScmeAS@N?(olHy`uVBq!ia0vp^",
      "",
      "literal 11",
      "ScmeAS@N?(olHy`uVBq!ia0vp^",
      "",
    ].join("\n");
    expect(parseUnifiedDiff(text)).toStrictEqual([
      { oldPath: null, newPath: "new.png", status: "added", binary: true, patch: noHunks },
      { oldPath: "old.png", newPath: null, status: "removed", binary: true, patch: noHunks },
      { oldPath: "img.png", newPath: "img.png", status: "modified", binary: true, patch: noHunks },
    ]);
  });

  test("a copy (git diff -C) is an added file whose hunks are relative to the copy source", () => {
    const text = [
      "diff --git a/src.py b/copy.py",
      "similarity index 88%",
      "copy from src.py",
      "copy to copy.py",
      "index e5e6ffe..9195349 100644",
      "--- a/src.py",
      "+++ b/copy.py",
      "@@ -8,3 +8,4 @@ v7 = 7",
      " v8 = 8",
      " v9 = 9",
      " v10 = 10",
      "+v11 = 11",
    ].join("\n");
    expect(parseUnifiedDiff(text)).toStrictEqual([
      {
        oldPath: "src.py",
        newPath: "copy.py",
        status: "added",
        binary: false,
        patch: {
          hunks: [{ oldStart: 8, oldLines: 3, newStart: 8, newLines: 4, added: [11], newRange: [8, 11] }],
          addedLines: new Set([11]),
          commentableLines: new Set([8, 9, 10, 11]),
        },
      },
    ]);
  });

  test("empty or blank text is an empty diff", () => {
    expect(parseUnifiedDiff("")).toStrictEqual([]);
    expect(parseUnifiedDiff("\n\n")).toStrictEqual([]);
  });

  test.each([
    { name: "prose", text: "\n\nhello\nworld\n", line: 3, message: /not a unified diff/ },
    { name: "hunk without a file header", text: "@@ -1 +1 @@\n-a\n+b\n", line: 1, message: /before any file header/ },
    {
      name: "hunk cut short by the next file",
      text: "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\ndiff --git a/y.py b/y.py\n",
      line: 6,
      message: /unexpected line "diff --git a\/y.py b\/y.py" in the hunk starting at line 4/,
    },
    {
      name: "malformed hunk header in the second file",
      text: "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n--- a/y.py\n+++ b/y.py\n@@ -1 +1,x @@\n",
      line: 8,
      message: /malformed hunk header/,
    },
  ])("throws DiffParseError with the line number: $name", ({ text, line, message }) => {
    expect(() => parseUnifiedDiff(text)).toThrow(DiffParseError);
    expect(() => parseUnifiedDiff(text)).toThrow(new RegExp(`^line ${line}: `));
    expect(() => parseUnifiedDiff(text)).toThrow(message);
  });
});
