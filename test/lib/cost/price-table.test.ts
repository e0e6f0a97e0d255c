/** The dated price table: its shape, what it covers, and how it refuses what it cannot answer. */
import { readFileSync } from 'node:fs';
import { environments } from '../../../config/environments';
import { DEFAULT_PRICE_TABLE, PriceTable, PriceTableError, type PriceTableDocument } from '../../../lib/cost/price-table';
import { PRICES } from '../../support/cost';

const document = JSON.parse(readFileSync(DEFAULT_PRICE_TABLE, 'utf8')) as PriceTableDocument;

describe('Given the price table in the repository', () => {
  test('When loaded, then it validates and is dated', () => {
    expect(PRICES.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICES.date).toBe(document.date);
  });

  test('When its regions are listed, then it covers every region the config uses, plus us-east-1 and eu-west-1', () => {
    const configured = Object.values(environments).map((env) => env.region);
    expect(PRICES.regions).toEqual(expect.arrayContaining([...new Set([...configured, 'us-east-1', 'eu-west-1'])]));
  });

  test('When the regions are compared, then each prices the same keys', () => {
    const [first, ...rest] = PRICES.regions.map((region) => PRICES.forRegion(region).keys);
    for (const keys of rest) expect(keys).toEqual(first);
  });

  test.each(Object.entries(document.regions).flatMap(([region, entry]) => Object.entries(entry.prices).map(([key, figure]) => [region, key, figure] as const)))(
    'When %s %s is read, then it names its source and the date read, and says whether it was verified',
    (_region, _key, figure) => {
      expect(figure.source).toMatch(/^https:\/\/(aws\.amazon\.com|pricing\.us-east-1\.amazonaws\.com\/offers)\//);
      expect(figure.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof figure.verified).toBe('boolean');
      if (!figure.verified) expect(figure.note).toMatch(/refresh with npm run refresh-prices/);
      if (figure.secondarySource !== undefined) expect(figure.secondarySource.note).toMatch(/secondary source|not the AWS page/);
    },
  );

  test('When the Lambda prices are read, then they are the published us-east-1 rates (x86 $0.0000166667, arm $0.0000133334 per GB-second, $0.20 per 1M requests)', () => {
    const prices = PRICES.forRegion('us-east-1');
    expect(prices.get('lambda.x86_64.duration')?.unitUsd).toBe(0.0000166667);
    expect(prices.get('lambda.arm64.duration')?.unitUsd).toBe(0.0000133334);
    expect(prices.get('lambda.requests')?.unitUsd).toBeCloseTo(0.2 / 1e6, 15);
  });

  test('When the free tier is read, then every allowance draws on prices the region has', () => {
    for (const region of PRICES.regions) {
      const prices = PRICES.forRegion(region);
      for (const allowance of prices.freeTier) for (const key of allowance.priceKeys) expect({ region, key, found: prices.get(key) !== undefined }).toEqual({ region, key, found: true });
    }
  });
});

describe('Given questions the table cannot answer', () => {
  test('When a region is not covered, then it is refused naming the covered regions and how to add it', () => {
    expect(() => PRICES.forRegion('ap-south-1')).toThrow(PriceTableError);
    expect(() => PRICES.forRegion('ap-south-1')).toThrow(/has no prices for region ap-south-1; it covers us-east-1, eu-west-1\. Add the region with npm run refresh-prices -- --region ap-south-1/);
  });

  test('When a price is not in the table, then the lookup gives undefined (the resource is then unpriced, never zero)', () => {
    expect(PRICES.forRegion('us-east-1').get('sagemaker.instance.ml.p5.48xlarge')).toBeUndefined();
  });

  test('When a hand edit breaks a figure, then loading fails naming the field and the value', () => {
    const broken = structuredClone(document) as unknown as { regions: Record<string, { prices: Record<string, Record<string, unknown>> }> };
    broken.regions['us-east-1'].prices['lambda.requests'].usd = -1;
    delete broken.regions['us-east-1'].prices['kms.key'].source;
    expect(() => PriceTable.fromJson(broken, 'edited.json')).toThrow(/Invalid price table edited\.json:\n {2}- prices\.regions\.us-east-1\.prices\.kms\.key\.source: .*\n {2}- prices\.regions\.us-east-1\.prices\.lambda\.requests\.usd: -1 is below the minimum 0/);
  });
});
