/**
 * Imports and the names they bind: whether a file imports a module, the name under which it can
 * reach a dotted name at a point, a callee's name as imported, and the scope around a point.
 */
import type { FileModel, Scope, CallSite } from "../scope.js";

/**
 * The name by which the file can reach `qualified` at a point: `import a.b` → "a.b",
 * `import a.b as x` / `from a import b as x` → "x", `from a import b` → "b". Null when not imported
 * or when the local name is rebound there. (FileModel.importedAs returns "a" for `import a.b`.)
 */
export function reachableAs(model: FileModel, qualified: string, scope: Scope, at: number): string | null {
  for (const imp of model.imports) {
    if (imp.node.startIndex > at) continue;
    let candidate: string | null = null;
    const plain = imp.node.type === "import_statement" && imp.local === imp.qualified.split(".")[0];
    if (plain) {
      if (imp.qualified === qualified || imp.qualified.startsWith(`${qualified}.`)) candidate = qualified;
    } else if (imp.qualified === qualified) candidate = imp.local;
    if (!candidate) continue;
    const first = candidate.split(".")[0];
    const found = model.lookup(first, scope, at);
    if (!found || found.binding.kind !== "import") continue;
    if (plain ? found.binding.qualified !== first : found.binding.qualified !== qualified) continue;
    return candidate;
  }
  return null;
}

/** True when the file imports any module whose name is `prefix` or starts with `prefix.`. */
export function importsModule(model: FileModel, modules: string | string[]): boolean {
  const prefixes = typeof modules === "string" ? [modules] : modules;
  return model.imports.some((i) => prefixes.some((p) => i.qualified === p || i.qualified.startsWith(`${p}.`)));
}

/** The callee's last name as defined, seeing through `from m import f as g` (`g(...)` → "f"). */
export function calleeName(model: FileModel, call: CallSite): string {
  if (call.fnType === "identifier") return model.importedLastNames.get(call.lastName) ?? call.lastName;
  return call.lastName;
}
/** The enclosing function scope of a scope (skipping lambdas and comprehensions' scopes), or null. */
export function functionScope(scope: Scope): Scope | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    if (s.kind === "function") return s;
    if (s.kind === "module" || s.kind === "class") return null;
  }
  return null;
}


/** The innermost scope holding string index `at`. */
export function scopeAt(model: FileModel, at: number): Scope {
  let best = model.module;
  for (const s of model.scopes) if (s.start <= at && at < s.end && s.start >= best.start) best = s;
  return best;
}

/** The local name under which the file imports `qualified` (verified against the binding it would hit). */
export function importedName(model: FileModel, qualified: string, call: CallSite): string | null {
  for (const imp of model.imports) {
    if (imp.qualified !== qualified) continue;
    const found = model.lookup(imp.local, call.scope, call.node.startIndex);
    if (found && found.binding.kind === "import" && found.binding.qualified === qualified) return imp.local;
  }
  return null;
}

/** How the file reaches `os.environ` at this point: `os.environ`, `environ`, or null. */
export function environAccess(model: FileModel, scope: Scope, at: number): string | null {
  const direct = model.importedAs("os.environ", scope, at);
  if (direct) return direct;
  const os = model.importedAs("os", scope, at);
  return os ? `${os}.environ` : null;
}
