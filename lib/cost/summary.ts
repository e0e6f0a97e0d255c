/** Sentences about an estimate that the text and Markdown reports share. */
import type { StackEstimate } from './estimate';
import type { LineItem } from './line-item';
import { formatPercent, formatQuantity, formatUnitPrice, formatUsd } from './numbers';

/** `prod, eu-west-1` (or the stack's region alone). */
export function stackLabel(estimate: StackEstimate): string {
  return estimate.environmentName === undefined ? estimate.region : `environment ${estimate.environmentName}, ${estimate.region}`;
}

/** The traffic the estimate assumed. */
export function trafficSentence(estimate: StackEstimate): string {
  const t = estimate.traffic;
  if (t.requestsPerMonth === 0) return `traffic (${estimate.trafficSource}): none; idle cost only`;
  return (
    `traffic (${estimate.trafficSource}): ${formatQuantity(t.requestsPerMonth)} requests a month, ${t.meanInstancesPerRequest} instance(s) per request, ` +
    `${t.meanDurationMs} ms each, ${t.meanPayloadBytes} B in, ${t.meanResponseBytes} B out; ` +
    `${formatQuantity(t.coldStartsPerMonth)} cold starts (${t.coldStartsBasis}) of ${t.meanInitDurationMs} ms INIT`
  );
}

/** Which prices were used and how far to trust them. */
export function pricesSentence(estimate: StackEstimate, source: string): string {
  const used = new Set(estimate.lineItems.map((item) => item.priceKey)).size;
  const unverified = estimate.unverifiedPrices.length;
  const low = estimate.lowConfidencePrices.length;
  return (
    `prices: ${source} of ${estimate.priceTable.date}; ${unverified} of ${used} prices used unverified (not read from the AWS Price List API)` +
    (low > 0 ? `, ${low} low confidence (${estimate.lowConfidencePrices.join(', ')})` : '') +
    `; free tier ${estimate.freeTier ? 'applied (as if the environment were alone in its account)' : 'not applied (--free-tier applies it)'}`
  );
}

/** `budget $500.00 (config): 16% used, within budget` or the over-budget sentence. */
export function budgetSentence(estimate: StackEstimate): string {
  const budget = estimate.budget;
  if (budget === undefined) return 'no budget configured';
  const verdict = budget.overBudget ? `OVER BUDGET by ${formatUsd(estimate.total.expected - budget.monthlyLimitUsd)}` : 'within budget';
  return `budget ${formatUsd(budget.monthlyLimitUsd)} a month (${budget.source}): expected ${formatPercent(budget.expectedShare)} of it, ${verdict}`;
}

/** `complete` or `INCOMPLETE: 2 resources unpriced`. */
export function completenessSentence(estimate: StackEstimate): string {
  return estimate.complete ? 'complete: every resource priced or free by rule' : `INCOMPLETE: ${estimate.unpriced.length} resource(s) unpriced, the totals leave them out`;
}

/** The quantity of a line with its unit: `30M requests`. */
export function quantityText(item: LineItem): string {
  const { expected, worstCase } = item.quantity;
  const amount = Math.abs(expected - worstCase) < 1e-9 ? formatQuantity(expected) : `${formatQuantity(expected)}–${formatQuantity(worstCase)}`;
  return `${amount} ${item.unit}`;
}

/** The unit price of a line, marked `*` when unverified and `?` when low confidence. */
export function unitPriceText(item: LineItem): string {
  return `${formatUnitPrice(item.unitUsd)}${item.verified ? '' : '*'}${item.confidence === 'low' ? '?' : ''}`;
}

/** Free resources grouped by their rule. */
export function freeByRule(estimate: StackEstimate): Array<{ readonly rule: string; readonly resources: string[] }> {
  const groups = new Map<string, string[]>();
  for (const resource of estimate.free) {
    groups.set(resource.rule, [...(groups.get(resource.rule) ?? []), `${resource.logicalId} (${resource.resourceType})`]);
  }
  return [...groups].map(([rule, resources]) => ({ rule, resources }));
}
