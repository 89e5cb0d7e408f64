/** Named matchers for the misc rules (permissions, servers, archives, XML, templates, routes, source text). */
import type { Matcher } from "./types.js";
import { chmodMode } from "./misc-permissions.js";
import { bindAllHost } from "./misc-network.js";
import { flaskDebugSetting } from "./misc-flask.js";
import { tarExtract } from "./misc-archive.js";
import { lxmlParse, xmlrpcUse } from "./misc-xml.js";
import { bidiCharacters } from "./misc-source.js";
import { hubUnpinned } from "./misc-hub.js";
import { authRouteRateLimit } from "./misc-ratelimit.js";
import { requestPathTraversal } from "./misc-paths.js";

export const MATCHERS: Record<string, Matcher> = {
  "chmod-mode": chmodMode,
  "bind-all-host": bindAllHost,
  "flask-debug-setting": flaskDebugSetting,
  "tar-extract": tarExtract,
  "lxml-parse": lxmlParse,
  "xmlrpc-use": xmlrpcUse,
  "bidi-characters": bidiCharacters,
  "hub-unpinned": hubUnpinned,
  "auth-route-rate-limit": authRouteRateLimit,
  "request-path-traversal": requestPathTraversal,
};
