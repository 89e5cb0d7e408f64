/**
 * I/O handed in by the caller: tests run `main` in-process with captured streams; nothing in the
 * CLI calls `process.exit`. A reader that goes away (`hunkguard scan | head`) ends the output
 * quietly: EPIPE on stdout is not an error.
 */
export interface CliIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** read only for `scan --diff -` and `scan -` */
  stdin: AsyncIterable<string | Uint8Array>;
  cwd: string;
  /** stdout is a terminal: colours in text output (unless NO_COLOR is set) */
  isTTY: boolean;
  /** stderr is a terminal: progress for long scans (text format, not under CI) */
  stderrIsTTY?: boolean;
  env?: Record<string, string | undefined>;
}

/** A stream write that stops (silently) once the reader has closed the pipe. */
function pipeSafe(stream: NodeJS.WriteStream): { write(chunk: string): unknown } {
  let closed = false;
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") closed = true;
    else throw e;
  });
  return {
    write(chunk: string) {
      if (closed) return false;
      try {
        return stream.write(chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EPIPE") {
          closed = true;
          return false;
        }
        throw e;
      }
    },
  };
}

export function processIO(): CliIO {
  return {
    stdout: pipeSafe(process.stdout),
    stderr: pipeSafe(process.stderr),
    stdin: process.stdin,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

/** A command line that cannot run: one line and a pointer to --help. */
export class UsageError extends Error {}

/** Input that cannot be read (a missing diff, no repository): one line, exit 2. */
export class InputError extends Error {}

export async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : Buffer.from(c));
  return Buffer.concat(chunks);
}
