/**
 * The dated price table (`pricing/prices.json`): per region, each unit price with its source, the date it was
 * read, whether it came from the AWS Price List API (`verified`) and how confident it is; plus the free-tier
 * allowances. Validated with zod when loaded, so a hand edit that breaks the shape fails with the field's path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../../lambda/core/issues';
import { PACKAGE_ROOT } from '../package-root';
import { CheckFailure } from '../../lambda/core/modelstack-error';

/** Where the table lives in the package. */
export const DEFAULT_PRICE_TABLE = join(PACKAGE_ROOT, 'pricing', 'prices.json');

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date as YYYY-MM-DD' });

export const PriceFigureSchema = z.strictObject({
  /** The price in USD for `per` units. */
  usd: z.number().min(0),
  /** How many units `usd` pays for (1, 1000, 1000000). */
  per: z.number().positive(),
  /** What one unit is, e.g. `GB-second`, `requests`, `instance-hour`. */
  unit: z.string().min(1),
  /** The AWS pricing page or Price List offer the figure comes from. */
  source: z.url(),
  /** When the figure was read or written. */
  read: isoDate,
  /** True only when written by the refresh script from the AWS Price List API. */
  verified: z.boolean(),
  /** How sure the figure is: `high` (well known, stable), `medium`, `low` (recalled, check it). */
  confidence: z.enum(['high', 'medium', 'low']),
  note: z.string().optional(),
  /** A non-AWS page that was consulted where the AWS page itself could not be read. */
  secondarySource: z.strictObject({ url: z.url(), read: isoDate, note: z.string() }).optional(),
  /** The Price List product the refresh script read (SKU and rate code). */
  priceList: z.strictObject({ serviceCode: z.string(), sku: z.string(), rateCode: z.string(), description: z.string() }).optional(),
});

export const FreeTierSchema = z.strictObject({
  id: z.string().min(1),
  /** The prices whose quantities draw on this allowance, in order. */
  priceKeys: z.array(z.string().min(1)).min(1),
  /** The allowance per month, in the unit of those prices. */
  quantity: z.number().min(0),
  unit: z.string().min(1),
  source: z.url(),
  read: isoDate,
  verified: z.boolean(),
  note: z.string().optional(),
});

const RegionSchema = z.strictObject({
  prices: z.record(z.string().min(1), PriceFigureSchema),
  freeTier: z.array(FreeTierSchema).default([]),
});

export const PriceTableSchema = z.strictObject({
  schemaVersion: z.literal(1),
  currency: z.literal('USD'),
  /** The table's date: when its figures were last written. */
  date: isoDate,
  description: z.string().optional(),
  regions: z.record(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { message: 'must be an AWS region' }), RegionSchema),
});

/** One unit price as the table holds it. */
export type PriceFigure = z.output<typeof PriceFigureSchema>;
/** One free-tier allowance. */
export type FreeTierAllowance = z.output<typeof FreeTierSchema>;
/** The table as a JSON document. */
export type PriceTableDocument = z.output<typeof PriceTableSchema>;

/** A price of the table, with its key and the price of one unit. */
export interface UnitPrice extends PriceFigure {
  /** The key in the table, e.g. `lambda.requests`. */
  readonly key: string;
  /** USD for one unit: `usd / per`. */
  readonly unitUsd: number;
}

/** Thrown for a table that does not validate, or a region it does not cover. */
export class PriceTableError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'PriceTableError';
  }
}

/** The prices of one region. */
export class RegionPrices {
  constructor(
    /** The region. */
    readonly region: string,
    private readonly prices: Readonly<Record<string, PriceFigure>>,
    /** Free-tier allowances of the region. */
    readonly freeTier: readonly FreeTierAllowance[],
  ) {}

  /** The price at `key`, or `undefined` when the table has none (the pricer then reports the resource unpriced). */
  public get(key: string): UnitPrice | undefined {
    const figure = this.prices[key];
    return figure === undefined ? undefined : { ...figure, key, unitUsd: figure.usd / figure.per };
  }

  /** Every key the region prices, sorted. */
  public get keys(): string[] {
    return Object.keys(this.prices).sort();
  }
}

/** The loaded, validated price table. */
export class PriceTable {
  /** Reads and validates the table at `file` (the repository's table unless given). */
  public static load(file: string = DEFAULT_PRICE_TABLE): PriceTable {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new PriceTableError(`The price table ${file} cannot be read as JSON: ${(error as Error).message}`);
    }
    return PriceTable.fromJson(json, file);
  }

  /** Validates `json` as a price table; `source` names it in messages. */
  public static fromJson(json: unknown, source = 'the price table'): PriceTable {
    const parsed = PriceTableSchema.safeParse(json, { reportInput: true });
    if (!parsed.success) {
      const problems = describeIssues(parsed.error.issues, json, 'prices');
      throw new PriceTableError(`Invalid price table ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    return new PriceTable(parsed.data, source);
  }

  private constructor(
    /** The validated document. */
    readonly document: PriceTableDocument,
    /** Where it was read from. */
    readonly source: string,
  ) {}

  /** The table's date. */
  public get date(): string {
    return this.document.date;
  }

  /** The regions the table covers. */
  public get regions(): string[] {
    return Object.keys(this.document.regions);
  }

  /** The prices of `region`; throws {@link PriceTableError} naming the covered regions when it has none. */
  public forRegion(region: string): RegionPrices {
    const entry = this.document.regions[region];
    if (entry === undefined) {
      throw new PriceTableError(
        `The price table ${this.source} (${this.date}) has no prices for region ${region}; it covers ${this.regions.join(', ')}. ` +
          `Add the region with npm run refresh-prices -- --region ${region}`,
      );
    }
    return new RegionPrices(region, entry.prices, entry.freeTier);
  }
}
