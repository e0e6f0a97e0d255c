import { formatPercent, formatQuantity, formatUnitPrice, formatUsd, formatUsdDelta } from '../../../lib/cost/numbers';

describe('Given amounts and quantities to show', () => {
  test.each([
    [1234.567, '$1,234.57'],
    [0, '$0.00'],
    [0.0042, '$0.0042'],
    [0.00000005, '<$0.0001'],
    [-2.5, '-$2.50'],
  ])('When %p USD is formatted, then it reads %p (tiny amounts never read as zero)', (amount, text) => {
    expect(formatUsd(amount)).toBe(text);
  });

  test.each([
    [0.0000166667, '$0.0000166667'],
    [0.2 / 1e6, '$0.0000002'],
    [0.3, '$0.30'],
    [0.115, '$0.115'],
    [0, '$0.00'],
  ])('When unit price %p is formatted, then it reads %p without float noise', (price, text) => {
    expect(formatUnitPrice(price)).toBe(text);
  });

  test('When quantities, deltas and shares are formatted, then they are compact and signed', () => {
    expect([formatQuantity(30_000_000), formatQuantity(3_997_000), formatQuantity(12_345.6), formatQuantity(0.000123)]).toEqual(['30M', '3.997M', '12,346', '0.000123']);
    expect([formatUsdDelta(0.1), formatUsdDelta(-0.4), formatUsdDelta(0)]).toEqual(['+$0.10', '-$0.40', '$0.00']);
    expect([formatPercent(0.163), formatPercent(0.004)]).toEqual(['16%', '0.4%']);
  });
});
