/**
 * `npm run refresh-prices [-- --region eu-central-1] [--dry-run]`: rewrites pricing/prices.json from the AWS Price
 * List API (GetProducts; needs AWS credentials allowed `pricing:GetProducts`). Figures found are written with
 * `verified: true` and today's date; the others are kept as they were and listed. `--dry-run` prints the queries
 * and calls nothing. Tests never run it against AWS.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { Command } from 'commander';
import { describeQuery, priceListQuery } from '../lib/cost/price-list-queries';
import { refreshTable, type ProductSource } from '../lib/cost/price-refresh';
import { DEFAULT_PRICE_TABLE, PriceTable, type PriceTableDocument } from '../lib/cost/price-table';

/** Output and the seams tests replace. */
export interface RefreshIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  /** @default the Price List API in us-east-1 */
  readonly source?: ProductSource;
  /** @default today (UTC) */
  readonly today?: string;
}

/** The Price List API: every page of GetProducts for one query. */
export function priceListApi(client = new PricingClient({ region: 'us-east-1' })): ProductSource {
  return async (query) => {
    const products: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(
        new GetProductsCommand({ ServiceCode: query.serviceCode, Filters: query.filters.map((filter) => ({ ...filter })), FormatVersion: 'aws_v1', MaxResults: 100, NextToken }),
      );
      for (const entry of page.PriceList ?? []) products.push(typeof entry === 'string' ? entry : JSON.stringify(entry));
      NextToken = page.NextToken;
    } while (NextToken !== undefined);
    return products;
  };
}

interface Options {
  readonly region: string[];
  readonly table: string;
  readonly dryRun?: boolean;
}

/** Runs the refresh with `argv` (without the node and script names); resolves with the exit code. */
export async function refreshPrices(argv: readonly string[], io: RefreshIo): Promise<number> {
  const program = new Command('refresh-prices')
    .option('--region <region>', 'a region to refresh (repeatable; default: every region of the table)', (value: string, all: string[]) => [...all, value], [])
    .option('--table <file>', 'the price table', DEFAULT_PRICE_TABLE)
    .option('--dry-run', 'print the GetProducts queries and call nothing')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text.trimEnd()), writeErr: (text) => io.stderr(text.trimEnd()) });
  try {
    program.parse([...argv], { from: 'user' });
  } catch {
    return 2;
  }
  const options = program.opts<Options>();
  const file = resolve(options.table);
  const table = PriceTable.load(file).document;
  const regions = options.region.length > 0 ? options.region : Object.keys(table.regions);
  if (options.dryRun === true) {
    const template = Object.values(table.regions)[0]?.prices ?? {};
    for (const region of regions) {
      for (const key of Object.keys(table.regions[region]?.prices ?? template)) io.stdout(describeQuery(region, key, priceListQuery(key, region)));
    }
    return 0;
  }
  const today = io.today ?? new Date().toISOString().slice(0, 10);
  const result = await refreshTable(table, regions, io.source ?? priceListApi(), today);
  PriceTable.fromJson(result.table, file);
  writeFileSync(file, `${JSON.stringify(result.table satisfies PriceTableDocument, null, 2)}\n`);
  io.stdout(`refresh-prices: ${result.verified.length} figure(s) read from the Price List API and written to ${file} (dated ${today})`);
  for (const kept of result.kept) io.stdout(`  kept (unverified): ${kept.region} ${kept.key}: ${kept.reason}`);
  return 0;
}

if (require.main === module) {
  refreshPrices(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`refresh-prices: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
