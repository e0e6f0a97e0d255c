/**
 * The estimate of one synthesized stack: every resource priced line by line (or listed free by rule, or listed
 * unpriced with the reason), the free tier applied if asked, fixed and traffic-driven subtotals, expected and
 * worst-case totals, and the budget they are held against.
 */
import { asObject, literalNumber } from './cloudformation-template';
import type { SynthesizedStack } from './cloud-assembly';
import { applyFreeTier } from './free-tier';
import type { LineItem, Range } from './line-item';
import type { PriceTable } from './price-table';
import { priceResource } from './pricers';
import { PricingContext, type ModelInfo } from './pricing-context';
import { TemplateGraph } from './template-graph';
import { NO_TRAFFIC, type TrafficProfile } from './traffic-profile';
import { CheckFailure } from '../../lambda/core/modelstack-error';

/** Thrown when a stack cannot be estimated at all (no region to price it in). */
export class EstimateError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'EstimateError';
  }
}

/** A resource that costs nothing, and the rule that says so. */
export interface FreeResource {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly rule: string;
}

/** A resource the estimate could not price, and why. */
export interface UnpricedResource {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly reason: string;
}

/** The monthly budget an estimate is held against. */
export interface BudgetCheck {
  readonly monthlyLimitUsd: number;
  /** `template`: the stack's `AWS::Budgets::Budget`; `config`: the environment's `budget`. */
  readonly source: 'template' | 'config';
  /** Expected total over the limit. */
  readonly overBudget: boolean;
  /** Expected total as a share of the limit. */
  readonly expectedShare: number;
}

/** The estimate of one stack. */
export interface StackEstimate {
  readonly stackName: string;
  readonly environmentName?: string;
  readonly region: string;
  readonly traffic: TrafficProfile;
  /** Where the traffic profile came from. */
  readonly trafficSource: string;
  readonly freeTier: boolean;
  /** The price table used: where it was read from and its date. */
  readonly priceTable: { readonly source: string; readonly date: string };
  readonly lineItems: readonly LineItem[];
  readonly free: readonly FreeResource[];
  readonly unpriced: readonly UnpricedResource[];
  /** Nothing unpriced. */
  readonly complete: boolean;
  readonly fixed: Range;
  readonly trafficDriven: Range;
  readonly total: Range;
  readonly budget?: BudgetCheck;
  /** Prices used that were not read from the Price List API, by key. */
  readonly unverifiedPrices: readonly string[];
  /** Prices used that the table marks low confidence, by key. */
  readonly lowConfidencePrices: readonly string[];
  /** Things the reader must know (no traffic profile, unknown model, ...). */
  readonly warnings: readonly string[];
}

/** What an estimate needs besides the stack. */
export interface EstimateOptions {
  readonly prices: PriceTable;
  /** The month's traffic. @default no traffic (the stack's idle cost) */
  readonly traffic?: TrafficProfile;
  /** Where the traffic came from, for the output. @default 'none' */
  readonly trafficSource?: string;
  /** The served model, for its labels. @default unknown */
  readonly model?: ModelInfo;
  /** The budget when the template has no `AWS::Budgets::Budget`. @default none */
  readonly budgetUsd?: number;
  /** Apply the free tier. @default false */
  readonly freeTier?: boolean;
  /** Warnings to carry into the estimate. */
  readonly warnings?: readonly string[];
}

function sum(items: readonly LineItem[]): Range {
  return items.reduce((total, item) => ({ expected: total.expected + item.usd.expected, worstCase: total.worstCase + item.usd.worstCase }), { expected: 0, worstCase: 0 });
}

/** The limit of the stack's own `AWS::Budgets::Budget` (what will be deployed), if literal. */
function templateBudget(graph: TemplateGraph): number | undefined {
  for (const [, budget] of graph.ofType('AWS::Budgets::Budget')) {
    const limit = literalNumber(asObject(asObject(budget.Properties?.Budget)?.BudgetLimit)?.Amount, graph.template);
    if (limit !== undefined) return limit;
  }
  return undefined;
}

/** Estimates `stack` in its region with the table's prices. */
export function estimateStack(stack: SynthesizedStack, options: EstimateOptions): StackEstimate {
  if (stack.region === undefined) {
    throw new EstimateError(`stack ${stack.stackName} has no region (it was synthesized environment-agnostic): set the environment's region to price it`);
  }
  const prices = options.prices.forRegion(stack.region);
  const traffic = options.traffic ?? NO_TRAFFIC;
  const graph = new TemplateGraph(stack.template);
  const context = new PricingContext(graph, traffic, options.model, stack.assetPaths);
  const drafts: LineItem[] = [];
  const freeResources: FreeResource[] = [];
  const unpricedResources: UnpricedResource[] = [];
  for (const [logicalId, resource] of graph.entries) {
    const pricing = priceResource(logicalId, resource, context);
    if (pricing.status === 'free') {
      freeResources.push({ logicalId, resourceType: resource.Type, rule: pricing.rule });
      continue;
    }
    if (pricing.status === 'unpriced') {
      unpricedResources.push({ logicalId, resourceType: resource.Type, reason: pricing.reason });
      continue;
    }
    const resolved = pricing.items.map((item) => ({ item, price: prices.get(item.priceKey) }));
    const missing = [...new Set(resolved.filter(({ price }) => price === undefined).map(({ item }) => item.priceKey))];
    if (missing.length > 0) {
      unpricedResources.push({ logicalId, resourceType: resource.Type, reason: `the price table has no ${missing.join(', ')} for ${stack.region} (${options.prices.date})` });
      continue;
    }
    for (const { item, price } of resolved) {
      if (price === undefined) continue;
      drafts.push({
        ...item,
        logicalId,
        resourceType: resource.Type,
        unitUsd: price.unitUsd,
        unit: price.unit,
        verified: price.verified,
        confidence: price.confidence,
        freeQuantity: { expected: 0, worstCase: 0 },
        usd: { expected: item.quantity.expected * price.unitUsd, worstCase: item.quantity.worstCase * price.unitUsd },
      });
    }
  }
  const lineItems = options.freeTier === true ? applyFreeTier(drafts, prices.freeTier) : drafts;
  const fixed = sum(lineItems.filter((item) => item.kind === 'fixed'));
  const trafficDriven = sum(lineItems.filter((item) => item.kind === 'traffic'));
  const total = { expected: fixed.expected + trafficDriven.expected, worstCase: fixed.worstCase + trafficDriven.worstCase };
  const fromTemplate = templateBudget(graph);
  const limit = fromTemplate ?? options.budgetUsd;
  const used = [...new Set(lineItems.map((item) => item.priceKey))].sort();
  return {
    stackName: stack.stackName,
    environmentName: stack.environmentName,
    region: stack.region,
    traffic,
    trafficSource: options.trafficSource ?? 'none',
    freeTier: options.freeTier === true,
    priceTable: { source: options.prices.source, date: options.prices.date },
    lineItems,
    free: freeResources,
    unpriced: unpricedResources,
    complete: unpricedResources.length === 0,
    fixed,
    trafficDriven,
    total,
    budget:
      limit === undefined
        ? undefined
        : { monthlyLimitUsd: limit, source: fromTemplate === undefined ? 'config' : 'template', overBudget: total.expected > limit, expectedShare: total.expected / limit },
    unverifiedPrices: used.filter((key) => prices.get(key)?.verified !== true),
    lowConfidencePrices: used.filter((key) => prices.get(key)?.confidence === 'low'),
    warnings: options.warnings ?? [],
  };
}
