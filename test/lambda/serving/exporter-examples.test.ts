/**
 * The three exporter-made examples served end to end (JSON, CSV, Open Inference Protocol v2), their predictions
 * compared with the Python reference in each expected.json within 1e-5: penguins-lightgbm (one float input, int64
 * label + probabilities, missing values filled with the training mean), digits-pytorch (logits + softmax, label
 * from the argmax) and penguins-sklearn as `modelstack init` rewrote it (a string and a float tensor per column,
 * missing values passed through to the graph's imputers, ZipMap removed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, loadModelFromDirectory, ModelMismatchError, type OnnxModel } from '../../../lambda/core/model';
import { parseManifest, readManifest } from '../../../lambda/core/manifest';
import { createInferenceApp } from '../../../lambda/serving/app';
import type { InferenceApp } from '../../../lambda/serving/contract';
import { EXAMPLES, json, request } from '../../support/serving';

type Instance = Record<string, number | string | null>;
interface ClassPrediction {
  readonly label: string;
  readonly probabilities: Record<string, number>;
}

interface Case {
  readonly name: string;
  readonly dir: string;
  readonly instances: Instance[];
  readonly want: ClassPrediction[];
}

function expectedOf(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(EXAMPLES, name, 'expected.json'), 'utf8')) as Record<string, unknown>;
}

const CASES: Case[] = [
  ['penguins-lightgbm', 'penguins-lightgbm', 'float32Predictions'],
  ['digits-pytorch', 'digits-pytorch', 'float32Predictions'],
  ['penguins-sklearn', 'penguins-sklearn/served', 'zipmapPredictions'],
].map(([name, dir, key]) => {
  const reference = expectedOf(name);
  return { name, dir, instances: reference.instances as Instance[], want: reference[key] as ClassPrediction[] };
});

/** The largest |probability - reference| over a response; labels must be equal. */
function maxDifference(got: readonly ClassPrediction[], want: readonly ClassPrediction[]): number {
  expect(got).toHaveLength(want.length);
  let max = 0;
  want.forEach((w, i) => {
    expect(got[i].label).toBe(w.label);
    expect(Object.keys(got[i].probabilities)).toEqual(Object.keys(w.probabilities));
    for (const [label, p] of Object.entries(w.probabilities)) {
      max = Math.max(max, Math.abs(got[i].probabilities[label] - p));
    }
  });
  return max;
}

function csvOf(features: readonly string[], instances: readonly Instance[]): string {
  const cell = (v: number | string | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return `${features.join(',')}\n${instances.map((i) => features.map((f) => cell(i[f])).join(',')).join('\n')}\n`;
}

const models = new Map<string, OnnxModel>();
const apps = new Map<string, InferenceApp>();

beforeAll(async () => {
  for (const c of CASES) {
    const model = await loadModelFromDirectory(join(EXAMPLES, c.dir));
    models.set(c.name, model);
    apps.set(c.name, createInferenceApp({ model }));
  }
});
afterAll(async () => {
  for (const model of models.values()) await model.close();
});

describe.each(CASES)('$name: predictions equal expected.json within 1e-5', (c) => {
  const app = () => apps.get(c.name) as InferenceApp;
  const features = () => (models.get(c.name) as OnnxModel).manifest.input.features;

  test('POST /invocations, JSON instances', async () => {
    const response = await app().handle(request('POST', '/invocations', JSON.stringify({ instances: c.instances })));
    expect(response.status).toBe(200);
    expect(maxDifference(json(response).predictions as ClassPrediction[], c.want)).toBeLessThanOrEqual(1e-5);
  });

  test('POST /invocations, CSV with a header (empty cells are missing values)', async () => {
    const body = csvOf(features().map((f) => f.name), c.instances);
    const response = await app().handle(request('POST', '/invocations', body, 'text/csv'));
    expect(response.status).toBe(200);
    expect(maxDifference(json(response).predictions as ClassPrediction[], c.want)).toBeLessThanOrEqual(1e-5);
  });

  test('POST /v2/models/{name}/infer, one tensor per feature (BYTES for categories)', async () => {
    const n = c.instances.length;
    const inputs = features().map((f) => ({
      name: f.name,
      shape: [n, 1],
      datatype: f.type === 'category' ? 'BYTES' : 'FP32',
      data: c.instances.map((i) => i[f.name] ?? null),
    }));
    const response = await app().handle(request('POST', `/v2/models/${c.name}/infer`, JSON.stringify({ inputs })));
    expect(response.status).toBe(200);
    const outputs = json(response).outputs as Array<{ name: string; datatype: string; data: unknown[] }>;
    const labels = (models.get(c.name) as OnnxModel).manifest;
    const names = labels.task === 'regression' ? [] : labels.output.labels;
    const got = outputs[0].data.map((label, i) => ({
      label: label as string,
      probabilities: Object.fromEntries(names.map((l, j) => [l, outputs[1].data[i * names.length + j] as number])),
    }));
    expect(outputs.map((o) => [o.name, o.datatype])).toEqual([['label', 'BYTES'], ['probabilities', 'FP32']]);
    expect(maxDifference(got, c.want)).toBeLessThanOrEqual(1e-5);
  });
});

describe('penguins-lightgbm: its int64 label tensor and mean-filled missing values', () => {
  const app = () => apps.get('penguins-lightgbm') as InferenceApp;
  const predict = async (instances: unknown[]) =>
    json(await app().handle(request('POST', '/invocations', JSON.stringify({ instances })))).predictions as ClassPrediction[];

  test('a missing measurement is predicted as the training mean', async () => {
    const manifest = (models.get('penguins-lightgbm') as OnnxModel).manifest;
    const [first] = CASES[0].instances;
    for (const feature of manifest.input.features) {
      const [missing, filled] = await predict([
        { ...first, [feature.name]: null },
        { ...first, [feature.name]: feature.mean },
      ]);
      expect(missing).toEqual(filled);
    }
  });

  test('the label comes from the model\'s int64 "label" output (index into labels)', () => {
    const manifest = (models.get('penguins-lightgbm') as OnnxModel).manifest;
    expect(manifest.task !== 'regression' && manifest.output.label).toBe('label');
  });
});

describe('penguins-sklearn: categories are strings; the graph imputes what passes through', () => {
  const app = () => apps.get('penguins-sklearn') as InferenceApp;

  test('an unknown island gets a 400 naming instance, field, value and the categories', async () => {
    const instance = { ...CASES[2].instances[0], island: 'Atlantis' };
    const response = await app().handle(request('POST', '/invocations', JSON.stringify({ instances: [instance] })));
    expect(response.status).toBe(400);
    expect(json(response).problems).toEqual([
      { instance: 0, field: 'island', value: '"Atlantis"', allowed: 'one of the categories "Biscoe", "Dream", "Torgersen"' },
    ]);
  });

  test('a v2 category sent as a number tensor is refused, naming BYTES', async () => {
    const inputs = [{ name: 'island', shape: [1], datatype: 'FP32', data: [1] }];
    const response = await app().handle(request('POST', '/v2/models/penguins-sklearn/infer', JSON.stringify({ inputs })));
    expect(response.status).toBe(400);
    expect(JSON.stringify(json(response).problems)).toContain('BYTES: \\"island\\" is a category (strings)');
  });

  test('with output.label, the predicted label is the graph\'s string "output_label"', async () => {
    const dir = join(EXAMPLES, 'penguins-sklearn', 'served');
    const manifest = await readManifest(join(dir, 'model.json'));
    const output = manifest.task === 'regression' ? {} : manifest.output;
    const labelled = parseManifest({ ...manifest, output: { ...output, label: 'output_label' } });
    const model = await loadModel({ bytes: readFileSync(join(dir, 'model.onnx')), manifest: labelled });
    try {
      const got = await model.predict(
        (await import('../../../lambda/core/prepare')).createPreparer(labelled, model.signature).prepare(CASES[2].instances),
      );
      expect(maxDifference(got as ClassPrediction[], CASES[2].want)).toBeLessThanOrEqual(1e-5);
    } finally {
      await model.close();
    }
  });
});

describe('models refused at load, with the fix named', () => {
  test('the raw ZipMap penguins-sklearn model: run modelstack init', async () => {
    const manifest = await readManifest(join(EXAMPLES, 'penguins-sklearn', 'served', 'model.json'));
    const source = 'examples/penguins-sklearn/model.onnx';
    const bytes = readFileSync(join(EXAMPLES, 'penguins-sklearn', 'model.onnx'));
    const error = await loadModel({ bytes, manifest, source }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelMismatchError);
    expect((error as ModelMismatchError).problems).toEqual([
      'output.probabilities: "probabilities" is not an output of the model; the model\'s outputs are: output_label, output_probability',
      'output "output_probability" is a ZipMap (a sequence of maps), which onnxruntime-node cannot return ' +
        '(microsoft/onnxruntime#8007): run "npm run modelstack -- init examples/penguins-sklearn/model.onnx" to rewrite it ' +
        'so that the tensor "probabilities" feeding the ZipMap becomes the output',
    ]);
  });

  test('digits-pytorch with its logits declared as probabilities: declare the softmax', async () => {
    const dir = join(EXAMPLES, 'digits-pytorch');
    const manifest = await readManifest(join(dir, 'model.json'));
    const labels = manifest.task === 'regression' ? [] : manifest.output.labels;
    const wrong = parseManifest({ ...manifest, output: { probabilities: 'logits', labels } });
    const error = await loadModel({ bytes: readFileSync(join(dir, 'model.onnx')), manifest: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelMismatchError);
    const [problem] = (error as ModelMismatchError).problems;
    expect(problem).toMatch(
      /^output\.probabilities: output "logits" does not hold probabilities \(row 0 sums to -?[\d.]+, min -[\d.]+(, max [\d.]+)?\): declare it as "logits": "logits" with "activation": "softmax"$/,
    );
  });
});

describe('GET /v2/models/{name} for a model with several tensors and categories', () => {
  test('lists each feature\'s tensor, categories and encoding, and the model inputs as fed', async () => {
    const body = json(await (apps.get('penguins-sklearn') as InferenceApp).handle(request('GET', '/v2/models/penguins-sklearn')));
    const inputs = body.inputs as Array<Record<string, unknown>>;
    expect(inputs[0]).toMatchObject({ name: 'bill_length_mm', datatype: 'FP32', tensor: 'bill_length_mm', missing: 'passthrough' });
    expect(inputs[4]).toEqual({
      name: 'island',
      id: 'island',
      datatype: 'BYTES',
      shape: [-1],
      type: 'category',
      tensor: 'island',
      categories: ['Biscoe', 'Dream', 'Torgersen'],
      encoding: 'string',
      unknownCategory: 'reject',
      missing: 'reject',
    });
    expect(body.tensor).toBeUndefined();
    expect((body.modelInputs as unknown[]).slice(3)).toEqual([
      { name: 'body_mass_g', datatype: 'FP32', shape: [-1, 1], features: ['body_mass_g'] },
      { name: 'island', datatype: 'BYTES', shape: [-1, 1], features: ['island'] },
      { name: 'sex', datatype: 'BYTES', shape: [-1, 1], features: ['sex'] },
    ]);
  });
});
