/**
 * Rewrites the price table from the AWS Price List API: for each figure, the on-demand price of the product its
 * query finds (the lowest paid tier: e.g. the first 6 billion Lambda GB-seconds), scaled to the figure's `per`,
 * marked `verified` with the date read. Figures whose product is not found, or is ambiguous, keep their value and
 * their `verified: false`, and the result lists them with the reason. Nothing here calls AWS: products come from
 * a {@link ProductSource}.
 */
import type { PriceListQuery } from './price-list-queries';
import { priceListQuery } from './price-list-queries';
import type { PriceFigure, PriceTableDocument } from './price-table';

/** Fetches every product of one query (all pages of `GetProducts`), as the Price List JSON strings. */
export type ProductSource = (query: PriceListQuery) => Promise<readonly string[]>;

/** A price found for a query. */
export interface FoundPrice {
  readonly unitUsd: number;
  readonly unit: string;
  readonly sku: string;
  readonly rateCode: string;
  readonly description: string;
}

interface PriceDimension {
  readonly unit?: string;
  readonly beginRange?: string;
  readonly description?: string;
  readonly rateCode?: string;
  readonly pricePerUnit?: { readonly USD?: string };
}

interface Product {
  readonly product?: { readonly sku?: string; readonly attributes?: { readonly usagetype?: string } };
  readonly terms?: { readonly OnDemand?: Record<string, { readonly priceDimensions?: Record<string, PriceDimension> }> };
}

/** The price of `query` among `products`, or why there is none. */
export function findPrice(products: readonly string[], query: PriceListQuery): FoundPrice | { readonly problem: string } {
  const found: FoundPrice[] = [];
  for (const text of products) {
    const product = JSON.parse(text) as Product;
    const usage = product.product?.attributes?.usagetype ?? '';
    if (!query.usageType.test(usage)) continue;
    const dimensions = Object.values(product.terms?.OnDemand ?? {}).flatMap((term) => Object.values(term.priceDimensions ?? {}));
    const priced = dimensions
      .map((d) => ({ d, usd: Number(d.pricePerUnit?.USD), begin: Number(d.beginRange ?? 0) }))
      .filter((entry) => Number.isFinite(entry.usd) && query.unit.test(entry.d.unit ?? ''))
      .sort((a, b) => a.begin - b.begin);
    const tier = priced.find((entry) => entry.usd > 0) ?? priced[0];
    if (tier === undefined) continue;
    found.push({ unitUsd: tier.usd, unit: tier.d.unit ?? '', sku: product.product?.sku ?? '', rateCode: tier.d.rateCode ?? '', description: tier.d.description ?? '' });
  }
  if (found.length === 0) return { problem: `no product with usagetype ~ ${query.usageType.source} and unit ~ ${query.unit.source}` };
  const prices = new Set(found.map((price) => price.unitUsd));
  if (prices.size > 1) return { problem: `ambiguous: ${found.length} products match with prices ${[...prices].join(', ')}` };
  return found[0];
}

/** `figure` with the price read from the Price List on `today`. */
export function verifiedFigure(figure: PriceFigure, found: FoundPrice, query: PriceListQuery, region: string, today: string): PriceFigure {
  return {
    ...figure,
    usd: Number((found.unitUsd * figure.per).toPrecision(10)),
    source: `https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/${query.serviceCode}/current/${region}/index.json`,
    read: today,
    verified: true,
    confidence: 'high',
    note: `Read from the AWS Price List API (GetProducts ${query.serviceCode}) on ${today}: ${found.description}`,
    priceList: { serviceCode: query.serviceCode, sku: found.sku, rateCode: found.rateCode, description: found.description },
  };
}

/** What a refresh did. */
export interface RefreshResult {
  readonly table: PriceTableDocument;
  readonly verified: readonly string[];
  /** Figures left as they were, each with the reason. */
  readonly kept: ReadonlyArray<{ readonly region: string; readonly key: string; readonly reason: string }>;
}

/**
 * Refreshes every figure of `regions` in `table` (a region the table lacks starts from the keys of its first
 * region, and only found figures are written for it). The table's date becomes `today`.
 */
export async function refreshTable(table: PriceTableDocument, regions: readonly string[], source: ProductSource, today: string): Promise<RefreshResult> {
  const template = Object.values(table.regions)[0];
  const next: Record<string, PriceTableDocument['regions'][string]> = { ...table.regions };
  const verified: string[] = [];
  const kept: Array<{ region: string; key: string; reason: string }> = [];
  for (const region of regions) {
    const existing = table.regions[region];
    const base = existing ?? { prices: {}, freeTier: template?.freeTier ?? [] };
    const prices: Record<string, PriceFigure> = { ...base.prices };
    for (const [key, figure] of Object.entries(existing?.prices ?? template?.prices ?? {})) {
      const query = priceListQuery(key, region);
      if (query === undefined) {
        kept.push({ region, key, reason: 'no Price List mapping' });
        continue;
      }
      const found = findPrice(await source(query), query);
      if ('problem' in found) {
        kept.push({ region, key, reason: found.problem });
        continue;
      }
      prices[key] = verifiedFigure(figure, found, query, region, today);
      verified.push(`${region} ${key}`);
    }
    next[region] = { ...base, prices: Object.fromEntries(Object.entries(prices).sort(([a], [b]) => a.localeCompare(b))) };
  }
  return { table: { ...table, date: today, regions: next }, verified, kept };
}
