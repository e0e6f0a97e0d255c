/**
 * Every prediction has an id (lambda/serving/inference-id.ts): the client's (X-Inference-Id, SageMaker's
 * X-Amzn-SageMaker-Inference-Id, the v2 request's `id`) or a generated UUID, returned in X-Inference-Id on every
 * route and as `id` in v2 answers; a bad client id is a 400 naming where it came from, the value and what is allowed.
 */
import type { HttpRequest } from '../../../lambda/serving/contract';
import { app, expected, featureNames, json, request, useExampleModels } from '../../support/serving';
import { binaryBody } from '../../support/tritonclient';

useExampleModels();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const iris = () => app('iris');
const rows = () => expected.iris.instances.slice(0, 2);

function withHeaders(base: HttpRequest, headers: Record<string, string>): HttpRequest {
  return { ...base, headers: { ...base.headers, ...headers } };
}
const invocations = (): HttpRequest => request('POST', '/invocations', JSON.stringify({ instances: rows() }));
const v2 = (body: Record<string, unknown> = {}): HttpRequest => {
  const features = featureNames('iris');
  const data = rows().map((row) => features.map((f) => row[f]));
  return request('POST', '/v2/models/iris/infer', JSON.stringify({ ...body, inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP64', data }] }));
};

describe('Given a prediction request without an id', () => {
  test.each([
    ['POST /invocations (JSON)', invocations],
    ['POST /invocations (CSV)', () => request('POST', '/invocations', '5.1,3.5,1.4,0.2\n', 'text/csv')],
    ['POST /v2/models/iris/infer', () => v2()],
  ])('When it is %s, then the answer carries a generated UUID in X-Inference-Id', async (_name, make) => {
    const response = await iris().handle(make());
    expect(response.status).toBe(200);
    expect(response.headers['x-inference-id']).toMatch(UUID);
  });

  test('When two requests are made, then their ids differ', async () => {
    const [a, b] = await Promise.all([iris().handle(invocations()), iris().handle(invocations())]);
    expect(a.headers['x-inference-id']).not.toBe(b.headers['x-inference-id']);
  });

  test('When it is v2, then the body id and the header are the same generated id', async () => {
    const response = await iris().handle(v2());
    expect(json(response).id).toBe(response.headers['x-inference-id']);
  });
});

describe('Given a client id', () => {
  test.each([
    ['x-inference-id', 'order-42'],
    ['x-amzn-sagemaker-inference-id', 'sm:req/7'],
  ])('When it comes in the %s header of /invocations, then the answer carries it back', async (header, id) => {
    const response = await iris().handle(withHeaders(invocations(), { [header]: id }));
    expect(response.status).toBe(200);
    expect(response.headers['x-inference-id']).toBe(id);
  });

  test('When a v2 request has an id, then the answer has it as id and in X-Inference-Id (over a header)', async () => {
    const response = await iris().handle(withHeaders(v2({ id: 'v2-id.1' }), { 'x-inference-id': 'header-id' }));
    expect(json(response).id).toBe('v2-id.1');
    expect(response.headers['x-inference-id']).toBe('v2-id.1');
  });

  test('When a binary v2 request has an id, then the binary answer carries it in its header and X-Inference-Id', async () => {
    const values = Buffer.from(new Float32Array([5.1, 3.5, 1.4, 0.2]).buffer);
    const { body, length } = binaryBody(
      { id: 'bin-1', inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: values.length } }], parameters: { binary_data_output: true } },
      values,
    );
    const response = await iris().handle({
      method: 'POST',
      path: '/v2/models/iris/infer',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(length) },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.headers['x-inference-id']).toBe('bin-1');
    const header = JSON.parse((response.body as Buffer).toString('utf8', 0, Number(response.headers['inference-header-content-length']))) as { id: string };
    expect(header.id).toBe('bin-1');
  });
});

describe('Given a client id that breaks the rule', () => {
  const allowed = '1 to 64 characters among letters, digits and - _ . : / @ + =';
  test.each([
    ['too long', 'a'.repeat(65)],
    ['with a space', 'a b'],
    ['with the batch separator #', 'a#1'],
    ['empty', ''],
  ])('When the X-Inference-Id header is %s, then it is a 400 naming the header, the value and what is allowed', async (_name, id) => {
    const response = await iris().handle(withHeaders(invocations(), { 'x-inference-id': id }));
    expect(response.status).toBe(400);
    const body = json(response) as { problems: Array<{ field: string; value: string; allowed: string }> };
    expect(body.problems).toEqual([{ instance: -1, field: 'header x-inference-id', value: JSON.stringify(id), allowed }]);
  });

  test.each([
    ['a number', 5],
    ['too long', 'x'.repeat(65)],
  ])('When the v2 id is %s, then it is a 400 naming id', async (_name, id) => {
    const response = await iris().handle(v2({ id }));
    expect(response.status).toBe(400);
    const body = json(response) as { problems: Array<{ field: string; allowed: string }> };
    expect(body.problems[0]).toMatchObject({ field: 'id', allowed });
  });
});
