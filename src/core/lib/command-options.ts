/**
 * The options of the command rules (zod schemas): imported only when a rule's options are validated
 * (the build, or a rule file edited since), never on a CLI start-up — see `lazyOptions` in rule-code.ts.
 */
import { z } from "zod";

const Level = z.enum(["high", "medium", "low"]);
const Place = z.object({ position: z.number().int().min(0).optional(), keyword: z.string().optional() }).strict();

export const Source = z
  .object({
    /** callee names after import/alias resolution */
    calls: z.array(z.string()).default([]),
    /** where the command is: the first place that holds an argument wins */
    command: z.array(Place).default([{ position: 0 }]),
    /**
     * always: the function always runs a shell; keyword: only with a truthy `shell=`;
     * any_call: every call with a truthy `shell=` whose callee is not in `exclude`
     */
    shell: z.enum(["always", "keyword", "any_call"]).default("always"),
    exclude: z.array(z.string()).default([]),
    /** for any_call: callees whose last name matches this regular expression are not commands (`shell_quote(x, shell=True)`) */
    exclude_names: z.string().optional(),
    /** an argument list `[sh, "-c", script]` (without `shell=True`) runs `script` through a shell */
    argv_shell: z.boolean().default(false),
    /** a method of this name in a file that imports `module`, when the receiver cannot be resolved */
    unresolved_method: z.object({ name: z.string(), module: z.string() }).strict().optional(),
  })
  .strict();

export const Grade = z.object({ severity: z.union([Level, z.literal("none")]), confidence: Level, message: z.string().optional() }).strict();

export const ShellOptions = z
  .object({
    sources: z.array(Source).min(1),
    constant: Grade,
    built: Grade,
    dynamic: Grade,
  })
  .strict();

export const WildcardOptions = z
  .object({
    sources: z.array(Source).min(1),
    /** commands whose options a file name can inject */
    programs: z.array(z.string()).min(1),
  })
  .strict();

export const ExecOptions = z
  .object({
    calls: z.array(z.string()).min(1),
    /** well-known values that are not attacker-controlled (`sys.executable`) */
    trusted: z.array(z.string()).default([]),
    program: Grade,
    shell_built: Grade,
    shell_dynamic: Grade,
  })
  .strict();
