/**
 * The app (lambda/serving/app.ts): the model's lifecycle (loading, failed, a getter), 500s, the hooks, the limits,
 * and that no input makes it reject or answer 500.
 */
import { createInferenceApp } from '../../../lambda/serving/app';
import type { RequestRecord } from '../../../lambda/serving/contract';
import { FAILED_MESSAGE, LOADING_MESSAGE } from '../../../lambda/serving/errors';
import type { LoadedModel } from '../../../lambda/core/types';
import { app, IRIS_INSTANCE, json, model, request, useExampleModels } from '../../support/serving';

useExampleModels();

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
    resolve(model('iris'));
    await Promise.resolve();
    expect(loading.status()).toBe('ready');
    expect((await loading.handle(request('GET', '/ping'))).status).toBe(200);
  });

  test('with the manifest known, model routes and metadata work while loading', async () => {
    const manifest = model('iris').manifest;
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
    current = model('iris');
    expect(json(await swapping.handle(request('GET', '/ping'))).model).toBe('iris');
    current = model('diabetes');
    expect(json(await swapping.handle(request('GET', '/ping'))).model).toBe('diabetes');
    expect((await swapping.handle(request('GET', '/v2/models/iris'))).status).toBe(404);
    expect(swapping.model()).toBe(model('diabetes'));
  });
});

describe('unexpected errors and hooks', () => {
  const one = IRIS_INSTANCE;

  test('500 carries a message and the request id, never the internals; the hook gets the error', async () => {
    const iris = model('iris');
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
      model: model('iris'),
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
    expect(() => createInferenceApp({ model: model('iris'), limits: { maxBatchSize: 0 } })).toThrow(
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
      expect(() => JSON.parse(String(response.body)) as unknown).not.toThrow();
    }
  });
});
