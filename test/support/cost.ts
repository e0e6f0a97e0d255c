/** Helpers for the cost tests: templates synthesized from real constructs, the repository's price table, line lookup. */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { stackFromTemplate, type SynthesizedStack } from '../../lib/cost/cloud-assembly';
import type { StackEstimate } from '../../lib/cost/estimate';
import type { LineItem } from '../../lib/cost/line-item';
import { PriceTable } from '../../lib/cost/price-table';
import { trafficProfile, type TrafficProfile } from '../../lib/cost/traffic-profile';
import { TrafficSchema } from '../../config/cost-schema';
import { testApp } from './app';

/** The repository's price table. */
export const PRICES = PriceTable.load();

/** USD for one unit of `key` in `region`, from the table (fails the test when the table has no such price). */
export function unitPrice(key: string, region = 'us-east-1'): number {
  const price = PRICES.forRegion(region).get(key);
  if (price === undefined) throw new Error(`the price table has no ${key} in ${region}`);
  return price.unitUsd;
}

/** A stack built by `build` in `region`, synthesized by CDK, as the estimator reads it. */
export function synthesized(build: (stack: Stack) => void, region = 'us-east-1', name = 'CostTest'): SynthesizedStack {
  const stack = new Stack(testApp(), name, { env: { region } });
  build(stack);
  return stackFromTemplate(name, Template.fromStack(stack).toJSON(), region);
}

/** A traffic profile as the config would give it (defaults applied by the schema). */
export function traffic(input: Record<string, unknown>): TrafficProfile {
  return trafficProfile(TrafficSchema.parse(input));
}

/** The lines of resources whose logical id starts with `prefix`. */
export function linesOf(estimate: StackEstimate, prefix: string): LineItem[] {
  return estimate.lineItems.filter((item) => item.logicalId.startsWith(prefix));
}

/** The line `id` of the resource whose logical id starts with `prefix`; fails when there is none. */
export function lineOf(estimate: StackEstimate, prefix: string, id: string): LineItem {
  const line = estimate.lineItems.find((item) => item.logicalId.startsWith(prefix) && item.id === id);
  if (line === undefined) {
    throw new Error(`no line ${id} on ${prefix}; lines: ${estimate.lineItems.map((item) => `${item.logicalId}/${item.id}`).join(', ')}`);
  }
  return line;
}

/** Checks `actual` is within 1% of `expected` (and both are positive when expected is). */
export function expectWithinOnePercent(actual: number, expected: number): void {
  expect(expected).toBeGreaterThan(0);
  expect(Math.abs(actual - expected) / expected).toBeLessThan(0.01);
}
