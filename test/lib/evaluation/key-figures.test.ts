/**
 * The evaluation's key figures: what the endpoint carries as tags and in its metadata document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../../lambda/core/manifest';
import { loadModelFromDirectory } from '../../../lambda/core/model';
import { runtimeConfigFromEnv } from '../../../lambda/core/runtime-config';
import { createInferenceApp } from '../../../lambda/serving/app';
import { modelMetadata } from '../../../lambda/serving/metadata';
import { evaluationTags } from '../../../lib/evaluation/evaluation-tags';
import { readPredictionDistribution, type EvaluationRecord } from '../../../lib/evaluation/evaluation-record';
import { keyFiguresOf } from '../../../lib/evaluation/promotion-gate';
import { request } from '../../support/serving';

const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', 'breast-cancer');
const record = JSON.parse(readFileSync(join(EXAMPLE, 'evaluation.json'), 'utf8')) as EvaluationRecord;

describe("Given the committed breast-cancer evaluation", () => {
  test('When its key figures are taken, then they hold the verdict, the key metric and every whole-model metric', () => {
    const figures = keyFiguresOf(record);
    expect(figures).toMatchObject({ verdict: 'pass', keyMetric: 'macroF1', rows: 143, dataSha256: record.data.sha256, evaluatedAt: record.createdAt });
    expect(Object.keys(figures.metrics)).toEqual(['accuracy', 'macroPrecision', 'macroRecall', 'macroF1', 'weightedPrecision', 'weightedRecall', 'weightedF1', 'logLoss', 'brier', 'brierPositive', 'rocAuc', 'prAuc']);
    expect(figures.metrics.accuracy).toBe(record.metrics.task === 'classification' ? record.metrics.accuracy : NaN);
  });

  test('When they become tags, then the values are short and free of time', () => {
    expect(evaluationTags(keyFiguresOf(record))).toEqual({
      'modelstack:evaluation': 'pass',
      'modelstack:evaluation-metric': 'macroF1=0.9629',
      'modelstack:evaluation-rows': '143',
      'modelstack:evaluation-data-sha256': record.data.sha256,
    });
  });

  test('When the metadata document is built with them, then it has an evaluation key; without them, none', async () => {
    const manifest = await readManifest(join(EXAMPLE, 'model.json'));
    expect(modelMetadata(manifest, undefined, keyFiguresOf(record))).toMatchObject({ evaluation: { verdict: 'pass', keyMetric: 'macroF1' } });
    expect(modelMetadata(manifest, undefined)).not.toHaveProperty('evaluation');
  });
});

describe('Given the key figures handed to the runtime', () => {
  const env = { MODEL_BUCKET: 'models-bucket', MODEL_KEY: 'models/m/x.onnx', MODEL_SHA256: 'a'.repeat(64) };

  test('When MODEL_EVALUATION holds them as JSON, then the runtime configuration has them', () => {
    const figures = keyFiguresOf(record);
    expect(runtimeConfigFromEnv({ ...env, MODEL_EVALUATION: JSON.stringify(figures) }).evaluation).toEqual(figures);
    expect(runtimeConfigFromEnv(env).evaluation).toBeUndefined();
  });

  test.each([
    ['not JSON', '{verdict', 'MODEL_EVALUATION: must be JSON'],
    ['not key figures', '{"verdict":"maybe"}', 'MODEL_EVALUATION'],
  ])('When MODEL_EVALUATION is %s, then the configuration is refused naming the variable', (_case, value, message) => {
    expect(() => runtimeConfigFromEnv({ ...env, MODEL_EVALUATION: value })).toThrow(message);
  });

  test('When the app serves the model with them, then GET /v2/models/{name} carries them, loading and loaded', async () => {
    const figures = keyFiguresOf(record);
    const model = await loadModelFromDirectory(EXAMPLE);
    try {
      const loaded = createInferenceApp({ model, evaluation: figures });
      const body = JSON.parse(String((await loaded.handle(request('GET', '/v2/models/breast-cancer'))).body)) as { evaluation: unknown; ready: boolean };
      expect(body).toMatchObject({ ready: true, evaluation: figures });
      const loading = createInferenceApp({ model: new Promise(() => undefined), manifest: model.manifest, evaluation: figures });
      expect(JSON.parse(String((await loading.handle(request('GET', '/v2/models/breast-cancer'))).body))).toMatchObject({ ready: false, evaluation: figures });
    } finally {
      await model.close();
    }
  });
});

describe('Given the monitoring work setting drift bands', () => {
  test("When it reads a model directory's prediction distribution, then it gets the evaluation's label shares", async () => {
    expect(await readPredictionDistribution(EXAMPLE)).toEqual({ task: 'classification', rows: 143, labelShares: { malignant: 56 / 143, benign: 87 / 143 } });
  });

  test('When the model has not been evaluated, then there is none', async () => {
    expect(await readPredictionDistribution(join(EXAMPLE, '..', 'iris'))).toBeUndefined();
  });
});
