/** The estimate and the cost comparison in Markdown, for a pull-request comment (`--markdown`, `modelstack review`). */
import type { StackCostDiff } from './compare';
import type { StackEstimate } from './estimate';
import type { ReportOptions } from './format-text';
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
import { markdownCell, markdownTable } from './tables';

const RIGHT = new Set([3, 4, 5, 6, 7]);

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** One stack's estimate as a Markdown section. */
export function estimateMarkdown(estimate: StackEstimate, options: ReportOptions): string[] {
  const rows = estimate.lineItems.map((item) => [
    `\`${item.logicalId}\``,
    item.resourceType,
    item.description,
    quantityText(item),
    unitPriceText(item),
    item.kind === 'fixed' ? formatUsd(item.usd.expected) : '',
    item.kind === 'traffic' ? formatUsd(item.usd.expected) : '',
    formatUsd(item.usd.worstCase),
  ]);
  rows.push(['**subtotal**', '', '', '', '', `**${formatUsd(estimate.fixed.expected)}**`, `**${formatUsd(estimate.trafficDriven.expected)}**`, `**${formatUsd(estimate.total.worstCase)}**`]);
  const lines = [
    `### ${estimate.stackName} (${stackLabel(estimate)})`,
    '',
    `**Expected ${formatUsd(estimate.total.expected)} a month** (fixed ${formatUsd(estimate.fixed.expected)} + traffic-driven ${formatUsd(estimate.trafficDriven.expected)}), worst case ${formatUsd(estimate.total.worstCase)}. ` +
      `${capitalized(budgetSentence(estimate).replace('OVER BUDGET', '**OVER BUDGET**'))}. ${capitalized(completenessSentence(estimate).replace('INCOMPLETE', '**INCOMPLETE**'))}.`,
    '',
    `- ${markdownCell(trafficSentence(estimate))}`,
    `- ${markdownCell(pricesSentence(estimate, options.priceSource))}`,
    ...estimate.warnings.map((warning) => `- warning: ${markdownCell(warning)}`),
    '',
    ...markdownTable(['Resource', 'Type', 'Line item', 'Quantity', 'Unit price', 'Fixed/month', 'Traffic/month', 'Worst case'], rows, RIGHT),
    '',
    '<sub>* price not verified against the AWS Price List API; ? low confidence</sub>',
  ];
  if (estimate.unpriced.length > 0) {
    lines.push('', '**Unpriced resources** (left out of the totals):', '', ...markdownTable(['Resource', 'Type', 'Why'], estimate.unpriced.map((r) => [`\`${r.logicalId}\``, r.resourceType, r.reason])));
  }
  lines.push('', `<details><summary>Free by rule (${estimate.free.length})</summary>`, '');
  for (const group of freeByRule(estimate)) lines.push(`- ${markdownCell(group.rule)}: ${group.resources.map((r) => `\`${r}\``).join(', ')}`);
  lines.push('', '</details>');
  if (options.explain !== false) {
    lines.push('', '<details><summary>How each line was derived</summary>', '');
    for (const item of estimate.lineItems) lines.push(`- \`${item.logicalId}\` ${markdownCell(item.description)}: ${markdownCell(item.basis)}`);
    lines.push('', '</details>');
  }
  return lines;
}

/** Every stack's estimate under one heading. */
export function estimatesMarkdown(estimates: readonly StackEstimate[], options: ReportOptions): string[] {
  return ['## Cost estimate', '', ...estimates.flatMap((estimate) => [...estimateMarkdown(estimate, options), ''])];
}

/** The cost difference between two synths, per stack, as Markdown sections. */
export function comparisonMarkdown(diffs: readonly StackCostDiff[]): string[] {
  const lines: string[] = [];
  for (const diff of diffs) {
    const before = diff.base === undefined ? 'none' : formatUsd(diff.base.total.expected);
    const after = diff.head === undefined ? 'none' : formatUsd(diff.head.total.expected);
    lines.push(`#### ${diff.stackName}`, '', `Expected ${before} → ${after} a month (**${formatUsdDelta(diff.delta.expected)}**), worst case ${formatUsdDelta(diff.delta.worstCase)}.`, '');
    const changed = diff.lines.filter((line) => line.change !== 'unchanged');
    if (changed.length === 0) {
      lines.push('No line item changed.', '');
      continue;
    }
    const rows = changed.map((line) => [
      line.change,
      `\`${line.logicalId}\``,
      line.description,
      line.base === undefined ? '' : formatUsd(line.base.expected),
      line.head === undefined ? '' : formatUsd(line.head.expected),
      formatUsdDelta(line.delta.expected),
      formatUsdDelta(line.delta.worstCase),
    ]);
    lines.push(...markdownTable(['Change', 'Resource', 'Line item', 'Before', 'After', 'Delta', 'Worst-case delta'], rows, new Set([3, 4, 5, 6])), '');
  }
  return lines;
}
