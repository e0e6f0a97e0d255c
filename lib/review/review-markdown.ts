/** The infrastructure review as one Markdown report for a pull request (what `modelstack review` writes). */
import { comparisonMarkdown } from '../cost/format-markdown';
import { formatUsd, formatUsdDelta } from '../cost/numbers';
import { markdownTable } from '../cost/tables';
import type { InfrastructureReview, StackReview } from './review';

/** How the report names its inputs. */
export interface ReviewReportOptions {
  /** The base synth, e.g. `main (../main-cdk.out)`. */
  readonly base: string;
  /** The head synth, e.g. `cdk.out`. */
  readonly head: string;
  /** The price table, e.g. `pricing/prices.json of 2026-12-01`. */
  readonly prices: string;
}

/** Table cells from the diff library: its line breaks kept as `<br>`. */
function cells(rows: ReadonlyArray<readonly string[]>): string[][] {
  return rows.map((row) => row.map((cell) => cell.trim().split('\n').join('<br>')));
}

function count(review: StackReview, kind: string): number {
  return review.changes.resources.filter((resource) => resource.change === kind).length;
}

function summaryRow(review: StackReview): string[] {
  const acks = review.acknowledgements;
  const before = review.cost.base === undefined ? 'none' : formatUsd(review.cost.base.total.expected);
  const after = review.cost.head === undefined ? 'none' : formatUsd(review.cost.head.total.expected);
  return [
    `${review.stackName}${review.environmentName === undefined ? '' : ` (${review.environmentName})`}`,
    review.status,
    `${count(review, 'added')} / ${count(review, 'removed')} / ${count(review, 'replaced') + count(review, 'may be replaced')} / ${count(review, 'updated')}`,
    `${Math.max(0, review.changes.iamStatements.length - 1)}${review.changes.permissionsBroadened ? ' (broadened)' : ''}`,
    String(Math.max(0, review.changes.securityGroups.length - 1)),
    `+${acks.added.length} / -${acks.removed.length}`,
    `${before} → ${after} (${formatUsdDelta(review.cost.delta.expected)})`,
  ];
}

function resourcesSection(review: StackReview): string[] {
  if (review.changes.resources.length === 0) return ['No resource changes.'];
  const rows = review.changes.resources.map((resource) => [
    resource.change,
    `\`${resource.logicalId}\``,
    resource.resourceType,
    resource.properties
      .map((p) => `${p.name}: ${p.before ?? '(none)'} → ${p.after ?? '(none)'}${p.replaces ? ' (replaces)' : ''}`)
      .join('<br>'),
  ]);
  return markdownTable(['Change', 'Logical id', 'Type', 'Properties'], rows);
}

function acknowledgementsSection(review: StackReview): string[] {
  const { added, removed, reworded } = review.acknowledgements;
  const rows = [
    ...added.map((ack) => ['added', `\`${ack.resource}\``, `\`${ack.rule}\``, ack.reason]),
    ...removed.map((ack) => ['removed', `\`${ack.resource}\``, `\`${ack.rule}\``, ack.reason]),
    ...reworded.map((ack) => ['reworded', `\`${ack.resource}\``, `\`${ack.rule}\``, ack.reason]),
  ];
  return rows.length === 0 ? ['No acknowledgement added or removed.'] : markdownTable(['Change', 'Resource', 'Rule', 'Reason'], rows);
}

function tableOrNone(rows: ReadonlyArray<readonly string[]>, none: string): string[] {
  if (rows.length === 0) return [none];
  const [header, ...body] = cells(rows);
  return markdownTable(header.map((cell) => cell || 'Change'), body);
}

/** The report. */
export function reviewMarkdown(review: InfrastructureReview, options: ReviewReportOptions): string[] {
  const lines = [
    '# Infrastructure review',
    '',
    `Base: ${options.base} · head: ${options.head} · ${options.prices}`,
    '',
    '## Summary',
    '',
    ...markdownTable(['Stack', 'Status', 'Resources added / removed / replaced / updated', 'IAM statement changes', 'Security group changes', 'Acknowledgements', 'Monthly cost, expected'], review.stacks.map(summaryRow)),
  ];
  for (const stack of review.stacks) {
    lines.push('', `## ${stack.stackName}${stack.environmentName === undefined ? '' : ` (${stack.environmentName})`}`, '');
    if (stack.status === 'unchanged') {
      lines.push('Nothing changes.');
      continue;
    }
    lines.push('### Resources', '', ...resourcesSection(stack), '');
    lines.push('### IAM', '', ...tableOrNone(stack.changes.iamStatements, 'No IAM statement changes.'));
    if (stack.changes.managedPolicies.length > 0) lines.push('', ...tableOrNone(stack.changes.managedPolicies, ''));
    if (stack.changes.permissionsBroadened) lines.push('', '**Permissions are broadened.**');
    lines.push('', '### Security groups', '', ...tableOrNone(stack.changes.securityGroups, 'No security group changes.'), '');
    lines.push('### Acknowledged findings (cdk-nag and warnings)', '', ...acknowledgementsSection(stack), '');
    lines.push('### Cost', '', ...comparisonMarkdown([stack.cost]).slice(2));
  }
  return lines;
}
