/**
 * Multi-output regression (examples/multi-output-regression, made by skl2onnx from load_linnerud): `init --target
 * Weight,Waist,Pulse` writes output.targets, and every answer, over JSON, CSV, v2 JSON and v2 binary, equals Python
 * onnxruntime's in the example's expected.json. Without data, init never writes a classifier it cannot prove, and a
 * declared output shape the graph does not return is reported by init, not by onnxruntime's logger.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadModelFromDirectory, type OnnxModel } from '../../../lambda/core/model';
import { createInferenceApp } from '../../../lambda/serving/app';
import type { HttpResponse, InferenceApp } from '../../../lambda/serving/contract';
import { readManifest } from '../../../lambda/core/manifest';
import { predictionBaseline } from '../../../lib/evaluation/drift-baseline';
import { evaluateModel } from '../../../lib/evaluation/evaluate-model';
import { renderReport } from '../../../lib/evaluation/html-report';
import { formatEvaluation } from '../../../lib/evaluation/terminal-table';
import type { ValueDistribution } from '../../../lib/evaluation/prediction-distribution';
import type { RegressionMetrics } from '../../../lib/evaluation/regression-metrics';
import { runInit, type InitResult } from '../../../lib/init/init';
import { formatInitReport } from '../../../lib/init/init-report';
import { InitError } from '../../../lib/init/init-error';
import { json, request } from '../../support/serving';
import { binaryBody, decodeAnswer } from '../../support/tritonclient';

const DIR = join(__dirname, '../../../examples/multi-output-regression');
const TARGETS = ['Weight', 'Waist', 'Pulse'];
const TOLERANCE = 1e-6;

interface Reference {
  readonly targets: string[];
  readonly instances: Array<Record<string, number>>;
  readonly onnxruntime: Array<Record<string, number>>;
  /** scikit-learn's mean_absolute_error, root of mean_squared_error and r2_score per target on test.csv. */
  readonly sklearnMetrics: { perTarget: Record<string, { mae: number; rmse: number; r2: number }> };
}
const reference = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Reference;
const features = Object.keys(reference.instances[0]);

let out: string;

beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'modelstack-multi-output-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

/** Each row's values, in target order, against Python onnxruntime's (float32: relative tolerance). */
function expectReference(rows: readonly number[][]): void {
  expect(rows).toHaveLength(reference.onnxruntime.length);
  rows.forEach((row, i) =>
    TARGETS.forEach((t, j) => {
      const want = reference.onnxruntime[i][t];
      expect(Math.abs(row[j] - want)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(want)));
    }),
  );
}

function fromPredictions(response: HttpResponse): number[][] {
  expect(response.status).toBe(200);
  const { predictions } = json(response) as { predictions: Array<{ values: Record<string, number> }> };
  predictions.forEach((p) => expect(Object.keys(p.values)).toEqual(TARGETS));
  return predictions.map((p) => TARGETS.map((t) => p.values[t]));
}

function fromV2Value(outputs: ReadonlyArray<{ name: string; shape: readonly number[]; data: ReadonlyArray<string | number> }>): number[][] {
  expect(outputs.map((o) => o.name)).toEqual(['value']);
  const [value] = outputs;
  expect(value.shape).toEqual([reference.instances.length, TARGETS.length]);
  const data = value.data as number[];
  return reference.instances.map((_, i) => data.slice(i * TARGETS.length, (i + 1) * TARGETS.length));
}

describe('Given a LinearRegression on three targets (output [N, 3]) and its training data', () => {
  let model: OnnxModel;
  let app: InferenceApp;
  let review: readonly string[];
  let result: InitResult;
  beforeEach(async () => {
    result = await runInit({ model: join(DIR, 'model.onnx'), data: join(DIR, 'train.csv'), target: TARGETS.join(','), out });
    review = result.output.review;
    model = await loadModelFromDirectory(out);
    app = createInferenceApp({ model });
  });
  afterEach(async () => model.close());

  it('init --target Weight,Waist,Pulse writes a regression with output.targets and the other columns as features', () => {
    expect(model.manifest.task).toBe('regression');
    expect(model.manifest.output).toEqual({ value: 'variable', targets: TARGETS });
    expect(model.manifest.input.features.map((f) => f.name)).toEqual(['Chins', 'Situps', 'Jumps']);
    expect(review.join('\n')).toContain('column i of "variable" is read as target 0 = Weight, 1 = Waist, 2 = Pulse');
    expect(formatInitReport(result, out).join('\n')).toContain('value "variable", targets Weight, Waist, Pulse');
  });

  it('JSON instances get {"values": {target: number}} equal to Python onnxruntime', async () => {
    expectReference(fromPredictions(await app.handle(request('POST', '/invocations', JSON.stringify({ instances: reference.instances })))));
  });

  it('CSV rows get the same answer', async () => {
    const csv = [features.join(','), ...reference.instances.map((r) => features.map((f) => r[f]).join(','))].join('\n');
    expectReference(fromPredictions(await app.handle(request('POST', '/invocations', csv, 'text/csv'))));
  });

  it('v2 JSON answers one FP32 "value" tensor [N, 3], columns in target order', async () => {
    const rows = reference.instances;
    const inputs = [{ name: 'input', shape: [rows.length, features.length], datatype: 'FP32', data: rows.map((r) => features.map((f) => r[f])) }];
    const answer = json(await app.handle(request('POST', '/v2/models/multi-output-regression/infer', JSON.stringify({ inputs })))) as {
      outputs: Array<{ name: string; shape: number[]; data: number[] }>;
    };
    expectReference(fromV2Value(answer.outputs));
  });

  it('v2 binary tensors get a binary [N, 3] "value" tensor', async () => {
    const rows = reference.instances;
    const data = Buffer.from(new Float32Array(rows.flatMap((r) => features.map((f) => r[f]))).buffer);
    const inputs = [{ name: 'input', shape: [rows.length, features.length], datatype: 'FP32', parameters: { binary_data_size: data.length } }];
    const { body, length } = binaryBody({ inputs, parameters: { binary_data_output: true } }, data);
    const response = await app.handle({ method: 'POST', path: '/v2/models/multi-output-regression/infer', headers: { 'inference-header-content-length': String(length) }, body });
    expect(response.status).toBe(200);
    expectReference(fromV2Value(decodeAnswer(response).outputs));
  });

  it('evaluate on test.csv gives each target scikit-learn\'s MAE, RMSE and R², and their means', async () => {
    const record = await evaluateModel({ modelDir: out, data: join(DIR, 'test.csv') });
    expect(record.data).toMatchObject({ target: 'Weight,Waist,Pulse', rows: 8, evaluatedRows: 8 });
    const metrics = record.metrics as RegressionMetrics;
    const perTarget = metrics.perTarget ?? {};
    expect(Object.keys(perTarget)).toEqual(TARGETS);
    for (const target of TARGETS) {
      const want = reference.sklearnMetrics.perTarget[target];
      expect(perTarget[target].mae).toBeCloseTo(want.mae, 4);
      expect(perTarget[target].rmse).toBeCloseTo(want.rmse, 4);
      expect(perTarget[target].r2).toBeCloseTo(want.r2, 6);
    }
    const mean = (name: 'mae' | 'rmse' | 'r2') => TARGETS.reduce((sum, t) => sum + perTarget[t][name], 0) / TARGETS.length;
    expect(metrics.mae).toBeCloseTo(mean('mae'), 12);
    expect(metrics.r2).toBeCloseTo(mean('r2'), 12);
    expect(record.predictionDistribution).toMatchObject({ task: 'regression', rows: 8 });
    const distribution = record.predictionDistribution as ValueDistribution;
    expect(Object.keys(distribution.perTarget ?? {})).toEqual(TARGETS);
    expect(distribution.perTarget?.Pulse.mean).toBeCloseTo(reference.onnxruntime.reduce((sum, r) => sum + r.Pulse, 0) / 8, 4);
    expect(Object.keys(record.targetPoints ?? {})).toEqual(TARGETS);
    expect(record.baselines.trivial.description).toBe('predicts the training mean of each target for every row');
  });

  it('evaluation.minimumPerTarget checks each target on its own metrics, a ceiling for errors', async () => {
    const manifestPath = join(out, 'model.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    const pulse = reference.sklearnMetrics.perTarget.Pulse;
    const evaluation = { data: relative(out, join(DIR, 'test.csv')), target: 'Weight,Waist,Pulse', minimumPerTarget: { Weight: { mae: 1000 }, Pulse: { r2: pulse.r2 + 0.5 } } };
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, evaluation }));
    const record = await evaluateModel({ modelDir: out });
    expect(record.verdict.passed).toBe(false);
    expect(record.verdict.checks.filter((c) => c.kind === 'target-minimum').map((c) => [c.subject, c.passed])).toEqual([
      ['mae of Weight', true],
      ['r2 of Pulse', false],
    ]);
    expect(record.thresholds.minimumPerTarget).toEqual(evaluation.minimumPerTarget);
  });

  it('evaluation.minimumPerTarget naming a column that is not a target lists the targets', async () => {
    const manifestPath = join(out, 'model.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, evaluation: { data: relative(out, join(DIR, 'test.csv')), target: 'Weight,Waist,Pulse', minimumPerTarget: { Pulze: { r2: 0 } } } }));
    await expect(evaluateModel({ modelDir: out })).rejects.toThrow('evaluation.minimumPerTarget.Pulze: "Pulze" is not a target of this model; expected one of Weight, Waist, Pulse');
  });

  it('the drift baseline of the evaluated model is per target, read back from evaluation.json', async () => {
    const record = await evaluateModel({ modelDir: out, data: join(DIR, 'test.csv') });
    writeFileSync(join(out, 'evaluation.json'), JSON.stringify(record));
    const baseline = await predictionBaseline(out, model.manifest);
    expect(baseline?.distribution).toEqual(record.predictionDistribution);
    expect(Object.keys((baseline?.distribution as ValueDistribution).perTarget ?? {})).toEqual(TARGETS);
  });

  it('the drift baseline derived from evaluation data is per target too', async () => {
    const manifestPath = join(out, 'model.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, evaluation: { data: relative(out, join(DIR, 'test.csv')), target: 'Weight,Waist,Pulse' } }));
    const baseline = await predictionBaseline(out, await readManifest(manifestPath));
    const perTarget = (baseline?.distribution as ValueDistribution).perTarget ?? {};
    expect(Object.keys(perTarget)).toEqual(TARGETS);
    expect(perTarget.Waist.mean).toBeCloseTo(reference.onnxruntime.reduce((sum, r) => sum + r.Waist, 0) / 8, 4);
  });

  it('an evaluation.json without per-target figures is refused as a multi-output baseline, saying to re-run evaluate', async () => {
    writeFileSync(join(out, 'evaluation.json'), JSON.stringify({ predictionDistribution: { task: 'regression', rows: 8, mean: 1, std: 1 } }));
    await expect(predictionBaseline(out, model.manifest)).rejects.toThrow(
      'predictionDistribution.perTarget: has no targets; the manifest\'s output.targets are Weight, Waist, Pulse; re-run modelstack evaluate',
    );
  });

  it('the HTML report and the terminal table show each target, its trivial baseline and its plot', async () => {
    const record = await evaluateModel({ modelDir: out, data: join(DIR, 'test.csv') });
    const html = renderReport([record]);
    expect(html).toContain('<section id="per-target">');
    const perTarget = (record.metrics as RegressionMetrics).perTarget ?? {};
    for (const target of TARGETS) {
      expect(html).toContain(`data-metric="target.${target}.r2" data-value="${perTarget[target].r2}"`);
      expect(html).toContain(`${target}: predicted vs actual`);
    }
    expect(html).not.toContain('id="regression-plots"');
    const text = formatEvaluation(record).join('\n');
    expect(text).toContain('(mae, rmse, r2 and mape above are the unweighted means over the targets)');
    expect(text).toMatch(/Pulse\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+/);
  });

  it('evaluate with --target naming other columns names the model\'s targets', async () => {
    await expect(evaluateModel({ modelDir: out, data: join(DIR, 'test.csv'), target: 'Weight' })).rejects.toThrow(
      '--target: is "Weight" but the model is a multi-output regression whose targets are Weight, Waist, Pulse; name them all (Weight,Waist,Pulse) or leave the target out',
    );
  });

  it('the metadata route lists the targets and the [-1, 3] value output', async () => {
    const metadata = json(await app.handle(request('GET', '/v2/models/multi-output-regression')));
    expect(metadata).toMatchObject({ task: 'regression', targets: TARGETS, outputs: [{ name: 'value', datatype: 'FP32', shape: [-1, 3] }] });
  });
});

describe('Given the [N, 3] model and the wrong targets', () => {
  /** train.csv with only `columns`, so the features still fit the model's input. */
  const dataWith = (columns: readonly string[]): string => {
    const [header, ...rows] = readFileSync(join(DIR, 'train.csv'), 'utf8').trim().split('\n').map((line) => line.split(','));
    const keep = columns.map((c) => header.indexOf(c));
    const path = join(out, 'data.csv');
    writeFileSync(path, [columns, ...rows.map((r) => keep.map((i) => r[i]))].map((r) => r.join(',')).join('\n'));
    return path;
  };

  it('init with one target and the other targets left as columns names the multi-output form of --target', async () => {
    await expect(runInit({ model: join(DIR, 'model.onnx'), data: join(DIR, 'train.csv'), target: 'Weight', out: join(out, 'm') })).rejects.toThrow(
      'takes 3 columns but 5 columns of the data are not the target (Chins, Situps, Jumps, Waist, Pulse); pass --target (every target, comma-separated, for a multi-output regression: --target a,b,c)',
    );
  });

  it('init with two targets for three output columns names both counts', async () => {
    const data = dataWith(['Chins', 'Situps', 'Jumps', 'Weight', 'Waist']);
    await expect(runInit({ model: join(DIR, 'model.onnx'), data, target: 'Weight,Waist', out: join(out, 'm') })).rejects.toThrow(
      '--target names 2 columns (Weight, Waist) but the model\'s output "variable" has 3 columns',
    );
  });

  it('init with a target that is not a column names it and lists the columns', async () => {
    await expect(runInit({ model: join(DIR, 'model.onnx'), data: join(DIR, 'train.csv'), target: 'Weight,Wiast,Pulse', out })).rejects.toThrow(
      '--target is "Wiast", which is not a column of',
    );
  });

  it('init refuses a repeated target', async () => {
    await expect(runInit({ model: join(DIR, 'model.onnx'), data: join(DIR, 'train.csv'), target: 'Weight,Weight,Pulse', out })).rejects.toThrow(
      'a list of target columns needs distinct, non-empty names',
    );
  });
});

describe('Given the [N, 3] model without data', () => {
  it('init refuses to guess a classifier and names --target, --task regression and --task multiclass-classification', async () => {
    const run = runInit({ model: join(DIR, 'model.onnx'), out });
    await expect(run).rejects.toThrow(InitError);
    await expect(runInit({ model: join(DIR, 'model.onnx'), out })).rejects.toThrow(
      'the model\'s output "variable" has 3 columns: 3 class scores or 3 regression targets, and without labels init cannot tell which. ' +
        'Pass --data <train.csv> --target <column> (a classifier: the labels come from the target), ' +
        '--data <train.csv> --target <column>,<column>... (a multi-output regression: its 3 target columns in order), ' +
        '--task regression to write placeholder targets target_0 ... target_2, or --task multiclass-classification to write placeholder labels class_0 ... class_2',
    );
    expect(existsSync(join(out, 'model.json'))).toBe(false);
  });

  it('init with --task regression writes a multi-output regression with placeholder targets that serves', async () => {
    const result = await runInit({ model: join(DIR, 'model.onnx'), out, task: 'regression' });
    expect(result.manifest.output).toEqual({ value: 'variable', targets: ['target_0', 'target_1', 'target_2'] });
    expect(result.output.review.join('\n')).toContain('targets are placeholders target_0 ... target_2');
    const model = await loadModelFromDirectory(out);
    await model.close();
  });

  it('init with --task multiclass-classification writes the classifier the user asked for, with placeholder labels', async () => {
    const result = await runInit({ model: join(DIR, 'model.onnx'), out, task: 'multiclass-classification' });
    expect(result.manifest.task).toBe('multiclass-classification');
    expect(result.output.review.join('\n')).toContain('labels are placeholders class_0 ... class_2 (--task, no --target)');
  });
});

describe('Given a RandomForestRegressor declared [N, 1] that returns [N, 3]', () => {
  it('init\'s probe reports the disagreement instead of writing a manifest', async () => {
    await expect(runInit({ model: join(DIR, 'forest-declared-one-column.onnx'), data: join(DIR, 'train.csv'), target: TARGETS.join(','), out })).rejects.toThrow(
      'the model\'s output "variable" is declared [N, 1] but returns [N, 3] on the probe rows',
    );
    expect(existsSync(join(out, 'model.json'))).toBe(false);
  });
});
