import { mean, median, percentile, percentileOfSorted, ratio, rotate, scaleSummary, sharePercent, summarize } from '../../bench/stats';

describe('Given the benchmark statistics helpers', () => {
  describe('percentile', () => {
    it('interpolates linearly between closest ranks (R-7 / PERCENTILE.INC)', () => {
      const values = [1, 2, 3, 4];
      expect(percentile(values, 0)).toBe(1);
      expect(percentile(values, 100)).toBe(4);
      expect(percentile(values, 50)).toBe(2.5);
      expect(percentile(values, 90)).toBeCloseTo(3.7, 10);
      expect(percentileOfSorted([10, 20, 30, 40, 50], 25)).toBe(20);
    });

    it('does not depend on input order and does not mutate the input', () => {
      const values = [5, 1, 4, 2, 3];
      expect(percentile(values, 50)).toBe(3);
      expect(values).toEqual([5, 1, 4, 2, 3]);
    });

    it('sorts numerically, not as strings', () => {
      expect(median([10, 9, 100])).toBe(10);
    });

    it('returns the only value of a one-element set for any p', () => {
      expect(percentile([7], 0)).toBe(7);
      expect(percentile([7], 99)).toBe(7);
    });

    it('refuses an empty set and a p outside 0..100', () => {
      expect(() => percentile([], 50)).toThrow(/empty/);
      expect(() => percentile([1], -1)).toThrow(/between 0 and 100/);
      expect(() => percentile([1], 101)).toThrow(/between 0 and 100/);
      expect(() => percentile([1], Number.NaN)).toThrow(/between 0 and 100/);
    });
  });

  describe('median and mean', () => {
    it('computes them for odd and even counts', () => {
      expect(median([3, 1, 2])).toBe(2);
      expect(median([4, 1, 3, 2])).toBe(2.5);
      expect(mean([1, 2, 3, 6])).toBe(3);
      expect(() => mean([])).toThrow(/empty/);
    });
  });

  describe('summarize', () => {
    it('gives n, min, median, p90, p99, max and mean', () => {
      const values = Array.from({ length: 101 }, (_, i) => 100 - i); // 100..0
      expect(summarize(values)).toEqual({ n: 101, min: 0, median: 50, p90: 90, p99: 99, max: 100, mean: 50 });
    });

    it('scales every statistic but n', () => {
      const s = scaleSummary(summarize([1000, 2000, 3000]), 1e-3);
      expect(s.n).toBe(3);
      expect(s.min).toBeCloseTo(1, 12);
      expect(s.median).toBeCloseTo(2, 12);
      expect(s.max).toBeCloseTo(3, 12);
      expect(s.mean).toBeCloseTo(2, 12);
    });
  });

  describe('ratio and sharePercent', () => {
    it('divides candidate by baseline', () => {
      expect(ratio(12, 10)).toBeCloseTo(1.2, 12);
      expect(sharePercent(1, 4)).toBe(25);
    });

    it('is NaN for a zero, negative or non-finite baseline, or a non-finite candidate', () => {
      expect(ratio(1, 0)).toBeNaN();
      expect(ratio(1, -2)).toBeNaN();
      expect(ratio(1, Number.POSITIVE_INFINITY)).toBeNaN();
      expect(ratio(Number.NaN, 1)).toBeNaN();
      expect(sharePercent(1, 0)).toBeNaN();
    });
  });

  describe('rotate', () => {
    it('rotates left with wrap-around and negative shifts, without mutating', () => {
      const items = ['a', 'b', 'c'];
      expect(rotate(items, 0)).toEqual(['a', 'b', 'c']);
      expect(rotate(items, 1)).toEqual(['b', 'c', 'a']);
      expect(rotate(items, 4)).toEqual(['b', 'c', 'a']);
      expect(rotate(items, -1)).toEqual(['c', 'a', 'b']);
      expect(rotate([], 3)).toEqual([]);
      expect(items).toEqual(['a', 'b', 'c']);
    });

    it('puts every item first equally often over a full cycle', () => {
      const firsts = [0, 1, 2, 3, 4, 5].map((round) => rotate(['x', 'y', 'z'], round)[0]);
      expect(firsts).toEqual(['x', 'y', 'z', 'x', 'y', 'z']);
    });
  });
});
