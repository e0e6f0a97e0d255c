/**
 * Open Inference Protocol (v2) requests as SageMaker's own data capture stores them: breast-cancer test rows really
 * served by the runtime (real onnxruntime-node) as v2 JSON, their bodies and answers written as capture records
 * byte for byte, read by the quality window exactly as the same rows served and captured as `/invocations`; and a
 * refusal, naming the file and line, per way a captured v2 answer or answered request can be malformed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeQualityWindow } from '../../../lambda/records/quality-window';
import { predictionId, type CaptureRecord, type GroundTruthRecord } from '../../../lambda/records/record-format';
import { parseCaptureLines } from '../../../lambda/records/record-reader';
import type { TrainingProfile } from '../../../lambda/records/training-profile';
import { EXAMPLES, app, model, request, useExampleModels } from '../../support/serving';

useExampleModels();

const DIR = join(EXAMPLES, 'breast-cancer');
const PROFILE = JSON.parse(readFileSync(join(DIR, 'profile.json'), 'utf8')) as TrainingProfile;
const [HEADER, ...LINES] = readFileSync(join(DIR, 'test.csv'), 'utf8').trim().split('\n');
const COLUMNS = HEADER.split(',');
const FEATURES = COLUMNS.slice(0, 30);
const ROWS = LINES.slice(0, 24).map((line) => line.split(','));
const WINDOW = { start: new Date('2026-01-01T10:00:00Z'), end: new Date('2026-01-01T11:00:00Z') };

/** The requests: batches of 1, 5, 8 and 10 rows, ids `r0`...; as `/invocations` instances or v2 tensors. */
const BATCHES = [[0, 1], [1, 6], [6, 14], [14, 24]].map(([from, to], b) => ({ id: `r${b}`, rows: ROWS.slice(from, to) }));

function record(id: string, index: number, input: string, output: string, inferenceId?: string): CaptureRecord {
  return {
    captureData: {
      endpointInput: { observedContentType: 'application/json', mode: 'INPUT', data: input, encoding: 'JSON' },
      endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: output, encoding: 'JSON' },
    },
    eventMetadata: { eventId: `event-${id}-${index}`, ...(inferenceId === undefined ? {} : { inferenceId }), inferenceTime: `2026-01-01T10:0${index}:00Z` },
    eventVersion: '0',
  };
}

async function served(path: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  const req = request('POST', path, body);
  const response = await app('breast-cancer').handle({ ...req, headers: { ...req.headers, ...headers } });
  expect(response.status).toBe(200);
  return String(response.body);
}

/** v2 bodies: even batches one tensor per feature with the request's `id`; odd ones the [N, 30] matrix and SageMaker's inference id. */
function v2Body(batch: (typeof BATCHES)[number], b: number): string {
  const n = batch.rows.length;
  const inputs = b % 2 === 0
    ? FEATURES.map((name, f) => ({ name, shape: [n], datatype: 'FP64', data: batch.rows.map((r) => Number(r[f])) }))
    : [{ name: 'input', shape: [n, 30], datatype: 'FP32', data: batch.rows.flatMap((r) => r.slice(0, 30).map(Number)) }];
  return JSON.stringify(b % 2 === 0 ? { id: batch.id, inputs } : { inputs });
}

async function capturesOf(route: 'invocations' | 'v2'): Promise<CaptureRecord[]> {
  const out: CaptureRecord[] = [];
  for (const [b, batch] of BATCHES.entries()) {
    if (route === 'invocations') {
      const body = JSON.stringify({ instances: batch.rows.map((r) => Object.fromEntries(FEATURES.map((f, i) => [f, Number(r[i])]))) });
      const header = { 'x-amzn-sagemaker-inference-id': batch.id };
      out.push(record(batch.id, b, body, await served('/invocations', body, header), batch.id));
    } else {
      const body = v2Body(batch, b);
      // SageMaker's inference id reaches the runtime as its header; a v2 request's own `id` wins over it.
      const header: Record<string, string> = b % 2 === 0 ? {} : { 'x-amzn-sagemaker-inference-id': batch.id };
      out.push(record(batch.id, b, body, await served('/v2/models/breast-cancer/infer', body, header), b % 2 === 0 ? undefined : batch.id));
    }
  }
  return out;
}

/** Ground truth for every other row of each batch, keyed by prediction id. */
const GROUND_TRUTH: GroundTruthRecord[] = BATCHES.flatMap((batch) =>
  batch.rows.flatMap((r, i) => (i % 2 === 0 ? [{ groundTruthData: { data: r[30], encoding: 'CSV' as const }, eventMetadata: { eventId: predictionId(batch.id, i, batch.rows.length) }, eventVersion: '0' }] : [])),
);

describe('Given breast-cancer rows served as v2 JSON and captured by SageMaker as sent', () => {
  test('Then the window scores them and counts their inputs in drift exactly as the same rows captured as /invocations', async () => {
    const manifest = model('breast-cancer').manifest;
    const window = (captures: CaptureRecord[]) => computeQualityWindow({ manifest, profile: PROFILE, captures, groundTruth: GROUND_TRUTH, window: WINDOW });
    const viaInvocations = window(await capturesOf('invocations'));
    const viaV2 = window(await capturesOf('v2'));
    expect(viaV2.predictions).toBe(24);
    expect(viaV2.labelled).toBe(GROUND_TRUTH.length);
    expect(viaV2.unscoredRequests).toBe(0);
    expect(viaV2.drift?.mean_radius.values).toBe(24);
    // The v2 answer's probabilities are FP32 (the model's own), the /invocations answer's the same numbers as JSON.
    expect(viaV2).toEqual(viaInvocations);
  });
});

describe('Given a malformed v2 capture', () => {
  const manifest = () => model('breast-cancer').manifest;
  const INPUT = JSON.stringify({ id: 'a', inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data: ROWS[0].slice(0, 30).map(Number) }] });
  const answer = (outputs: unknown[]) => JSON.stringify({ model_name: 'breast-cancer', model_version: '1.0.0', id: 'a', outputs });
  const LABEL = { name: 'label', datatype: 'BYTES', shape: [1], data: ['benign'] };
  const PROBABILITIES = { name: 'probabilities', datatype: 'FP32', shape: [1, 2], data: [0.1, 0.9] };
  const readWindow = (input: string, output: string) => {
    const line = JSON.stringify(record('a', 0, input, output));
    const captures = parseCaptureLines(`\n${line}\n`, 'capture/ep/AllTraffic/2026/01/01/10/x.jsonl');
    return () => computeQualityWindow({ manifest: manifest(), captures, groundTruth: [], window: WINDOW });
  };
  const where = /capture\/ep\/AllTraffic\/2026\/01\/01\/10\/x\.jsonl:2: captureData\.endpointOutput/;

  test('When the answer lacks the probabilities (asked for label only), then it is refused naming the file and line', () => {
    expect(readWindow(INPUT, answer([LABEL]))).toThrow(where);
    expect(readWindow(INPUT, answer([LABEL]))).toThrow(/no tensor "probabilities"/);
  });

  test('When an answer tensor has the wrong shape, then it is refused naming the tensor', () => {
    expect(readWindow(INPUT, answer([LABEL, { ...PROBABILITIES, shape: [1, 3] }]))).toThrow(/"probabilities".shape is \[1,3\]; expected \[N, 2\]/);
  });

  test('When an answer tensor has too few values, then it is refused', () => {
    expect(readWindow(INPUT, answer([LABEL, { ...PROBABILITIES, data: [0.1] }]))).toThrow(/"probabilities".data has 1 values; expected 2/);
  });

  test('When a label is not one of the model\'s, then it is refused naming it', () => {
    expect(readWindow(INPUT, answer([{ ...LABEL, data: ['maybe'] }, PROBABILITIES]))).toThrow(/"label".data\[0\] is "maybe"; expected one of "malignant", "benign"/);
  });

  test('When a probability is not a number, then it is refused', () => {
    expect(readWindow(INPUT, answer([LABEL, { ...PROBABILITIES, data: [0.1, 'x'] }]))).toThrow(/"probabilities".data\[1\] is "x"; expected a number/);
  });

  test('When the answer has more predictions than the request instances, then it is refused', () => {
    const two = answer([{ ...LABEL, shape: [2], data: ['benign', 'benign'] }, { ...PROBABILITIES, shape: [2, 2], data: [0.1, 0.9, 0.1, 0.9] }]);
    expect(readWindow(INPUT, two)).toThrow(/2 predictions for a request of 1 instances/);
  });

  test('When an answered request is one the runtime refuses, then it is refused naming the input side', () => {
    const bad = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 29], datatype: 'FP32', data: ROWS[0].slice(0, 29).map(Number) }] });
    expect(readWindow(bad, answer([LABEL, PROBABILITIES]))).toThrow(/x\.jsonl:2: captureData\.endpointInput is not an Open Inference Protocol \(v2\) request/);
  });

  test('When a refused request was answered with an error, then it is not refused: it counts as an unscored request', () => {
    const bad = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 29], datatype: 'FP32', data: ROWS[0].slice(0, 29).map(Number) }] });
    const result = readWindow(bad, JSON.stringify({ error: 'bad request' }))();
    expect(result.unscoredRequests).toBe(1);
    expect(result.predictions).toBe(0);
  });
});
