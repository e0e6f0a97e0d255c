/**
 * Pure statistics helpers for the benchmarks. No I/O, no timing: everything here is unit-tested in
 * `test/bench/stats.test.ts`.
 */

/** Summary of a set of samples (same unit as the samples). */
export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Numbers sorted ascending, without mutating the input. */
export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * The `p`-th percentile (0..100) of already sorted values, linearly interpolated between closest ranks
 * (the "R-7" / Excel `PERCENTILE.INC` definition). Throws on an empty input or a `p` outside 0..100.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty set');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  if (sorted.length === 1) return sorted[0];
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  if (lower === upper) return sorted[lower];
  const weight = rank - lower;
  return sorted[lower] + (sorted[upper] - sorted[lower]) * weight;
}

/** The `p`-th percentile (0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(sortedCopy(values), p);
}

/** The median of unsorted values. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The arithmetic mean; throws on an empty input. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of an empty set');
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}

/** min, median, p90, p99, max and mean of the samples. */
export function summarize(values: readonly number[]): Summary {
  const sorted = sortedCopy(values);
  if (sorted.length === 0) throw new RangeError('summary of an empty set');
  return {
    n: sorted.length,
    min: sorted[0],
    median: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1],
    mean: mean(sorted),
  };
}

/** Multiplies every field of a summary (e.g. nanoseconds to microseconds with `1e-3`). */
export function scaleSummary(summary: Summary, factor: number): Summary {
  return {
    n: summary.n,
    min: summary.min * factor,
    median: summary.median * factor,
    p90: summary.p90 * factor,
    p99: summary.p99 * factor,
    max: summary.max * factor,
    mean: summary.mean * factor,
  };
}

/** `candidate / baseline`; `NaN` when the baseline is not a positive finite number. */
export function ratio(candidate: number, baseline: number): number {
  if (!Number.isFinite(candidate) || !Number.isFinite(baseline) || baseline <= 0) return Number.NaN;
  return candidate / baseline;
}

/** Share of `part` in `whole`, as a percentage; `NaN` when `whole` is not positive. */
export function sharePercent(part: number, whole: number): number {
  const r = ratio(part, whole);
  return Number.isNaN(r) ? r : r * 100;
}

/**
 * Rotates `items` left by `shift` positions (wrapping). Used to change which variant runs first in each round
 * of an interleaved benchmark, so no variant is always measured right after the same other one.
 */
export function rotate<T>(items: readonly T[], shift: number): T[] {
  if (items.length === 0) return [];
  const k = ((shift % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
