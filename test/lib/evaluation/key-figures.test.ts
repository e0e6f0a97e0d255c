/**
 * The evaluation's key figures: what the endpoint carries as tags and in its metadata document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../../lambda/core/manifest';
import { modelMetadata } from '../../../lambda/serving/metadata';
import { evaluationTags } from '../../../lib/evaluation/evaluation-tags';
import type { EvaluationRecord } from '../../../lib/evaluation/evaluation-record';
import { keyFiguresOf } from '../../../lib/evaluation/promotion-gate';

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
