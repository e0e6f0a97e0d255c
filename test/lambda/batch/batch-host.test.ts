/**
 * The batch host against a real S3 API (s3rver on 127.0.0.1) with the breast-cancer example: a CSV with bad rows
 * is planned into ranges, every range scored into results and rejected files, and the run summarized. Every
 * prediction equals the local server's answer for the same row.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createBatchHandler, type BatchHandler } from '../../../lambda/hosts/batch-handler';
import type { PlanResult, RunSummary, ScoreResult } from '../../../lambda/batch/s3-batch';
import type { RangeItem } from '../../../lambda/batch/range-plan';
import { sha256Hex } from '../../../lambda/core/model-source';
import { runtimeConfigFromEnv } from '../../../lambda/core/runtime-config';
import { startServer, type RunningServer } from '../../../lambda/hosts/local-server';
import { startLocalS3, type LocalS3 } from '../../support/s3rver';

const MODEL_DIR = join(__dirname, '..', '..', '..', 'examples', 'breast-cancer');
const modelBytes = readFileSync(join(MODEL_DIR, 'model.onnx'));
const config = runtimeConfigFromEnv({
  MODEL_BUCKET: 'models',
  MODEL_KEY: 'breast-cancer/model.onnx',
  MODEL_SHA256: sha256Hex(modelBytes),
  MODEL_MANIFEST: join(MODEL_DIR, 'model.json'),
});

/** test.csv with a customer id in front, one bad value, one short row and a blank line. */
function inputCsv(): { text: string; dataRows: string[] } {
  const [header, ...rows] = readFileSync(join(MODEL_DIR, 'test.csv'), 'utf8').trim().split('\n');
  const data = rows.slice(0, 40).map((row, i) => `c${i + 1},${row}`);
  data[4] = data[4].replace(/^c5,[^,]*/, 'c5,abc');
  data[9] = 'c10,1,2,3';
  const lines = [`customer_id,${header}`, ...data.slice(0, 20), '', ...data.slice(20)];
  return { text: `${lines.join('\n')}\n`, dataRows: data };
}

let s3: LocalS3;
let server: RunningServer;
let handle: BatchHandler;

beforeAll(async () => {
  s3 = await startLocalS3();
  await s3.client.send(new CreateBucketCommand({ Bucket: 'models' }));
  await s3.client.send(new CreateBucketCommand({ Bucket: 'data' }));
  await s3.client.send(new PutObjectCommand({ Bucket: 'models', Key: 'breast-cancer/model.onnx', Body: modelBytes }));
  await s3.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'input/customers.csv', Body: inputCsv().text }));
  server = await startServer({ model: MODEL_DIR, port: 0, logLevel: 'SILENT', announce: () => undefined });
  handle = createBatchHandler({
    config,
    s3Client: s3.client,
    locations: { input: { bucket: 'data', key: 'input/' }, output: { bucket: 'data', key: 'output/' } },
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await s3?.close();
});

async function text(key: string): Promise<string> {
  const response = await s3.client.send(new GetObjectCommand({ Bucket: 'data', Key: key }));
  return (await response.Body?.transformToString()) ?? '';
}

async function serverPredictions(rows: readonly string[]): Promise<unknown[]> {
  // The server takes the features only: the id and the target are the batch's pass-through columns.
  const withoutTarget = (line: string): string => line.slice(0, line.lastIndexOf(','));
  const header = withoutTarget(readFileSync(join(MODEL_DIR, 'test.csv'), 'utf8').split('\n')[0]);
  const body = [header, ...rows.map((row) => withoutTarget(row.replace(/^c\d+,/, '')))].join('\n');
  const response = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
  expect(response.status).toBe(200);
  return ((await response.json()) as { predictions: unknown[] }).predictions;
}

describe('Given a CSV with bad rows in S3', () => {
  let plan: PlanResult;
  let items: RangeItem[];
  let scores: ScoreResult[];

  beforeAll(async () => {
    plan = (await handle({ action: 'plan', input: 's3://data/input/customers.csv', output: 's3://data/output/run-1', rowsPerChild: 15 })) as PlanResult;
    items = JSON.parse(await text(plan.plan.key)) as RangeItem[];
    scores = [];
    for (const item of items) scores.push((await handle({ action: 'score', item, output: plan.output })) as ScoreResult);
  }, 60_000);

  test('the plan cuts it into ranges of at most rowsPerChild rows, each with its first line and row', () => {
    expect(plan).toMatchObject({ items: 3, objects: 1, output: { bucket: 'data', key: 'output/run-1/' }, plan: { key: 'output/run-1/plan.json' } });
    expect(items.map((i) => [i.id, i.firstRow, i.firstLine])).toEqual([
      ['part-000000', 1, 2],
      ['part-000001', 16, 17],
      ['part-000002', 31, 33],
    ]);
    expect(items[0].header).toMatch(/^customer_id,mean_radius,/);
  });

  test('every row is scored or rejected with its line and the 400 reason, none dropped', async () => {
    expect(scores.reduce((n, s) => n + s.rows, 0)).toBe(40);
    expect(scores.reduce((n, s) => n + s.rejectedRows, 0)).toBe(2);
    const rejected = (await text('output/run-1/rejected/part-000000.jsonl')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejected).toEqual([
      { row: 5, line: 6, status: 400, reason: 'mean_radius: "abc" is not allowed; expected a finite number of at least 0' },
      { row: 10, line: 11, status: 400, reason: expect.stringMatching(/^\(instance\): 4 cells is not allowed; expected 32 cells/) },
    ]);
  });

  test('predictions equal the local server answers for the same rows, in order, with the id passed through', async () => {
    const { dataRows } = inputCsv();
    const good = dataRows.filter((_, i) => i !== 4 && i !== 9);
    const expected = await serverPredictions(good);
    const lines: string[] = [];
    for (const item of items) lines.push(...(await text(`output/run-1/results/${item.id}.csv`)).trim().split('\n').slice(1));
    const header = (await text('output/run-1/results/part-000000.csv')).split('\n')[0];
    expect(header).toBe('row,customer_id,diagnosis,predicted_label,probability_malignant,probability_benign');
    expect(lines).toHaveLength(38);
    lines.forEach((line, i) => {
      const [row, id, , label, malignant, benign] = line.split(',');
      const want = expected[i] as { label: string; probabilities: Record<string, number> };
      expect(id).toBe(good[i].split(',')[0]);
      expect(Number(row)).toBe(Number(id.slice(1)));
      expect(label).toBe(want.label);
      expect(Number(malignant)).toBe(want.probabilities.malignant);
      expect(Number(benign)).toBe(want.probabilities.benign);
    });
  });

  test('a retried child overwrites its own output and nothing else', async () => {
    const before = await text('output/run-1/results/part-000001.csv');
    await handle({ action: 'score', item: items[1], output: plan.output });
    expect(await text('output/run-1/results/part-000001.csv')).toBe(before);
  });

  test('the summary adds up the children counts from the ResultWriter files', async () => {
    const succeeded = scores.map((s) => ({ Output: JSON.stringify(s) }));
    await s3.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'output/run-1/map/SUCCEEDED_0.json', Body: JSON.stringify(succeeded) }));
    await s3.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'output/run-1/map/manifest.json', Body: JSON.stringify({ ResultFiles: { SUCCEEDED: [{ Key: 'output/run-1/map/SUCCEEDED_0.json' }], FAILED: [] } }) }));
    const summary = (await handle({ action: 'summarize', resultManifest: { bucket: 'data', key: 'output/run-1/map/manifest.json' }, output: plan.output })) as RunSummary;
    expect(summary).toEqual({ rows: 40, rejectedRows: 2, succeededItems: 3, failedItems: 0 });
    expect(JSON.parse(await text('output/run-1/summary.json'))).toEqual(summary);
  });
});

describe('Given locations outside the prefixes the role allows', () => {
  test.each([
    ['input', 's3://data/elsewhere/x.csv', 's3://data/output/r', /input: s3:\/\/data\/elsewhere\/x.csv is not allowed; expected a location under s3:\/\/data\/input\//],
    ['output', 's3://data/input/customers.csv', 's3://data/input/out', /output: s3:\/\/data\/input\/out\/ is not allowed; expected a location under s3:\/\/data\/output\//],
  ])('a run with the %s outside is refused naming it', async (_what, input, output, message) => {
    await expect(handle({ action: 'plan', input, output })).rejects.toThrow(message);
  });

  test('an input that is not an s3:// URI is refused', async () => {
    await expect(handle({ action: 'plan', input: 'data/input/x.csv', output: 's3://data/output/r' })).rejects.toThrow(/input: "data\/input\/x.csv" is not allowed; expected s3:\/\/<bucket>\/<key or prefix>/);
  });
});
