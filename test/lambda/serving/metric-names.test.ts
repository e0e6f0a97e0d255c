/**
 * The metrics the runtime writes are exactly the ones `lambda/serving/metric-names.ts` declares (and the stack's
 * alarms read): real EMF output of the real observability, app, models and local server, for a request, a
 * classification prediction, an invalid request, a 500, a model load, a regression prediction and a failed load.
 * Every metric's name, unit and dimension keys must equal its RUNTIME_METRICS / RUNTIME_DIMENSIONS entry.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { startServer } from '../../../lambda/hosts/local-server';
import { createInferenceApp } from '../../../lambda/serving/app';
import { REJECT_REASONS, RUNTIME_DIMENSIONS, RUNTIME_METRICS } from '../../../lambda/serving/metric-names';
import type { RuntimeMetric } from '../../../lambda/serving/metric-names';
import { createObservability } from '../../../lambda/serving/observability';
import type { Observability } from '../../../lambda/serving/observability';
import type { LoadedModel, ValuePrediction, ValuesPrediction } from '../../../lambda/core/types';
import { loadModelFromDirectory } from '../../../lambda/core/model';
import { runInit } from '../../../lib/init/init';
import { captureEmf, metricNames, type EmfDocument } from '../../support/emf';
import { EXAMPLES, expected, IRIS_INSTANCE, model, request, useExampleModels } from '../../support/serving';

useExampleModels();

const DECLARED: readonly RuntimeMetric[] = Object.values(RUNTIME_METRICS);

function metricsOn(serviceName: string): Observability {
  return createObservability({ serviceName, logger: new Logger({ serviceName, logLevel: 'SILENT' }), metrics: true });
}

/** Every metric of every document is declared, with its unit and exactly its dimensions (besides `service`). */
function expectAsDeclared(docs: readonly EmfDocument[]): void {
  expect(docs.length).toBeGreaterThan(0);
  for (const doc of docs) {
    for (const set of doc._aws.CloudWatchMetrics) {
      expect(set.Namespace).toBe('modelstack');
      expect(set.Dimensions).toHaveLength(1);
      for (const metric of set.Metrics) {
        const declared = DECLARED.find((d) => d.name === metric.Name);
        expect(declared).toBeDefined();
        const { unit, dimensions } = declared as RuntimeMetric;
        expect({ name: metric.Name, unit: metric.Unit, dimensions: [...set.Dimensions[0]].sort() }).toEqual({
          name: metric.Name,
          unit,
          dimensions: [RUNTIME_DIMENSIONS.service, ...dimensions].sort(),
        });
        for (const dimension of set.Dimensions[0]) expect(typeof doc[dimension]).toBe('string');
        expect(doc[metric.Name]).toBeDefined();
      }
    }
  }
}

/** The documents declaring `metric`. */
function declaring(docs: readonly EmfDocument[], metric: RuntimeMetric): EmfDocument[] {
  return docs.filter((doc) => metricNames(doc).includes(metric.name));
}

describe('Given the real observability, when requests are served and models load', () => {
  const seen = new Set<string>();
  afterAll(() => {
    // Every declared metric was emitted by one test or another.
    expect([...seen].sort()).toEqual(DECLARED.map((d) => d.name).sort());
  });

  test('a request, a classification prediction, an invalid request, a 500 and a load: as declared', async () => {
    const obs = metricsOn('iris');
    const iris = model('iris');
    const app = createInferenceApp({ model: iris, hooks: obs.hooks });
    const failing: LoadedModel = {
      manifest: iris.manifest,
      sha256: iris.sha256,
      signature: iris.signature,
      predict: () => Promise.reject(new Error('boom')),
      close: () => Promise.resolve(),
    };
    const broken = createInferenceApp({ model: failing, hooks: obs.hooks });
    const docs = await captureEmf(async () => {
      obs.recordModelLoad(iris, 12.5, 'examples/iris');
      await app.handle(request('GET', '/ping'));
      await app.handle(request('POST', '/invocations', JSON.stringify({ instances: expected.iris.instances })));
      await app.handle(request('POST', '/invocations', '{bad json'));
      await broken.handle(request('POST', '/invocations', JSON.stringify({ instances: [IRIS_INSTANCE] })));
      obs.flush();
    });
    expectAsDeclared(docs);
    docs.forEach((doc) => metricNames(doc).forEach((name) => seen.add(name)));
    expect(docs.every((doc) => doc.service === 'iris')).toBe(true);
    const { latency, batchSize, predictions, invalidRequests, errors, modelLoadTime } = RUNTIME_METRICS;
    const main = declaring(docs, latency);
    expect(main).toHaveLength(1);
    expect(main[0]).toMatchObject({ [latency.name]: expect.any(Array), [batchSize.name]: 10, [errors.name]: 1, [modelLoadTime.name]: 12.5 });
    expect((main[0][latency.name] as number[]).length).toBe(4);
    const labels = new Map<string, number>();
    for (const p of expected.iris.float32Predictions) {
      const label = (p as { label: string }).label;
      labels.set(label, (labels.get(label) ?? 0) + 1);
    }
    const perLabel = declaring(docs, predictions).map((doc) => [doc[RUNTIME_DIMENSIONS.label], doc[predictions.name]]);
    expect(perLabel.sort()).toEqual([...labels.entries()].sort());
    const perReason = declaring(docs, invalidRequests).map((doc) => [doc[RUNTIME_DIMENSIONS.reason], doc[invalidRequests.name]]);
    expect(perReason).toEqual([['bad_json', 1]]);
    expect(REJECT_REASONS).toContain('bad_json');
  });

  test('a regression prediction: one PredictedValue per prediction, so the average is the mean prediction', async () => {
    const obs = metricsOn('diabetes');
    const app = createInferenceApp({ model: model('diabetes'), hooks: obs.hooks });
    let values: number[] = [];
    const docs = await captureEmf(async () => {
      const response = await app.handle(request('POST', '/invocations', JSON.stringify({ instances: expected.diabetes.instances })));
      values = (JSON.parse(String(response.body)) as { predictions: ValuePrediction[] }).predictions.map((p) => p.value);
      obs.flush();
    });
    expectAsDeclared(docs);
    docs.forEach((doc) => metricNames(doc).forEach((name) => seen.add(name)));
    const { predictedValue, predictions } = RUNTIME_METRICS;
    expect(declaring(docs, predictions)).toEqual([]);
    const emitted = declaring(docs, predictedValue).flatMap((doc) => doc[predictedValue.name] as number[]);
    expect(values).toHaveLength(10);
    expect(emitted).toEqual(values);
  });

  test('a multi-output regression: per target, one PredictedTargetSum and one PredictedTargetCount per flush', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelstack-emf-targets-'));
    const example = join(EXAMPLES, 'multi-output-regression');
    await runInit({ model: join(example, 'model.onnx'), data: join(example, 'train.csv'), target: 'Weight,Waist,Pulse', out: dir });
    const targetModel = await loadModelFromDirectory(dir);
    try {
      const obs = metricsOn('linnerud');
      const app = createInferenceApp({ model: targetModel, hooks: obs.hooks });
      const instances = [{ Chins: 5, Situps: 162, Jumps: 60 }, { Chins: 2, Situps: 110, Jumps: 60 }];
      let answers: ValuesPrediction[] = [];
      const docs = await captureEmf(async () => {
        const response = await app.handle(request('POST', '/invocations', JSON.stringify({ instances })));
        answers = (JSON.parse(String(response.body)) as { predictions: ValuesPrediction[] }).predictions;
        obs.flush();
      });
      expectAsDeclared(docs);
      docs.forEach((doc) => metricNames(doc).forEach((name) => seen.add(name)));
      const { predictedTargetSum, predictedTargetCount, predictedValue } = RUNTIME_METRICS;
      expect(declaring(docs, predictedValue)).toEqual([]);
      const sums = Object.fromEntries(declaring(docs, predictedTargetSum).map((doc) => [doc.target, doc[predictedTargetSum.name]]));
      const counts = Object.fromEntries(declaring(docs, predictedTargetCount).map((doc) => [doc.target, doc[predictedTargetCount.name]]));
      expect(Object.keys(sums)).toEqual(['Weight', 'Waist', 'Pulse']);
      for (const target of ['Weight', 'Waist', 'Pulse']) {
        expect(sums[target]).toBeCloseTo(answers[0].values[target] + answers[1].values[target], 6);
        expect(counts[target]).toBe(2);
      }
    } finally {
      await targetModel.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a regression batch over 100 predictions: every value is emitted, in documents of at most 100', async () => {
    const obs = metricsOn('diabetes');
    const app = createInferenceApp({ model: model('diabetes'), hooks: obs.hooks });
    const instances = Array.from({ length: 250 }, (_, i) => expected.diabetes.instances[i % 10]);
    const warn = jest.spyOn(obs.logger, 'warn');
    const docs = await captureEmf(async () => {
      await app.handle(request('POST', '/invocations', JSON.stringify({ instances })));
      obs.flush();
      obs.flush();
    });
    expectAsDeclared(docs);
    const { predictedValue } = RUNTIME_METRICS;
    const batches = declaring(docs, predictedValue).map((doc) => (doc[predictedValue.name] as number[]).length);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(250);
    expect(Math.max(...batches)).toBeLessThanOrEqual(100);
    expect(warn).not.toHaveBeenCalled();
  });

  test('a failed load of a model directory on the local server: one ModelLoadFailures, flushed at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelstack-emf-'));
    try {
      copyFileSync(join(EXAMPLES, 'iris', 'model.json'), join(dir, 'model.json'));
      copyFileSync(join(EXAMPLES, 'breast-cancer', 'model.onnx'), join(dir, 'model.onnx'));
      const docs = await captureEmf(async () => {
        await expect(
          startServer({ model: dir, port: 0, metrics: true, logLevel: 'SILENT', announce: () => undefined }),
        ).rejects.toThrow('The manifest does not fit the model');
      });
      expectAsDeclared(docs);
      docs.forEach((doc) => metricNames(doc).forEach((name) => seen.add(name)));
      const { modelLoadFailures } = RUNTIME_METRICS;
      const failures = declaring(docs, modelLoadFailures);
      expect(failures.map((doc) => [doc.service, doc[modelLoadFailures.name]])).toEqual([['iris', 1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without metrics, a failed load writes nothing and is only thrown', async () => {
    const docs = await captureEmf(async () => {
      await expect(
        startServer({ model: join(EXAMPLES, 'nowhere'), port: 0, logLevel: 'SILENT', announce: () => undefined }),
      ).rejects.toThrow('nowhere');
    });
    expect(docs).toEqual([]);
  });
});
