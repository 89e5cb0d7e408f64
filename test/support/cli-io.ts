/**
 * The CLI in-process: `main(argv, io)` with captured standard output and error, a given working
 * folder and standard input, no TTY and an empty environment.
 */
import { Readable } from "node:stream";
import { main, type CliIO } from "../../src/cli/index.js";

export function captureIO(cwd: string, stdin = ""): CliIO & { out(): string; err(): string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: Readable.from([Buffer.from(stdin)]),
    cwd,
    isTTY: false,
    stderrIsTTY: false,
    env: {},
    out: () => out,
    err: () => err,
  };
}

export async function run(cwd: string, argv: string[], stdin = "") {
  const io = captureIO(cwd, stdin);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

export async function runJson(cwd: string, argv: string[], stdin = "") {
  const r = await run(cwd, [...argv, "--format", "json"], stdin);
  return { ...r, json: JSON.parse(r.out) };
}
