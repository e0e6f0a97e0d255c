/**
 * `modelstack evaluate` on the example models equals scikit-learn's figures (`reference-metrics.json`, written
 * by examples/reference_metrics.py from the same committed model.onnx and test.csv) within 1e-6.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassificationMetrics } from '../../../lib/evaluation/classification-metrics';
import { evaluateModel } from '../../../lib/evaluation/evaluate-model';
import type { EvaluationRecord } from '../../../lib/evaluation/evaluation-record';
import type { Metrics } from '../../../lib/evaluation/metric-names';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const TOLERANCE = 1e-6;

interface ReferenceScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}
interface ReferenceMetrics {
  readonly rows: number;
  readonly accuracy?: number;
  readonly perClass?: Record<string, ReferenceScores>;
  readonly macro?: ReferenceScores;
  readonly weighted?: ReferenceScores;
  readonly confusionMatrix?: { readonly matrix: number[][] };
  readonly logLoss?: number;
  readonly brierMulticlass?: number;
  readonly brierPositive?: number;
  readonly rocAuc?: number;
  readonly averagePrecision?: number;
  readonly calibration?: { readonly bins: { bin: number; count: number; meanPredicted: number; fractionPositive: number }[] };
  readonly mae?: number;
  readonly rmse?: number;
  readonly r2?: number;
  readonly mape?: number;
  readonly mapeRowsSkipped?: number;
}
interface Reference {
  readonly modelSha256: string;
  readonly metrics: ReferenceMetrics;
  readonly baseline: { readonly metrics: ReferenceMetrics };
  readonly slices?: Record<string, Record<string, ReferenceMetrics>>;
}

const reference = (example: string): Reference => JSON.parse(readFileSync(join(EXAMPLES, example, 'reference-metrics.json'), 'utf8')) as Reference;

/** Pairs of [name, ours, sklearn's] for every figure the reference has. */
function pairs(ours: Metrics, ref: ReferenceMetrics): [string, number, number][] {
  const out: [string, number, number][] = [['rows', ours.rows, ref.rows]];
  if (ours.task === 'regression') {
    out.push(['mae', ours.mae, ref.mae ?? NaN], ['rmse', ours.rmse, ref.rmse ?? NaN], ['r2', ours.r2, ref.r2 ?? NaN]);
    out.push(['mape', ours.mape ?? NaN, ref.mape ?? NaN], ['mapeRowsSkipped', ours.mapeRowsSkipped, ref.mapeRowsSkipped ?? NaN]);
    return out;
  }
  const c: ClassificationMetrics = ours;
  out.push(['accuracy', c.accuracy, ref.accuracy ?? NaN], ['logLoss', c.logLoss, ref.logLoss ?? NaN], ['brier', c.brier, ref.brierMulticlass ?? NaN]);
  for (const [label, scores] of Object.entries(ref.perClass ?? {})) {
    for (const key of ['precision', 'recall', 'f1', 'support'] as const) out.push([`${label}.${key}`, c.perClass[label][key], scores[key]]);
  }
  for (const average of ['macro', 'weighted'] as const) {
    for (const key of ['precision', 'recall', 'f1'] as const) out.push([`${average}.${key}`, c[average][key], ref[average]?.[key] ?? NaN]);
  }
  ref.confusionMatrix?.matrix.forEach((row, i) => row.forEach((n, j) => out.push([`confusion[${i}][${j}]`, c.confusionMatrix.matrix[i][j], n])));
  if (ref.rocAuc !== undefined) {
    const b = c.binary;
    out.push(['rocAuc', b?.rocAuc ?? NaN, ref.rocAuc], ['prAuc', b?.prAuc ?? NaN, ref.averagePrecision ?? NaN], ['brierPositive', b?.brierPositive ?? NaN, ref.brierPositive ?? NaN]);
    const bins = b?.calibration ?? [];
    out.push(['calibration bins', bins.length, ref.calibration?.bins.length ?? NaN]);
    ref.calibration?.bins.forEach((bin, i) => {
      out.push([`calibration[${bin.bin}].bin`, bins[i]?.bin ?? NaN, bin.bin], [`calibration[${bin.bin}].count`, bins[i]?.count ?? NaN, bin.count]);
      out.push([`calibration[${bin.bin}].meanPredicted`, bins[i]?.meanPredicted ?? NaN, bin.meanPredicted]);
      out.push([`calibration[${bin.bin}].fractionPositive`, bins[i]?.fractionPositive ?? NaN, bin.fractionPositive]);
    });
  }
  return out;
}

function expectClose(ours: Metrics, ref: ReferenceMetrics): void {
  const off = pairs(ours, ref).filter(([, a, b]) => !(Math.abs(a - b) <= TOLERANCE));
  expect(off).toEqual([]);
}

describe.each(['breast-cancer', 'iris', 'diabetes', 'penguins-lightgbm'])('Given the %s example evaluated on its test.csv', (example) => {
  let record: EvaluationRecord;
  const ref = reference(example);
  beforeAll(async () => {
    record = await evaluateModel({ modelDir: join(EXAMPLES, example), now: new Date(0) });
  });

  test('Then it names the committed model by its SHA-256', () => {
    expect(record.model.sha256).toBe(ref.modelSha256);
  });

  test("Then every metric equals scikit-learn's within 1e-6", () => {
    expectClose(record.metrics, ref.metrics);
  });

  test("Then the trivial baseline's metrics equal scikit-learn's within 1e-6", () => {
    expectClose(record.baselines.trivial.metrics, ref.baseline.metrics);
  });

  test('Then no row is rejected and the verdict passes', () => {
    expect(record.rejected).toEqual({ count: 0, share: 0, byReason: [] });
    expect(record.verdict.failures).toEqual([]);
  });
});

describe('Given penguins-lightgbm evaluated on the penguin rows with island and sex, sliced by both', () => {
  const ref = reference('penguins-lightgbm');
  let record: EvaluationRecord;
  beforeAll(async () => {
    record = await evaluateModel({
      modelDir: join(EXAMPLES, 'penguins-lightgbm'),
      data: join(EXAMPLES, 'penguins-sklearn', 'test.csv'),
      sliceBy: ['island', 'sex'],
      now: new Date(0),
    });
  });

  test('Then every slice value of the reference is reported, and only those', () => {
    for (const column of ['island', 'sex']) expect(Object.keys(record.slices[column]).sort()).toEqual(Object.keys(ref.slices?.[column] ?? {}).sort());
  });

  test.each([
    ['island', 'Biscoe'],
    ['island', 'Dream'],
    ['island', 'Torgersen'],
    ['sex', 'female'],
    ['sex', 'male'],
    ['sex', '(missing)'],
  ])("Then the metrics of %s=%s equal scikit-learn's within 1e-6", (column, value) => {
    expectClose(record.slices[column][value].metrics, ref.slices?.[column][value] ?? { rows: NaN });
  });
});
