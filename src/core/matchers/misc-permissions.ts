/** chmod with a constant mode that lets every local account write the file (Bandit B103). */
import type { Matcher, MatcherHit } from "./types.js";
import { argument } from "../match.js";
import { calleeName, constantInt } from "./misc-values.js";

/** callee → position of the mode argument */
const CHMOD: Record<string, number> = {
  "os.chmod": 1,
  "os.fchmod": 1,
  "os.lchmod": 1,
  "pathlib.Path().chmod": 0,
  "pathlib.Path().lchmod": 0,
  "pathlib.PosixPath().chmod": 0,
};

const WORLD_WRITE = 0o002;
const STICKY = 0o1000;

export const chmodMode: Matcher = ({ model }) => {
  if (!model.source.includes("chmod")) return [];
  const hits: MatcherHit[] = [];
  for (const call of model.calls) {
    if (!model.inFocus(call.start)) continue;
    const name = calleeName(model, call);
    if (name !== "chmod" && name !== "fchmod" && name !== "lchmod") continue;
    const callee = model.calleeNames(call).find((q) => CHMOD[q] !== undefined);
    if (!callee) continue;
    const modeNode = argument(model, call, CHMOD[callee], "mode");
    if (!modeNode) continue;
    const mode = constantInt(model, modeNode, call.scope);
    if (mode === null || !(mode & WORLD_WRITE)) continue;
    // a sticky world-writable directory (0o1777, like /tmp) is shared on purpose
    if (mode & STICKY) continue;
    hits.push({
      node: call.node,
      call,
      callee,
      message: `\`${callee.replace("pathlib.Path()", "Path")}\` sets mode ${"0o" + (mode & 0o7777).toString(8).padStart(3, "0")}: every account on the host can write this path.`,
      data: { modeNode, mode },
    });
  }
  return hits;
};
