/**
 * The v2 metadata documents (lambda/serving/metadata.ts) and the health answers (lambda/serving/health.ts) of a
 * loaded model.
 */
import { app, json, request, useExampleModels } from '../../support/serving';

useExampleModels();

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
      id: 'mean_radius',
      datatype: 'FP32',
      shape: [-1],
      type: 'number',
      tensor: 'input',
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
});
