/**
 * The serving layer's tests share these: the three example models loaded once per test file, an app for each,
 * request and response helpers, and predictions compared with each example's expected.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInferenceApp } from '../../lambda/serving/app';
import type { HttpRequest, HttpResponse, InferenceApp } from '../../lambda/serving/contract';
import { loadModelFromDirectory } from '../../lambda/core/model';
import type { OnnxModel } from '../../lambda/core/model';
import type { Prediction } from '../../lambda/core/types';

export const EXAMPLES = join(__dirname, '..', '..', 'examples');
export const MODELS = ['breast-cancer', 'iris', 'diabetes'] as const;
export type ModelName = (typeof MODELS)[number];

export interface Expected {
  readonly instances: Array<Record<string, number>>;
  readonly float32Predictions: Prediction[];
}

export const expected: Record<ModelName, Expected> = Object.fromEntries(
  MODELS.map((name) => [name, JSON.parse(readFileSync(join(EXAMPLES, name, 'expected.json'), 'utf8')) as Expected]),
) as Record<ModelName, Expected>;

const models = new Map<ModelName, OnnxModel>();
const apps = new Map<ModelName, InferenceApp>();

/** Loads the example models before the file's tests (and an app with default options for each); closes them after. */
export function useExampleModels(): void {
  beforeAll(async () => {
    for (const name of MODELS) {
      const model = await loadModelFromDirectory(join(EXAMPLES, name));
      models.set(name, model);
      apps.set(name, createInferenceApp({ model }));
    }
  });
  afterAll(async () => {
    for (const model of models.values()) await model.close();
    models.clear();
    apps.clear();
  });
}

export function model(name: ModelName): OnnxModel {
  return models.get(name) as OnnxModel;
}

export function app(name: ModelName): InferenceApp {
  return apps.get(name) as InferenceApp;
}

export function featureNames(name: ModelName): string[] {
  return model(name).manifest.input.features.map((f) => f.name);
}

export function request(
  method: string,
  path: string,
  body: string | Buffer = '',
  contentType: string | undefined = 'application/json',
): HttpRequest {
  return { method, path, headers: contentType === undefined ? {} : { 'content-type': contentType }, body };
}

export function json(response: HttpResponse): Record<string, unknown> {
  expect(response.headers['content-type']).toBe('application/json');
  return JSON.parse(String(response.body)) as Record<string, unknown>;
}

export function expectPredictions(actual: unknown, wanted: readonly Prediction[]): void {
  const got = actual as Prediction[];
  expect(got).toHaveLength(wanted.length);
  wanted.forEach((want, i) => {
    const have = got[i];
    if ('value' in want) {
      expect('value' in have).toBe(true);
      const value = (have as { value: number }).value;
      expect(Math.abs(value - want.value)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.value)));
    } else if ('values' in want) {
      const values = (have as { values: Record<string, number> }).values;
      expect(Object.keys(values)).toEqual(Object.keys(want.values));
      for (const [target, v] of Object.entries(want.values)) {
        expect(Math.abs(values[target] - v)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v)));
      }
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
export function predictionsFromV2(body: Record<string, unknown>, name: ModelName): Prediction[] {
  const outputs = body.outputs as Array<{ name: string; datatype: string; shape: number[]; data: unknown[] }>;
  const manifest = model(name).manifest;
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

/** The example's instances as CSV, in feature order. */
export function csv(name: ModelName, header: boolean): string {
  const features = featureNames(name);
  const rows = expected[name].instances.map((instance) => features.map((f) => String(instance[f])).join(','));
  return `${header ? `${features.join(',')}\n` : ''}${rows.join('\n')}\n`;
}

/** One valid iris instance. */
export const IRIS_INSTANCE = { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 };
