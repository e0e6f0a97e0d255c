/**
 * The cost difference between two synths, line by line: stacks matched by name, line items by resource logical id
 * and line id, so a changed memory size shows as changed compute lines and a new alarm as an added line.
 */
import type { StackEstimate } from './estimate';
import type { CostKind, LineItem, Range } from './line-item';

/** How one line item changed. */
export interface LineDelta {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly id: string;
  readonly description: string;
  readonly kind: CostKind;
  readonly change: 'added' | 'removed' | 'changed' | 'unchanged';
  /** USD a month before; `undefined` when added. */
  readonly base?: Range;
  /** USD a month after; `undefined` when removed. */
  readonly head?: Range;
  readonly delta: Range;
}

/** How one stack's cost changed. */
export interface StackCostDiff {
  readonly stackName: string;
  readonly environmentName?: string;
  readonly change: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly base?: StackEstimate;
  readonly head?: StackEstimate;
  /** Every line of either side, changed ones first in template order. */
  readonly lines: readonly LineDelta[];
  readonly delta: Range;
}

const ZERO: Range = { expected: 0, worstCase: 0 };
/** Below this (USD a month) two figures count as equal. */
const EPSILON = 0.000_000_5;

function minus(a: Range, b: Range): Range {
  return { expected: a.expected - b.expected, worstCase: a.worstCase - b.worstCase };
}

function isZero(range: Range): boolean {
  return Math.abs(range.expected) < EPSILON && Math.abs(range.worstCase) < EPSILON;
}

function keyOf(item: LineItem): string {
  return `${item.logicalId}\u0000${item.id}`;
}

function lineDeltas(base: readonly LineItem[], head: readonly LineItem[]): LineDelta[] {
  const before = new Map(base.map((item) => [keyOf(item), item]));
  const after = new Map(head.map((item) => [keyOf(item), item]));
  const keys = [...new Set([...head.map(keyOf), ...base.map(keyOf)])];
  return keys.flatMap((key) => {
    const old = before.get(key);
    const now = after.get(key);
    const item = now ?? old;
    if (item === undefined) return [];
    const delta = minus(now?.usd ?? ZERO, old?.usd ?? ZERO);
    const change = old === undefined ? 'added' : now === undefined ? 'removed' : isZero(delta) ? 'unchanged' : 'changed';
    return [{ logicalId: item.logicalId, resourceType: item.resourceType, id: item.id, description: item.description, kind: item.kind, change, base: old?.usd, head: now?.usd, delta }];
  });
}

/** The cost difference from `base` to `head`, one entry per stack of either. */
export function compareEstimates(base: readonly StackEstimate[], head: readonly StackEstimate[]): StackCostDiff[] {
  const names = [...new Set([...head.map((e) => e.stackName), ...base.map((e) => e.stackName)])];
  return names.map((stackName) => {
    const old = base.find((e) => e.stackName === stackName);
    const now = head.find((e) => e.stackName === stackName);
    const lines = lineDeltas(old?.lineItems ?? [], now?.lineItems ?? []);
    const order = { added: 0, removed: 0, changed: 0, unchanged: 1 } as const;
    lines.sort((a, b) => order[a.change] - order[b.change]);
    const delta = minus(now?.total ?? ZERO, old?.total ?? ZERO);
    const change = old === undefined ? 'added' : now === undefined ? 'removed' : lines.some((l) => l.change !== 'unchanged') ? 'changed' : 'unchanged';
    return { stackName, environmentName: now?.environmentName ?? old?.environmentName, change, base: old, head: now, lines, delta };
  });
}
