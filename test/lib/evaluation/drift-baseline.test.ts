/**
 * The drift band is derived from the real model's outputs on its test data: the model is run (onnxruntime, the
 * runtime's own CSV parsing and preparation) over `evaluation.data`, and the shares it predicts match the
 * predicted-label columns of the training script's confusion matrix (examples/<model>/metrics.json).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readManifest, type Manifest } from '../../../lambda/core/manifest';
import { DriftBaselineError, predictionBaseline } from '../../../lib/evaluation/drift-baseline';
import { DRIFT_DEFAULTS, labelShareBand, meanValueBand } from '../../../lib/monitoring/drift';
import { PROJECT_ROOT } from '../../support/app';

const examples = path.join(PROJECT_ROOT, 'examples');

async function example(name: string): Promise<{ dir: string; manifest: Manifest }> {
  const dir = path.join(examples, name);
  return { dir, manifest: await readManifest(path.join(dir, 'model.json')) };
}

/** Predicted-label counts from the confusion matrix the training script wrote (column sums). */
function predictedCounts(name: string): Record<string, number> {
  const metrics = JSON.parse(fs.readFileSync(path.join(examples, name, 'metrics.json'), 'utf8')) as { confusionMatrix: { labels: string[]; matrix: number[][] } };
  const { labels, matrix } = metrics.confusionMatrix;
  return Object.fromEntries(labels.map((label, column) => [label, matrix.reduce((sum, row) => sum + row[column], 0)]));
}

/** A copy of an example's model and manifest in a fresh folder, plus `files`. */
function copyOf(name: string, files: Record<string, string>, manifestEdit?: (manifest: Record<string, unknown>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelstack-baseline-'));
  fs.copyFileSync(path.join(examples, name, 'model.onnx'), path.join(dir, 'model.onnx'));
  const manifest = JSON.parse(fs.readFileSync(path.join(examples, name, 'model.json'), 'utf8')) as Record<string, unknown>;
  manifestEdit?.(manifest);
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(manifest));
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content);
  return dir;
}

describe('Given the breast-cancer model and its test.csv', () => {
  test('When the baseline is derived, then it is the model\'s own predictions: 56 of 143 malignant, as the training script counted', async () => {
    // A copy without evaluation.json, so the model itself is run over test.csv.
    const { manifest } = await example('breast-cancer');
    const dir = copyOf('breast-cancer', { 'test.csv': fs.readFileSync(path.join(examples, 'breast-cancer', 'test.csv'), 'utf8') });
    const baseline = await predictionBaseline(dir, manifest);
    const counts = predictedCounts('breast-cancer');
    expect(counts).toEqual({ malignant: 56, benign: 87 });
    expect(baseline).toEqual({
      source: 'model.onnx on test.csv (143 rows)',
      distribution: { task: 'classification', rows: 143, labelShares: { malignant: counts.malignant / 143, benign: counts.benign / 143 } },
    });
  });

  test('When the committed evaluation.json is there, then the baseline is read from it and equals the model run', async () => {
    const { dir, manifest } = await example('breast-cancer');
    const baseline = await predictionBaseline(dir, manifest);
    const counts = predictedCounts('breast-cancer');
    expect(baseline).toEqual({
      source: 'evaluation.json (143 rows)',
      distribution: { task: 'classification', rows: 143, labelShares: { malignant: counts.malignant / 143, benign: counts.benign / 143 } },
    });
  });

  test('When the band is derived from it, then it is p ± max(5 pp, 3·sqrt(p(1-p)(1/n + 1/143))): ±19.1 pp at 100 predictions, ±12.2 pp at any traffic', async () => {
    const { dir, manifest } = await example('breast-cancer');
    const baseline = await predictionBaseline(dir, manifest);
    if (baseline?.distribution.task !== 'classification') throw new Error('expected a classification baseline');
    const p = baseline.distribution.labelShares.malignant;
    const halfWidth = (n: number) => labelShareBand(p, 143, n, DRIFT_DEFAULTS).halfWidth;
    expect(halfWidth(100)).toBeCloseTo(3 * Math.sqrt(p * (1 - p) * (1 / 100 + 1 / 143)), 12);
    expect([halfWidth(100), halfWidth(137), halfWidth(166_667), halfWidth(1e12)].map((h) => Number((h * 100).toFixed(1)))).toEqual([19.1, 17.5, 12.3, 12.2]);
    expect(labelShareBand(p, 143, 100, DRIFT_DEFAULTS)).toMatchObject({ lower: p - halfWidth(100), upper: p + halfWidth(100) });
  });

  test('When the sample is large on both sides, then the floor of 5 percentage points holds the band open', () => {
    expect(labelShareBand(0.4, 1e9, 1e9, DRIFT_DEFAULTS).halfWidth).toBe(0.05);
    expect(labelShareBand(0.02, 100, 100, DRIFT_DEFAULTS)).toMatchObject({ lower: 0, upper: 0.02 + 3 * Math.sqrt(0.02 * 0.98 * (2 / 100)) });
  });
});

describe('Given the iris and diabetes models', () => {
  test('When the iris baseline is derived, then each label\'s share is its predicted-label count over 38 rows', async () => {
    const { dir, manifest } = await example('iris');
    const counts = predictedCounts('iris');
    expect(await predictionBaseline(dir, manifest)).toEqual({
      source: 'model.onnx on test.csv (38 rows)',
      distribution: { task: 'classification', rows: 38, labelShares: { setosa: counts.setosa / 38, versicolor: counts.versicolor / 38, virginica: counts.virginica / 38 } },
    });
  });

  test('When the diabetes baseline is derived, then it is the mean and standard deviation of the predicted progression', async () => {
    const { dir, manifest } = await example('diabetes');
    const baseline = await predictionBaseline(dir, manifest);
    expect(baseline).toMatchObject({ source: 'model.onnx on test.csv (111 rows)', distribution: { task: 'regression', rows: 111 } });
    if (baseline?.distribution.task !== 'regression') throw new Error('expected a regression baseline');
    expect(baseline.distribution.mean).toBeCloseTo(143.6256, 3);
    expect(baseline.distribution.std).toBeCloseTo(55.8282, 3);
    const { mean, std } = baseline.distribution;
    expect(meanValueBand(mean, std, 111, 100, DRIFT_DEFAULTS).halfWidth).toBeCloseTo(3 * std * Math.sqrt(1 / 100 + 1 / 111), 9);
  });
});

describe('Given an evaluation report next to the model', () => {
  const distribution = { task: 'classification', rows: 1000, labelShares: { malignant: 0.37, benign: 0.63 } };

  test('When it has a predictionDistribution, then that is the baseline and the model is not run over the CSV', async () => {
    const dir = copyOf('breast-cancer', { 'evaluation.json': JSON.stringify({ accuracy: 0.97, predictionDistribution: distribution }) });
    expect(await predictionBaseline(dir, await readManifest(path.join(dir, 'model.json')))).toEqual({ distribution, source: 'evaluation.json (1000 rows)' });
  });

  test('When it has no predictionDistribution, then the baseline is derived from the evaluation data', async () => {
    const dir = copyOf('breast-cancer', { 'evaluation.json': '{"accuracy": 0.97}', 'test.csv': fs.readFileSync(path.join(examples, 'breast-cancer', 'test.csv'), 'utf8') });
    expect((await predictionBaseline(dir, await readManifest(path.join(dir, 'model.json'))))?.source).toBe('model.onnx on test.csv (143 rows)');
  });

  test.each([
    ['its labels are not the manifest\'s', { ...distribution, labelShares: { yes: 0.4, no: 0.6 } }, /labels no, yes must be the manifest's labels benign, malignant/],
    ['its shares do not sum to 1', { ...distribution, labelShares: { malignant: 0.5, benign: 0.6 } }, /shares sum to 1\.1; expected 1/],
    ['its task does not fit the model', { task: 'regression', rows: 10, mean: 1, std: 1 }, /"regression" does not fit the manifest's task "binary-classification"/],
    ['it has a share above 1', { ...distribution, labelShares: { malignant: 1.5, benign: -0.5 } }, /predictionDistribution\.labelShares\.malignant: 1\.5 is above the maximum 1/],
  ])('When %s, then it is refused naming the file and the field', async (_case, predictionDistribution, message) => {
    const dir = copyOf('breast-cancer', { 'evaluation.json': JSON.stringify({ predictionDistribution }) });
    await expect(predictionBaseline(dir, await readManifest(path.join(dir, 'model.json')))).rejects.toThrow(message);
  });

  test('When it is not JSON, then it is refused naming the file', async () => {
    const dir = copyOf('breast-cancer', { 'evaluation.json': '{' });
    const error = await predictionBaseline(dir, await readManifest(path.join(dir, 'model.json'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftBaselineError);
    expect((error as DriftBaselineError).message).toMatch(/evaluation\.json:\n {2}- must be JSON/);
  });
});

describe('Given evaluation data that cannot give a baseline', () => {
  test('When the manifest names no evaluation data and there is no report, then there is no baseline', async () => {
    const dir = copyOf('breast-cancer', {}, (manifest) => delete manifest.evaluation);
    expect(await predictionBaseline(dir, await readManifest(path.join(dir, 'model.json')))).toBeUndefined();
  });

  test('When the CSV is missing, then it is refused naming the file and the manifest field', async () => {
    const dir = copyOf('breast-cancer', {});
    await expect(predictionBaseline(dir, await readManifest(path.join(dir, 'model.json')))).rejects.toThrow(/test\.csv:\n {2}- must be a readable CSV named by the manifest's evaluation\.data \(ENOENT\)/);
  });

  test('When the CSV lacks the target column, then it is refused naming the column', async () => {
    const csv = fs.readFileSync(path.join(examples, 'breast-cancer', 'test.csv'), 'utf8').replace(',diagnosis\n', ',label\n');
    const dir = copyOf('breast-cancer', { 'test.csv': csv });
    await expect(predictionBaseline(dir, await readManifest(path.join(dir, 'model.json')))).rejects.toThrow(/must have the target column "diagnosis"/);
  });

  test('When a row fails the manifest\'s checks, then it is refused with the runtime\'s own message', async () => {
    const lines = fs.readFileSync(path.join(examples, 'breast-cancer', 'test.csv'), 'utf8').split('\n');
    lines[1] = lines[1].replace(/^[^,]+/, 'abc');
    const dir = copyOf('breast-cancer', { 'test.csv': lines.join('\n') });
    await expect(predictionBaseline(dir, await readManifest(path.join(dir, 'model.json')))).rejects.toThrow(/instances\[0\]\.mean_radius/);
  });
});
