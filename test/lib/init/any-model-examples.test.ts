/**
 * Models as exporters make them from scikit-learn's own data (examples/make_any_model_examples.py), taken through
 * `init` -> serve -> evaluate with no hand edit: breast cancer with scikit-learn's column names (spaces), wine with
 * one input per column whose names skl2onnx-style renaming changed (`od280/od315_of_diluted_wines`), and an XGBoost
 * classifier by onnxmltools. Every answer, over JSON, CSV, v2 JSON and v2 binary, equals Python onnxruntime's in the
 * example's expected.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelFromDirectory, type OnnxModel } from '../../../lambda/core/model';
import { identifierOf } from '../../../lambda/core/feature-names';
import { createInferenceApp } from '../../../lambda/serving/app';
import type { HttpResponse, InferenceApp } from '../../../lambda/serving/contract';
import { evaluateModel } from '../../../lib/evaluation/evaluate-model';
import { runInit, type InitResult } from '../../../lib/init/init';
import { EXAMPLES, json, request } from '../../support/serving';
import { binaryBody, decodeAnswer } from '../../support/tritonclient';

type Instance = Record<string, number>;
interface Reference {
  readonly target: string;
  readonly instances: Instance[];
  readonly onnxruntime: Array<{ label: string; probabilities: number[] }>;
  /** scikit-learn's figures over test.csv with its defaults (pos_label=1 for 0/1 labels). */
  readonly sklearnMetrics: { accuracy: number; macroF1: number; positiveLabel?: string; rocAuc?: number; prAuc?: number };
}
interface Answer {
  readonly label: string;
  readonly probabilities: number[];
}

const EXAMPLE_NAMES = ['breast-cancer-names', 'wine-renamed', 'xgboost-binary'] as const;
const TOLERANCE = 1e-6;

let out: string;
const inits = new Map<string, InitResult>();
const models = new Map<string, OnnxModel>();
const apps = new Map<string, InferenceApp>();
const reference = (name: string): Reference =>
  JSON.parse(readFileSync(join(EXAMPLES, name, 'expected.json'), 'utf8')) as Reference;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'modelstack-any-model-'));
  for (const name of EXAMPLE_NAMES) {
    const dir = join(EXAMPLES, name);
    const outDir = join(out, name);
    inits.set(name, await runInit({ model: join(dir, 'model.onnx'), data: join(dir, 'train.csv'), target: 'target', out: outDir }));
    const model = await loadModelFromDirectory(outDir);
    models.set(name, model);
    apps.set(name, createInferenceApp({ model }));
  }
});
afterAll(async () => {
  for (const model of models.values()) await model.close();
  rmSync(out, { recursive: true, force: true });
});

function expectReference(got: readonly Answer[], want: Reference['onnxruntime']): void {
  expect(got.map((a) => a.label)).toEqual(want.map((w) => w.label));
  got.forEach((a, i) => a.probabilities.forEach((p, j) => expect(Math.abs(p - want[i].probabilities[j])).toBeLessThanOrEqual(TOLERANCE)));
}

/** `/invocations` predictions as label + probabilities in the manifest's label order. */
function fromPredictions(response: HttpResponse, labels: readonly string[]): Answer[] {
  expect(response.status).toBe(200);
  const { predictions } = json(response) as { predictions: Array<{ label: string; probabilities: Record<string, number> }> };
  return predictions.map((p) => ({ label: p.label, probabilities: labels.map((l) => p.probabilities[l]) }));
}

/** v2 outputs (JSON or decoded binary) as label + probabilities rows. */
function fromV2(outputs: ReadonlyArray<{ name: string; data: ReadonlyArray<string | number> }>, k: number): Answer[] {
  const labels = outputs.find((o) => o.name === 'label')?.data as string[];
  const probabilities = outputs.find((o) => o.name === 'probabilities')?.data as number[];
  return labels.map((label, i) => ({ label, probabilities: probabilities.slice(i * k, (i + 1) * k) }));
}

describe.each(EXAMPLE_NAMES)('%s: init -> serve -> evaluate with no hand edit', (name) => {
  const app = () => apps.get(name) as InferenceApp;
  const ref = () => reference(name);
  const features = () => Object.keys(ref().instances[0]);
  const labels = () => {
    const output = (models.get(name) as OnnxModel).manifest.output as { labels: string[] };
    return output.labels;
  };
  const v2Path = () => `/v2/models/${(models.get(name) as OnnxModel).manifest.name}/infer`;
  const perColumn = () => (models.get(name) as OnnxModel).manifest.input.tensor === undefined;

  test('init keeps the data\'s column names as the feature names', () => {
    expect((models.get(name) as OnnxModel).manifest.input.features.map((f) => f.name)).toEqual(features());
  });

  test('JSON instances keyed by the real column names', async () => {
    const response = await app().handle(request('POST', '/invocations', JSON.stringify({ instances: ref().instances })));
    expectReference(fromPredictions(response, labels()), ref().onnxruntime);
  });

  test('CSV with the real column names in the header', async () => {
    const csv = [features().map((f) => (f.includes(',') ? `"${f}"` : f)).join(','), ...ref().instances.map((i) => features().map((f) => i[f]).join(','))].join('\n');
    const response = await app().handle(request('POST', '/invocations', csv, 'text/csv'));
    expectReference(fromPredictions(response, labels()), ref().onnxruntime);
  });

  test('v2 JSON tensors', async () => {
    const rows = ref().instances;
    const inputs = perColumn()
      ? features().map((f) => ({ name: f, shape: [rows.length, 1], datatype: 'FP32', data: rows.map((r) => r[f]) }))
      : [{ name: 'input', shape: [rows.length, features().length], datatype: 'FP32', data: rows.map((r) => features().map((f) => r[f])) }];
    const answer = json(await app().handle(request('POST', v2Path(), JSON.stringify({ inputs })))) as { outputs: Array<{ name: string; data: Array<string | number> }> };
    expectReference(fromV2(answer.outputs, labels().length), ref().onnxruntime);
  });

  test('v2 binary tensors, binary answers', async () => {
    const rows = ref().instances;
    const tensor = (values: number[]) => Buffer.from(new Float32Array(values).buffer);
    const names = perColumn() ? features() : ['input'];
    const data = perColumn() ? features().map((f) => tensor(rows.map((r) => r[f]))) : [tensor(rows.flatMap((r) => features().map((f) => r[f])))];
    const inputs = names.map((n, i) => ({ name: n, shape: perColumn() ? [rows.length, 1] : [rows.length, features().length], datatype: 'FP32', parameters: { binary_data_size: data[i].length } }));
    const { body, length } = binaryBody({ inputs, parameters: { binary_data_output: true } }, ...data);
    const response = await app().handle({ method: 'POST', path: v2Path(), headers: { 'inference-header-content-length': String(length) }, body });
    expect(response.status).toBe(200);
    expectReference(fromV2(decodeAnswer(response).outputs, labels().length), ref().onnxruntime);
  });

  test('evaluate on test.csv with --target', async () => {
    const record = await evaluateModel({ modelDir: join(out, name), data: join(EXAMPLES, name, 'test.csv'), target: 'target' });
    expect(record.data.rows).toBeGreaterThan(40);
    expect(record.data.evaluatedRows).toBe(record.data.rows);
    expect(record.verdict.passed).toBe(true);
    const sklearn = ref().sklearnMetrics;
    const metrics = record.metrics as unknown as { accuracy: number; macro: { f1: number }; binary?: { positiveLabel: string; rocAuc: number; prAuc: number } };
    expect(metrics.accuracy).toBeCloseTo(sklearn.accuracy, 10);
    expect(metrics.macro.f1).toBeCloseTo(sklearn.macroF1, 10);
    if (sklearn.positiveLabel === undefined) return;
    // Labels 0/1: the positive label is scikit-learn's default, pos_label=1, recorded in evaluation.json.
    expect(record.positiveLabel).toBe(sklearn.positiveLabel);
    expect(metrics.binary?.rocAuc).toBeCloseTo(sklearn.rocAuc as number, 6);
    expect(metrics.binary?.prAuc).toBeCloseTo(sklearn.prAuc as number, 6);
  });
});

describe('wine-renamed: inputs renamed by the exporter', () => {
  test('init says what it matched in its review list', () => {
    const review = (inits.get('wine-renamed') as InitResult).features.review;
    expect(review.some((line) => line.includes('"od280_od315_of_diluted_wines" <- column "od280/od315_of_diluted_wines"'))).toBe(true);
  });

  test('v2 column tensors may be named by the derived identifier (the model input\'s name) too', async () => {
    const ref = reference('wine-renamed');
    const rows = ref.instances;
    const inputs = Object.keys(rows[0]).map((f) => ({ name: identifierOf(f), shape: [rows.length], datatype: 'FP32', data: rows.map((r) => r[f]) }));
    const answer = json(await (apps.get('wine-renamed') as InferenceApp).handle(request('POST', '/v2/models/wine-renamed/infer', JSON.stringify({ inputs })))) as { outputs: Array<{ name: string; data: Array<string | number> }> };
    expectReference(fromV2(answer.outputs, 3), ref.onnxruntime);
  });

  test('the metadata shows each feature\'s name and identifier', async () => {
    const metadata = json(await (apps.get('wine-renamed') as InferenceApp).handle(request('GET', '/v2/models/wine-renamed'))) as { inputs: Array<{ name: string; id: string }> };
    expect(metadata.inputs[11]).toMatchObject({ name: 'od280/od315_of_diluted_wines', id: 'od280_od315_of_diluted_wines' });
  });
});

describe('breast-cancer-names: a key that is not a feature', () => {
  const send = async (body: string, type = 'application/json') => {
    const response = await (apps.get('breast-cancer-names') as InferenceApp).handle(request('POST', '/invocations', body, type));
    expect(response.status).toBe(400);
    return String(response.body);
  };
  const instance = () => ({ ...reference('breast-cancer-names').instances[0] });

  test('a typo in a JSON key gets "did you mean" with the real name', async () => {
    const { 'mean radius': value, ...rest } = instance();
    expect(await send(JSON.stringify({ instances: [{ ...rest, 'mean radus': value }] }))).toContain('did you mean \\"mean radius\\"?');
  });

  test('the normalized spelling is refused, naming the real name (the data\'s spelling is the one accepted)', async () => {
    const { 'mean radius': value, ...rest } = instance();
    expect(await send(JSON.stringify({ instances: [{ ...rest, mean_radius: value }] }))).toContain('did you mean \\"mean radius\\"?');
  });

  test('a typo in a CSV header gets "did you mean" too', async () => {
    const features = Object.keys(instance());
    const header = features.map((f) => (f === 'worst area' ? 'worst aera' : f)).join(',');
    expect(await send(`${header}\n${features.map((f) => instance()[f]).join(',')}\n`, 'text/csv')).toContain('did you mean \\"worst area\\"?');
  });
});
