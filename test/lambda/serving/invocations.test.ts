/**
 * SageMaker's `POST /invocations` (lambda/serving/invocations.ts) with the real example models: JSON objects and
 * arrays, CSV with and without header, predictions checked against each example's expected.json; and the 400s
 * of its envelope, values and CSV.
 */
import { createPreparer } from '../../../lambda/core/prepare';
import { app, csv, expected, expectPredictions, featureNames, IRIS_INSTANCE, json, model, MODELS, request, useExampleModels, type ModelName } from '../../support/serving';

useExampleModels();

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
});

describe('client errors', () => {
  const iris = () => app('iris');
  const one = IRIS_INSTANCE;

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
});

describe('JSON bodies read straight from the bytes (lambda/core/instances-json.ts)', () => {
  const preparerOf = (name: ModelName) => createPreparer(model(name).manifest, model(name).signature);
  afterEach(() => jest.restoreAllMocks());

  test.each([
    ['a string body', (text: string): string | Buffer => text],
    ['a Buffer body', (text: string): string | Buffer => Buffer.from(text)],
  ])('a plain body (%s) is decoded without prepare(), and answers what the general path answers', async (_kind, encode) => {
    const instances = expected['breast-cancer'].instances;
    const prepare = jest.spyOn(preparerOf('breast-cancer'), 'prepare');
    // Another envelope key: the decoder leaves the body to the general path, which ignores the key.
    const general = await app('breast-cancer').handle(request('POST', '/invocations', JSON.stringify({ instances, parameters: {} })));
    expect(prepare).toHaveBeenCalledTimes(1);
    const fast = await app('breast-cancer').handle(request('POST', '/invocations', encode(JSON.stringify({ instances }))));
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(fast.status).toBe(200);
    expect(fast.body).toEqual(general.body);
    expectPredictions(json(fast).predictions, expected['breast-cancer'].float32Predictions);
  });

  test('a body the decoder does not take (a value as a string) goes through prepare(), with its message', async () => {
    const prepare = jest.spyOn(preparerOf('iris'), 'prepare');
    const response = await app('iris').handle(
      request('POST', '/invocations', JSON.stringify({ instances: [{ ...IRIS_INSTANCE, petal_width_cm: '0.2' }] })),
    );
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(response.status).toBe(400);
    expect(json(response).problems).toEqual([expect.objectContaining({ field: 'petal_width_cm', value: '"0.2"' })]);
  });
});
