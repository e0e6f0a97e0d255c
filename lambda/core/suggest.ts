/**
 * "Did you mean": the known names closest to an unknown one by edit distance (Levenshtein, case-insensitive),
 * for JSON keys, CSV headers, config keys and CLI options. Only real typos are suggested: a name is close when at
 * most a third of its characters would change (a one- or two-letter name: only its letter case).
 */

/** Levenshtein distance, stopping early (returning `limit + 1`) once it is past `limit`. */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      best = Math.min(best, current[j]);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length];
}

/**
 * Up to `max` of `known`, closest first, whose distance to `name` is within `limit` (default: a third of the
 * longer name's length). Ties keep `known`'s order.
 */
export function closestNames(name: string, known: Iterable<string>, max = 3, limit?: number): string[] {
  const wanted = name.toLowerCase();
  const scored: Array<{ name: string; distance: number; order: number }> = [];
  let order = 0;
  for (const candidate of known) {
    const allowed = limit ?? Math.floor(Math.max(candidate.length, name.length) / 3);
    const distance = editDistance(wanted, candidate.toLowerCase(), allowed);
    if (distance <= allowed && candidate !== name) scored.push({ name: candidate, distance, order: order++ });
  }
  scored.sort((x, y) => x.distance - y.distance || x.order - y.order);
  return scored.slice(0, max).map((s) => s.name);
}

/** `; did you mean "x"?` (or `"x" or "y"`), or an empty string when nothing is close. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const close = closestNames(name, known, 2);
  return close.length === 0 ? '' : `; did you mean ${close.map((c) => JSON.stringify(c)).join(' or ')}?`;
}
