/**
 * What pricing a resource produces: line items (a quantity of one price-table unit, expected and worst case), or
 * a rule saying why it is free, or the reason it cannot be priced. The estimate looks the prices up, so a pricer
 * never reads the table itself and a missing price turns the resource unpriced instead of zero.
 */

/** Fixed costs are what the stack costs idle; traffic-driven costs scale with the traffic profile. */
export type CostKind = 'fixed' | 'traffic';

/** A figure for the expected case and the worst case (capacity at its maximum, storage at its longest). */
export interface Range {
  readonly expected: number;
  readonly worstCase: number;
}

/** A line item as a pricer writes it: a quantity of one price. */
export interface LineItemDraft {
  /** Unique within the resource, stable across synths (compared by `--compare` and `review`), e.g. `requests`. */
  readonly id: string;
  /** What is billed, for people: `compute (x86_64, 2 GB, on demand)`. */
  readonly description: string;
  readonly kind: CostKind;
  /** The price-table key, e.g. `lambda.requests`. */
  readonly priceKey: string;
  /** How many price units are billed a month. */
  readonly quantity: Range;
  /** How the quantity was derived, e.g. `30M requests × 15 ms × 2 GB`. */
  readonly basis: string;
}

/** A priced line item. */
export interface LineItem extends LineItemDraft {
  readonly logicalId: string;
  readonly resourceType: string;
  /** USD per price unit. */
  readonly unitUsd: number;
  /** The price unit, e.g. `GB-second`. */
  readonly unit: string;
  /** Whether the price was read from the AWS Price List API. */
  readonly verified: boolean;
  /** How confident the price table is of the price. */
  readonly confidence: 'high' | 'medium' | 'low';
  /** Quantity the free tier covered (only with `--free-tier`). */
  readonly freeQuantity: Range;
  /** USD a month, after the free tier when applied. */
  readonly usd: Range;
}

/** What pricing one resource gives. */
export type ResourcePricing =
  | { readonly status: 'priced'; readonly items: readonly LineItemDraft[] }
  | { readonly status: 'free'; readonly rule: string }
  | { readonly status: 'unpriced'; readonly reason: string };

/** A resource priced by line items. */
export function priced(...items: LineItemDraft[]): ResourcePricing {
  return { status: 'priced', items };
}

/** A resource that costs nothing, by `rule`. */
export function free(rule: string): ResourcePricing {
  return { status: 'free', rule };
}

/** A resource the estimator cannot price, and why. */
export function unpriced(reason: string): ResourcePricing {
  return { status: 'unpriced', reason };
}

/** The same figure in both cases. */
export function both(value: number): Range {
  return { expected: value, worstCase: value };
}
