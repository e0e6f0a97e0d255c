/** How the estimate writes money and quantities for people: `$1,234.56`, `30M`, `$0.0000166667`. */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

/** `$1,234.56`; amounts under a cent keep two significant digits (`$0.0042`) so they do not read as zero. */
export function formatUsd(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const magnitude = Math.abs(amount);
  if (magnitude === 0) return '$0.00';
  if (magnitude < 0.0001) return `${sign === '' ? '<' : '>-'}$0.0001`;
  if (magnitude < 0.005) return `${sign}$${Number(magnitude.toPrecision(2)).toString()}`;
  return `${sign}$${grouped.format(magnitude)}`;
}

/** A difference with its sign: `+$1.20`, `-$0.40`, `$0.00`. */
export function formatUsdDelta(amount: number): string {
  if (Math.abs(amount) < 0.000_000_5) return '$0.00';
  return amount > 0 ? `+${formatUsd(amount)}` : formatUsd(amount);
}

/** `30M`, `1.5M`, `12,345`, `2.5`, `0.000123`: compact, at most four significant digits below a million. */
export function formatQuantity(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e9) return `${Number((value / 1e9).toPrecision(4))}B`;
  if (magnitude >= 1e6) return `${Number((value / 1e6).toPrecision(4))}M`;
  if (magnitude >= 1000) return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(value);
  if (magnitude === 0) return '0';
  return Number(value.toPrecision(4)).toString();
}

/** A unit price without float noise: `$0.0000166667`, `$0.20`. */
export function formatUnitPrice(unitUsd: number): string {
  if (unitUsd === 0) return '$0.00';
  if (unitUsd >= 0.01) {
    const text = Number(unitUsd.toPrecision(6)).toString();
    const decimals = text.split('.')[1]?.length ?? 0;
    return `$${decimals >= 2 ? text : unitUsd.toFixed(2)}`;
  }
  return `$${Number(unitUsd.toPrecision(6)).toFixed(12).replace(/0+$/, '')}`;
}

/** `12%` (whole percent), `0.4%` below one percent. */
export function formatPercent(share: number): string {
  const percent = share * 100;
  return percent > 0 && percent < 1 ? `${Number(percent.toPrecision(1))}%` : `${Math.round(percent)}%`;
}
