/**
 * The serving contract (lambda/http.ts) with the real example models: every route, every status code and its
 * message, every request form (JSON objects and arrays, CSV with and without header, both Open Inference Protocol
 * tensor layouts), with predictions checked against each example's expected.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInferenceApp, FAILED_MESSAGE, LOADING_MESSAGE } from '../../../lambda/serving/http';
import type { HttpRequest, HttpResponse, InferenceApp, RequestRecord } from '../../../lambda/serving/http';
import { loadModelFromDirectory } from '../../../lambda/core/model';
import type { OnnxModel } from '../../../lambda/core/model';
import type { LoadedModel, Prediction } from '../../../lambda/core/types';


const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const MODELS = ['breast-cancer', 'iris', 'diabetes'] as const;
type ModelName = (typeof MODELS)[number];

interface Expected {
  readonly instances: Array<Record<string, number>>;
  readonly float32Predictions: Prediction[];
}

const expected: Record<ModelName, Expected> = Object.fromEntries(
  MODELS.map((name) => [name, JSON.parse(readFileSync(join(EXAMPLES, name, 'expected.json'), 'utf8')) as Expected]),
) as Record<ModelName, Expected>;

const models = new Map<ModelName, OnnxModel>();
const apps = new Map<ModelName, InferenceApp>();

beforeAll(async () => {
  for (const name of MODELS) {
    const model = await loadModelFromDirectory(join(EXAMPLES, name));
    models.set(name, model);
    apps.set(name, createInferenceApp({ model }));
  }
});

afterAll(async () => {
  for (const model of models.values()) await model.close();
});

function app(name: ModelName): InferenceApp {
  return apps.get(name) as InferenceApp;
}

function featureNames(name: ModelName): string[] {
  return (models.get(name) as OnnxModel).manifest.input.features.map((f) => f.name);
}

function request(
  method: string,
  path: string,
  body: string | Buffer = '',
  contentType: string | undefined = 'application/json',
): HttpRequest {
  return { method, path, headers: contentType === undefined ? {} : { 'content-type': contentType }, body };
}

function json(response: HttpResponse): Record<string, unknown> {
  expect(response.headers['content-type']).toBe('application/json');
  return JSON.parse(response.body) as Record<string, unknown>;
}

function expectPredictions(actual: unknown, wanted: readonly Prediction[]): void {
  const got = actual as Prediction[];
  expect(got).toHaveLength(wanted.length);
  wanted.forEach((want, i) => {
    const have = got[i];
    if ('value' in want) {
      expect('value' in have).toBe(true);
      const value = (have as { value: number }).value;
      expect(Math.abs(value - want.value)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.value)));
    } else {
      const cls = have as { label: string; probabilities: Record<string, number> };
      expect(cls.label).toBe(want.label);
      expect(Object.keys(cls.probabilities)).toEqual(Object.keys(want.probabilities));
      for (const [label, p] of Object.entries(want.probabilities)) {
        expect(Math.abs(cls.probabilities[label] - p)).toBeLessThanOrEqual(1e-5);
      }
    }
  });
}

/** v2 outputs back into predictions, so one comparison serves both protocols. */
function predictionsFromV2(body: Record<string, unknown>, name: ModelName): Prediction[] {
  const outputs = body.outputs as Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>;
  const manifest = (models.get(name) as OnnxModel).manifest;
  if (manifest.task === 'regression') {
    expect(outputs.map((o) => [o.name, o.datatype])).toEqual([['value', 'FP32']]);
    return outputs[0].data.map((v) => ({ value: v as number }));
  }
  const labels = manifest.output.labels;
  const [label, probabilities] = outputs;
  expect([label.name, label.datatype, probabilities.name, probabilities.datatype]).toEqual([
    'label',
    'BYTES',
    'probabilities',
    'FP32',
  ]);
  const n = label.data.length;
  expect(label.shape).toEqual([n]);
  expect(probabilities.shape).toEqual([n, labels.length]);
  return label.data.map((l, i) => ({
    label: l as string,
    probabilities: Object.fromEntries(labels.map((k, j) => [k, probabilities.data[i * labels.length + j] as number])),
  }));
}

function csv(name: ModelName, header: boolean): string {
  const features = featureNames(name);
  const rows = expected[name].instances.map((instance) => features.map((f) => String(instance[f])).join(','));
  return `${header ? `${features.join(',')}\n` : ''}${rows.join('\n')}\n`;
}

describe.each(MODELS)('%s: predictions match expected.json float32Predictions', (name) => {
  const want = () => expected[name].float32Predictions;

  test('POST /invocations, JSON objects keyed by feature name', async () => {
    const response = await app(name).handle(
      request('POST', '/invocations', JSON.stringify({ instances: expected[name].instances })),
    );
    expect(response.status).toBe(200);
    expectPredictions(json(response).predictions, want());
  });

  test('POST /invocations, JSON arrays in feature order (Buffer body, no content type)', async () => {
    const features = featureNames(name);
    const instances = expected[name].instances.map((instance) => features.map((f) => instance[f]));
    const response = await app(name).handle(
      request('POST', '/invocations', Buffer.from(JSON.stringify({ instances })), undefined),
    );
    expect(response.status).toBe(200);
    expectPredictions(json(response).predictions, want());
  });

  test.each([true, false])('POST /invocations, text/csv (header: %s)', async (header) => {
    const response = await app(name).handle(request('POST', '/invocations', csv(name, header), 'text/csv'));
    expect(response.status).toBe(200);
    expectPredictions(json(response).predictions, want());
  });

  test('POST /v2/models/{name}/infer, one [N, F] tensor (flat and nested data)', async () => {
    const features = featureNames(name);
    const rows = expected[name].instances.map((instance) => features.map((f) => instance[f]));
    const tensor = (models.get(name) as OnnxModel).manifest.input.tensor;
    for (const data of [rows.flat(), rows]) {
      const response = await app(name).handle(
        request(
          'POST',
          `/v2/models/${name}/infer`,
          JSON.stringify({ id: 'req-1', inputs: [{ name: tensor, shape: [rows.length, features.length], datatype: 'FP32', data }] }),
        ),
      );
      expect(response.status).toBe(200);
      const body = json(response);
      expect(body.model_name).toBe(name);
      expect(body.model_version).toBe('1.0.0');
      expect(body.id).toBe('req-1');
      expectPredictions(predictionsFromV2(body, name), want());
    }
  });

  test('POST /v2/models/{name}/versions/1.0.0/infer, one tensor per feature ([N] and nested [N, 1])', async () => {
    const features = featureNames(name);
    const instances = expected[name].instances;
    const n = instances.length;
    const inputs = features.map((f, i) =>
      i % 2 === 0
        ? { name: f, shape: [n], datatype: 'FP64', data: instances.map((row) => row[f]) }
        : { name: f, shape: [n, 1], datatype: 'FP32', data: instances.map((row) => [row[f]]) },
    );
    const response = await app(name).handle(
      request('POST', `/v2/models/${name}/versions/1.0.0/infer`, JSON.stringify({ inputs })),
    );
    expect(response.status).toBe(200);
    const body = json(response);
    expect(typeof body.id).toBe('string');
    expectPredictions(predictionsFromV2(body, name), want());
  });
});

describe('metadata and health', () => {
  test('GET /ping, /v2/health/ready, /v2/health/live, /v2 answer 200 once loaded', async () => {
    const ping = await app('iris').handle(request('GET', '/ping'));
    expect(ping.status).toBe(200);
    expect(json(ping)).toEqual({ status: 'ok', model: 'iris', version: '1.0.0' });
    expect(json(await app('iris').handle(request('GET', '/v2/health/ready')))).toEqual({ ready: true });
    expect(json(await app('iris').handle(request('GET', '/v2/health/live')))).toEqual({ live: true });
    expect((await app('iris').handle(request('GET', '/v2'))).status).toBe(200);
  });

  test('GET /v2/models/{name} describes features, outputs, labels and the SHA-256', async () => {
    const response = await app('breast-cancer').handle(request('GET', '/v2/models/breast-cancer'));
    expect(response.status).toBe(200);
    const body = json(response);
    expect(body).toMatchObject({
      name: 'breast-cancer',
      versions: ['1.0.0'],
      platform: 'onnx',
      task: 'binary-classification',
      labels: ['malignant', 'benign'],
      sha256: '4492913f5cb3b6a70402423f5fe9843401f7feef9d01a4832b87aa6c29f874a7',
      tensor: { name: 'input', datatype: 'FP32', shape: [-1, 30] },
      ready: true,
      outputs: [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
    const inputs = body.inputs as Array<Record<string, unknown>>;
    expect(inputs).toHaveLength(30);
    expect(inputs[0]).toEqual({
      name: 'mean_radius',
      datatype: 'FP32',
      shape: [-1],
      type: 'number',
      min: 0,
      scale: { mean: 14.075201877934289, std: 3.504799482131544 },
      missing: 'mean',
    });
    const diabetes = json(await app('diabetes').handle(request('GET', '/v2/models/diabetes/versions/1.0.0')));
    expect(diabetes.outputs).toEqual([{ name: 'value', datatype: 'FP32', shape: [-1] }]);
    expect(diabetes.labels).toBeUndefined();
  });

  test('GET /v2/models/{name}/ready', async () => {
    const response = await app('iris').handle(request('GET', '/v2/models/iris/ready'));
    expect(response.status).toBe(200);
    expect(json(response)).toEqual({ name: 'iris', version: '1.0.0', ready: true });
  });

  test('a query string is ignored', async () => {
    expect((await app('iris').handle(request('GET', '/ping?verbose=1'))).status).toBe(200);
  });
});

describe('client errors', () => {
  const iris = () => app('iris');
  const one = { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 };

  test('400 bad JSON names the parse error', async () => {
    const response = await iris().handle(request('POST', '/invocations', '{"instances": [1,'));
    expect(response.status).toBe(400);
    expect(json(response).error).toMatch(/^request body is not valid JSON: .*JSON/);
  });

  test('400 empty body', async () => {
    const response = await iris().handle(request('POST', '/invocations', ''));
    expect(response.status).toBe(400);
    expect(json(response).error).toBe('request body is empty; send a JSON object');
  });

  test('400 when the body is not {"instances": [...]}', async () => {
    const notObject = json(await iris().handle(request('POST', '/invocations', '[1, 2]')));
    expect(notObject.error).toContain('(body)');
    expect(notObject.problems).toEqual([
      { instance: -1, field: '(body)', value: '[1,2]', allowed: 'a JSON object {"instances": [...]}' },
    ]);
    const noInstances = await iris().handle(request('POST', '/invocations', '{"rows": []}'));
    expect(noInstances.status).toBe(400);
    expect(json(noInstances).problems).toEqual([
      expect.objectContaining({ field: 'instances', value: 'missing' }),
    ]);
    const empty = await iris().handle(request('POST', '/invocations', '{"instances": []}'));
    expect(empty.status).toBe(400);
    expect(json(empty).error).toMatch(/empty/);
  });

  test('400 invalid values list every problem with instance, field, value and allowed', async () => {
    const instances = [one, { ...one, sepal_length_cm: -1 }, { ...one, petal_width_cm: 'wide' }, { ...one, colour: 'red' }];
    const response = await iris().handle(request('POST', '/invocations', JSON.stringify({ instances })));
    expect(response.status).toBe(400);
    const body = json(response);
    expect(body.error).toMatch(/^Invalid input \(3 problems\)/);
    expect(body.problems).toEqual([
      { instance: 1, field: 'sepal_length_cm', value: '-1', allowed: 'a finite number of at least 0' },
      { instance: 2, field: 'petal_width_cm', value: '"wide"', allowed: expect.stringContaining('not a string') },
      { instance: 3, field: 'colour', value: '"red"', allowed: expect.stringContaining('one of the features') },
    ]);
  });

  test('400 bad CSV', async () => {
    const response = await iris().handle(request('POST', '/invocations', '1,2,3,4\n1,2\n', 'text/csv'));
    expect(response.status).toBe(400);
    const body = json(response);
    expect(body.error).toMatch(/^Invalid CSV/);
    expect(body.problems).toEqual([expect.objectContaining({ instance: 1, field: '(instance)' })]);
  });

  test('400 v2 envelope problems, all at once', async () => {
    const response = await iris().handle(
      request(
        'POST',
        '/v2/models/iris/infer',
        JSON.stringify({
          inputs: [
            { name: 'input', shape: [1, 4], datatype: 'BYTES', data: ['a', 'b', 'c', 'd'] },
            { name: '', shape: [-1], datatype: 'FP32', data: 5 },
            7,
          ],
        }),
      ),
    );
    expect(response.status).toBe(400);
    expect((json(response).problems as Array<{ field: string }>).map((p) => p.field)).toEqual([
      'inputs[0].datatype',
      'inputs[1].name',
      'inputs[1].shape',
      'inputs[1].data',
      'inputs[2]',
    ]);
  });

  test.each([
    ['no inputs', { id: 'x' }, 'inputs'],
    ['a non-string id', { id: 5, inputs: [] }, 'id'],
    ['a [N] matrix', { inputs: [{ name: 'input', shape: [4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 'inputs[0].shape'],
    ['the wrong width', { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, 'shape'],
    ['short data', { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, 'data'],
    [
      'a feature tensor of shape [N, 2]',
      { inputs: [{ name: 'sepal_length_cm', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] },
      'inputs[0].shape',
    ],
    [
      'a duplicated feature tensor',
      {
        inputs: [
          { name: 'sepal_length_cm', shape: [1], datatype: 'FP32', data: [1] },
          { name: 'sepal_length_cm', shape: [1], datatype: 'FP32', data: [1] },
        ],
      },
      'inputs[1].name',
    ],
    [
      'a feature tensor whose data does not fit its shape',
      { inputs: [{ name: 'sepal_length_cm', shape: [2], datatype: 'FP32', data: [1] }] },
      'inputs[0].data',
    ],
    ['an unknown output', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5, 3, 1, 0.2] }], outputs: [{ name: 'logits' }] }, 'outputs[0]'],
  ])('400 v2 request with %s', async (_title, body, field) => {
    const response = await iris().handle(request('POST', '/v2/models/iris/infer', JSON.stringify(body)));
    expect(response.status).toBe(400);
    expect((json(response).problems as Array<{ field: string }>).map((p) => p.field)).toContain(field);
  });

  test('v2 feature tensors: a missing required feature is a column problem', async () => {
    const response = await iris().handle(
      request(
        'POST',
        '/v2/models/iris/infer',
        JSON.stringify({ inputs: [{ name: 'sepal_length_cm', shape: [1], datatype: 'FP32', data: [5.1] }] }),
      ),
    );
    expect(response.status).toBe(400);
    expect(json(response).problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ instance: -1, field: 'sepal_width_cm', value: 'missing' })]),
    );
  });

  test('v2 `outputs` selects outputs', async () => {
    const response = await iris().handle(
      request(
        'POST',
        '/v2/models/iris/infer',
        JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }], outputs: [{ name: 'label' }] }),
      ),
    );
    expect(response.status).toBe(200);
    expect(json(response).outputs).toEqual([{ name: 'label', datatype: 'BYTES', shape: [1], data: ['setosa'] }]);
  });

  test('404 unknown path names the routes', async () => {
    const response = await iris().handle(request('GET', '/predict'));
    expect(response.status).toBe(404);
    expect(json(response).error).toBe(
      'no route for GET "/predict"; the routes are POST /invocations, POST /v2/models/iris/infer, GET /ping, ' +
        'GET /v2/health/live, GET /v2/health/ready, GET /v2/models/iris, GET /v2/models/iris/ready',
    );
  });

  test('404 unknown model name or version names the served model', async () => {
    const model = await iris().handle(request('POST', '/v2/models/resnet/infer', '{}'));
    expect(model.status).toBe(404);
    expect(json(model).error).toBe('model "resnet" is not served here; this endpoint serves model "iris" (version 1.0.0)');
    const version = await iris().handle(request('GET', '/v2/models/iris/versions/2.0.0/ready'));
    expect(version.status).toBe(404);
    expect(json(version).error).toBe(
      'version "2.0.0" of model "iris" is not served here; this endpoint serves version 1.0.0',
    );
  });

  test('405 wrong method, with Allow', async () => {
    const post = await iris().handle(request('GET', '/invocations'));
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('POST');
    expect(json(post).error).toBe('method GET is not allowed on /invocations; use POST');
    const get = await iris().handle(request('DELETE', '/v2/models/iris'));
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('GET');
  });

  test('413 body over maxPayloadBytes states the limit and the actual size', async () => {
    const small = createInferenceApp({ model: models.get('iris') as LoadedModel, limits: { maxPayloadBytes: 100 } });
    const body = JSON.stringify({ instances: [one, one, one] });
    const response = await small.handle(request('POST', '/invocations', body));
    expect(response.status).toBe(413);
    expect(json(response).error).toBe(`request body is ${Buffer.byteLength(body)} bytes; the limit is 100 bytes`);
    // Multi-byte characters count as bytes, not characters.
    const wide = await small.handle(request('POST', '/invocations', 'é'.repeat(60)));
    expect(json(wide).error).toBe('request body is 120 bytes; the limit is 100 bytes');
    expect(small.limits).toEqual({ maxPayloadBytes: 100, maxBatchSize: 1000 });
  });

  test('413 batch over maxBatchSize (JSON, CSV, v2) states the limit and the actual count', async () => {
    const small = createInferenceApp({ model: models.get('iris') as LoadedModel, limits: { maxBatchSize: 2 } });
    const message = 'batch has 3 instances; the limit is 2 per request';
    const viaJson = await small.handle(request('POST', '/invocations', JSON.stringify({ instances: [one, one, one] })));
    expect([viaJson.status, json(viaJson).error]).toEqual([413, message]);
    const viaCsv = await small.handle(request('POST', '/invocations', '1,2,3,4\n1,2,3,4\n1,2,3,4\n', 'text/csv'));
    expect([viaCsv.status, json(viaCsv).error]).toEqual([413, message]);
    const viaV2 = await small.handle(
      request('POST', '/v2/models/iris/infer', JSON.stringify({ inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', data: new Array(12).fill(1) }] })),
    );
    expect([viaV2.status, json(viaV2).error]).toEqual([413, message]);
    const atLimit = await small.handle(request('POST', '/invocations', JSON.stringify({ instances: [one, one] })));
    expect(atLimit.status).toBe(200);
  });

  test('415 unsupported content type names the allowed ones; charset parameters are fine', async () => {
    const xml = await iris().handle(request('POST', '/invocations', '<x/>', 'application/xml'));
    expect(xml.status).toBe(415);
    expect(json(xml).error).toBe('content type "application/xml" is not supported; use application/json or text/csv');
    const v2csv = await iris().handle(request('POST', '/v2/models/iris/infer', '1,2,3,4', 'text/csv'));
    expect(v2csv.status).toBe(415);
    expect(json(v2csv).error).toBe('content type "text/csv" is not supported; use application/json');
    const latin1 = await iris().handle(request('POST', '/invocations', '{}', 'application/json; charset=latin1'));
    expect(latin1.status).toBe(415);
    expect(json(latin1).error).toMatch(/charset "latin1" is not supported; send UTF-8/);
    const body = JSON.stringify({ instances: [one] });
    for (const type of ['application/json; charset=utf-8', 'Application/JSON; Charset="UTF-8"', 'text/csv;charset=utf-8']) {
      const payload = type.startsWith('text/csv') ? '5.1,3.5,1.4,0.2' : body;
      expect((await iris().handle(request('POST', '/invocations', payload, type))).status).toBe(200);
    }
  });
});

describe('model not ready', () => {
  test('503 while loading (with Retry-After), then 200 once the promise resolves', async () => {
    let resolve: (model: LoadedModel) => void = () => undefined;
    const loading = createInferenceApp({ model: new Promise<LoadedModel>((r) => (resolve = r)) });
    expect(loading.status()).toBe('loading');
    for (const path of ['/ping', '/v2/health/ready']) {
      const response = await loading.handle(request('GET', path));
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(json(response).error).toBe(LOADING_MESSAGE);
    }
    const infer = await loading.handle(request('POST', '/invocations', '{"instances": []}'));
    expect([infer.status, json(infer).error]).toEqual([503, LOADING_MESSAGE]);
    // Model names are unknown until the manifest is: 503, not 404.
    expect((await loading.handle(request('GET', '/v2/models/iris'))).status).toBe(503);
    expect((await loading.handle(request('GET', '/v2/health/live'))).status).toBe(200);
    resolve(models.get('iris') as LoadedModel);
    await Promise.resolve();
    expect(loading.status()).toBe('ready');
    expect((await loading.handle(request('GET', '/ping'))).status).toBe(200);
  });

  test('with the manifest known, model routes and metadata work while loading', async () => {
    const manifest = (models.get('iris') as OnnxModel).manifest;
    const loading = createInferenceApp({ model: new Promise<LoadedModel>(() => undefined), manifest });
    const metadata = await loading.handle(request('GET', '/v2/models/iris'));
    expect(metadata.status).toBe(200);
    expect(json(metadata)).toMatchObject({ name: 'iris', ready: false });
    expect((await loading.handle(request('GET', '/v2/models/iris/ready'))).status).toBe(503);
    expect((await loading.handle(request('GET', '/v2/models/other'))).status).toBe(404);
  });

  test('503 with a stable message after a failed load; the cause goes to the hook only', async () => {
    const failures: unknown[] = [];
    const cause = new Error('expected SHA-256 0000 but got ffff at /secret/path');
    const failed = createInferenceApp({ model: Promise.reject(cause), hooks: { onModelLoadFailed: (e) => failures.push(e) } });
    await new Promise((r) => setImmediate(r));
    expect(failed.status()).toBe('failed');
    expect(failures).toEqual([cause]);
    for (const [method, path] of [['GET', '/ping'], ['POST', '/invocations'], ['GET', '/v2/health/ready']]) {
      const response = await failed.handle(request(method, path, '{}'));
      expect(response.status).toBe(503);
      expect(response.body).toBe(JSON.stringify({ error: FAILED_MESSAGE }));
      expect(response.headers['retry-after']).toBeUndefined();
    }
  });

  test('a getter: undefined means loading; the app follows the model it returns', async () => {
    let current: LoadedModel | undefined;
    const swapping = createInferenceApp({ model: () => current });
    expect((await swapping.handle(request('GET', '/ping'))).status).toBe(503);
    current = models.get('iris');
    expect(json(await swapping.handle(request('GET', '/ping'))).model).toBe('iris');
    current = models.get('diabetes');
    expect(json(await swapping.handle(request('GET', '/ping'))).model).toBe('diabetes');
    expect((await swapping.handle(request('GET', '/v2/models/iris'))).status).toBe(404);
    expect(swapping.model()).toBe(models.get('diabetes'));
  });
});

describe('unexpected errors and hooks', () => {
  const one = { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 };

  test('500 carries a message and the request id, never the internals; the hook gets the error', async () => {
    const iris = models.get('iris') as OnnxModel;
    const broken: LoadedModel = {
      manifest: iris.manifest,
      sha256: iris.sha256,
      signature: iris.signature,
      predict: () => Promise.reject(new Error('onnxruntime: tensor at /opt/secret/model.onnx exploded')),
      close: () => Promise.resolve(),
    };
    const records: RequestRecord[] = [];
    const broken500 = createInferenceApp({ model: broken, hooks: { onRequest: (r) => records.push(r) } });
    const response = await broken500.handle({
      ...request('POST', '/invocations', JSON.stringify({ instances: [one] })),
      requestId: 'req-500',
    });
    expect(response.status).toBe(500);
    expect(json(response)).toEqual({
      error: 'internal error; the details are in the server logs under this request id',
      requestId: 'req-500',
    });
    expect(response.body).not.toContain('secret');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ requestId: 'req-500', status: 500, reason: 'internal_error' });
    expect((records[0].error as Error).message).toContain('exploded');
  });

  test('onRequest gets status, reason, latency and predictions; a throwing hook changes nothing', async () => {
    const records: RequestRecord[] = [];
    const hooked = createInferenceApp({
      model: models.get('iris') as LoadedModel,
      hooks: {
        onRequest: (record) => {
          records.push(record);
          throw new Error('hook failure');
        },
      },
    });
    const ok = await hooked.handle(request('POST', '/invocations', JSON.stringify({ instances: [one, one] })));
    expect(ok.status).toBe(200);
    const bad = await hooked.handle(request('POST', '/invocations', '{nope'));
    expect(bad.status).toBe(400);
    const invalid = await hooked.handle(request('POST', '/invocations', JSON.stringify({ instances: [{}] })));
    expect(invalid.status).toBe(400);
    expect(records.map((r) => [r.status, r.reason, r.predictions?.length, r.problemCount])).toEqual([
      [200, undefined, 2, undefined],
      [400, 'bad_json', undefined, undefined],
      [400, 'invalid_input', undefined, 4],
    ]);
    expect(records.every((r) => typeof r.requestId === 'string' && r.durationMs >= 0)).toBe(true);
  });

  test('invalid limits are refused when the app is created', () => {
    expect(() => createInferenceApp({ model: models.get('iris') as LoadedModel, limits: { maxBatchSize: 0 } })).toThrow(
      'limits.maxBatchSize must be a positive whole number (got 0)',
    );
  });

  test('garbage never makes handle() reject or answer 500', async () => {
    const iris = app('iris');
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const bodies = [
      '',
      'null',
      '[]',
      '{"instances": null}',
      '{"instances": [null, 1, "x", [], [1, 2, 3, 4, 5], {"__proto__": {"a": 1}}]}',
      '{"instances": [{"constructor": 1, "sepal_length_cm": 1e999}]}',
      '{"inputs": [{"name": "input", "shape": [1e300, 4], "datatype": "FP32", "data": []}]}',
      '{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [[[[1]]]]}]}',
      '{"inputs": [{"name": "__proto__", "shape": [1], "datatype": "FP32", "data": [1]}]}',
      '{"inputs": {"length": 5}, "outputs": "all"}',
      '\uFEFF{"instances": [[1, 2, 3, 4]]}',
      '"a,b\n"1,2',
      '[' .repeat(5000),
    ];
    const paths = ['/invocations', '/v2/models/iris/infer', '/v2/models/iris/', '/v2/models/', '//', '/ping/../invocations', '/%ff'];
    const types = [undefined, 'application/json', 'text/csv', 'text/csv; charset', ';', 'application/json; charset="utf-16"'];
    for (let i = 0; i < 300; i++) {
      let body = pick(bodies);
      if (random() < 0.5) {
        const at = Math.floor(random() * (body.length + 1));
        body = body.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x3000)) + body.slice(at + 1);
      }
      const response = await iris.handle(request(pick(['POST', 'GET', 'PUT']), pick(paths), body, pick(types)));
      expect([200, 400, 404, 405, 413, 415]).toContain(response.status);
      expect(() => JSON.parse(response.body) as unknown).not.toThrow();
    }
  });
});
