/** Fix builders for the misc rules. */
import type { FixBuilder } from "./types.js";
import { chmodDropWorldWrite, tarDataFilter } from "./misc-files.js";
import { bindHostFromEnv, flaskDebugOff, rateLimitDecorator } from "./misc-server.js";
import { xmlDefused, lxmlHardenedParser } from "./misc-xml.js";

export const BUILDERS: Record<string, FixBuilder> = {
  "chmod-drop-world-write": chmodDropWorldWrite,
  "tar-data-filter": tarDataFilter,
  "bind-host-from-env": bindHostFromEnv,
  "flask-debug-off": flaskDebugOff,
  "rate-limit-decorator": rateLimitDecorator,
  "xml-defused": xmlDefused,
  "lxml-hardened-parser": lxmlHardenedParser,
};
