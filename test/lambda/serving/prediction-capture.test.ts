/**
 * Capture of sampled predictions (lambda/serving/prediction-capture.ts, captured-inputs.ts): every route and wire
 * form of the same instances gives the same record, in the record format (records/record-format.ts): inputs as
 * feature-keyed objects without the features marked `"capture": false`, the answer as `{"predictions"}`, the
 * inference id the client got; sampling and `captureInputs` decide what is written; a failing sink never fails a
 * request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest } from '../../../lambda/core/manifest';
import { loadModel, type OnnxModel } from '../../../lambda/core/model';
import { createInferenceApp } from '../../../lambda/serving/app';
import type { HttpRequest, InferenceApp } from '../../../lambda/serving/contract';
import type { CapturedLine, PredictionCaptureOptions } from '../../../lambda/serving/prediction-capture';
import type { CaptureRecord } from '../../../lambda/records/record-format';
import { predictionId } from '../../../lambda/records/record-format';
import { EXAMPLES, request } from '../../support/serving';
import { binaryBody } from '../../support/tritonclient';

const PENGUINS = join(EXAMPLES, 'penguins-sklearn', 'served');
let model: OnnxModel;

/** The penguins model, its `sex` feature marked `"capture": false`. */
beforeAll(async () => {
  const json = JSON.parse(readFileSync(join(PENGUINS, 'model.json'), 'utf8')) as { input: { features: Array<Record<string, unknown>> } };
  for (const feature of json.input.features) if (feature.name === 'sex') feature.capture = false;
  model = await loadModel({ bytes: readFileSync(join(PENGUINS, 'model.onnx')), manifest: parseManifest(json) });
});
afterAll(async () => model.close());

const ROWS = [
  { bill_length_mm: 39.1, bill_depth_mm: 18.7, flipper_length_mm: 181, body_mass_g: 3750, island: 'Torgersen', sex: 'male' },
  { bill_length_mm: 46.5, bill_depth_mm: 17.9, flipper_length_mm: 192, body_mass_g: 3500, island: 'Dream', sex: 'female' },
];
const KEPT = ROWS.map(({ sex: _sex, ...kept }) => kept);
const NAMES = Object.keys(ROWS[0]) as Array<keyof (typeof ROWS)[0]>;

function capturing(options: Partial<PredictionCaptureOptions> = {}): { app: InferenceApp; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const app = createInferenceApp({
    model,
    capture: { samplingPercentage: 100, captureInputs: true, sink: { write: (line) => lines.push(line) }, ...options },
  });
  return { app, lines };
}

function binaryRequest(): HttpRequest {
  const numbers = NAMES.slice(0, 4).map((name) => Buffer.from(new Float32Array(ROWS.map((r) => r[name] as number)).buffer));
  const strings = NAMES.slice(4).map((name) =>
    Buffer.concat(ROWS.flatMap((r) => {
      const bytes = Buffer.from(r[name] as string);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    })),
  );
  const tensors = [...numbers, ...strings];
  const inputs = NAMES.map((name, i) => ({ name, shape: [2], datatype: i < 4 ? 'FP32' : 'BYTES', parameters: { binary_data_size: tensors[i].length } }));
  const { body, length } = binaryBody({ inputs }, ...tensors);
  return { method: 'POST', path: '/v2/models/penguins-sklearn/infer', headers: { 'inference-header-content-length': String(length) }, body };
}

const FORMS: Array<[string, () => HttpRequest]> = [
  ['JSON objects', () => request('POST', '/invocations', JSON.stringify({ instances: ROWS }))],
  ['JSON arrays in feature order', () => request('POST', '/invocations', JSON.stringify({ instances: ROWS.map((r) => NAMES.map((n) => r[n])) }))],
  ['CSV with a header', () => request('POST', '/invocations', `${NAMES.join(',')}\n${ROWS.map((r) => NAMES.map((n) => r[n]).join(',')).join('\n')}\n`, 'text/csv')],
  ['v2 tensors per feature', () => request('POST', '/v2/models/penguins-sklearn/infer', JSON.stringify({
    inputs: NAMES.map((name, i) => ({ name, shape: [2], datatype: i < 4 ? 'FP64' : 'BYTES', data: ROWS.map((r) => r[name]) })),
  }))],
  ['v2 binary tensors', binaryRequest],
];

describe('Given capture on at 100% with inputs', () => {
  test.each(FORMS)('When the instances come as %s, then one record holds them by feature name without "sex", the answer and the id', async (_name, make) => {
    const { app, lines } = capturing();
    const response = await app.handle(make());
    expect(response.status).toBe(200);
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0].line) as CaptureRecord;
    expect(record.eventVersion).toBe('0');
    expect(record.eventMetadata.inferenceId).toBe(response.headers['x-inference-id']);
    expect(record.eventMetadata.inferenceTime).toBe(lines[0].at.toISOString());
    expect(record.captureData.endpointInput).toMatchObject({ observedContentType: 'application/json', mode: 'INPUT', encoding: 'JSON' });
    const instances = (JSON.parse(record.captureData.endpointInput?.data ?? '') as { instances: Array<Record<string, unknown>> }).instances;
    // Binary FP32 values round to float32.
    instances.forEach((instance, i) => Object.entries(KEPT[i]).forEach(([name, value]) => {
      if (typeof value === 'number') expect(instance[name]).toBeCloseTo(value, 4);
      else expect(instance[name]).toBe(value);
    }));
    instances.forEach((instance) => expect(Object.keys(instance).sort()).toEqual(Object.keys(KEPT[0]).sort()));
    const output = JSON.parse(record.captureData.endpointOutput?.data ?? '') as { predictions: Array<{ label: string }> };
    expect(output.predictions).toHaveLength(2);
    expect(typeof output.predictions[0].label).toBe('string');
  });

  test('When an instance misses a feature that may be missing, then it is stored as null', async () => {
    const { app, lines } = capturing();
    const json = JSON.parse(readFileSync(join(PENGUINS, 'model.json'), 'utf8')) as { input: { features: Array<{ name: string; missing?: unknown }> } };
    const passthrough = json.input.features.find((f) => f.missing === 'passthrough')?.name;
    expect(passthrough).toBeDefined();
    const row: Record<string, unknown> = { ...ROWS[0] };
    delete row[passthrough as string];
    const response = await app.handle(request('POST', '/invocations', JSON.stringify({ instances: [row] })));
    expect(response.status).toBe(200);
    const input = JSON.parse((JSON.parse(lines[0].line) as CaptureRecord).captureData.endpointInput?.data ?? '') as { instances: Array<Record<string, unknown>> };
    expect(input.instances[0][passthrough as string]).toBeNull();
  });

  test('When a request is refused (400), then nothing is captured', async () => {
    const { app, lines } = capturing();
    const response = await app.handle(request('POST', '/invocations', JSON.stringify({ instances: [{ island: 'Atlantis' }] })));
    expect(response.status).toBe(400);
    expect(lines).toHaveLength(0);
  });
});

describe('Given what capture keeps', () => {
  test('When captureInputs is false, then the record has the answer and no input', async () => {
    const { app, lines } = capturing({ captureInputs: false });
    await app.handle(request('POST', '/invocations', JSON.stringify({ instances: ROWS })));
    const record = JSON.parse(lines[0].line) as CaptureRecord;
    expect(record.captureData.endpointInput).toBeUndefined();
    expect(record.captureData.endpointOutput?.mode).toBe('OUTPUT');
  });

  test('When sampling is 25% and the random numbers are 0.1, 0.3, 0.2, 0.9, then the 1st and 3rd requests are captured', async () => {
    const draws = [0.1, 0.3, 0.2, 0.9];
    const { app, lines } = capturing({ samplingPercentage: 25, random: () => draws.shift() ?? 1 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await app.handle(request('POST', '/invocations', JSON.stringify({ instances: ROWS })))).headers['x-inference-id']);
    }
    expect(lines.map((l) => (JSON.parse(l.line) as CaptureRecord).eventMetadata.inferenceId)).toEqual([ids[0], ids[2]]);
  });

  test('When sampling is 0, then nothing is captured', async () => {
    const { app, lines } = capturing({ samplingPercentage: 0 });
    await app.handle(request('POST', '/invocations', JSON.stringify({ instances: ROWS })));
    expect(lines).toHaveLength(0);
  });

  test.each([-1, 101, Number.NaN])('When sampling is %p, then the app is refused naming capture.samplingPercentage', (rate) => {
    expect(() => capturing({ samplingPercentage: rate })).toThrow(/capture\.samplingPercentage must be a number from 0 to 100/);
  });

  test('When the sink throws, then the request is still answered', async () => {
    const { app } = capturing({ sink: { write: () => { throw new Error('disk full'); } } });
    const response = await app.handle(request('POST', '/invocations', JSON.stringify({ instances: ROWS })));
    expect(response.status).toBe(200);
  });
});

describe('Given prediction ids of a batch', () => {
  test('When a request has one instance, then its prediction id is the inference id; in a batch, <id>#<index>', () => {
    expect(predictionId('abc', 0, 1)).toBe('abc');
    expect([0, 1, 2].map((i) => predictionId('abc', i, 3))).toEqual(['abc#0', 'abc#1', 'abc#2']);
  });
});

describe('Given a model fed one [N, F] tensor (iris)', () => {
  test.each([['flat', true], ['nested', false]])('When the v2 matrix is %s, then the record keys its values by feature name', async (_name, flat) => {
    const iris = await loadModel({ bytes: readFileSync(join(EXAMPLES, 'iris', 'model.onnx')), manifest: parseManifest(JSON.parse(readFileSync(join(EXAMPLES, 'iris', 'model.json'), 'utf8'))) });
    try {
      const lines: CapturedLine[] = [];
      const app = createInferenceApp({ model: iris, capture: { samplingPercentage: 100, captureInputs: true, sink: { write: (l) => lines.push(l) } } });
      const rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]];
      const data = flat ? rows.flat() : rows;
      const response = await app.handle(request('POST', '/v2/models/iris/infer', JSON.stringify({ inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP64', data }] })));
      expect(response.status).toBe(200);
      const input = JSON.parse((JSON.parse(lines[0].line) as CaptureRecord).captureData.endpointInput?.data ?? '') as { instances: unknown[] };
      const names = iris.manifest.input.features.map((f) => f.name);
      expect(input.instances).toEqual(rows.map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]]))));
    } finally {
      await iris.close();
    }
  });
});
