/**
 * A throw-away Redis and worker processes on loopback, for the tests and the load run of the
 * Redis-backed mode: `redis-server` (Debian's) on a free port with a temporary directory and no
 * persistence, and `node dist/src/worker.js` children whose JSON log lines are collected.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface LocalRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

type Json = Record<string, any>;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok(child.exitCode);
    else child.once("exit", (code) => ok(code));
  });
}

/** Start `redis-server` on a free loopback port (a few tries: another process may take the port first). */
export async function startLocalRedis(bin = process.env.REDIS_SERVER ?? "redis-server"): Promise<LocalRedis> {
  let lastOutput = "";
  let missing = false;
  for (let attempt = 0; attempt < 3 && !missing; attempt++) {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "hunkguard-redis-"));
    const child = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const ready = await new Promise<boolean>((ok) => {
      const timer = setTimeout(() => ok(false), 10_000);
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ready to accept connections")) {
          clearTimeout(timer);
          ok(true);
        }
      };
      child.stdout!.on("data", seen);
      child.stderr!.on("data", seen);
      child.once("error", (e) => {
        output += String(e);
        missing ||= (e as NodeJS.ErrnoException).code === "ENOENT";
        clearTimeout(timer);
        ok(false);
      });
      child.once("exit", () => {
        clearTimeout(timer);
        ok(false);
      });
    });
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exitOf(child);
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    };
    if (ready) {
      child.stdout!.resume();
      child.stderr!.resume();
      return { url: `redis://127.0.0.1:${port}`, port, stop };
    }
    lastOutput = output;
    await stop();
  }
  if (missing) {
    throw new Error(`${bin} is not installed (not found on PATH): the Redis-backed mode's tests and load run start their own. Install Debian's redis-server package (apt-get install redis-server), or set REDIS_SERVER to its path.`);
  }
  throw new Error(`${bin} did not start: ${lastOutput.slice(-500)}`);
}

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** every line it wrote, stdout and stderr */
  readonly lines: string[];
  /** the JSON log lines, parsed */
  entries(): Json[];
  /** the first log entry that matches, waiting up to `timeoutMs` for it */
  waitFor(match: (entry: Json) => boolean, timeoutMs?: number): Promise<Json>;
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs` */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Spawn `node dist/src/worker.js` (built beforehand) with the given environment on top of this one. */
export function startWorkerProcess(env: Record<string, string>, script = resolve(process.cwd(), "dist/src/worker.js")): WorkerProcess {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, NODE_OPTIONS: "", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (stream: NodeJS.ReadableStream) => {
    let rest = "";
    stream.on("data", (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split("\n");
      rest = parts.pop()!;
      lines.push(...parts.filter(Boolean));
      for (const w of waiters) w();
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = exitOf(child);
  const entries = () =>
    lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Json];
      } catch {
        return [];
      }
    });
  return {
    pid: child.pid!,
    child,
    lines,
    entries,
    exited,
    waitFor(match, timeoutMs = 15_000) {
      return new Promise((ok, fail) => {
        const check = () => {
          const found = entries().find(match);
          if (!found) return;
          done();
          ok(found);
        };
        const timer = setTimeout(() => {
          done();
          fail(new Error(`worker ${child.pid}: no matching log line within ${timeoutMs} ms; last lines:\n${lines.slice(-15).join("\n")}`));
        }, timeoutMs);
        const gone = () => {
          done();
          fail(new Error(`worker ${child.pid} exited before a matching log line; last lines:\n${lines.slice(-15).join("\n")}`));
        };
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off("exit", gone);
        };
        waiters.add(check);
        child.once("exit", gone);
        check();
      });
    },
    async stop(timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return exited;
    },
  };
}
