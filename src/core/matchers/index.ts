/** The registry of named matchers that rule files refer to with `match.matcher`. */
import type { Matcher } from "./types.js";
import { MATCHERS as command } from "./command.js";
import { MATCHERS as tls } from "./tls.js";
import { MATCHERS as secrets } from "./secrets.js";
import { MATCHERS as misc } from "./misc.js";
import { MATCHERS as taint } from "./taint.js";

export const MATCHERS: Record<string, Matcher> = { ...command, ...tls, ...secrets, ...misc, ...taint };
