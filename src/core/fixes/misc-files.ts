/** Fixes for file modes and archive extraction. */
import type { Node } from "../python.js";
import type { FixBuilder } from "./types.js";
import { setKeyword } from "./edits.js";
import { parseIntLiteral, preferredQuote } from "../matchers/misc-values.js";

/** `os.chmod(p, 0o777)` → `0o775`: only the world-write bit goes, written the way the author wrote the mode. */
export const chmodDropWorldWrite: FixBuilder = ({ model, match }) => {
  const modeNode = match.data?.modeNode as Node | undefined;
  if (!modeNode || modeNode.type !== "integer") {
    return { decline: "the mode is built from names; drop `S_IWOTH` (or `S_IRWXO`) from it" };
  }
  const text = model.text(modeNode);
  const m = /^0([oO])([0-7_]+)$/.exec(text);
  const value = parseIntLiteral(text);
  if (!m || value === null) return { decline: "the mode is not written in octal; write it as `0o755`-style octal without the world-write bit" };
  const digits = (value & ~0o002).toString(8).padStart(m[2].replace(/_/g, "").length, "0");
  return { edits: [{ start: modeNode.startIndex, end: modeNode.endIndex, text: `0${m[1]}${digits}` }] };
};

/** `tar.extractall(dest)` → `tar.extractall(dest, filter="data")` (or the `fully_trusted` filter replaced). */
export const tarDataFilter: FixBuilder = ({ model, match }) => {
  const call = match.call;
  if (!call) return { decline: "not a call" };
  const q = preferredQuote(model, call);
  const edit = setKeyword(model, call, "filter", `${q}data${q}`);
  return edit ? { edits: [edit] } : { decline: "the call's arguments cannot be edited safely" };
};
