/**
 * Request bodies (lambda/serving/bodies.ts): JSON parse errors, an empty body, the size limits (413) and the media
 * types and charsets (415).
 */
import { createInferenceApp } from '../../../lambda/serving/app';
import { DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_JSON_OBJECT_KEYS, parseJson } from '../../../lambda/serving/bodies';
import { app, IRIS_INSTANCE, json, model, request, useExampleModels } from '../../support/serving';

useExampleModels();

describe('client errors', () => {
  const iris = () => app('iris');
  const one = IRIS_INSTANCE;

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

  test('413 body over maxPayloadBytes states the limit and the actual size', async () => {
    const small = createInferenceApp({ model: model('iris'), limits: { maxPayloadBytes: 100 } });
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
    const small = createInferenceApp({ model: model('iris'), limits: { maxBatchSize: 2 } });
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

describe('Given JSON nested deeper than maxJsonDepth or with too many keys', () => {
  test.each([
    ['arrays', '['.repeat(65) + ']'.repeat(65)],
    ['objects', '{"a":'.repeat(65) + '1' + '}'.repeat(65)],
    ['100,000 levels', '['.repeat(100_000) + ']'.repeat(100_000)],
  ])('When the body nests %s past the default 64, then parseJson throws 400 bad_json naming the limit', (_name, text) => {
    expect(() => parseJson(text)).toThrow(expect.objectContaining({ status: 400, reason: 'bad_json', message: expect.stringContaining('more than 64 deep') }));
  });

  test('When the body nests exactly 64 levels, then it parses', () => {
    expect(() => parseJson('['.repeat(DEFAULT_MAX_JSON_DEPTH) + ']'.repeat(DEFAULT_MAX_JSON_DEPTH))).not.toThrow();
  });

  test('When maxJsonDepth is 3, then a 4-deep body is refused and a 3-deep one is not', () => {
    expect(() => parseJson('{"instances":[[[1]]]}', { maxJsonDepth: 3 })).toThrow(/more than 3 deep/);
    expect(parseJson('{"instances":[[1]]}', { maxJsonDepth: 3 })).toEqual({ instances: [[1]] });
  });

  test('When an object has more keys than maxJsonObjectKeys, then parseJson throws 400 naming the limit', () => {
    const text = `{${Array.from({ length: 11 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    expect(() => parseJson(text, { maxJsonObjectKeys: 10 })).toThrow(/more than 10 keys; at most 10 are allowed/);
    expect(DEFAULT_MAX_JSON_OBJECT_KEYS).toBe(10_000);
  });

  test('When an array starts with a number, then it is taken at its length: its elements are not walked', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseJson(`{"inputs":[{"data":[1,${deep}]}]}`)).not.toThrow();
    expect(() => parseJson(`{"instances":[${deep}]}`)).toThrow(/more than 64 deep/);
  });

  test('When a deep structure hides in an instance after a number, then the feature rules refuse it: 400 invalid_input, never 500', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const response = await app('iris').handle(request('POST', '/invocations', `{"instances":[[5.1,${deep},1.4,0.2]]}`));
    expect(response.status).toBe(400);
    expect(json(response).problems).toEqual([
      expect.objectContaining({ instance: 0, field: 'sepal_width_cm', value: 'an array of 1 items nested too deep to show' }),
    ]);
    const v2 = await app('iris').handle(
      request('POST', '/v2/models/iris/infer', `{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,${deep},1.4,0.2]}]}`),
    );
    expect(v2.status).toBe(400);
  });

  test('When a deep structure hides inside a string, then it is only a string', () => {
    const text = JSON.stringify({ note: '['.repeat(1000) });
    expect(parseJson(text)).toEqual({ note: '['.repeat(1000) });
  });
});
