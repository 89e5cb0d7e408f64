/**
 * Rules → raw matches. One pass over the call sites the file model collected (dispatch by the
 * callee's last name), plus each rule's compiled query and its own code. A rule that throws is
 * reported as a rule failure; the run goes on.
 */
import type { FileModel, CallSite, Scope, AssignmentSite } from "./scope.js";
import type { CallPatternSpec as CallPattern, MatchOutcome, RawMatch, Rule, RuleSet } from "./types.js";
import { keywordArgument, hasKwargsSplat, callSiteOf } from "./args.js";
import { conditionHolds, regex, valueHolds } from "./conditions.js";
import { startOf, type Node } from "./python.js";
import type { AssignmentPatternSpec, ReferencePatternSpec, SecretsPatternSpec, StringPatternSpec, TextPatternSpec, DictKeyPatternSpec, DecoratorPatternSpec } from "./rules/schema.js";
import { fillMessage } from "./messages.js";
import { taintIndex, DEFAULT_PROFILE } from "./taint.js";
import { importsModule } from "./lib/imports.js";
import { hardcodedSecrets, hardcodedTokens } from "./lib/secrets.js";
import { splitWords, targetNames } from "./lib/words.js";
import { AnalysisStopped } from "./stopped.js";
import { firstNotBefore, memoPer } from "./sorted.js";

export type { RawMatch, MatchOutcome } from "./types.js";
export { fillMessage };

/** Whether a call meets a pattern's conditions; conditions that describe what they found (`sql`) fill `vars`. */
export function patternMatches(model: FileModel, call: CallSite, pattern: CallPattern, vars?: Record<string, string>): boolean {
  if (pattern.no_kwargs_splat && hasKwargsSplat(call)) return false;
  if (pattern.unless_receiver_call && receiverCalled(model, call, pattern.unless_receiver_call)) return false;
  for (const c of pattern.args ?? []) if (!conditionHolds(model, call, c, vars)) return false;
  if (pattern.missing?.length) {
    if (hasKwargsSplat(call)) return false;
    for (const k of pattern.missing) if (keywordArgument(model, call, k)) return false;
  }
  for (const c of pattern.unless ?? []) if (conditionHolds(model, call, c)) return false;
  return true;
}

/** Run every enabled rule over one file model; `checkpoint` is called between rules (it may throw to stop). */
export function matchRules(model: FileModel, rules: RuleSet, enabled?: (rule: Rule) => boolean, checkpoint: () => void = () => {}): MatchOutcome {
  const matches: RawMatch[] = [];
  const failures: MatchOutcome["failures"] = [];
  const isOn = enabled ?? (() => true);
  const byCall = new Map<CallSite, Set<Rule>>();

  // 1. call patterns: one pass over call sites
  for (const [k, call] of model.calls.entries()) {
    if ((k & 1023) === 0) checkpoint();
    // a call pattern's finding is the call itself
    if (!model.inFocus(call.start)) continue;
    let candidates = rules.callIndex.get(call.lastName);
    if (call.fnType === "identifier") {
      const imported = model.importedLastNames.get(call.lastName);
      const more = imported ? rules.callIndex.get(imported) : undefined;
      if (more) candidates = candidates ? [...candidates, ...more] : more;
    }
    if (!candidates) continue;
    const names = model.calleeNames(call);
    const wildcard = `*.${model.calleeLastName(call)}`;
    for (const { rule, pattern } of candidates) {
      if (!isOn(rule)) continue;
      // `*.name`: any callee of that last name, resolved or not, shown as written
      const callee = (names.length ? pattern.calls.find((c) => names.includes(c)) : undefined) ?? (pattern.calls.includes(wildcard) ? model.text(call.fn) : undefined);
      if (!callee) continue;
      if (pattern.imports && !importsModule(model, pattern.imports)) continue;
      const vars: Record<string, string> = {};
      try {
        if (!patternMatches(model, call, pattern, vars)) continue;
      } catch (e) {
        failures.push({ rule: rule.id, error: (e as Error).message });
        continue;
      }
      // one finding per rule and call, even when several patterns of the rule match (a set: not a scan of every match so far)
      const ruled = byCall.get(call) ?? new Set<Rule>();
      if (ruled.has(rule)) continue;
      ruled.add(rule);
      byCall.set(call, ruled);
      if (rule.match.unless_file && fileSilences(model, rule)) continue;
      matches.push({
        rule,
        node: call.node,
        call,
        callee,
        severity: pattern.severity ?? rule.severity,
        confidence: pattern.confidence ?? rule.confidence,
        message: fillMessage(pattern.message ?? rule.message, { ...vars, callee: pattern.callee ?? callee, name: callee.slice(callee.lastIndexOf(".") + 1) }),
        ...(pattern.fix ? { fix: { kind: "data" as const, spec: pattern.fix } } : {}),
      });
    }
  }

  // 2. raw queries and the rules' own code
  for (const rule of rules.rules) {
    if (!isOn(rule)) continue;
    checkpoint();
    try {
      if (rule.compiledQuery) {
        for (const cap of rule.compiledQuery.captures(model.parsed.tree.rootNode)) {
          if (cap.name !== "finding") continue;
          matches.push({ rule, node: cap.node, severity: rule.severity, confidence: rule.confidence, message: rule.message });
        }
      }
      const silenced = rule.match.unless_file ? () => fileSilences(model, rule) : () => false;
      if (rule.match.assignments && !silenced()) matches.push(...assignmentMatches(model, rule, rule.match.assignments));
      if (rule.match.references && !silenced()) matches.push(...referenceMatches(model, rule, rule.match.references));
      if (rule.match.dict_keys && !silenced()) matches.push(...dictKeyMatches(model, rule, rule.match.dict_keys));
      if (rule.match.decorators && !silenced()) matches.push(...decoratorMatches(model, rule, rule.match.decorators));
      if (rule.match.secrets) matches.push(...secretMatches(model, rule, rule.match.secrets));
      if (rule.match.text) matches.push(...textMatches(model, rule, rule.match.text));
      if (rule.match.strings) matches.push(...stringMatches(model, rule, rule.match.strings));
      if (rule.match.taint) {
        // a call this rule's patterns already reported (a built value that is also tainted) is reported once
        const taken = new Set(matches.filter((m) => m.rule === rule && m.call).map((m) => m.call!.start));
        matches.push(...taintSinkMatches(model, rule, rule.match.taint, rules).filter((m) => !m.call || !taken.has(m.call.start)));
      }
      if (rule.code?.match) matches.push(...rule.code.match(model, rule, rules.taintSources));
    } catch (e) {
      // a stop asked for by the checkpoint is not this rule's failure
      if (e instanceof AnalysisStopped) throw e;
      failures.push({ rule: rule.id, error: (e as Error).message });
    }
  }
  return { matches, failures };
}

type TaintSpec = NonNullable<Rule["match"]["taint"]>;

/** Sink calls (by resolved name) whose argument carries untrusted data: certain, with the source named. */
function taintSinkMatches(model: FileModel, rule: Rule, taint: TaintSpec, rules: RuleSet): RawMatch[] {
  const out: RawMatch[] = [];
  const profile =
    taint.threats || taint.sanitizers || taint.allow_lists
      ? { threats: taint.threats ?? DEFAULT_PROFILE.threats, sanitizers: (taint.sanitizers ?? []).flatMap((s) => s.calls), allowLists: taint.allow_lists === true }
      : DEFAULT_PROFILE;
  // a file where no source can be found has no tainted call to look for
  const index = taintIndex(model, rules.taintSources, profile);
  if (!index.possible) return out;
  // one finding per call, however many of its sinks match
  const seen = new Set<number>();
  for (const sink of taint.sinks) {
    const { calls, lasts } = sinkNames(sink);
    for (const call of model.callsNamed(lasts)) {
      if (!model.inFocus(call.start)) continue;
      const callee = model.calleeNames(call).find((q) => calls.has(q));
      if (!callee || seen.has(call.start)) continue;
      const source = index.callTaint(call, sink.position, sink.keyword, sink.url === true);
      if (!source) continue;
      seen.add(call.start);
      out.push({
        rule,
        node: call.node,
        call,
        callee,
        severity: rule.severity,
        confidence: "high",
        message: fillMessage(rule.message, { callee }),
        source: source.description,
      });
    }
  }
  return out;
}

const sinkNameSets = new WeakMap<object, { calls: Set<string>; lasts: Set<string> }>();

/** A sink's callees and their last names, as sets made once per rule. */
function sinkNames(sink: TaintSpec["sinks"][number]): { calls: Set<string>; lasts: Set<string> } {
  let names = sinkNameSets.get(sink);
  if (!names) {
    const calls = new Set(sink.calls);
    names = { calls, lasts: new Set([...calls].map((c) => c.replace(/\(\)/g, "").split(".").pop()!)) };
    sinkNameSets.set(sink, names);
  }
  return names;
}

const silencedFiles = memoPer<FileModel, Rule, boolean>();

/** Whether a file-level fact (`unless_file`) silences the rule in this file; computed once per file. */
function fileSilences(model: FileModel, rule: Rule): boolean {
  return silencedFiles(model, rule, () => {
    const u = rule.match.unless_file!;
    let out = false;
    if (u.calls?.length) {
      const calls = new Set(u.calls);
      const lasts = new Set(u.calls.map((c) => c.slice(c.lastIndexOf(".") + 1)));
      out = model.calls.some((c) => lasts.has(c.lastName) && model.calleeNames(c).some((q) => calls.has(q)));
    }
    if (!out && u.assigns_attribute?.length) {
      const names = new Set(u.assigns_attribute);
      out = model.assignments.some(({ left }) => {
        return left?.type === "attribute" && names.has(model.text(left.childForFieldName("attribute")!));
      });
    }
    if (!out && u.lacks_text !== undefined) out = !new RegExp(u.lacks_text, "i").test(model.source);
    return out;
  });
}

/** Whether the object of an attribute or subscript target meets the pattern's condition. */
function objectHolds(model: FileModel, obj: Node, scope: Scope, c: NonNullable<AssignmentPatternSpec["target"]["object"]>): boolean {
  let n: Node | null = obj;
  if (c.attribute !== undefined) {
    if (n.type !== "attribute" || model.text(n.childForFieldName("attribute")!) !== c.attribute) return false;
    n = n.childForFieldName("object");
    if (!n) return false;
  }
  if (c.resolves && !model.resolve(n, scope).some((q) => c.resolves!.includes(q))) return false;
  if (c.text_matches !== undefined && !regex(c.text_matches).test(model.text(n))) return false;
  return true;
}

/** Assignments whose target and value meet a pattern: the finding is the assignment statement. */
function assignmentMatches(model: FileModel, rule: Rule, patterns: AssignmentPatternSpec[]): RawMatch[] {
  const out: RawMatch[] = [];
  // a target's attribute, key or the last name of what it resolves to is written in the file: most files have none of them
  if (patterns.every((p) => targetWords(p.target)?.every((w) => !model.source.includes(w)))) return out;
  for (const site of candidateSites(model, patterns)) {
    const { node, scope } = site;
    if (!model.inFocus(startOf(node))) continue;
    const left = site.left;
    const right = site.right;
    if (!left || !right) continue;
    for (const p of patterns) {
      if (p.imports && !importsModule(model, p.imports)) continue;
      if (!targetHolds(model, left, scope, p.target)) continue;
      if (p.value && !valueHolds(model, right, scope, p.value)) continue;
      out.push({
        rule,
        node,
        callee: p.callee,
        severity: p.severity ?? rule.severity,
        confidence: p.confidence ?? rule.confidence,
        message: fillMessage(p.message ?? rule.message, { callee: p.callee, target: model.text(left) }),
        ...(p.fix ? { fix: { kind: "data" as const, spec: p.fix } } : {}),
      });
      break;
    }
  }
  return out;
}

/**
 * The assignments whose target may hold a pattern's word: for each place the word is written, the
 * last assignment starting at or before it (a target holds no assignment, so a word in a target
 * belongs to the nearest one before it). All of them when a pattern has no word.
 */
function candidateSites(model: FileModel, patterns: AssignmentPatternSpec[]): AssignmentSite[] {
  const sites = model.assignments;
  const words = new Set<string>();
  for (const p of patterns) {
    const w = targetWords(p.target);
    if (!w) return sites;
    for (const x of w) words.add(x);
  }
  const src = model.source;
  const picked = new Set<number>();
  for (const w of words) {
    for (let at = src.indexOf(w); at !== -1; at = src.indexOf(w, at + w.length)) {
      const found = firstNotBefore(sites.length, (k) => sites[k].start <= at) - 1;
      if (found >= 0) picked.add(found);
    }
  }
  return [...picked].sort((a, b) => a - b).map((i) => sites[i]);
}

/** Words a file must contain for an assignment to meet the target, or null when there are none. */
function targetWords(t: AssignmentPatternSpec["target"]): string[] | null {
  if (t.attribute !== undefined) return [t.attribute];
  if (t.key !== undefined) return [t.key];
  return t.resolves ? t.resolves.map((q) => q.slice(q.lastIndexOf(".") + 1)) : null;
}

function targetHolds(model: FileModel, left: Node, scope: Scope, t: AssignmentPatternSpec["target"]): boolean {
  let obj: Node | null = null;
  if (t.attribute !== undefined) {
    if (left.type !== "attribute" || model.text(left.childForFieldName("attribute")!) !== t.attribute) return false;
    obj = left.childForFieldName("object");
  } else if (t.key !== undefined) {
    if (left.type !== "subscript") return false;
    const key = left.childForFieldName("subscript");
    const k = key ? model.classify(key, scope) : null;
    if (!k || k.kind !== "constant" || k.value !== t.key) return false;
    obj = left.childForFieldName("value");
  }
  if (t.object && (!obj || !objectHolds(model, obj, scope, t.object))) return false;
  // `a.b = …` resolves to names ending in `.b` (see FileModel.resolve): no other name can match
  if (t.resolves && left.type === "attribute" && !t.resolves.some((q) => q.endsWith(`.${model.text(left.childForFieldName("attribute")!)}`))) return false;
  if (t.resolves && !model.resolve(left, scope).some((q) => t.resolves!.includes(q))) return false;
  return true;
}

/** The innermost scope holding string index `at` (scopes nest, so the latest start wins). */
function scopeAt(model: FileModel, at: number): Scope {
  let best = model.module;
  for (const s of model.scopes) if (s.start <= at && at < s.end && s.start >= best.start) best = s;
  return best;
}

/**
 * Uses of dotted names as values, found from their last name in the text (most files have none,
 * and the tree is only visited at a hit): passed to a call, assigned (not as a subscript's target:
 * `table[ssl.PROTOCOL_TLSv1] = …` maps versions, it selects none), or a parameter's default.
 * Comparisons and dict keys are not uses.
 */
function referenceMatches(model: FileModel, rule: Rule, patterns: ReferencePatternSpec[]): RawMatch[] {
  const out: RawMatch[] = [];
  const lasts = [...new Set(patterns.flatMap((p) => p.names.map((q) => q.slice(q.lastIndexOf(".") + 1))))];
  const re = new RegExp(`\\b(?:${lasts.map((l) => l.replace(/[^\w]/g, "\\$&")).join("|")})\\b`, "g");
  const root = model.parsed.tree.rootNode;
  for (const m of model.source.matchAll(re)) {
    if (!model.inFocus(m.index!)) continue;
    const node = root.descendantForIndex(m.index!, m.index! + m[0].length);
    if (node.type !== "identifier" || node.startIndex !== m.index) continue; // in a string or comment
    let expr: Node = node;
    const parent = node.parent;
    if (!parent) continue;
    if (parent.type === "attribute") {
      if (parent.childForFieldName("attribute")?.id !== node.id) continue;
      expr = parent;
    } else if (parent.type === "dotted_name" || parent.type === "aliased_import" || (parent.type === "keyword_argument" && parent.childForFieldName("name")?.id === node.id)) {
      continue;
    }
    let holder = expr.parent;
    // a branch of `a if cond else b` (not the condition) is used as the whole expression is
    let used: Node = expr;
    while (holder && (holder.type === "parenthesized_expression" || (holder.type === "conditional_expression" && holder.namedChild(1)?.id !== used.id))) {
      used = holder;
      holder = holder.parent;
    }
    if (!holder) continue;
    let context: "argument" | "assignment" | "default" | null = null;
    if (holder.type === "argument_list") context = "argument";
    else if (holder.type === "keyword_argument" && holder.childForFieldName("value")?.id === used.id) context = "argument";
    else if (holder.type === "assignment" && holder.childForFieldName("right")?.id === used.id && holder.childForFieldName("left")?.type !== "subscript") context = "assignment";
    else if ((holder.type === "default_parameter" || holder.type === "typed_default_parameter") && holder.childForFieldName("value")?.id === used.id) context = "default";
    if (!context) continue;
    let scope = scopeAt(model, expr.startIndex);
    // parameter defaults are evaluated in the scope around the function
    if (context === "default" && scope.parent) scope = scope.parent;
    const names = model.resolve(expr, scope);
    for (const p of patterns) {
      const qualified = names.find((q) => p.names.includes(q));
      if (!qualified || !p.in.includes(context)) continue;
      out.push({
        rule,
        node: expr,
        callee: qualified,
        severity: p.severity ?? rule.severity,
        confidence: p.confidence ?? rule.confidence,
        message: fillMessage(p.message ?? rule.message, { callee: qualified, text: model.text(expr) }),
      });
      break;
    }
  }
  return out;
}

/** `obj.m(...)` where `obj` (by its text) also receives `obj.<method>(…<mentions>…)` somewhere in the file. */
function receiverCalled(model: FileModel, call: CallSite, c: { method: string; mentions: string }): boolean {
  if (call.fnType !== "attribute") return false;
  const objText = model.text(call.fn.childForFieldName("object")!);
  const mentions = regex(`(?:${c.mentions.replace(/[^\w]/g, "\\$&")})`);
  return model.calls.some(
    (o) => o.lastName === c.method && o.fnType === "attribute" && model.text(o.fn.childForFieldName("object")!) === objText && !!o.args && mentions.test(model.text(o.args).toLowerCase()),
  );
}

/** Hard-coded secrets by name (where the name holds a string literal) or by well-known format. */
function secretMatches(model: FileModel, rule: Rule, spec: SecretsPatternSpec): RawMatch[] {
  const hits = spec.by === "shape" ? hardcodedTokens(model, rule.message) : (spec.in ?? []).flatMap((form) => hardcodedSecrets(model, form, rule.message));
  return hits.map((h) => ({
    rule,
    node: h.node,
    severity: h.severity ?? rule.severity,
    confidence: h.confidence ?? rule.confidence,
    message: h.message ?? rule.message,
  }));
}

/** Matches of regular expressions over the source, reported at the comment or string holding them, once per line. */
function textMatches(model: FileModel, rule: Rule, patterns: TextPatternSpec[]): RawMatch[] {
  const out: RawMatch[] = [];
  const src = model.source;
  const root = model.parsed.tree.rootNode;
  for (const p of patterns) {
    const re = new RegExp(p.regex, "g");
    if (!re.test(src)) continue;
    re.lastIndex = 0;
    const seen = new Set<number>();
    for (let m = re.exec(src); m; m = re.exec(src)) {
      if (!m[0].length) re.lastIndex++;
      let node: Node = root.descendantForIndex(m.index, m.index + Math.max(1, m[0].length));
      // the comment or string literal that holds the match (a whole implicitly concatenated string)
      for (let n: Node | null = node; n; n = n.parent) {
        if (n.type === "comment" || n.type === "string" || n.type === "concatenated_string") {
          node = n;
          if (n.type !== "string" || n.parent?.type !== "concatenated_string") break;
        }
      }
      if (node.type === "module") node = root.descendantForIndex(m.index, m.index + 1);
      const line = node.startPosition.row;
      if (seen.has(line)) continue;
      seen.add(line);
      const where = node.type === "comment" ? "a comment" : node.type.includes("string") ? "a string literal" : "the code";
      const code = m[0].codePointAt(0)!;
      out.push({
        rule,
        node,
        severity: rule.severity,
        confidence: rule.confidence,
        message: fillMessage(p.message ?? rule.message, { name: p.names?.[m[0]] ?? m[0], codepoint: code.toString(16).toUpperCase(), where }),
      });
    }
  }
  return out;
}

/** The leading literal text of a string (up to its first interpolation); of the first piece of an implicit concatenation. */
function leadingText(model: FileModel, n: Node): string | null {
  if (n.type === "concatenated_string") return n.namedChild(0) ? leadingText(model, n.namedChild(0)!) : null;
  if (n.type !== "string") return null;
  let out = "";
  for (const c of n.namedChildren) {
    if (c.type === "interpolation") break;
    if (c.type === "string_content") out += model.text(c);
  }
  return out;
}

/** String literals starting with a pattern, found from an opening quote followed by it, where they are used as values. */
function stringMatches(model: FileModel, rule: Rule, patterns: StringPatternSpec[]): RawMatch[] {
  const out: RawMatch[] = [];
  const root = model.parsed.tree.rootNode;
  for (const p of patterns) {
    const starts = regex(`^(?:${p.starts})`);
    const occurrence = occurrenceOf(p.starts);
    occurrence.lastIndex = 0;
    const seen = new Set<number>();
    for (const m of model.source.matchAll(occurrence)) {
      let value: Node | null = root.descendantForIndex(m.index! + 1, m.index! + 2);
      while (value && value.type !== "string") value = value.type === "string_content" ? value.parent : null;
      if (!value) continue;
      if (value.parent?.type === "concatenated_string") {
        if (value.parent.namedChild(0)?.id !== value.id) continue;
        value = value.parent;
      }
      if (seen.has(value.id)) continue;
      seen.add(value.id);
      const text = leadingText(model, value);
      const found = text === null ? null : starts.exec(text);
      if (!found || !usedAs(model, value, p)) continue;
      const prefix = found[0].replace(/\/$/, "");
      out.push({ rule, node: value, severity: rule.severity, confidence: rule.confidence, message: fillMessage(rule.message, { prefix }) });
    }
  }
  return out;
}

const occurrences = new Map<string, RegExp>();

/** Where a string literal starting with `starts` begins: right after a quote; the pattern's `$` is the closing quote there. */
function occurrenceOf(starts: string): RegExp {
  let r = occurrences.get(starts);
  if (!r) occurrences.set(starts, (r = new RegExp(`["'](?:${starts.replace(/(?<!\\)\$/g, `["']`)})`, "g")));
  return r;
}

/** Whether a literal is used as the pattern says: an argument, a value stored under a telling name, a default. */
function usedAs(model: FileModel, value: Node, p: StringPatternSpec): boolean {
  let holder = value.parent;
  if (holder?.type === "keyword_argument" && holder.childForFieldName("value")?.id === value.id) holder = holder.parent;
  if (holder?.type === "argument_list") {
    if (!p.argument) return false;
    const callNode = holder.parent;
    const call = callNode ? callSiteOf(model, callNode) : undefined;
    if (!call || p.argument.unless_methods.includes(call.lastName)) return false;
    return !model.calleeNames(call).some((q) => p.argument!.unless_modules.some((mod) => q.startsWith(`${mod}.`)));
  }
  if (holder?.type === "assignment" && holder.childForFieldName("right")?.id === value.id) {
    const left = holder.childForFieldName("left");
    const words = new Set(p.assigned_to_words ?? []);
    return !!left && targetNames(model, left).some((t) => splitWords(t).some((w) => words.has(w)));
  }
  return !!p.default && (holder?.type === "default_parameter" || holder?.type === "typed_default_parameter");
}

/** Pairs `"key": value` of dict literals, found from the quoted key in the text. */
function dictKeyMatches(model: FileModel, rule: Rule, patterns: DictKeyPatternSpec[]): RawMatch[] {
  const out: RawMatch[] = [];
  const root = model.parsed.tree.rootNode;
  for (const p of patterns) {
    const quoted = new RegExp(`["']${p.key.replace(/[^\w]/g, "\\$&")}["']`, "g");
    for (const m of model.source.matchAll(quoted)) {
      if (!model.inFocus(m.index!)) continue;
      let key: Node | null = root.descendantForIndex(m.index!, m.index! + 1);
      while (key && key.type !== "string") key = key.parent;
      const pair = key?.parent;
      if (!key || pair?.type !== "pair" || pair.childForFieldName("key")?.id !== key.id) continue;
      const value = pair.childForFieldName("value");
      const scope = scopeAt(model, pair.startIndex);
      if (!value || model.classify(key, scope).value !== p.key) continue;
      if (p.value && !valueHolds(model, value, scope, p.value)) continue;
      if (p.in_calls) {
        const dict = pair.parent;
        let holder = dict?.parent;
        if (holder?.type === "keyword_argument") holder = holder.parent;
        const call = holder?.type === "argument_list" && holder.parent ? callSiteOf(model, holder.parent) : undefined;
        if (!call || !model.calleeNames(call).some((q) => p.in_calls!.includes(q))) continue;
      }
      out.push({ rule, node: pair, severity: p.severity ?? rule.severity, confidence: p.confidence ?? rule.confidence, message: fillMessage(p.message ?? rule.message, { key: p.key }) });
    }
  }
  return out;
}

/** The names a decorator resolves to: its call's callee, or the decorator expression itself. */
function decoratorNames(model: FileModel, d: Node, scope: Scope): { names: string[]; call: Node | null } {
  const expr = d.namedChildren.find((c) => c.type !== "comment");
  if (!expr) return { names: [], call: null };
  if (expr.type === "call") {
    const fn = expr.childForFieldName("function");
    return { names: fn ? model.resolve(fn, scope) : [], call: expr };
  }
  return { names: model.resolve(expr, scope), call: null };
}

/** Decorators of functions that resolve to a pattern's names: the finding is the decorator. */
function decoratorMatches(model: FileModel, rule: Rule, patterns: DecoratorPatternSpec[]): RawMatch[] {
  const out: RawMatch[] = [];
  for (const f of model.functions) {
    const def = f.node.parent;
    if (def?.type !== "decorated_definition") continue;
    const outer = f.scope.parent ?? model.module;
    const decorators = def.namedChildren.filter((c) => c.type === "decorator").map((d) => ({ node: d, ...decoratorNames(model, d, outer) }));
    for (const p of patterns) {
      if (p.unless_decorated && decorators.some((d) => d.names.some((q) => p.unless_decorated!.includes(q)))) continue;
      for (const d of decorators) {
        if (!model.inFocus(d.node.startIndex)) continue;
        const callee = d.names.find((q) => p.calls.includes(q));
        if (!callee) continue;
        if (p.args?.length) {
          const call = d.call ? callSiteOf(model, d.call) : undefined;
          if (!call || !p.args.every((c) => conditionHolds(model, call, c))) continue;
        }
        out.push({ rule, node: d.node, callee, severity: p.severity ?? rule.severity, confidence: p.confidence ?? rule.confidence, message: fillMessage(p.message ?? rule.message, { callee }) });
      }
    }
  }
  return out;
}
