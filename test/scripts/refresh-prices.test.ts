/**
 * The price refresh, offline: `--dry-run` prints the Price List queries; a refresh with a stubbed product source
 * rewrites the figures it finds as verified and keeps (and lists) the others. AWS is never called.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { priceListQuery } from '../../lib/cost/price-list-queries';
import { findPrice, type ProductSource } from '../../lib/cost/price-refresh';
import { DEFAULT_PRICE_TABLE, PriceTable } from '../../lib/cost/price-table';
import { refreshPrices } from '../../scripts/refresh-prices';

/** A Price List product as GetProducts returns it (one JSON string). */
function product(usagetype: string, tiers: Array<{ begin: string; usd: string; unit: string }>, sku = 'SKU1'): string {
  const priceDimensions = Object.fromEntries(
    tiers.map((tier, index) => [`${sku}.JRTCKXETXF.${index}`, { unit: tier.unit, beginRange: tier.begin, endRange: 'Inf', description: `${tier.usd} per ${tier.unit}`, rateCode: `${sku}.JRTCKXETXF.${index}`, pricePerUnit: { USD: tier.usd } }]),
  );
  return JSON.stringify({ product: { sku, attributes: { usagetype } }, terms: { OnDemand: { [`${sku}.JRTCKXETXF`]: { priceDimensions } } } });
}

const never: ProductSource = () => {
  return Promise.reject(new Error('the dry run must not call the Price List API'));
};

function io(source: ProductSource = never) {
  const out: string[] = [];
  return { out, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => out.push(l), source, today: '2027-01-15' } };
}

describe('Given the refresh script with --dry-run', () => {
  test('When it runs, then it prints one GetProducts query per figure and region, for every service the table prices, and calls nothing', async () => {
    const { out, io: seams } = io();
    expect(await refreshPrices(['--dry-run'], seams)).toBe(0);
    const table = PriceTable.load();
    const figures = table.regions.reduce((sum, region) => sum + table.forRegion(region).keys.length, 0);
    expect(out).toHaveLength(figures);
    for (const service of ['AWSLambda', 'AmazonSageMaker', 'AmazonS3', 'awskms', 'AmazonCloudWatch', 'AmazonSNS', 'AWSXRay', 'AmazonKinesisFirehose']) {
      expect(out.some((line) => line.includes(`ServiceCode=${service} `))).toBe(true);
    }
    expect(out).toContain(
      'eu-west-1 sagemaker.instance.ml.m5.large: GetProducts ServiceCode=AmazonSageMaker Filters=[regionCode TERM_MATCH "eu-west-1", usagetype CONTAINS "Host:ml.m5.large"] usagetype ~ ^(?:[A-Z]{2,4}\\d?-)?Host:ml\\.m5\\.large$ unit ~ ^Hrs$',
    );
  });

  test('When a region is named, then only its queries are printed', async () => {
    const { out, io: seams } = io();
    await refreshPrices(['--dry-run', '--region', 'ap-south-1'], seams);
    expect(out.every((line) => line.startsWith('ap-south-1 '))).toBe(true);
    expect(out.some((line) => line.includes('regionCode TERM_MATCH "ap-south-1"'))).toBe(true);
  });
});

describe('Given Price List products', () => {
  const query = priceListQuery('lambda.x86_64.duration', 'eu-west-1')!;

  test('When a product is tiered, then the lowest paid tier is taken', () => {
    const products = [product('EU-Lambda-GB-Second', [{ begin: '6000000000', usd: '0.0000150000', unit: 'Lambda-GB-Second' }, { begin: '0', usd: '0.0000166667', unit: 'Lambda-GB-Second' }])];
    expect(findPrice(products, query)).toMatchObject({ unitUsd: 0.0000166667, sku: 'SKU1' });
  });

  test('When only other usage types or units match, then nothing is found and the reason says what was looked for', () => {
    expect(findPrice([product('EU-Lambda-GB-Second-ARM', [{ begin: '0', usd: '0.0000133334', unit: 'Lambda-GB-Second' }])], query)).toEqual({
      problem: 'no product with usagetype ~ ^(?:[A-Z]{2,4}\\d?-)?Lambda-GB-Second$ and unit ~ ^(Lambda-)?GB-Second',
    });
    expect('problem' in findPrice([product('EU-Lambda-GB-Second', [{ begin: '0', usd: '1', unit: 'Hrs' }])], query)).toBe(true);
  });

  test('When two products match with different prices, then it is ambiguous rather than guessed', () => {
    const products = [product('EU-Lambda-GB-Second', [{ begin: '0', usd: '0.1', unit: 'GB-Second' }], 'A'), product('Lambda-GB-Second', [{ begin: '0', usd: '0.2', unit: 'GB-Second' }], 'B')];
    expect(findPrice(products, query)).toEqual({ problem: 'ambiguous: 2 products match with prices 0.1, 0.2' });
  });
});

describe('Given Price List products of Firehose', () => {
  const query = priceListQuery('firehose.ingestion', 'eu-west-1')!;

  test('When the ingestion figure is queried, then it asks AmazonKinesisFirehose for the region\'s billed bytes per GB', () => {
    expect(query).toMatchObject({ serviceCode: 'AmazonKinesisFirehose', filters: [{ Field: 'regionCode', Value: 'eu-west-1' }, { Field: 'usagetype', Value: 'BilledBytes' }] });
  });

  test('When the ingestion product is tiered, then the first 500 TB tier is taken, and other Firehose usage types are not', () => {
    const tiers = [{ begin: '512000', usd: '0.027', unit: 'GB' }, { begin: '0', usd: '0.031', unit: 'GB' }];
    expect(findPrice([product('EU-BilledBytes', tiers, 'A'), product('EU-BilledBytes-VendedLogs', [{ begin: '0', usd: '0.1', unit: 'GB' }], 'B')], query)).toMatchObject({ unitUsd: 0.031, sku: 'A' });
  });
});

describe('Given a refresh with a stubbed Price List that knows only Lambda requests in eu-west-1', () => {
  test('When it runs, then that figure is rewritten as verified with its offer and date, and the others are kept and listed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'modelstack-prices-')), 'prices.json');
    copyFileSync(DEFAULT_PRICE_TABLE, file);
    const source: ProductSource = (q) => Promise.resolve(q.serviceCode === 'AWSLambda' ? [product('EU-Request', [{ begin: '0', usd: '0.0000002100', unit: 'Requests' }])] : []);
    const { out, io: seams } = io(source);
    expect(await refreshPrices(['--region', 'eu-west-1', '--table', file], seams)).toBe(0);
    const refreshed = PriceTable.load(file);
    expect(refreshed.date).toBe('2027-01-15');
    expect(refreshed.forRegion('eu-west-1').get('lambda.requests')).toMatchObject({
      usd: 0.21,
      per: 1_000_000,
      verified: true,
      read: '2027-01-15',
      source: 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSLambda/current/eu-west-1/index.json',
      priceList: { serviceCode: 'AWSLambda', sku: 'SKU1' },
    });
    expect(refreshed.forRegion('eu-west-1').get('kms.key')?.verified).toBe(false);
    expect(refreshed.forRegion('us-east-1').get('lambda.requests')?.verified).toBe(false);
    expect(out[0]).toBe(`refresh-prices: 1 figure(s) read from the Price List API and written to ${file} (dated 2027-01-15)`);
    expect(out).toContain('  kept (unverified): eu-west-1 kms.key: no product with usagetype ~ ^(?:[A-Z]{2,4}\\d?-)?KMS-Keys$ and unit ~ ^Keys?$');
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(1);
  });
});
