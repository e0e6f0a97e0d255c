/**
 * The Open Inference Protocol's binary tensor extension, from requests tritonclient's HTTP client really sent with
 * its default settings (test/fixtures/tritonclient, recorded by examples/make_tritonclient_fixtures.py): answers
 * equal the Python onnxruntime reference in each example's expected.json; malformed bodies get a 400 naming what is
 * wrong.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFromDirectory, type OnnxModel } from '../../../lambda/core/model';
import { createInferenceApp } from '../../../lambda/serving/app';
import type { HttpResponse, InferenceApp } from '../../../lambda/serving/contract';
import { readBinaryRequest } from '../../../lambda/serving/binary-tensors';
import { EXAMPLES, expected, json, request } from '../../support/serving';
import { binaryBody, decodeAnswer, recorded, replay } from '../../support/tritonclient';

interface ClassPrediction {
  readonly label: string;
  readonly probabilities: Record<string, number>;
}

const models: OnnxModel[] = [];
let cancer: InferenceApp;
let penguins: InferenceApp;

beforeAll(async () => {
  const a = await loadModelFromDirectory(join(EXAMPLES, 'breast-cancer'));
  const b = await loadModelFromDirectory(join(EXAMPLES, 'penguins-sklearn', 'served'));
  models.push(a, b);
  cancer = createInferenceApp({ model: a });
  penguins = createInferenceApp({ model: b });
});
afterAll(async () => {
  for (const model of models) await model.close();
});

function expectAnswers(response: HttpResponse, want: readonly ClassPrediction[], labels: readonly string[]): void {
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toBe('application/octet-stream');
  const { outputs } = decodeAnswer(response);
  const label = outputs.find((o) => o.name === 'label');
  expect(label).toMatchObject({ datatype: 'BYTES', shape: [want.length] });
  expect(label?.data).toEqual(want.map((w) => w.label));
  const probabilities = outputs.find((o) => o.name === 'probabilities');
  if (probabilities === undefined) return;
  expect(probabilities.shape).toEqual([want.length, labels.length]);
  want.forEach((w, i) => labels.forEach((l, j) => {
    expect(Math.abs((probabilities.data[i * labels.length + j] as number) - w.probabilities[l])).toBeLessThanOrEqual(1e-6);
  }));
}

describe('Given requests as tritonclient sends them by default (binary tensors)', () => {
  it('answers one [N, 30] FP32 tensor with every output in binary (binary_data_output), as the reference', async () => {
    const response = await cancer.handle(replay(recorded('breast-cancer-matrix')));
    expectAnswers(response, expected['breast-cancer'].float32Predictions.slice(0, 4) as ClassPrediction[], ['malignant', 'benign']);
    expect(decodeAnswer(response).header).toMatchObject({ model_name: 'breast-cancer', id: 'breast-cancer-matrix' });
  });

  it('answers the outputs asked for with binary_data in binary', async () => {
    const response = await cancer.handle(replay(recorded('breast-cancer-binary-outputs')));
    expectAnswers(response, expected['breast-cancer'].float32Predictions.slice(0, 4) as ClassPrediction[], ['malignant', 'benign']);
  });

  it('reads one tensor per feature, BYTES with their 4-byte length prefixes for categories', async () => {
    const reference = JSON.parse(readFileSync(join(EXAMPLES, 'penguins-sklearn', 'expected.json'), 'utf8')) as { zipmapPredictions: ClassPrediction[] };
    const response = await penguins.handle(replay(recorded('penguins-columns')));
    expectAnswers(response, reference.zipmapPredictions.slice(0, 3), []);
    expect(decodeAnswer(response).outputs.map((o) => o.name)).toEqual(['label']);
  });

  it('answers in JSON when the request asks for no binary output', async () => {
    const fixture = recorded('breast-cancer-matrix');
    const length = Number(fixture.headers['inference-header-content-length']);
    const { parameters: _ignored, ...header } = fixture.header;
    const { body, length: headerLength } = binaryBody(header, fixture.body.subarray(length));
    const answer = json(await cancer.handle(replay(fixture, body, headerLength))) as { outputs: Array<{ name: string; data: unknown[] }> };
    expect(answer.outputs[0]).toMatchObject({ name: 'label', data: expected['breast-cancer'].float32Predictions.slice(0, 4).map((p) => (p as ClassPrediction).label) });
  });

  it('answers a JSON request that asks for binary_data_output in binary', async () => {
    const instances = expected['breast-cancer'].instances.slice(0, 2);
    const data = instances.map((i) => Object.values(i));
    const body = JSON.stringify({ inputs: [{ name: 'input', shape: [2, 30], datatype: 'FP32', data }], parameters: { binary_data_output: true } });
    const response = await cancer.handle(request('POST', '/v2/models/breast-cancer/versions/1.0.0/infer', body));
    expectAnswers(response, expected['breast-cancer'].float32Predictions.slice(0, 2) as ClassPrediction[], ['malignant', 'benign']);
  });

  it('lists the extension in the server metadata', async () => {
    expect(json(await cancer.handle(request('GET', '/v2')))).toMatchObject({ extensions: ['binary_tensor_data'] });
  });
});

describe('Given an FP32 tensor in binary', () => {
  const instances = () => expected['breast-cancer'].instances.slice(0, 2).map((i) => Object.values(i));
  const matrix = (values: number[]) => {
    const tensor = Buffer.from(new Float32Array(values).buffer);
    const header = { inputs: [{ name: 'input', shape: [values.length / 30, 30], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }] };
    return binaryBody(header, tensor);
  };

  it('decodes it into a Float32Array that the model tensor is filled from (no array of numbers in between)', () => {
    const values = instances().flat();
    const { body, length } = matrix(values);
    const decoded = readBinaryRequest(replay(recorded('breast-cancer-matrix'), body, length), length) as { inputs: Array<{ data: unknown }> };
    expect(decoded.inputs[0].data).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded.inputs[0].data as Float32Array)).toEqual(Array.from(new Float32Array(values)));
  });

  it('answers as the JSON request with the same (float32) values', async () => {
    const values = instances().flat();
    const { body, length } = matrix(values);
    const binary = await cancer.handle(replay(recorded('breast-cancer-matrix'), body, length));
    const data = Array.from(new Float32Array(values));
    const fromJson = await cancer.handle(
      request('POST', '/v2/models/breast-cancer/infer', JSON.stringify({ inputs: [{ name: 'input', shape: [2, 30], datatype: 'FP32', data }] })),
    );
    expect(binary.status).toBe(200);
    expect(json(binary).outputs).toEqual(json(fromJson).outputs);
  });

  it('still checks every value: a NaN is a 400 naming the instance and the feature', async () => {
    const values = instances().flat();
    values[30 + 2] = Number.NaN;
    const { body, length } = matrix(values);
    const response = await cancer.handle(replay(recorded('breast-cancer-matrix'), body, length));
    expect(response.status).toBe(400);
    const feature = Object.keys(expected['breast-cancer'].instances[0])[2];
    expect(json(response).problems).toEqual([expect.objectContaining({ instance: 1, field: feature })]);
  });
});

describe('Given a malformed binary body, it answers 400 naming what is wrong', () => {
  const fixture = () => recorded('breast-cancer-matrix');
  const length = () => Number(fixture().headers['inference-header-content-length']);

  async function error(response: Promise<HttpResponse>): Promise<string> {
    const answer = await response;
    expect(answer.status).toBe(400);
    return (JSON.parse(String(answer.body)) as { error: string }).error;
  }

  it.each([['0'], ['abc'], ['100000'], ['-1']])('an Inference-Header-Content-Length of %p', async (value) => {
    const req = replay(fixture());
    const message = await error(cancer.handle({ ...req, headers: { 'inference-header-content-length': value } }));
    expect(message).toContain(`Inference-Header-Content-Length is "${value}"`);
    expect(message).toContain('649');
  });

  it('a JSON header cut short', async () => {
    expect(await error(cancer.handle(replay(fixture(), fixture().body, length() - 5)))).toMatch(/not valid JSON/);
  });

  it('a body shorter than the tensors it declares', async () => {
    const message = await error(cancer.handle(replay(fixture(), fixture().body.subarray(0, fixture().body.length - 4))));
    expect(message).toContain('inputs[0].parameters.binary_data_size');
    expect(message).toContain('476 bytes left');
  });

  it('bytes after the last tensor', async () => {
    const message = await error(cancer.handle(replay(fixture(), Buffer.concat([fixture().body, Buffer.alloc(3)]))));
    expect(message).toContain('3 bytes after the last tensor');
  });

  it('a tensor whose size does not fit its shape and datatype', async () => {
    const header = { inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', parameters: { binary_data_size: 116 } }] };
    const { body, length: n } = binaryBody(header, Buffer.alloc(116));
    const message = await error(cancer.handle(replay(fixture(), body, n)));
    expect(message).toContain('inputs[0].parameters.binary_data_size');
    expect(message).toContain('120 bytes: 30 FP32 elements');
  });

  it('a tensor with both data and binary_data_size', async () => {
    const header = { inputs: [{ name: 'input', shape: [1, 30], datatype: 'FP32', data: [1], parameters: { binary_data_size: 120 } }] };
    const { body, length: n } = binaryBody(header, Buffer.alloc(120));
    expect(await error(cancer.handle(replay(fixture(), body, n)))).toContain('inputs[0].data');
  });

  it('BYTES whose length prefix runs past its tensor', async () => {
    const rec = recorded('penguins-columns');
    const header = structuredClone(rec.header) as { inputs: Array<{ parameters: { binary_data_size: number } }> };
    const prefix = Number(rec.headers['inference-header-content-length']);
    const body = Buffer.from(rec.body);
    // island's first element: claim 200 bytes.
    const islandAt = prefix + 4 * 12;
    body.writeUInt32LE(200, islandAt);
    const message = await error(penguins.handle(replay({ ...rec, header }, body)));
    expect(message).toContain('inputs[4].parameters.binary_data_size');
    expect(message).toContain('3 BYTES elements');
  });

  it('an unsupported content type with the binary header', async () => {
    const req = replay(fixture());
    const answer = await cancer.handle({ ...req, headers: { ...req.headers, 'content-type': 'text/csv' } });
    expect(answer.status).toBe(415);
  });
});
