/**
 * Command lines of the benches: `--help` prints the usage, an unknown option one line and the
 * usage (exit 2) — never a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

export function benchArgs<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  const args = config.args ?? process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (e) {
    process.stderr.write(`${(e as Error).message.split("\n")[0].replace(/\. To specify a positional argument.*$/, "")}\n${usage}\n`);
    process.exit(2);
  }
}
