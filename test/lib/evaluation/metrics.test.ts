/**
 * The metric functions on small hand-checked cases: the edges scikit-learn defines (ties, 0/0, zero targets).
 */
import { classificationMetrics } from '../../../lib/evaluation/classification-metrics';
import { averagePrecision, calibrationCurve, calibrationEdges, rocAuc } from '../../../lib/evaluation/ranking-metrics';
import { regressionMetrics } from '../../../lib/evaluation/regression-metrics';

const scores = (...values: number[]) => Float64Array.from(values);

describe('Given binary scores', () => {
  test('When positives and negatives tie on a score, then the tie counts 1/2 in ROC AUC', () => {
    expect(rocAuc(scores(0.5, 0.5), [true, false])).toBe(0.5);
    expect(rocAuc(scores(0.9, 0.5, 0.5, 0.1), [true, true, false, false])).toBe(0.875);
  });

  test('When the ranking is perfect, then ROC AUC and average precision are 1', () => {
    expect(rocAuc(scores(0.9, 0.8, 0.2), [true, true, false])).toBe(1);
    expect(averagePrecision(scores(0.9, 0.8, 0.2), [true, true, false])).toBe(1);
  });

  test('When a negative ranks first, then average precision is the step-wise sum (R_n - R_n-1) P_n', () => {
    // thresholds 0.9 (neg), 0.8 (pos): P = 1/2 at R = 1
    expect(averagePrecision(scores(0.9, 0.8), [false, true])).toBe(0.5);
  });

  test('When a class is absent, then ROC AUC is 0 rather than NaN', () => {
    expect(rocAuc(scores(0.9, 0.1), [true, true])).toBe(0);
  });

  test('When probabilities sit on bin edges, then a bin holds (edge k, edge k+1] and bin 0 also holds 0', () => {
    expect(calibrationEdges()[3]).toBe(0.30000000000000004);
    const bins = calibrationCurve(scores(0, 0.1, 0.30000000000000004, 1), [false, false, true, true]);
    expect(bins.map((b) => [b.bin, b.count])).toEqual([[0, 2], [2, 1], [9, 1]]);
  });
});

describe('Given classification rows', () => {
  const rows = (truth: number[], probabilities: number[]) => ({ labels: ['a', 'b', 'c'], truth, probabilities: Float64Array.from(probabilities) });

  test('When a label is never predicted, then its precision is 0 (zero_division=0) and the macro average still counts it', () => {
    const m = classificationMetrics(rows([0, 1], [0.8, 0.1, 0.1, 0.2, 0.7, 0.1]));
    expect(m.perClass.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.macro.f1).toBeCloseTo(2 / 3, 15);
    expect(m.weighted.f1).toBe(1);
  });

  test('When two labels tie for the largest probability, then the first label is predicted, as the runtime does', () => {
    const m = classificationMetrics(rows([1], [0.4, 0.4, 0.2]));
    expect(m.confusionMatrix.matrix[1]).toEqual([1, 0, 0]);
  });

  test('When the true label gets probability 0, then log loss is clipped at -ln(eps) instead of Infinity', () => {
    expect(classificationMetrics(rows([2], [0.5, 0.5, 0])).logLoss).toBeCloseTo(36.04365338911715, 10);
  });

  test('When there are three labels, then there are no binary figures', () => {
    expect(classificationMetrics(rows([0], [1, 0, 0])).binary).toBeUndefined();
  });
});

describe('Given regression rows', () => {
  test('When some targets are 0, then MAPE leaves them out and says how many', () => {
    const m = regressionMetrics([0, 2, 4], [1, 1, 5]);
    expect(m.mape).toBe((0.5 + 0.25) / 2);
    expect(m.mapeRowsSkipped).toBe(1);
    expect(m.mae).toBe(1);
    expect(m.rmse).toBe(1);
  });

  test('When every target is 0, then MAPE is null', () => {
    expect(regressionMetrics([0, 0], [1, 1]).mape).toBeNull();
  });

  test('When every target is the same, then R² is 1 for exact predictions and 0 otherwise (force_finite)', () => {
    expect(regressionMetrics([3, 3], [3, 3]).r2).toBe(1);
    expect(regressionMetrics([3, 3], [2, 4]).r2).toBe(0);
  });

  test.each([
    [[], [], 'at least one row'],
    [[1], [1, 2], 'got 2 predictions for 1 targets'],
  ])('When given %p and %p, then it is refused', (actual, predicted, message) => {
    expect(() => regressionMetrics(actual, predicted)).toThrow(message);
  });
});

describe('Given a slice that holds one class of three', () => {
  const rows3 = (truth: number[], probabilities: number[]) => ({ labels: ['a', 'b', 'c'], truth, probabilities: Float64Array.from(probabilities) });
  it('averages macro metrics over the labels present in its truth or predictions (scikit-learn without labels=)', () => {
    // Three rows of class 0, all predicted right: a perfect slice has macro F1 1, not 1/3.
    const m = classificationMetrics(rows3([0, 0, 0], [0.9, 0.05, 0.05, 0.8, 0.1, 0.1, 0.7, 0.2, 0.1]), 'a', 'present');
    expect(m.macro.f1).toBe(1);
    expect(classificationMetrics(rows3([0, 0, 0], [0.9, 0.05, 0.05, 0.8, 0.1, 0.1, 0.7, 0.2, 0.1])).macro.f1).toBeCloseTo(1 / 3, 12);
    expect(m.perClass['b'].support).toBe(0);
  });

  it('counts a label that is only predicted (a false positive) in the average', () => {
    const m = classificationMetrics(rows3([0, 0], [0.9, 0.05, 0.05, 0.2, 0.7, 0.1]), 'a', 'present');
    expect(m.macro.f1).toBeCloseTo((2 / 3 + 0) / 2, 12);
  });
});
