/**
 * What `modelstack estimate` and `modelstack deploy` print, in the format asked for, and the budget gate: the
 * stacks whose expected total exceeds their budget.
 */
import type { StackCostDiff } from './compare';
import type { StackEstimate } from './estimate';
import { comparisonMarkdown, estimatesMarkdown } from './format-markdown';
import { comparisonText, estimatesText, type ReportOptions } from './format-text';
import { formatUsd } from './numbers';
import { budgetSentence } from './summary';

/** Output formats of the estimate. */
export type ReportFormat = 'text' | 'markdown' | 'json';

/** The JSON document of an estimate (and, with `--compare`, of the comparison). */
export function estimateJson(estimates: readonly StackEstimate[], options: ReportOptions, comparison?: readonly StackCostDiff[]): unknown {
  const withSource = (estimate: StackEstimate) => ({ ...estimate, priceTable: { ...estimate.priceTable, source: options.priceSource } });
  return {
    schemaVersion: 1,
    environments: estimates.map(withSource),
    ...(comparison === undefined
      ? {}
      : {
          comparison: comparison.map((diff) => ({
            stackName: diff.stackName,
            environmentName: diff.environmentName,
            change: diff.change,
            base: diff.base?.total,
            head: diff.head?.total,
            delta: diff.delta,
            lines: diff.lines,
          })),
        }),
  };
}

/** The report lines of `estimates` (and of `comparison`, which replaces the per-line tables when given). */
export function renderReport(format: ReportFormat, estimates: readonly StackEstimate[], options: ReportOptions, comparison?: readonly StackCostDiff[]): string[] {
  if (format === 'json') return JSON.stringify(estimateJson(estimates, options, comparison), null, 2).split('\n');
  if (comparison !== undefined) {
    const budgets = estimates.map((estimate) => `${estimate.stackName}: ${budgetSentence(estimate)}`);
    return format === 'markdown' ? ['## Cost difference', '', ...comparisonMarkdown(comparison), ...budgets.map((line) => `- ${line}`)] : [...comparisonText(comparison), '', ...budgets];
  }
  return format === 'markdown' ? estimatesMarkdown(estimates, options) : estimatesText(estimates, options);
}

/** One sentence per stack whose expected total is over its budget; empty when none is. */
export function overBudget(estimates: readonly StackEstimate[]): string[] {
  return estimates
    .filter((estimate) => estimate.budget?.overBudget === true)
    .map((estimate) => `${estimate.stackName}: expected ${formatUsd(estimate.total.expected)} a month exceeds its budget of ${formatUsd(estimate.budget?.monthlyLimitUsd ?? 0)}`);
}
