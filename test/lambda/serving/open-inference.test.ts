/**
 * The Open Inference Protocol v2 `infer` route (lambda/serving/open-inference.ts) with the real example models:
 * both tensor layouts, predictions checked against each example's expected.json; output selection; and every
 * envelope problem.
 */
import { app, expected, expectPredictions, featureNames, json, model, MODELS, predictionsFromV2, request, useExampleModels } from '../../support/serving';

useExampleModels();

describe.each(MODELS)('%s: predictions match expected.json float32Predictions', (name) => {
  const want = () => expected[name].float32Predictions;

  test('POST /v2/models/{name}/infer, one [N, F] tensor (flat and nested data)', async () => {
    const features = featureNames(name);
    const rows = expected[name].instances.map((instance) => features.map((f) => instance[f]));
    const tensor = model(name).manifest.input.tensor;
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

describe('client errors', () => {
  const iris = () => app('iris');

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
});
