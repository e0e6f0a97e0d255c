import {
  formatGoalLine,
  formatMarkdownTable,
  formatMicros,
  formatNumber,
  formatPercent,
  formatRatio,
  formatSigned,
  formatTable,
  goal,
  goalsTable,
  judge,
  type Table,
} from '../../bench/format';

describe('Given the benchmark formatting helpers', () => {
  describe('judge and goal', () => {
    it('passes a value meeting the threshold, misses one that does not', () => {
      expect(judge(1.2, '<=', 1.2)).toBe('PASS');
      expect(judge(1.21, '<=', 1.2)).toBe('MISS');
      expect(judge(60, '>=', 60)).toBe('PASS');
      expect(judge(59.9, '>=', 60)).toBe('MISS');
    });

    it('reports N/A, never PASS, for a value that could not be measured', () => {
      expect(judge(Number.NaN, '<=', 1)).toBe('N/A');
      expect(judge(Number.POSITIVE_INFINITY, '>=', 1)).toBe('N/A');
    });

    it('builds a goal with its verdict and renders it on one line', () => {
      const g = goal('overhead.batch64.ratio', 'batch 64 within 1.2x', 1.5, '<=', 1.2, 'x');
      expect(g.verdict).toBe('MISS');
      expect(formatGoalLine(g)).toBe('MISS  batch 64 within 1.2x: 1.50x (goal <= 1.20x)');
      expect(formatGoalLine(goal('b1', 'batch 1 added', 12.345, '<=', 30, 'µs'))).toBe('PASS  batch 1 added: 12.3 µs (goal <= 30.0 µs)');
    });
  });

  describe('number formatting', () => {
    it('keeps about three significant digits without exponents', () => {
      expect(formatNumber(0)).toBe('0');
      expect(formatNumber(0.012345)).toBe('0.0123');
      expect(formatNumber(1.2345)).toBe('1.23');
      expect(formatNumber(12.345)).toBe('12.3');
      expect(formatNumber(123.45)).toBe('123');
      expect(formatNumber(12345.6)).toBe('12346');
      expect(formatNumber(-1.2345)).toBe('-1.23');
      expect(formatNumber(1234.5, 5)).toBe('1234.5');
    });

    it('renders non-finite values as n/a', () => {
      expect(formatNumber(Number.NaN)).toBe('n/a');
      expect(formatRatio(Number.NaN)).toBe('n/a');
      expect(formatPercent(Number.POSITIVE_INFINITY)).toBe('n/a');
      expect(formatSigned(Number.NaN)).toBe('n/a');
      expect(formatMicros(Number.NaN)).toBe('n/a');
    });

    it('formats ratios, percentages, signed differences and units', () => {
      expect(formatRatio(1.234)).toBe('1.23x');
      expect(formatPercent(41.26)).toBe('41.3%');
      expect(formatSigned(5.5)).toBe('+5.50');
      expect(formatSigned(-144.2)).toBe('-144');
      expect(formatMicros(13.14)).toBe('13.1 µs');
    });
  });

  describe('tables', () => {
    const table: Table = {
      title: 'T',
      columns: ['name', 'value'],
      rows: [
        ['a', '1.5 µs'],
        ['longer', '10'],
      ],
      notes: ['a note'],
    };

    it('aligns the first column left and the others right, counting µ as one column', () => {
      expect(formatTable(table)).toBe(
        ['T', 'name     value', '------  ------', 'a       1.5 µs', 'longer      10', '  a note'].join('\n'),
      );
    });

    it('honours explicit alignment', () => {
      const text = formatTable({ title: 'T', columns: ['x', 'y'], rows: [['1', 'ab']], align: ['right', 'left'] });
      expect(text.split('\n')[3]).toBe('1  ab');
    });

    it('writes GitHub Markdown with escaped pipes and alignment markers', () => {
      const md = formatMarkdownTable({ title: 'A | B', columns: ['k', 'v'], rows: [['x|y', '2']], notes: ['n'] });
      expect(md).toBe(['**A \\| B**', '', '| k | v |', '| :-- | --: |', '| x\\|y | 2 |', '', '- n'].join('\n'));
    });

    it('lists goals as a table', () => {
      const t = goalsTable('Goals', [goal('g', 'share of bare', 41.26, '>=', 60, '%')]);
      expect(t.rows).toEqual([['share of bare', '41.3%', '>= 60.0%', 'MISS']]);
    });
  });
});
