#!/usr/bin/env node
// Thin entry point: the CLI lives in src/cli/ (built to dist/src/cli/index.js by `npm run build`).
// exitCode rather than process.exit(), so output piped to another program is flushed first.
import { main } from "../dist/src/cli/index.js";

process.exitCode = await main(process.argv.slice(2));
