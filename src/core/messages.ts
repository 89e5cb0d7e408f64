/** Finding messages: a rule's template with `{name}` placeholders filled from what matched. */

/** Replace each `{key}` whose value is known; unknown keys stay as written. */
export function fillMessage(template: string, vars: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}
