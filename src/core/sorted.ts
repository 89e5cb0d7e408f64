/** Small helpers over data kept in order. */

/** The first index in `0..length` for which `before(i)` is false, `before` being true then false along the range (a binary search). */
export function firstNotBefore(length: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A value computed once per key object and item (per file and rule, per file and source …), kept as long as the key lives. */
export function memoPer<K extends object, I, V>(): (key: K, item: I, compute: () => V) => V {
  const memo = new WeakMap<K, Map<I, V>>();
  return (key, item, compute) => {
    let per = memo.get(key);
    if (!per) memo.set(key, (per = new Map()));
    if (per.has(item)) return per.get(item)!;
    const out = compute();
    per.set(item, out);
    return out;
  };
}
