/**
 * The AWS free tier, applied only when asked (`--free-tier`): each allowance of the price table covers the
 * quantities of its prices in line-item order, separately for the expected and the worst case. Allowances are
 * account-wide, so applying them to one environment assumes it is alone in its account.
 */
import type { LineItem, Range } from './line-item';
import type { FreeTierAllowance } from './price-table';

/** `items` with the allowances applied: `freeQuantity` set and `usd` reduced. */
export function applyFreeTier(items: readonly LineItem[], allowances: readonly FreeTierAllowance[]): LineItem[] {
  const covered = items.map(() => ({ expected: 0, worstCase: 0 }));
  for (const allowance of allowances) {
    for (const scenario of ['expected', 'worstCase'] as const) {
      let remaining = allowance.quantity;
      items.forEach((item, index) => {
        if (remaining <= 0 || !allowance.priceKeys.includes(item.priceKey)) return;
        const take = Math.min(remaining, item.quantity[scenario] - covered[index][scenario]);
        covered[index][scenario] += take;
        remaining -= take;
      });
    }
  }
  return items.map((item, index) => {
    const freeQuantity: Range = covered[index];
    return {
      ...item,
      freeQuantity,
      usd: {
        expected: (item.quantity.expected - freeQuantity.expected) * item.unitUsd,
        worstCase: (item.quantity.worstCase - freeQuantity.worstCase) * item.unitUsd,
      },
    };
  });
}
