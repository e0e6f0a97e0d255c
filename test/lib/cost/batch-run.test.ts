/** A batch run priced per million rows from the synthesized state machine and function. */
import { estimateBatchRuns, formatBatchRuns } from '../../../lib/cost/batch-run';
import { PriceTable } from '../../../lib/cost/price-table';
import { synthBatch } from '../../support/batch';

const prices = PriceTable.load().forRegion('eu-west-1');

describe('Given the Lambda engine with 100,000 rows per child and 2048 MB', () => {
  const [run] = estimateBatchRuns(synthBatch().template.toJSON(), prices);

  test('Then a million rows are 10 parts: transitions, requests, GB-seconds and S3 requests follow from them', () => {
    expect(run.engine).toBe('lambda');
    const byKey = Object.fromEntries(run.lines.map((l) => [l.priceKey, l.quantity]));
    expect(byKey['stepfunctions.standard.transitions']).toBe(5 + 10 * 3);
    expect(byKey['lambda.requests']).toBe(12);
    // 1e6 rows at 10,000 rows/s per vCPU on 2048/1769 vCPU, plus 2.5 s planning, at 2 GB.
    expect(byKey['lambda.x86_64.duration']).toBeCloseTo((1e6 / (10_000 * (2048 / 1769)) + 2.5) * 2, 6);
    expect(run.missingPrices).toEqual([]);
    expect(run.totalUsd).toBeCloseTo(run.lines.reduce((s, l) => s + l.usd, 0), 10);
  });

  test('Then fewer rows per child mean more parts and more transitions', () => {
    const [small] = estimateBatchRuns(synthBatch({ rowsPerChild: 10_000 }).template.toJSON(), prices);
    expect(small.lines.find((l) => l.priceKey === 'stepfunctions.standard.transitions')?.quantity).toBe(5 + 100 * 3);
  });

  test('Then the report names the run, each line and its basis', () => {
    const text = formatBatchRuns([run]);
    expect(text[0]).toMatch(/^Batch run per 1,000,000 rows \(Batch[0-9A-F]+, lambda\): \$\d+\.\d{4}$/);
    expect(text.some((l) => l.includes('10 parts (100,000 rows each)'))).toBe(true);
  });
});

test('Given a template without a batch state machine, then there is no batch run', () => {
  expect(estimateBatchRuns({ Resources: {} }, prices)).toEqual([]);
});
