/** The estimate and the cost comparison as plain-text tables, one block per stack (what `modelstack estimate` prints). */
import { formatBatchRuns } from './batch-run';
import type { StackCostDiff } from './compare';
import type { StackEstimate } from './estimate';
import { formatUsd, formatUsdDelta } from './numbers';
import {
  budgetSentence,
  completenessSentence,
  freeByRule,
  pricesSentence,
  quantityText,
  stackLabel,
  trafficSentence,
  unitPriceText,
} from './summary';
import { groupedTextTable, textTable, type RowGroup } from './tables';

/** How the reports are written. */
export interface ReportOptions {
  /** How to name the price table (e.g. a path relative to the project). */
  readonly priceSource: string;
  /** Add how each line's quantity was derived. @default false */
  readonly explain?: boolean;
}

const money = (amount: number) => (amount === 0 ? '' : formatUsd(amount));

/** One stack's estimate. */
export function estimateText(estimate: StackEstimate, options: ReportOptions): string[] {
  const groups: RowGroup[] = [];
  for (const item of estimate.lineItems) {
    const heading = `${item.logicalId} (${item.resourceType})`;
    const row = [
      item.description,
      quantityText(item),
      unitPriceText(item),
      item.kind === 'fixed' ? money(item.usd.expected) || '$0.00' : '',
      item.kind === 'traffic' ? money(item.usd.expected) || '$0.00' : '',
      formatUsd(item.usd.worstCase),
    ];
    const last = groups[groups.length - 1];
    if (last?.heading === heading) (last.rows as string[][]).push(row);
    else groups.push({ heading, rows: [row] });
  }
  const footer = ['subtotal', '', '', formatUsd(estimate.fixed.expected), formatUsd(estimate.trafficDriven.expected), formatUsd(estimate.total.worstCase)];
  const table = groupedTextTable(['resource / line item', 'quantity', 'unit price', 'fixed/month', 'traffic/month', 'worst case'], groups, new Set([1, 2, 3, 4, 5]), footer);
  const lines = [
    `${estimate.stackName} (${stackLabel(estimate)})`,
    `  ${trafficSentence(estimate)}`,
    `  ${pricesSentence(estimate, options.priceSource)}`,
    '',
    ...table.map((line) => `  ${line}`),
    '',
    `  expected ${formatUsd(estimate.total.expected)} a month (fixed ${formatUsd(estimate.fixed.expected)} + traffic-driven ${formatUsd(estimate.trafficDriven.expected)}); worst case ${formatUsd(estimate.total.worstCase)}`,
    `  ${budgetSentence(estimate)}`,
    `  ${completenessSentence(estimate)}`,
  ];
  for (const resource of estimate.unpriced) lines.push(`    unpriced: ${resource.logicalId} (${resource.resourceType}): ${resource.reason}`);
  lines.push(`  free by rule: ${estimate.free.length} resource(s)`);
  for (const group of freeByRule(estimate)) lines.push(`    ${group.rule}: ${group.resources.join(', ')}`);
  for (const warning of estimate.warnings) lines.push(`  warning: ${warning}`);
  for (const line of formatBatchRuns(estimate.batchRuns)) lines.push(`  ${line}`);
  if (options.explain === true) {
    lines.push('  how each line was derived:');
    for (const item of estimate.lineItems) lines.push(`    ${item.logicalId} ${item.id}: ${item.basis}`);
  }
  lines.push('  (* price not verified against the AWS Price List API; ? low confidence)');
  return lines;
}

/** Every stack's estimate, separated by blank lines. */
export function estimatesText(estimates: readonly StackEstimate[], options: ReportOptions): string[] {
  return estimates.flatMap((estimate, index) => [...(index === 0 ? [] : ['']), ...estimateText(estimate, options)]);
}

/** The cost difference between two synths, per stack. */
export function comparisonText(diffs: readonly StackCostDiff[]): string[] {
  const lines: string[] = [];
  for (const diff of diffs) {
    if (lines.length > 0) lines.push('');
    const before = diff.base === undefined ? 'none' : formatUsd(diff.base.total.expected);
    const after = diff.head === undefined ? 'none' : formatUsd(diff.head.total.expected);
    lines.push(`${diff.stackName}: ${diff.change}; expected ${before} → ${after} a month (${formatUsdDelta(diff.delta.expected)}), worst case ${formatUsdDelta(diff.delta.worstCase)}`);
    const changed = diff.lines.filter((line) => line.change !== 'unchanged');
    if (changed.length === 0) {
      lines.push('  no line item changed');
      continue;
    }
    const rows = changed.map((line) => [
      line.change,
      line.logicalId,
      line.description,
      line.base === undefined ? '' : formatUsd(line.base.expected),
      line.head === undefined ? '' : formatUsd(line.head.expected),
      formatUsdDelta(line.delta.expected),
      formatUsdDelta(line.delta.worstCase),
    ]);
    lines.push(...textTable(['change', 'resource', 'line item', 'before', 'after', 'delta', 'worst-case delta'], rows, new Set([3, 4, 5, 6])).map((line) => `  ${line}`));
  }
  return lines;
}
